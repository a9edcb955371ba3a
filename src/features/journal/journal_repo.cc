#include "features/journal/journal_repo.h"

#include <soci/soci.h>

#include "store/errors.h"
#include "store/owned_rows.h"
#include "store/query.h"

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
  return select_all<JournalRecord>(
      db_, std::string(kColumns) + "WHERE user_id = :u ORDER BY occurred_on DESC, id DESC", read,
      static_cast<ll>(user_id));
}

Result<std::vector<JournalRecord>> JournalRepo::page_for_user(int64_t user_id, int limit,
                                                              int offset) {
  const ll uid = user_id;
  return select_all<JournalRecord>(
      db_,
      std::string(kColumns) +
          "WHERE user_id = :u ORDER BY occurred_on DESC, id DESC LIMIT :l OFFSET :o",
      [&](const soci::row& r) -> JournalRecord { return read(r); }, uid, limit, offset);
}

Result<std::vector<JournalRecord>> JournalRepo::between_for_user(int64_t user_id,
                                                                 const std::string& from,
                                                                 const std::string& to) {
  const ll uid = user_id;
  return select_all<JournalRecord>(
      db_,
      std::string(kColumns) +
          "WHERE user_id = :u AND occurred_on >= :f AND occurred_on <= :t "
          "ORDER BY occurred_on, id",
      [&](const soci::row& r) -> JournalRecord { return read(r); }, uid, from, to);
}

Result<std::vector<std::string>> JournalRepo::dates_for_user(int64_t user_id,
                                                             const std::string& from,
                                                             const std::string& to) {
  std::vector<std::string> out;
  const ll uid = user_id;
  auto st = db_.run([&](soci::session& s) {
    each_row(
        db_, s,
        "SELECT occurred_on FROM journal_entries WHERE user_id = :u AND "
        "occurred_on >= :f AND occurred_on <= :t ORDER BY occurred_on",
        [&](const soci::row& r) { out.push_back(r.get<std::string>(0)); }, uid, from, to);
  });
  if (!st) return st.error();
  return out;
}

Result<std::vector<JournalRecord>> JournalRepo::all() {
  return select_all<JournalRecord>(db_, std::string(kColumns) + "ORDER BY id", read);
}

Status JournalRepo::replace_sealed(int64_t id, const std::string& sealed) {
  const ll key = id;
  return db_.run([&](soci::session& s) {
    s << "UPDATE journal_entries SET sealed = :s WHERE id = :i", soci::use(sealed), soci::use(key);
  });
}

void JournalRepo::erase_user(soci::session& s, int64_t user_id) {
  const long long id = user_id;
  s << "DELETE FROM journal_entries WHERE user_id = :i", soci::use(id);
}

}  // namespace sb::store
