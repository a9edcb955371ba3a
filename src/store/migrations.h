// Numbered schema migrations, contributed by the features (web/module.h) and applied in order.
// Statements are written once for both back ends; the few words that differ are written as markers:
// {{PK}} an auto-increment key, {{RANDOM_ID}} a random 32-character hex id for existing rows.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace sb::store {

struct Migration {
  int version;
  std::string name;
  std::vector<std::string> statements;
};

// Merges the features' migrations by version. Parts of one version from several features run in
// one transaction (version 6 created the tables of two features at once).
std::vector<Migration> merge_migrations(const std::vector<std::vector<Migration>>& parts);
// Applies every migration that has not been recorded yet, each in its own transaction.
// Returns how many were applied.
Result<int> migrate(Database& db, const std::vector<Migration>& migrations);
int latest_schema_version(const std::vector<Migration>& migrations);
Result<int> current_schema_version(Database& db);
// Every table of the schema, for the coverage test.
Result<std::vector<std::string>> table_names(Database& db);

}  // namespace sb::store
