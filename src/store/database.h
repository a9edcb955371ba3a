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
class statement;
class row;
}  // namespace soci

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

  struct Conn;

  // A connection borrowed from the pool for the duration of one unit of work. Inside a Scope
  // the lease is the scope's connection and gives nothing back when it ends.
  class Lease {
   public:
    Lease(Database* db, Conn* c, bool owning) : db_(db), c_(c), owning_(owning) {}
    Lease(Lease&& o) noexcept : db_(o.db_), c_(o.c_), owning_(o.owning_) { o.c_ = nullptr; }
    Lease(const Lease&) = delete;
    ~Lease();
    soci::session& operator*() const;
    soci::session* operator->() const { return &**this; }
    Conn& conn() const { return *c_; }

   private:
    Database* db_;
    Conn* c_;
    bool owning_;
  };
  Lease acquire();

  // One connection for everything this thread does with the store until the scope ends (one
  // web request): every run() and transaction() inside it uses that connection, and a
  // transaction inside a transaction becomes a savepoint. Scopes nest; the outermost one
  // gives the connection back.
  class Scope {
   public:
    explicit Scope(Database& db);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Database* db_;
    Conn* conn_ = nullptr;  // set when this scope took the connection
  };

  // Runs `work` inside one transaction; any exception rolls it back and becomes an Error.
  Status transaction(const std::function<void(soci::session&)>& work);

  // A transaction (not a savepoint inside one) that waited long to begin or ran long. On SQLite
  // it begins by taking the write lock, so `waited_ms` is the time queued behind other writers
  // and `held_ms` how long it kept them waiting.
  struct SlowTransaction {
    double waited_ms = 0;  // until BEGIN returned
    double held_ms = 0;    // from then until COMMIT or ROLLBACK returned
    bool committed = false;
  };
  // Calls `report` on the transaction's thread after each transaction whose wait or hold
  // reached `threshold_ms`: the server logs them, so a slow step can be traced to the write
  // that held it up. Set it before the Database is shared between threads.
  void on_slow_transaction(double threshold_ms, std::function<void(const SlowTransaction&)> report);
  // Runs `work` on a pooled connection, turning driver exceptions into an Error.
  Status run(const std::function<void(soci::session&)>& work);
  // Several store calls as one transaction, for code above the store (no SOCI): everything
  // `work` does through this Database commits together when it returns ok, or not at all.
  Status in_transaction(const std::function<Status()>& work);

  // A statement prepared once per pooled connection and run again with new values: `bind`
  // exchanges the use() values (and may add into()), `each` reads every row. The session must
  // be one this Database handed out (inside run() or transaction()).
  void query(soci::session& s, const std::string& sql,
             const std::function<void(soci::statement&)>& bind,
             const std::function<void(const soci::row&)>& each);

 private:
  struct Pool;
  Database(Backend backend, std::unique_ptr<Pool> pool);
  Conn* take();
  void release(Conn* c);
  Conn* conn_of(soci::session& s) const;

  Backend backend_;
  std::unique_ptr<Pool> pool_;
  double slow_threshold_ms_ = 0;
  std::function<void(const SlowTransaction&)> report_slow_;
};

// Applies every migration that has not been recorded yet, each in its own transaction.
// Returns how many were applied.
Result<int> migrate(Database& db);
// The newest schema version this build knows.
int latest_schema_version();
Result<int> current_schema_version(Database& db);

}  // namespace sb::store
