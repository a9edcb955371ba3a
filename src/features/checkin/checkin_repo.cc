#include "features/checkin/checkin_repo.h"

#include <soci/soci.h>

#include "store/errors.h"
#include "store/owned_rows.h"
#include "store/query.h"

namespace sb::store {
namespace {
using ll = long long;
}  // namespace

Status CheckinRepo::save(int64_t user_id, const CheckinRecord& r) {
  const ll uid = user_id, t = r.taken_at;
  return db_.transaction([&](soci::session& s) {
    s << "DELETE FROM regulation_checkins WHERE user_id = :u AND week_start = :w", soci::use(uid),
        soci::use(r.week_start);
    s << "INSERT INTO regulation_checkins(user_id, week_start, taken_at, answers) VALUES(:u, :w, "
         ":t, :a)",
        soci::use(uid), soci::use(r.week_start), soci::use(t), soci::use(r.answers);
  });
}

Result<std::vector<CheckinRecord>> CheckinRepo::for_user(int64_t user_id) {
  const ll uid = user_id;
  return select_all<CheckinRecord>(
      db_,
      "SELECT week_start, taken_at, answers FROM regulation_checkins WHERE user_id = :u "
      "ORDER BY week_start",
      [&](const soci::row& r) -> CheckinRecord {
        return {r.get<std::string>(0), get_int64(r, 1), r.get<std::string>(2)};
      },
      uid);
}

void CheckinRepo::erase_user(soci::session& s, int64_t user_id) {
  const long long id = user_id;
  s << "DELETE FROM regulation_checkins WHERE user_id = :i", soci::use(id);
}

Result<std::map<int64_t, std::string>> CheckinRepo::latest_weeks(
    const std::vector<int64_t>& user_ids) {
  std::map<int64_t, std::string> out;
  if (user_ids.empty()) return out;
  std::vector<ll> ids(user_ids.begin(), user_ids.end());
  std::string in;
  for (size_t i = 0; i < ids.size(); ++i) in += (i ? ", :u" : ":u") + std::to_string(i);
  const std::string sql =
      "SELECT user_id, MAX(week_start) FROM regulation_checkins WHERE user_id IN (" + in +
      ") GROUP BY user_id";
  auto st = db_.run([&](soci::session& s) {
    db_.query(
        s, sql,
        [&](soci::statement& stmt) {
          for (const ll& id : ids) stmt.exchange(soci::use(id));
        },
        [&](const soci::row& r) { out[get_int64(r, 0)] = r.get<std::string>(1); });
  });
  if (!st) return st.error();
  return out;
}

}  // namespace sb::store
