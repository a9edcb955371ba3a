// The tables of accounts, sessions, two-factor, grants and the access audit.
#pragma once

#include <vector>

#include "store/migrations.h"

namespace sb::accounts {

std::vector<store::Migration> migrations();

}  // namespace sb::accounts
