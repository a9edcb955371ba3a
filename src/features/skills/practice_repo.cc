#include "features/skills/practice_repo.h"

#include <soci/soci.h>

#include "store/errors.h"
#include "store/owned_rows.h"
#include "store/query.h"

namespace sb::store {
namespace {
using ll = long long;
}  // namespace

namespace {
constexpr const char* kPracticeColumns =
    "SELECT id, user_id, skill_id, practiced_at, distress_before, distress_after, note_sealed FROM "
    "practice_logs ";
PracticeRecord read_practice(const soci::row& r) {
  return {get_int64(r, 0),
          get_int64(r, 1),
          r.get<std::string>(2),
          get_int64(r, 3),
          static_cast<int>(get_int64(r, 4)),
          static_cast<int>(get_int64(r, 5)),
          r.get<std::string>(6)};
}
}  // namespace

Result<int64_t> PracticeRepo::create(const PracticeRecord& r) {
  ll id = 0, uid = r.user_id, at = r.practiced_at;
  auto st = db_.run([&](soci::session& s) {
    s << "INSERT INTO practice_logs(user_id, skill_id, practiced_at, distress_before, "
         "distress_after, note_sealed) "
         "VALUES(:u, :s, :t, :b, :a, :n) RETURNING id",
        soci::use(uid), soci::use(r.skill_id), soci::use(at), soci::use(r.before),
        soci::use(r.after), soci::use(r.note_sealed), soci::into(id);
  });
  if (!st) return st.error();
  return static_cast<int64_t>(id);
}

Result<std::vector<PracticeRecord>> PracticeRepo::for_user(int64_t user_id) {
  return select_all<PracticeRecord>(
      db_, std::string(kPracticeColumns) + "WHERE user_id = :u ORDER BY practiced_at DESC, id DESC",
      read_practice, static_cast<ll>(user_id));
}

Result<std::vector<PracticeRecord>> PracticeRepo::summaries_for_user(int64_t user_id) {
  const ll uid = user_id;
  return select_all<PracticeRecord>(
      db_,
      "SELECT skill_id, practiced_at, distress_before, distress_after FROM "
      "practice_logs WHERE user_id = :u ORDER BY practiced_at, id",
      [&](const soci::row& r) -> PracticeRecord {
        return {0,
                user_id,
                r.get<std::string>(0),
                get_int64(r, 1),
                static_cast<int>(get_int64(r, 2)),
                static_cast<int>(get_int64(r, 3)),
                ""};
      },
      uid);
}

Result<std::vector<PracticeRecord>> PracticeRepo::all() {
  return select_all<PracticeRecord>(db_, std::string(kPracticeColumns) + "ORDER BY id",
                                    read_practice);
}

Status PracticeRepo::replace_note(int64_t id, const std::string& sealed) {
  const ll key = id;
  return db_.run([&](soci::session& s) {
    s << "UPDATE practice_logs SET note_sealed = :s WHERE id = :i", soci::use(sealed),
        soci::use(key);
  });
}

void PracticeRepo::erase_user(soci::session& s, int64_t user_id) {
  const long long id = user_id;
  s << "DELETE FROM practice_logs WHERE user_id = :i", soci::use(id);
}

}  // namespace sb::store
