// The migration runner. The migrations themselves belong to the features (module.cc).
#include "store/migrations.h"

#include <soci/soci.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "store/database.h"
#include "store/errors.h"

namespace sb::store {
namespace {

std::string for_dialect(std::string sql, Backend backend) {
  const std::string pk = backend == Backend::kSqlite
                             ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                             : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
  const std::string random_id = backend == Backend::kSqlite
                                    ? "lower(hex(randomblob(16)))"
                                    : "md5(random()::text || clock_timestamp()::text)";
  for (size_t pos; (pos = sql.find("{{PK}}")) != std::string::npos;) sql.replace(pos, 6, pk);
  for (size_t pos; (pos = sql.find("{{RANDOM_ID}}")) != std::string::npos;)
    sql.replace(pos, 13, random_id);
  return sql;
}

void ensure_migrations_table(soci::session& s) {
  s << "CREATE TABLE IF NOT EXISTS schema_migrations ("
       " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
}

int read_version(soci::session& s) {
  int version = 0;
  soci::indicator ind;
  s << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
  return ind == soci::i_ok ? version : 0;
}

}  // namespace

std::vector<Migration> merge_migrations(const std::vector<std::vector<Migration>>& parts) {
  std::map<int, Migration> by_version;
  for (const auto& list : parts) {
    for (const auto& m : list) {
      auto [it, added] = by_version.try_emplace(m.version, m);
      if (added) continue;
      it->second.name += ", " + m.name;
      it->second.statements.insert(it->second.statements.end(), m.statements.begin(),
                                   m.statements.end());
    }
  }
  std::vector<Migration> out;
  out.reserve(by_version.size());
  for (auto& [version, m] : by_version) out.push_back(std::move(m));
  return out;
}

int latest_schema_version(const std::vector<Migration>& migrations) {
  return migrations.empty() ? 0 : migrations.back().version;
}

Result<std::vector<std::string>> table_names(Database& db) {
  std::vector<std::string> names;
  auto st = db.run([&](soci::session& s) {
    const std::string sql =
        db.backend() == Backend::kSqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
              "ORDER BY name"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = "
              "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name";
    soci::rowset<std::string> rows = (s.prepare << sql);
    for (const auto& n : rows) names.push_back(n);
  });
  if (!st) return st.error();
  return names;
}

Result<int> current_schema_version(Database& db) {
  int version = 0;
  auto st = db.run([&](soci::session& s) {
    ensure_migrations_table(s);
    version = read_version(s);
  });
  if (!st) return st.error();
  return version;
}

Result<int> migrate(Database& db, const std::vector<Migration>& migrations) {
  int applied = 0;
  auto st = db.run([&](soci::session& s) { ensure_migrations_table(s); });
  if (!st) return st.error();
  for (const auto& m : migrations) {
    auto step = db.transaction([&](soci::session& s) {
      if (db.backend() == Backend::kPostgres) {
        // Several app servers may start at once: one migrates, the others wait, then see it done.
        s << "SELECT pg_advisory_xact_lock(7340001)";
      }
      if (read_version(s) >= m.version) return;
      for (const auto& sql : m.statements) s << for_dialect(sql, db.backend());
      const std::string name = m.name;
      const long long now = static_cast<long long>(std::time(nullptr));
      s << "INSERT INTO schema_migrations(version, name, applied_at) VALUES(:v, :n, :t)",
          soci::use(m.version), soci::use(name), soci::use(now);
      ++applied;
    });
    if (!step) return step.error();
  }
  return applied;
}

}  // namespace sb::store
