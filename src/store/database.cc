#include "store/database.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <boost/url/parse.hpp>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <vector>

#include "core/strings.h"
#include "store/errors.h"

namespace sb::store {

struct Database::Pool {
  std::vector<std::unique_ptr<soci::session>> sessions;
  std::vector<soci::session*> free;
  mutable std::mutex mu;
  std::condition_variable cv;
  uint64_t waits = 0;
};

namespace {

// SOCI passes libpq a key=value string, so the URL is taken apart here.
Result<std::string> postgres_conninfo(const std::string& url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return invalid("database", "not a valid postgresql:// URL");
  auto quote = [](std::string v) {
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
      auto parent = std::filesystem::path(target).parent_path();
      std::error_code ec;
      if (!parent.empty()) std::filesystem::create_directories(parent, ec);
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
      pool->sessions.push_back(connect(backend, target));
      pool->free.push_back(pool->sessions.back().get());
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
  return {pool_->sessions.size(), pool_->sessions.size() - pool_->free.size(), pool_->waits};
}

Database::Lease Database::acquire() {
  std::unique_lock lock(pool_->mu);
  if (pool_->free.empty()) {
    ++pool_->waits;
    pool_->cv.wait(lock, [&] { return !pool_->free.empty(); });
  }
  soci::session* s = pool_->free.back();
  pool_->free.pop_back();
  return Lease(this, s);
}

void Database::release(soci::session* s) {
  {
    std::lock_guard lock(pool_->mu);
    pool_->free.push_back(s);
  }
  pool_->cv.notify_one();
}

Database::Lease::~Lease() {
  if (s_) db_->release(s_);
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

Status Database::transaction(const std::function<void(soci::session&)>& work) {
  auto lease = acquire();
  if (backend_ == Backend::kSqlite) {
    // A deferred SQLite transaction that reads and then writes fails at once (busy snapshot)
    // when another writer committed in between; taking the write lock up front makes writers
    // queue on the busy timeout instead.
    soci::session& s = *lease;
    try {
      s << "BEGIN IMMEDIATE";
    } catch (const std::exception& e) {
      return classify_driver_error(e.what());
    }
    try {
      work(s);
      s << "COMMIT";
      return ok_status();
    } catch (const StoreError& e) {
      try {
        s << "ROLLBACK";
      } catch (const std::exception&) {
      }
      return e.error;
    } catch (const std::exception& e) {
      try {
        s << "ROLLBACK";
      } catch (const std::exception&) {
      }
      return classify_driver_error(e.what());
    }
  }
  try {
    soci::transaction tx(*lease);
    work(*lease);
    tx.commit();
    return ok_status();
  } catch (const StoreError& e) {
    return e.error;
  } catch (const std::exception& e) {
    return classify_driver_error(e.what());
  }
}

}  // namespace sb::store
