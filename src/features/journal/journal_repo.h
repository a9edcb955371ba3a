// Rows of journal entries. Every free-text field lives inside `sealed`, encrypted above this
// layer; the store sees only dates, the entry kind and ciphertext.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace sb::store {

struct JournalRecord {
  int64_t id = 0;
  std::string public_id;
  int64_t user_id = 0;
  std::string occurred_on;  // YYYY-MM-DD
  std::string kind;         // quick | full
  std::string sealed;
  int64_t created_at = 0, updated_at = 0;
};

class JournalRepo {
 public:
  // Every row of the user, inside account deletion's transaction.
  static void erase_user(soci::session& s, int64_t user_id);
  explicit JournalRepo(Database& db) : db_(db) {}
  Result<int64_t> create(const JournalRecord& r);
  // Updates and deletes touch only the owner's row; kNotFound otherwise.
  Status update(const JournalRecord& r);
  Status remove(const std::string& public_id, int64_t user_id);
  Result<std::optional<JournalRecord>> find(const std::string& public_id, int64_t user_id);
  Result<std::vector<JournalRecord>> for_user(int64_t user_id);  // newest first
  // One page of the user's entries, newest first.
  Result<std::vector<JournalRecord>> page_for_user(int64_t user_id, int limit, int offset);
  // Entries between two dates (inclusive), oldest first.
  Result<std::vector<JournalRecord>> between_for_user(int64_t user_id, const std::string& from,
                                                      const std::string& to);
  // The dates of the user's entries between two dates (inclusive), for the calendar view.
  Result<std::vector<std::string>> dates_for_user(int64_t user_id, const std::string& from,
                                                  const std::string& to);
  // Every row, for key rotation: (id, sealed).
  Result<std::vector<JournalRecord>> all();
  Status replace_sealed(int64_t id, const std::string& sealed);

 private:
  Database& db_;
};

}  // namespace sb::store
