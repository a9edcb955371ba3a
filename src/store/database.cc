#include "store/database.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <boost/url/parse.hpp>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/strings.h"
#include "store/errors.h"

namespace sb::store {

// A pooled connection with its prepared statements and how deep its transactions are.
struct Database::Conn {
  std::unique_ptr<soci::session> session;
  int depth = 0;  // 0: no transaction open; n > 0: n nested levels (savepoints below the first)
  std::unordered_map<std::string, std::unique_ptr<soci::statement>> statements;
};

struct Database::Pool {
  std::vector<std::unique_ptr<Conn>> conns;
  std::unordered_map<const soci::session*, Conn*> by_session;  // fixed after open
  std::vector<Conn*> free;
  mutable std::mutex mu;
  std::condition_variable cv;
  uint64_t waits = 0;
};

namespace {

// The connection a Scope holds on this thread, and for which Database.
struct ThreadWork {
  const Database* db = nullptr;
  Database::Conn* conn = nullptr;
};
thread_local ThreadWork tls_work;

}  // namespace

namespace {

// SOCI passes libpq a key=value string, so the URL is taken apart here.
Result<std::string> postgres_conninfo(const std::string& url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return invalid("database", "not a valid postgresql:// URL");
  auto quote = [](const std::string& v) {
    std::string out = "'";
    for (char c : v) {
      if (c == '\\' || c == '\'') out.push_back('\\');
      out.push_back(c);
    }
    return out + "'";
  };
  std::string info;
  auto add = [&](const char* key, const std::string& value) {
    if (!value.empty()) info += std::string(info.empty() ? "" : " ") + key + "=" + quote(value);
  };
  add("host", u->host());
  add("port", std::string(u->port()));
  std::string db = u->path();
  if (!db.empty() && db.front() == '/') db.erase(0, 1);
  add("dbname", db);
  add("user", u->user());
  add("password", u->password());
  for (auto p : u->params()) add(std::string(p.key).c_str(), std::string(p.value));
  return info;
}

// The store holds e-mails, password hashes and results: its file is readable by its owner only
// (SQLite gives the -wal and -shm files the same mode), and a folder SecureBase creates for it
// is the owner's only too.
Status prepare_private_file(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
    std::filesystem::create_directories(parent, ec);
    if (ec) return Error{ErrorCode::kUnavailable, "cannot create " + parent.string(), "database"};
    ::chmod(parent.c_str(), 0700);
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Error{ErrorCode::kUnavailable, "cannot open " + path, "database"};
  ::fchmod(fd, 0600);  // also an older file made with the usual 0644
  ::close(fd);
  for (const char* suffix : {"-wal", "-shm"}) {
    const std::string side = path + suffix;
    if (std::filesystem::exists(side, ec)) ::chmod(side.c_str(), 0600);
  }
  return ok_status();
}

std::unique_ptr<soci::session> connect(Backend backend, const std::string& target) {
  if (backend == Backend::kSqlite) {
    auto s = std::make_unique<soci::session>(soci::sqlite3, "db=" + target + " timeout=10");
    // WAL lets readers proceed during a write; the busy timeout queues writers instead of failing.
    *s << "PRAGMA journal_mode=WAL";
    *s << "PRAGMA synchronous=NORMAL";
    *s << "PRAGMA foreign_keys=ON";
    *s << "PRAGMA busy_timeout=10000";
    return s;
  }
  return std::make_unique<soci::session>(soci::postgresql, target);
}

}  // namespace

Result<std::unique_ptr<Database>> Database::open(const std::string& url, size_t pool_size) {
  Backend backend;
  std::string target;
  if (starts_with(url, "sqlite://")) {
    backend = Backend::kSqlite;
    target = url.substr(9);
    if (target.empty()) return invalid("database", "sqlite:// needs a file path");
    if (target != ":memory:") {
      if (auto st = prepare_private_file(target); !st) return st.error();
    }
  } else if (starts_with(url, "postgresql://") || starts_with(url, "postgres://")) {
    backend = Backend::kPostgres;
    auto info = postgres_conninfo(url);
    if (!info) return info.error();
    target = *info;
  } else {
    return invalid("database", "the database URL must start with sqlite:// or postgresql://");
  }
  if (pool_size == 0) return invalid("pool_size", "the pool needs at least one connection");
  // One in-memory SQLite database per connection would be several databases: keep one.
  if (target == ":memory:") pool_size = 1;

  auto pool = std::make_unique<Pool>();
  try {
    for (size_t i = 0; i < pool_size; ++i) {
      auto conn = std::make_unique<Conn>();
      conn->session = connect(backend, target);
      pool->by_session[conn->session.get()] = conn.get();
      pool->free.push_back(conn.get());
      pool->conns.push_back(std::move(conn));
    }
  } catch (const std::exception& e) {
    return Error{ErrorCode::kUnavailable, std::string("cannot open the database: ") + e.what(), ""};
  }
  return std::unique_ptr<Database>(new Database(backend, std::move(pool)));
}

Database::Database(Backend backend, std::unique_ptr<Pool> pool)
    : backend_(backend), pool_(std::move(pool)) {}

Database::~Database() = default;

PoolStats Database::stats() const {
  std::lock_guard lock(pool_->mu);
  return {pool_->conns.size(), pool_->conns.size() - pool_->free.size(), pool_->waits};
}

Database::Conn* Database::take() {
  std::unique_lock lock(pool_->mu);
  if (pool_->free.empty()) {
    ++pool_->waits;
    pool_->cv.wait(lock, [&] { return !pool_->free.empty(); });
  }
  Conn* c = pool_->free.back();
  pool_->free.pop_back();
  return c;
}

Database::Lease Database::acquire() {
  if (tls_work.db == this) return Lease(this, tls_work.conn, false);
  return Lease(this, take(), true);
}

void Database::release(Conn* c) {
  {
    std::lock_guard lock(pool_->mu);
    pool_->free.push_back(c);
  }
  pool_->cv.notify_one();
}

Database::Conn* Database::conn_of(soci::session& s) const {
  auto it = pool_->by_session.find(&s);
  return it == pool_->by_session.end() ? nullptr : it->second;
}

Database::Lease::~Lease() {
  if (c_ && owning_) db_->release(c_);
}

soci::session& Database::Lease::operator*() const { return *c_->session; }

Database::Scope::Scope(Database& db) : db_(&db) {
  // A scope for another Database already holds this thread: this one pins nothing.
  if (tls_work.db != nullptr) return;
  conn_ = db.take();
  tls_work = {&db, conn_};
}

Database::Scope::~Scope() {
  if (!conn_) return;
  tls_work = {};
  db_->release(conn_);
}

Status Database::run(const std::function<void(soci::session&)>& work) {
  auto lease = acquire();
  try {
    work(*lease);
    return ok_status();
  } catch (const StoreError& e) {
    return e.error;
  } catch (const std::exception& e) {
    return classify_driver_error(e.what());
  }
}

namespace {

// Undoes the innermost level; never throws (the error that led here is the one to report).
void roll_back(soci::session& s, int depth) {
  try {
    if (depth == 1) {
      s << "ROLLBACK";
    } else {
      const std::string name = "sb_" + std::to_string(depth);
      s << "ROLLBACK TO SAVEPOINT " + name;
      s << "RELEASE SAVEPOINT " + name;
    }
  } catch (const std::exception&) {
  }
}

}  // namespace

void Database::on_slow_transaction(double threshold_ms,
                                   std::function<void(const SlowTransaction&)> report) {
  slow_threshold_ms_ = threshold_ms;
  report_slow_ = std::move(report);
}

namespace {

double milliseconds_between(std::chrono::steady_clock::time_point from,
                            std::chrono::steady_clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// Times one top-level transaction and reports it on destruction (commit, rollback or a BEGIN
// that failed) if it was slow.
class TransactionTimer {
 public:
  // `report` may be null or empty: then nothing is reported.
  TransactionTimer(double threshold_ms,
                   const std::function<void(const Database::SlowTransaction&)>* report)
      : threshold_ms_(threshold_ms), report_(report != nullptr && *report ? report : nullptr) {}
  TransactionTimer(const TransactionTimer&) = delete;
  TransactionTimer& operator=(const TransactionTimer&) = delete;
  ~TransactionTimer() {
    if (report_ == nullptr) return;
    const auto ended = std::chrono::steady_clock::now();
    const auto began = began_.value_or(ended);
    const Database::SlowTransaction t{milliseconds_between(asked_, began),
                                      milliseconds_between(began, ended), committed_};
    if (t.waited_ms >= threshold_ms_ || t.held_ms >= threshold_ms_) (*report_)(t);
  }
  void begun() { began_ = std::chrono::steady_clock::now(); }
  void committed() { committed_ = true; }

 private:
  double threshold_ms_;
  const std::function<void(const Database::SlowTransaction&)>* report_;
  std::chrono::steady_clock::time_point asked_ = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> began_;
  bool committed_ = false;
};

}  // namespace

Status Database::transaction(const std::function<void(soci::session&)>& work) {
  auto lease = acquire();
  Conn& c = lease.conn();
  soci::session& s = *c.session;
  const int depth = c.depth + 1;
  const std::string savepoint = "sb_" + std::to_string(depth);
  // Only the outermost transaction: a savepoint's time is part of its transaction's.
  TransactionTimer timer(slow_threshold_ms_, depth == 1 ? &report_slow_ : nullptr);
  try {
    if (depth > 1) {
      s << "SAVEPOINT " + savepoint;
    } else if (backend_ == Backend::kSqlite) {
      // A deferred SQLite transaction that reads and then writes fails at once (busy
      // snapshot) when another writer committed in between; taking the write lock up front
      // makes writers queue on the busy timeout instead.
      s << "BEGIN IMMEDIATE";
    } else {
      s << "BEGIN";
    }
  } catch (const std::exception& e) {
    return classify_driver_error(e.what());
  }
  timer.begun();
  c.depth = depth;
  try {
    work(s);
    s << (depth > 1 ? "RELEASE SAVEPOINT " + savepoint : std::string("COMMIT"));
    timer.committed();
    c.depth = depth - 1;
    return ok_status();
  } catch (const StoreError& e) {
    roll_back(s, depth);
    c.depth = depth - 1;
    return e.error;
  } catch (const std::exception& e) {
    roll_back(s, depth);
    c.depth = depth - 1;
    return classify_driver_error(e.what());
  }
}

Status Database::in_transaction(const std::function<Status()>& work) {
  Scope scope(*this);
  Status result = ok_status();
  auto st = transaction([&](soci::session&) {
    result = work();
    if (!result) throw StoreError{result.error()};  // roll back what `work` did
  });
  return result ? st : result;
}

namespace {

std::unique_ptr<soci::statement> prepare(soci::session& s, const std::string& sql) {
  auto st = std::make_unique<soci::statement>(s);
  st->alloc();
  st->prepare(sql);
  return st;
}

// One run of a prepared statement: bind, execute, read every row, unbind for the next run.
void run_statement(soci::statement& st, const std::function<void(soci::statement&)>& bind,
                   const std::function<void(const soci::row&)>& each) {
  soci::row r;
  bind(st);
  st.exchange(soci::into(r));
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) each(r);
  st.bind_clean_up();
}

}  // namespace

void Database::query(soci::session& s, const std::string& sql,
                     const std::function<void(soci::statement&)>& bind,
                     const std::function<void(const soci::row&)>& each) {
  Conn* c = conn_of(s);
  std::unique_ptr<soci::statement> once;  // a session not from this pool: prepared for one use
  soci::statement* st = nullptr;
  if (c) {
    auto& slot = c->statements[sql];
    if (!slot) slot = prepare(s, sql);
    st = slot.get();
  } else {
    once = prepare(s, sql);
    st = once.get();
  }
  try {
    run_statement(*st, bind, each);
  } catch (...) {
    // A statement that failed half-way is not reused; a schema change also lands here.
    if (c) c->statements.erase(sql);
    throw;
  }
}

}  // namespace sb::store
