// Rows of the pause-and-reconsider exercise. Free text lives only inside `sealed`, encrypted
// above this layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace sb::store {

struct ReconsiderRecord {
  int64_t id = 0;
  std::string public_id;
  int64_t user_id = 0;
  std::string occurred_on;  // YYYY-MM-DD
  std::string sealed;
  int64_t created_at = 0, updated_at = 0;
};

class ReconsiderRepo {
 public:
  // Every row of the user, inside account deletion's transaction.
  static void erase_user(soci::session& s, int64_t user_id);
  explicit ReconsiderRepo(Database& db) : db_(db) {}
  Status create(const ReconsiderRecord& r);
  // Replaces the date and sealed text of the owner's row; kNotFound when it is not theirs.
  Status update(const ReconsiderRecord& r);
  Status remove(const std::string& public_id, int64_t user_id);
  Result<std::optional<ReconsiderRecord>> find(const std::string& public_id, int64_t user_id);
  Result<std::vector<ReconsiderRecord>> for_user(int64_t user_id);  // newest first
  Result<std::vector<ReconsiderRecord>> all();                      // for key rotation
  Status replace_sealed(int64_t id, const std::string& sealed);

 private:
  Database& db_;
};

}  // namespace sb::store
