#include "features/reconsider/reconsider_repo.h"

#include <soci/soci.h>

#include "store/errors.h"
#include "store/owned_rows.h"

namespace sb::store {
namespace {

using ll = long long;
constexpr const char* kColumns =
    "SELECT id, public_id, user_id, occurred_on, sealed, created_at, updated_at FROM "
    "reconsiderations ";

ReconsiderRecord read(const soci::row& r) {
  return {get_int64(r, 0),       r.get<std::string>(1), get_int64(r, 2), r.get<std::string>(3),
          r.get<std::string>(4), get_int64(r, 5),       get_int64(r, 6)};
}

}  // namespace

Status ReconsiderRepo::create(const ReconsiderRecord& r) {
  const ll uid = r.user_id, c = r.created_at, u = r.updated_at;
  return db_.run([&](soci::session& s) {
    s << "INSERT INTO reconsiderations(public_id, user_id, occurred_on, sealed, created_at, "
         "updated_at) VALUES(:p, :u, :o, :s, :c, :m)",
        soci::use(r.public_id), soci::use(uid), soci::use(r.occurred_on), soci::use(r.sealed),
        soci::use(c), soci::use(u);
  });
}

Status ReconsiderRepo::update(const ReconsiderRecord& r) {
  const ll uid = r.user_id, t = r.updated_at;
  return db_.transaction([&](soci::session& s) {
    require_owned_row(s, "reconsiderations", r.public_id, uid, "exercise");
    s << "UPDATE reconsiderations SET occurred_on = :o, sealed = :s, updated_at = :t WHERE "
         "public_id = :p AND user_id = :u",
        soci::use(r.occurred_on), soci::use(r.sealed), soci::use(t), soci::use(r.public_id),
        soci::use(uid);
  });
}

Status ReconsiderRepo::remove(const std::string& public_id, int64_t user_id) {
  return remove_owned_row(db_, "reconsiderations", public_id, user_id, "exercise");
}

Result<std::optional<ReconsiderRecord>> ReconsiderRepo::find(const std::string& public_id,
                                                             int64_t user_id) {
  return find_owned_row<ReconsiderRecord>(db_, kColumns, public_id, user_id, read);
}

Result<std::vector<ReconsiderRecord>> ReconsiderRepo::for_user(int64_t user_id) {
  const ll uid = user_id;
  return select_all<ReconsiderRecord>(
      db_, std::string(kColumns) + "WHERE user_id = :u ORDER BY occurred_on DESC, id DESC", read,
      uid);
}

Result<std::vector<ReconsiderRecord>> ReconsiderRepo::all() {
  return select_all<ReconsiderRecord>(db_, std::string(kColumns) + "ORDER BY id", read);
}

Status ReconsiderRepo::replace_sealed(int64_t id, const std::string& sealed) {
  const ll key = id;
  return db_.run([&](soci::session& s) {
    s << "UPDATE reconsiderations SET sealed = :s WHERE id = :i", soci::use(sealed), soci::use(key);
  });
}

void ReconsiderRepo::erase_user(soci::session& s, int64_t user_id) {
  const long long id = user_id;
  s << "DELETE FROM reconsiderations WHERE user_id = :i", soci::use(id);
}

}  // namespace sb::store
