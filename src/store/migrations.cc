// Numbered schema migrations. Each is a list of statements written once for both back ends;
// the few words that differ are written as {{PK}} (auto-increment key) and replaced per dialect.
#include <soci/soci.h>

#include <string>
#include <vector>

#include "store/database.h"
#include "store/errors.h"

namespace sb::store {
namespace {

struct Migration {
  int version;
  const char* name;
  std::vector<std::string> statements;
};

const std::vector<Migration>& all_migrations() {
  static const std::vector<Migration> migrations = {
      {1,
       "accounts and sessions",
       {
           "CREATE TABLE users ("
           " id {{PK}},"
           " email TEXT NOT NULL UNIQUE,"
           " password_hash TEXT NOT NULL,"
           " role TEXT NOT NULL CHECK (role IN ('member','clinician','admin')),"
           " created_at BIGINT NOT NULL,"
           " password_changed_at BIGINT NOT NULL)",
           "CREATE TABLE sessions ("
           " id {{PK}},"
           " token_hash TEXT NOT NULL UNIQUE,"
           " csrf_token TEXT NOT NULL,"
           " user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,"
           " created_at BIGINT NOT NULL,"
           " last_seen_at BIGINT NOT NULL)",
           "CREATE INDEX sessions_user ON sessions(user_id)",
           "CREATE TABLE login_failures ("
           " id {{PK}},"
           " account_key TEXT NOT NULL,"
           " address TEXT NOT NULL,"
           " at BIGINT NOT NULL)",
           "CREATE INDEX login_failures_account ON login_failures(account_key, at)",
           "CREATE INDEX login_failures_address ON login_failures(address, at)",
       }},
      {2,
       "assessments",
       {
           "CREATE TABLE assessments ("
           " id {{PK}},"
           " public_id TEXT NOT NULL UNIQUE,"
           " user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,"
           " session_id BIGINT,"
           " instrument_id TEXT NOT NULL,"
           " instrument_version TEXT NOT NULL,"
           " consent INTEGER NOT NULL CHECK (consent IN (0, 1)),"
           " status TEXT NOT NULL CHECK (status IN ('in_progress', 'completed')),"
           " started_at BIGINT NOT NULL,"
           " completed_at BIGINT,"
           " result_json TEXT)",
           "CREATE INDEX assessments_user ON assessments(user_id, started_at)",
           "CREATE INDEX assessments_session ON assessments(session_id)",
           "CREATE TABLE assessment_answers ("
           " assessment_id BIGINT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,"
           " position INTEGER NOT NULL,"
           " item_id TEXT NOT NULL,"
           " answer INTEGER NOT NULL,"
           " answered_at BIGINT NOT NULL,"
           " PRIMARY KEY (assessment_id, position))",
       }},
      {3,
       "journal",
       {
           "CREATE TABLE journal_entries ("
           " id {{PK}},"
           " public_id TEXT NOT NULL UNIQUE,"
           " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
           " occurred_on TEXT NOT NULL,"
           " kind TEXT NOT NULL CHECK (kind IN ('quick', 'full')),"
           " sealed TEXT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " updated_at BIGINT NOT NULL)",
           "CREATE INDEX journal_user ON journal_entries(user_id, occurred_on)",
       }},
      {4,
       "practice logs",
       {
           "CREATE TABLE practice_logs ("
           " id {{PK}},"
           " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
           " skill_id TEXT NOT NULL,"
           " practiced_at BIGINT NOT NULL,"
           " distress_before INTEGER NOT NULL CHECK (distress_before BETWEEN 0 AND 10),"
           " distress_after INTEGER NOT NULL CHECK (distress_after BETWEEN 0 AND 10),"
           " note_sealed TEXT NOT NULL)",
           "CREATE INDEX practice_logs_user ON practice_logs(user_id, practiced_at)",
       }},
      {5,
       "regulation check-ins",
       {
           "CREATE TABLE regulation_checkins ("
           " id {{PK}},"
           " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
           " week_start TEXT NOT NULL,"
           " taken_at BIGINT NOT NULL,"
           " answers TEXT NOT NULL,"
           " UNIQUE (user_id, week_start))",
       }},
      {6,
       "pause and reconsider, weekly plans, calendar feeds",
       {
           "CREATE TABLE reconsiderations ("
           " id {{PK}},"
           " public_id TEXT NOT NULL UNIQUE,"
           " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
           " occurred_on TEXT NOT NULL,"
           " sealed TEXT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " updated_at BIGINT NOT NULL)",
           "CREATE INDEX reconsiderations_user ON reconsiderations(user_id, occurred_on)",
           "CREATE TABLE weekly_plans ("
           " user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
           " items TEXT NOT NULL,"
           " started_at BIGINT NOT NULL,"
           " updated_at BIGINT NOT NULL)",
           "CREATE TABLE calendar_feeds ("
           " user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
           " token_hash TEXT NOT NULL UNIQUE,"
           " token_sealed TEXT NOT NULL,"
           " created_at BIGINT NOT NULL)",
       }},
  };
  return migrations;
}

std::string for_dialect(std::string sql, Backend backend) {
  const std::string pk = backend == Backend::kSqlite
                             ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                             : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
  for (size_t pos; (pos = sql.find("{{PK}}")) != std::string::npos;) sql.replace(pos, 6, pk);
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

int latest_schema_version() { return all_migrations().back().version; }

Result<int> current_schema_version(Database& db) {
  int version = 0;
  auto st = db.run([&](soci::session& s) {
    ensure_migrations_table(s);
    version = read_version(s);
  });
  if (!st) return st.error();
  return version;
}

Result<int> migrate(Database& db) {
  int applied = 0;
  auto st = db.run([&](soci::session& s) { ensure_migrations_table(s); });
  if (!st) return st.error();
  for (const auto& m : all_migrations()) {
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
