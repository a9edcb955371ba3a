// The store: a pool of connections to SQLite (embedded default) or PostgreSQL.
// No SOCI type appears in this header, so code above the store never sees the driver.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"

namespace soci {
class session;
}

namespace sb::store {

enum class Backend { kSqlite, kPostgres };

struct PoolStats {
  size_t size = 0;
  size_t in_use = 0;
  uint64_t waits = 0;  // acquisitions that had to wait for a free connection
};

class Database {
 public:
  // url: "sqlite://path/to/file.db", "sqlite://:memory:" or "postgresql://user@host:port/db".
  static Result<std::unique_ptr<Database>> open(const std::string& url, size_t pool_size);
  ~Database();

  Backend backend() const { return backend_; }
  PoolStats stats() const;

  // A connection borrowed from the pool for the duration of one unit of work.
  class Lease {
   public:
    Lease(Database* db, soci::session* s) : db_(db), s_(s) {}
    Lease(Lease&& o) noexcept : db_(o.db_), s_(o.s_) { o.s_ = nullptr; }
    Lease(const Lease&) = delete;
    ~Lease();
    soci::session& operator*() const { return *s_; }
    soci::session* operator->() const { return s_; }

   private:
    Database* db_;
    soci::session* s_;
  };
  Lease acquire();

  // Runs `work` inside one transaction; any exception rolls it back and becomes an Error.
  Status transaction(const std::function<void(soci::session&)>& work);
  // Runs `work` on a pooled connection, turning driver exceptions into an Error.
  Status run(const std::function<void(soci::session&)>& work);

 private:
  struct Pool;
  Database(Backend backend, std::unique_ptr<Pool> pool);
  void release(soci::session* s);

  Backend backend_;
  std::unique_ptr<Pool> pool_;
};

// Applies every migration that has not been recorded yet, each in its own transaction.
// Returns how many were applied.
Result<int> migrate(Database& db);
// The newest schema version this build knows.
int latest_schema_version();
Result<int> current_schema_version(Database& db);

}  // namespace sb::store
