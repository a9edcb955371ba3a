#include "store/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <thread>

#include "core/strings.h"

namespace sb::store {
namespace {

using Handle = std::unique_ptr<sqlite3, decltype(&sqlite3_close)>;

Result<std::string> sqlite_path(const std::string& url) {
  if (starts_with(url, "postgresql://") || starts_with(url, "postgres://"))
    return invalid("database",
                   "for PostgreSQL use pg_dump and pg_restore (docs/OPERATIONS.md), which copy a "
                   "consistent snapshot while the servers run");
  if (!starts_with(url, "sqlite://") || url.size() <= 9)
    return invalid("database", "the database URL must start with sqlite://");
  return url.substr(9);
}

Result<Handle> open(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  Handle h(db, &sqlite3_close);
  if (rc != SQLITE_OK)
    return Error{ErrorCode::kUnavailable,
                 "cannot open " + path + ": " + (db ? sqlite3_errmsg(db) : "out of memory"), ""};
  sqlite3_busy_timeout(db, 10000);
  return h;
}

// Copies every page from `from` to `to`, 256 pages a step, so writers to `from` get their turn
// between steps; a step that meets a writer's lock waits and tries again.
Status copy(sqlite3* from, sqlite3* to) {
  sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
  if (!b) return Error{ErrorCode::kUnavailable, sqlite3_errmsg(to), ""};
  int rc = SQLITE_OK;
  do {
    rc = sqlite3_backup_step(b, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return Error{ErrorCode::kUnavailable, sqlite3_errstr(rc), ""};
  return ok_status();
}

// The target file is made by us, empty and private, before SQLite opens it.
Status create_private(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return invalid("out", path + " already exists or cannot be created");
  ::close(fd);
  return ok_status();
}

}  // namespace

Status backup_sqlite(const std::string& database_url, const std::string& out) {
  auto path = sqlite_path(database_url);
  if (!path) return path.error();
  if (!std::filesystem::exists(*path)) return invalid("database", *path + " does not exist");
  if (auto st = create_private(out); !st) return st;
  auto from = open(*path, SQLITE_OPEN_READONLY);
  if (!from) return from.error();
  auto to = open(out, SQLITE_OPEN_READWRITE);
  if (!to) return to.error();
  if (auto st = copy(from->get(), to->get()); !st) {
    std::filesystem::remove(out);
    return st;
  }
  return ok_status();
}

Status restore_sqlite(const std::string& backup_file, const std::string& database_url) {
  auto path = sqlite_path(database_url);
  if (!path) return path.error();
  if (std::filesystem::exists(*path))
    return invalid("database", *path + " exists; restore into a new path");
  if (!std::filesystem::exists(backup_file))
    return invalid("from", backup_file + " does not exist");
  if (auto st = create_private(*path); !st) return st;
  auto from = open(backup_file, SQLITE_OPEN_READONLY);
  if (!from) return from.error();
  auto to = open(*path, SQLITE_OPEN_READWRITE);
  if (!to) return to.error();
  if (auto st = copy(from->get(), to->get()); !st) return st;
  // The restored store keeps write-ahead logging like the original.
  sqlite3_exec(to->get(), "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
  return ok_status();
}

}  // namespace sb::store
