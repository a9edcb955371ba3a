// Copies of the store while it serves. SQLite: the online backup API copies a consistent
// snapshot page by page, letting writers go on between steps. PostgreSQL: pg_dump does that
// job (docs/OPERATIONS.md has the command); these functions refuse a postgresql:// URL.
#pragma once

#include <string>

#include "core/result.h"

namespace sb::store {

// Writes a consistent copy of the SQLite store at `database_url` to `out` (a new file, 0600).
Status backup_sqlite(const std::string& database_url, const std::string& out);
// Restores a backup file into the SQLite store at `database_url`, which must not exist yet
// (restore into a new path, then point the servers at it).
Status restore_sqlite(const std::string& backup_file, const std::string& database_url);

}  // namespace sb::store
