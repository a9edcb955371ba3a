// Helpers for tables whose rows belong to one user and are addressed by a random public id
// (internal to src/store). Table names are always string literals of the calling repository,
// never input.
#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "store/database.h"
#include "store/errors.h"
#include "store/query.h"

namespace sb::store {

// Inside a transaction: throws kNotFound unless `table` holds this user's row with this id.
inline void require_owned_row(soci::session& s, const char* table, const std::string& public_id,
                              long long user_id, const char* what) {
  long long n = 0;
  s << std::string("SELECT COUNT(*) FROM ") + table + " WHERE public_id = :p AND user_id = :u",
      soci::use(public_id), soci::use(user_id), soci::into(n);
  if (n != 1) throw StoreError{Error{ErrorCode::kNotFound, std::string("no such ") + what, ""}};
}

// Deletes the user's row; kNotFound (and nothing deleted) when it is not theirs.
inline Status remove_owned_row(Database& db, const char* table, const std::string& public_id,
                               int64_t user_id, const char* what) {
  const long long uid = user_id;
  return db.transaction([&](soci::session& s) {
    require_owned_row(s, table, public_id, uid, what);
    s << std::string("DELETE FROM ") + table + " WHERE public_id = :p AND user_id = :u",
        soci::use(public_id), soci::use(uid);
  });
}

// The user's row with this public id, if there is one. `select` ends before its WHERE clause.
template <typename Record, typename Read>
Result<std::optional<Record>> find_owned_row(Database& db, const std::string& select,
                                             const std::string& public_id, int64_t user_id,
                                             Read read) {
  const long long uid = user_id;
  return select_one<Record>(db, std::string(select) + "WHERE public_id = :p AND user_id = :u", read,
                            public_id, uid);
}

}  // namespace sb::store
