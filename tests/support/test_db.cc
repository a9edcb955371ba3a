#include "support/test_db.h"

#include "app/features.h"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sb::testing {
namespace {

std::atomic<int> counter{0};

const std::filesystem::path& temp_root() {
  static const std::filesystem::path root = [] {
    auto p =
        std::filesystem::temp_directory_path() / ("securebase-tests-" + std::to_string(getpid()));
    std::filesystem::create_directories(p);
    return p;
  }();
  static struct Cleanup {
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(root, ec);
    }
  } cleanup;
  return root;
}

}  // namespace

std::string backend_name(TestBackend b) {
  return b == TestBackend::kSqlite ? "SQLite" : "PostgreSQL";
}

std::vector<std::pair<std::string, std::string>> raw_sqlite_files() {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& entry : std::filesystem::directory_iterator(temp_root())) {
    const auto name = entry.path().filename().string();
    if (name.find("store.db") == std::string::npos) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    files.emplace_back(name, bytes.str());
  }
  return files;
}

int64_t count_of(store::Database& db, const std::string& sql) {
  long long n = -1;
  EXPECT_TRUE(db.run([&](soci::session& s) { s << sql, soci::into(n); }));
  return n;
}

std::string temp_path(const std::string& name) {
  return (temp_root() / (std::to_string(counter++) + "-" + name)).string();
}

std::unique_ptr<store::Database> fresh_database(TestBackend backend, size_t pool_size,
                                                std::string* url_out) {
  std::string url;
  if (backend == TestBackend::kSqlite) {
    url = "sqlite://" + temp_path("store.db");
  } else {
    const char* env = std::getenv("SECUREBASE_TEST_POSTGRES_URL");
    if (!env || !*env) {
      ADD_FAILURE() << "SECUREBASE_TEST_POSTGRES_URL is not set; `make test` starts a "
                       "PostgreSQL and sets it";
      return nullptr;
    }
    url = env;
    auto admin = store::Database::open(url, 1);
    if (!admin) {
      ADD_FAILURE() << admin.error().message;
      return nullptr;
    }
    auto st = (*admin)->run([](soci::session& s) {
      s << "SET client_min_messages TO WARNING";
      s << "DROP SCHEMA IF EXISTS public CASCADE";
      s << "CREATE SCHEMA public";
    });
    if (!st) {
      ADD_FAILURE() << st.error().message;
      return nullptr;
    }
  }
  if (url_out) *url_out = url;
  auto db = store::Database::open(url, pool_size);
  if (!db) {
    ADD_FAILURE() << db.error().message;
    return nullptr;
  }
  auto applied = store::migrate(**db, app::migrations());
  if (!applied) {
    ADD_FAILURE() << applied.error().message;
    return nullptr;
  }
  return std::move(*db);
}

}  // namespace sb::testing
