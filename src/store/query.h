// Reading rows through the connection's prepared-statement cache (internal to the store and the
// features' repositories). Each SQL text is prepared once per pooled connection and run again
// with new values, which on PostgreSQL saves a prepare and a deallocate round trip per query.
#pragma once

#include <soci/soci.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace sb::store {

// Runs `sql` with `values` bound to its parameters (:name) in order, calling `each` for every row.
template <typename... Values>
void each_row(Database& db, soci::session& s, const std::string& sql,
              const std::function<void(const soci::row&)>& each, const Values&... values) {
  db.query(
      s, sql, [&](soci::statement& st) { (st.exchange(soci::use(values)), ...); }, each);
}

// Every row of `sql` (with `values` bound in order), each turned into a Record by `read`.
template <typename Record, typename Read, typename... Values>
Result<std::vector<Record>> select_all(Database& db, const std::string& sql, Read read,
                                       const Values&... values) {
  std::vector<Record> out;
  auto st = db.run([&](soci::session& s) {
    each_row(
        db, s, sql, [&](const soci::row& r) { out.push_back(read(r)); }, values...);
  });
  if (!st) return st.error();
  return out;
}

// The last row of `sql`, if any (for queries that match at most one row).
template <typename Record, typename Read, typename... Values>
Result<std::optional<Record>> select_one(Database& db, const std::string& sql, Read read,
                                         const Values&... values) {
  std::optional<Record> found;
  auto st = db.run([&](soci::session& s) {
    each_row(
        db, s, sql, [&](const soci::row& r) { found = read(r); }, values...);
  });
  if (!st) return st.error();
  return found;
}

}  // namespace sb::store
