// Rows of the weekly regulation check-in (numbers only).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace sb::store {

struct CheckinRecord {
  std::string week_start;  // Monday, YYYY-MM-DD
  int64_t taken_at = 0;
  std::string answers;  // item=value pairs, comma-separated (numbers only)
};

class CheckinRepo {
 public:
  // Every row of the user, inside account deletion's transaction.
  static void erase_user(soci::session& s, int64_t user_id);
  explicit CheckinRepo(Database& db) : db_(db) {}
  // One check-in per user and week: a second one that week replaces the first.
  Status save(int64_t user_id, const CheckinRecord& r);
  Result<std::vector<CheckinRecord>> for_user(int64_t user_id);  // oldest first
  // The week of each user's latest check-in, for those of these users who have one.
  Result<std::map<int64_t, std::string>> latest_weeks(const std::vector<int64_t>& user_ids);

 private:
  Database& db_;
};

}  // namespace sb::store
