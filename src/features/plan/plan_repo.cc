#include "features/plan/plan_repo.h"

#include <soci/soci.h>

#include "store/errors.h"
#include "store/owned_rows.h"
#include "store/query.h"

namespace sb::store {
namespace {

using ll = long long;
constexpr const char* kFeedColumns =
    "SELECT user_id, token_hash, token_sealed, created_at FROM calendar_feeds ";

FeedRecord read_feed(const soci::row& r) {
  return {get_int64(r, 0), r.get<std::string>(1), r.get<std::string>(2), get_int64(r, 3)};
}

}  // namespace

Status PlanRepo::save(int64_t user_id, const std::string& items, int64_t now) {
  const ll uid = user_id, t = now;
  return db_.transaction([&](soci::session& s) {
    ll n = 0;
    s << "SELECT COUNT(*) FROM weekly_plans WHERE user_id = :u", soci::use(uid), soci::into(n);
    if (n == 0) {
      s << "INSERT INTO weekly_plans(user_id, items, started_at, updated_at) VALUES(:u, :i, :t, "
           ":m)",
          soci::use(uid), soci::use(items), soci::use(t), soci::use(t);
    } else {
      s << "UPDATE weekly_plans SET items = :i, updated_at = :t WHERE user_id = :u",
          soci::use(items), soci::use(t), soci::use(uid);
    }
  });
}

Result<std::optional<PlanRecord>> PlanRepo::find(int64_t user_id) {
  const ll uid = user_id;
  return select_one<PlanRecord>(
      db_, "SELECT items, started_at, updated_at FROM weekly_plans WHERE user_id = :u",
      [](const soci::row& r) {
        return PlanRecord{r.get<std::string>(0), get_int64(r, 1), get_int64(r, 2)};
      },
      uid);
}

Status PlanRepo::save_feed(const FeedRecord& r) {
  const ll uid = r.user_id, t = r.created_at;
  return db_.transaction([&](soci::session& s) {
    s << "DELETE FROM calendar_feeds WHERE user_id = :u", soci::use(uid);
    s << "INSERT INTO calendar_feeds(user_id, token_hash, token_sealed, created_at) VALUES(:u, "
         ":h, :s, :t)",
        soci::use(uid), soci::use(r.token_hash), soci::use(r.token_sealed), soci::use(t);
  });
}

Status PlanRepo::remove_feed(int64_t user_id) {
  const ll uid = user_id;
  return db_.run([&](soci::session& s) {
    s << "DELETE FROM calendar_feeds WHERE user_id = :u", soci::use(uid);
  });
}

Result<std::optional<FeedRecord>> PlanRepo::feed_for_user(int64_t user_id) {
  const ll uid = user_id;
  return select_one<FeedRecord>(db_, std::string(kFeedColumns) + "WHERE user_id = :u", read_feed,
                                uid);
}

Result<std::optional<FeedRecord>> PlanRepo::feed_by_token_hash(const std::string& token_hash) {
  return select_one<FeedRecord>(
      db_, std::string(kFeedColumns) + "WHERE token_hash = :h",
      [&](const soci::row& r) -> FeedRecord { return read_feed(r); }, token_hash);
}

Result<std::vector<FeedRecord>> PlanRepo::all_feeds() {
  return select_all<FeedRecord>(db_, std::string(kFeedColumns) + "ORDER BY user_id", read_feed);
}

Status PlanRepo::replace_feed_sealed(int64_t user_id, const std::string& sealed) {
  const ll uid = user_id;
  return db_.run([&](soci::session& s) {
    s << "UPDATE calendar_feeds SET token_sealed = :s WHERE user_id = :u", soci::use(sealed),
        soci::use(uid);
  });
}

void PlanRepo::erase_user(soci::session& s, int64_t user_id) {
  const long long id = user_id;
  s << "DELETE FROM weekly_plans WHERE user_id = :i", soci::use(id);
  s << "DELETE FROM calendar_feeds WHERE user_id = :i", soci::use(id);
}

}  // namespace sb::store
