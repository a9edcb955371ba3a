// Fresh, migrated stores for tests, on SQLite (a temporary file) or on the PostgreSQL that
// `make test` starts (SECUREBASE_TEST_POSTGRES_URL).
#pragma once

#include <vector>

#include <utility>

#include <memory>
#include <string>

#include "store/database.h"

namespace sb::testing {

enum class TestBackend { kSqlite, kPostgres };
std::string backend_name(TestBackend b);

// Creates an empty, migrated store. Fails the current test (and returns nullptr) when the
// back end cannot be reached.
// `url_out`, when given, receives the store's URL.
std::unique_ptr<store::Database> fresh_database(TestBackend backend, size_t pool_size = 4,
                                                std::string* url_out = nullptr);

// The single number a test's own SQL (`SELECT COUNT(*) ...`) gives; -1 when it fails.
int64_t count_of(store::Database& db, const std::string& sql);

// A path in a temporary folder that is removed when the process ends.
std::string temp_path(const std::string& name);
// Every SQLite file of this test run (databases, write-ahead logs) by name, byte for byte: what
// someone who copied the files would read.
std::vector<std::pair<std::string, std::string>> raw_sqlite_files();

}  // namespace sb::testing
