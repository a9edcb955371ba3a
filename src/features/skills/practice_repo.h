// Rows of the skill practice log; the note lives only in `note_sealed`, encrypted above this layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace sb::store {

struct PracticeRecord {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string skill_id;
  int64_t practiced_at = 0;
  int before = 0, after = 0;
  std::string note_sealed;
};

class PracticeRepo {
 public:
  // Every row of the user, inside account deletion's transaction.
  static void erase_user(soci::session& s, int64_t user_id);
  explicit PracticeRepo(Database& db) : db_(db) {}
  Result<int64_t> create(const PracticeRecord& r);
  Result<std::vector<PracticeRecord>> for_user(int64_t user_id);  // newest first
  // Oldest first and without the sealed note: what charts and streaks need, read cheaply.
  Result<std::vector<PracticeRecord>> summaries_for_user(int64_t user_id);
  Result<std::vector<PracticeRecord>> all();
  Status replace_note(int64_t id, const std::string& sealed);

 private:
  Database& db_;
};

}  // namespace sb::store
