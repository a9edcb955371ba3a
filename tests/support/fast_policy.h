#pragma once

#include "accounts/crypto.h"

namespace sb::testing {
// Tests create many accounts; the production cost is checked once in crypto_test.
inline crypto::PasswordPolicy fast_password_policy() { return crypto::PasswordPolicy{1, 8192}; }
}  // namespace sb::testing
