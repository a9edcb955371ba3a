// Re-encrypts every sealed field of every growth tool from one data key to another.
#pragma once

#include "accounts/data_key.h"
#include "core/result.h"
#include "store/database.h"

namespace sb::growth {

// Safe to run again after an interruption: fields already under `to` are skipped. Returns how
// many fields were rewritten.
Result<int> rotate_data_key(store::Database& db, const crypto::DataKey& from,
                            const crypto::DataKey& to);

}  // namespace sb::growth
