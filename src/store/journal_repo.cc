#include "store/journal_repo.h"

#include <soci/soci.h>

#include "store/errors.h"
#include "store/owned_rows.h"

namespace sb::store {
namespace {

using ll = long long;
constexpr const char* kColumns =
    "SELECT id, public_id, user_id, occurred_on, kind, sealed, created_at, updated_at FROM "
    "journal_entries ";

JournalRecord read(const soci::row& r) {
  return {get_int64(r, 0),       r.get<std::string>(1), get_int64(r, 2), r.get<std::string>(3),
          r.get<std::string>(4), r.get<std::string>(5), get_int64(r, 6), get_int64(r, 7)};
}

}  // namespace

Result<int64_t> JournalRepo::create(const JournalRecord& r) {
  ll id = 0, uid = r.user_id, c = r.created_at, u = r.updated_at;
  auto st = db_.run([&](soci::session& s) {
    s << "INSERT INTO journal_entries(public_id, user_id, occurred_on, kind, sealed, created_at, "
         "updated_at) "
         "VALUES(:p, :u, :o, :k, :s, :c, :m) RETURNING id",
        soci::use(r.public_id), soci::use(uid), soci::use(r.occurred_on), soci::use(r.kind),
        soci::use(r.sealed), soci::use(c), soci::use(u), soci::into(id);
  });
  if (!st) return st.error();
  return static_cast<int64_t>(id);
}

Status JournalRepo::update(const JournalRecord& r) {
  ll uid = r.user_id, t = r.updated_at;
  return db_.transaction([&](soci::session& s) {
    require_owned_row(s, "journal_entries", r.public_id, uid, "entry");
    s << "UPDATE journal_entries SET occurred_on = :o, kind = :k, sealed = :s, updated_at = :t "
         "WHERE public_id = :p AND user_id = :u",
        soci::use(r.occurred_on), soci::use(r.kind), soci::use(r.sealed), soci::use(t),
        soci::use(r.public_id), soci::use(uid);
  });
}

Status JournalRepo::remove(const std::string& public_id, int64_t user_id) {
  return remove_owned_row(db_, "journal_entries", public_id, user_id, "entry");
}

Result<std::optional<JournalRecord>> JournalRepo::find(const std::string& public_id,
                                                       int64_t user_id) {
  return find_owned_row<JournalRecord>(db_, kColumns, public_id, user_id, read);
}

Result<std::vector<JournalRecord>> JournalRepo::for_user(int64_t user_id) {
  return select_rows<JournalRecord>(
      db_, std::string(kColumns) + "WHERE user_id = :u ORDER BY occurred_on DESC, id DESC",
      static_cast<ll>(user_id), read);
}

Result<std::vector<JournalRecord>> JournalRepo::page_for_user(int64_t user_id, int limit,
                                                              int offset) {
  std::vector<JournalRecord> out;
  const ll uid = user_id;
  auto st = db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << kColumns
                   << "WHERE user_id = :u ORDER BY occurred_on DESC, id DESC LIMIT :l OFFSET :o",
         soci::use(uid), soci::use(limit), soci::use(offset));
    for (const auto& r : rows) out.push_back(read(r));
  });
  if (!st) return st.error();
  return out;
}

Result<std::vector<JournalRecord>> JournalRepo::between_for_user(int64_t user_id,
                                                                 const std::string& from,
                                                                 const std::string& to) {
  std::vector<JournalRecord> out;
  const ll uid = user_id;
  auto st = db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << kColumns
                   << "WHERE user_id = :u AND occurred_on >= :f AND occurred_on <= :t "
                      "ORDER BY occurred_on, id",
         soci::use(uid), soci::use(from), soci::use(to));
    for (const auto& r : rows) out.push_back(read(r));
  });
  if (!st) return st.error();
  return out;
}

Result<std::vector<std::string>> JournalRepo::dates_for_user(int64_t user_id,
                                                             const std::string& from,
                                                             const std::string& to) {
  std::vector<std::string> out;
  const ll uid = user_id;
  auto st = db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT occurred_on FROM journal_entries WHERE user_id = :u AND "
                      "occurred_on >= :f AND occurred_on <= :t ORDER BY occurred_on",
         soci::use(uid), soci::use(from), soci::use(to));
    for (const auto& r : rows) out.push_back(r.get<std::string>(0));
  });
  if (!st) return st.error();
  return out;
}

Result<std::vector<JournalRecord>> JournalRepo::all() {
  return select_rows<JournalRecord>(db_, std::string(kColumns) + "ORDER BY id", std::nullopt, read);
}

Status JournalRepo::replace_sealed(int64_t id, const std::string& sealed) {
  const ll key = id;
  return db_.run([&](soci::session& s) {
    s << "UPDATE journal_entries SET sealed = :s WHERE id = :i", soci::use(sealed), soci::use(key);
  });
}

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
  return select_rows<PracticeRecord>(
      db_, std::string(kPracticeColumns) + "WHERE user_id = :u ORDER BY practiced_at DESC, id DESC",
      static_cast<ll>(user_id), read_practice);
}

Result<std::vector<PracticeRecord>> PracticeRepo::summaries_for_user(int64_t user_id) {
  std::vector<PracticeRecord> out;
  const ll uid = user_id;
  auto st = db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT skill_id, practiced_at, distress_before, distress_after FROM "
                      "practice_logs WHERE user_id = :u ORDER BY practiced_at, id",
         soci::use(uid));
    for (const auto& r : rows) {
      out.push_back({0, user_id, r.get<std::string>(0), get_int64(r, 1),
                     static_cast<int>(get_int64(r, 2)), static_cast<int>(get_int64(r, 3)), ""});
    }
  });
  if (!st) return st.error();
  return out;
}

Result<std::vector<PracticeRecord>> PracticeRepo::all() {
  return select_rows<PracticeRecord>(db_, std::string(kPracticeColumns) + "ORDER BY id",
                                     std::nullopt, read_practice);
}

Status PracticeRepo::replace_note(int64_t id, const std::string& sealed) {
  const ll key = id;
  return db_.run([&](soci::session& s) {
    s << "UPDATE practice_logs SET note_sealed = :s WHERE id = :i", soci::use(sealed),
        soci::use(key);
  });
}

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
  std::vector<CheckinRecord> out;
  const ll uid = user_id;
  auto st = db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare
             << "SELECT week_start, taken_at, answers FROM regulation_checkins WHERE user_id = :u "
                "ORDER BY week_start",
         soci::use(uid));
    for (const auto& r : rows)
      out.push_back({r.get<std::string>(0), get_int64(r, 1), r.get<std::string>(2)});
  });
  if (!st) return st.error();
  return out;
}

}  // namespace sb::store
