// Rows of the weekly plan and the private calendar feed (its token sealed above this layer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace sb::store {

struct PlanRecord {
  std::string items;  // skill ids and numbers only, see growth/plan.cc
  int64_t started_at = 0, updated_at = 0;
};

struct FeedRecord {
  int64_t user_id = 0;
  std::string token_hash, token_sealed;
  int64_t created_at = 0;
};

class PlanRepo {
 public:
  // Every row of the user, inside account deletion's transaction.
  static void erase_user(soci::session& s, int64_t user_id);
  explicit PlanRepo(Database& db) : db_(db) {}
  // Keeps the original start time when a plan is changed, so streaks survive edits.
  Status save(int64_t user_id, const std::string& items, int64_t now);
  Result<std::optional<PlanRecord>> find(int64_t user_id);
  // One feed per user; saving replaces the previous token, which stops working at once.
  Status save_feed(const FeedRecord& r);
  Status remove_feed(int64_t user_id);
  Result<std::optional<FeedRecord>> feed_for_user(int64_t user_id);
  Result<std::optional<FeedRecord>> feed_by_token_hash(const std::string& token_hash);
  Result<std::vector<FeedRecord>> all_feeds();  // for key rotation
  Status replace_feed_sealed(int64_t user_id, const std::string& sealed);

 private:
  Database& db_;
};

}  // namespace sb::store
