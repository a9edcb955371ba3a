// The one list of SecureBase's features. Adding a feature is one line in features.cc.
#pragma once

#include <vector>

#include "store/migrations.h"
#include "web/module.h"

namespace sb::app {

// In the order their modules are made: a feature that uses another's service comes after it.
std::vector<web::Feature> features();
// Every feature's migrations, merged by version.
std::vector<store::Migration> migrations();
int latest_schema_version();

}  // namespace sb::app
