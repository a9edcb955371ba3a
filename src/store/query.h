// Reading rows through the connection's prepared-statement cache (internal to the store and the
// features' repositories). Each SQL text is prepared once per pooled connection and run again
// with new values, which on PostgreSQL saves a prepare and a deallocate round trip per query.
#pragma once

#include <soci/soci.h>

#include <functional>
#include <string>

#include "store/database.h"

namespace sb::store {

// Runs `sql` with `values` bound to its placeholders in order, calling `each` for every row.
template <typename... Values>
void each_row(Database& db, soci::session& s, const std::string& sql,
              const std::function<void(const soci::row&)>& each, const Values&... values) {
  db.query(
      s, sql, [&](soci::statement& st) { (st.exchange(soci::use(values)), ...); }, each);
}

}  // namespace sb::store
