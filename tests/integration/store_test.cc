// The same store suite runs against SQLite and PostgreSQL.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "accounts/accounts_repo.h"
#include "app/features.h"
#include "store/database.h"
#include "support/test_db.h"

namespace sb::store {

using testing::TestBackend;

class StoreTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    db = testing::fresh_database(GetParam());
    ASSERT_TRUE(db);
  }
  std::unique_ptr<Database> db;
};

TEST_P(StoreTest, MigrationsAreRecordedAndIdempotent) {
  EXPECT_EQ(*current_schema_version(*db), app::latest_schema_version());
  auto again = migrate(*db, app::migrations());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
}

TEST_P(StoreTest, UsersRoundTripAndEmailIsUnique) {
  AccountsRepo repo(*db);
  auto id = repo.create_user("a@example.org", "hash", "member", 100);
  ASSERT_TRUE(id) << id.error().message;
  auto found = repo.find_user_by_email("a@example.org");
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, *id);
  EXPECT_EQ((*found)->created_at, 100);
  auto dup = repo.create_user("a@example.org", "hash2", "member", 101);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
}

TEST_P(StoreTest, RoleOutsideTheAllowlistIsRejectedByTheSchema) {
  AccountsRepo repo(*db);
  EXPECT_FALSE(repo.create_user("r@example.org", "hash", "superuser", 1));
}

TEST_P(StoreTest, SqlMetacharactersAreStoredVerbatim) {
  AccountsRepo repo(*db);
  const std::string nasty = "x'); DROP TABLE users; --\"<script>@example.org";
  auto id = repo.create_user(nasty, "h'\"\\;", "member", 1);
  ASSERT_TRUE(id) << id.error().message;
  auto found = repo.find_user(*id);
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->email, nasty);
  EXPECT_EQ((*found)->password_hash, "h'\"\\;");
  EXPECT_EQ(*repo.count_users(), 1);
}

TEST_P(StoreTest, SessionsHoldNullableUser) {
  AccountsRepo repo(*db);
  auto anon = repo.create_session("hash-a", "csrf-a", std::nullopt, 5);
  ASSERT_TRUE(anon);
  auto s = repo.find_session("hash-a");
  ASSERT_TRUE(s && s->has_value());
  EXPECT_FALSE((*s)->user_id.has_value());
  EXPECT_EQ((*s)->csrf_token, "csrf-a");
  ASSERT_TRUE(repo.touch_session(*anon, 50));
  EXPECT_EQ((*repo.find_session("hash-a"))->last_seen_at, 50);
}

TEST_P(StoreTest, DeleteUserErasesEveryOwnedRowInOneTransaction) {
  AccountsRepo repo(*db);
  auto a = *repo.create_user("a@example.org", "h", "member", 1);
  auto b = *repo.create_user("b@example.org", "h", "member", 1);
  ASSERT_TRUE(repo.create_session("sa1", "c", a, 1));
  ASSERT_TRUE(repo.create_session("sa2", "c", a, 1));
  ASSERT_TRUE(repo.create_session("sb1", "c", b, 1));
  ASSERT_TRUE(repo.record_login_failure("a@example.org", "1.2.3.4", 1));
  ASSERT_TRUE(repo.delete_user(a, [](soci::session&) {}));
  EXPECT_FALSE(repo.find_user(a)->has_value());
  EXPECT_TRUE(repo.user_sessions(a)->empty());
  EXPECT_EQ(repo.user_sessions(b)->size(), 1u);
  EXPECT_TRUE(repo.failures_for_account("a@example.org", 0)->empty());
  auto again = repo.delete_user(a, [](soci::session&) {});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, FailedTransactionLeavesNothingBehind) {
  auto st = db->transaction([](soci::session& s) {
    s << "INSERT INTO users(email, password_hash, role, created_at, password_changed_at) "
         "VALUES('t@example.org', 'h', 'member', 1, 1)";
    s << "INSERT INTO users(email, password_hash, role, created_at, password_changed_at) "
         "VALUES('t@example.org', 'h', 'member', 1, 1)";  // violates UNIQUE
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(*AccountsRepo(*db).count_users(), 0);
}

TEST_P(StoreTest, ConcurrentWritersThroughThePoolAllLand) {
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      AccountsRepo repo(*db);
      for (int i = 0; i < kEach; ++i) {
        if (!repo.record_login_failure("k" + std::to_string(t), std::to_string(i), i)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  int64_t total = 0;
  ASSERT_TRUE(db->run([&](soci::session& s) {
    long long n = 0;
    s << "SELECT COUNT(*) FROM login_failures", soci::into(n);
    total = n;
  }));
  EXPECT_EQ(total, kThreads * kEach);
  EXPECT_EQ(db->stats().in_use, 0u);
}

// Read-then-write transactions from many threads: none may fail for lack of a lock (on SQLite
// this needs the write lock taken at BEGIN).
TEST_P(StoreTest, ConcurrentReadThenWriteTransactionsAllCommit) {
  constexpr int kThreads = 8, kEach = 20;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto st = db->transaction([&](soci::session& s) {
          long long n = 0;
          s << "SELECT COUNT(*) FROM login_failures", soci::into(n);
          const long long at = n;
          const std::string key = "t" + std::to_string(t);
          s << "INSERT INTO login_failures(account_key, address, at) VALUES(:k, 'a', :t)",
              soci::use(key), soci::use(at);
        });
        if (!st) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  long long total = 0;
  ASSERT_TRUE(db->run(
      [&](soci::session& s) { s << "SELECT COUNT(*) FROM login_failures", soci::into(total); }));
  EXPECT_EQ(total, kThreads * kEach);
}

// The server logs every transaction that waited or ran this long, so a slow step can be traced
// to the write that held it up.
TEST_P(StoreTest, SlowTransactionsAreReportedWithTheirWaitAndTheirHold) {
  std::mutex mu;
  std::vector<Database::SlowTransaction> slow;
  db->on_slow_transaction(40, [&](const Database::SlowTransaction& t) {
    const std::lock_guard lock(mu);
    slow.push_back(t);
  });
  const auto pause = [](int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
  EXPECT_TRUE(db->transaction([](soci::session&) {}));  // quick: not reported
  {
    Database::Scope scope(*db);  // the inner transaction becomes a savepoint of the outer one
    EXPECT_TRUE(db->transaction(
        [&](soci::session&) { EXPECT_TRUE(db->transaction([&](soci::session&) { pause(60); })); }));
  }
  EXPECT_FALSE(db->transaction([&](soci::session&) {
    pause(60);
    throw std::runtime_error("rolled back");
  }));
  ASSERT_EQ(slow.size(), 2u) << "one report per transaction, none for the savepoint";
  EXPECT_GE(slow[0].held_ms, 60);
  EXPECT_LT(slow[0].waited_ms, 40);
  EXPECT_TRUE(slow[0].committed);
  EXPECT_GE(slow[1].held_ms, 60);
  EXPECT_FALSE(slow[1].committed);
  if (GetParam() != TestBackend::kSqlite) return;  // PostgreSQL's BEGIN takes no lock

  // On SQLite a transaction begins by taking the write lock: one queued behind another waits.
  std::atomic<bool> holding{false};
  std::thread holder([&] {
    EXPECT_TRUE(db->transaction([&](soci::session& s) {
      s << "INSERT INTO login_failures(account_key, address, at) VALUES('h', 'a', 1)";
      holding = true;
      pause(150);
    }));
  });
  while (!holding) pause(1);
  EXPECT_TRUE(db->transaction([](soci::session& s) {
    s << "INSERT INTO login_failures(account_key, address, at) VALUES('w', 'a', 2)";
  }));
  holder.join();
  const std::lock_guard lock(mu);
  ASSERT_EQ(slow.size(), 4u);
  const auto& held = slow[2].held_ms >= slow[3].held_ms ? slow[2] : slow[3];
  const auto& waited = slow[2].held_ms >= slow[3].held_ms ? slow[3] : slow[2];
  EXPECT_GE(held.held_ms, 150);
  EXPECT_GE(waited.waited_ms, 100);
  EXPECT_LT(waited.held_ms, 40);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

TEST(StoreOpen, RejectsUnknownSchemes) {
  auto db = Database::open("mysql://x", 1);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().field, "database");
}

}  // namespace sb::store

namespace sb {
namespace {

// The SQLite files hold e-mails, password hashes and results: only their owner may read them.
TEST(StoreFiles, SqliteFilesAndTheirFolderAreTheOwnersOnly) {
  const std::string dir = testing::temp_path("private-store");
  const std::string file = dir + "/nested/store.db";
  auto db = store::Database::open("sqlite://" + file, 2);
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_TRUE(store::migrate(**db, app::migrations()));
  auto mode = [](const std::string& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 0777;
  };
  EXPECT_EQ(mode(file), 0600u);
  EXPECT_EQ(mode(file + "-wal"), 0600u);
  EXPECT_EQ(mode(file + "-shm"), 0600u);
  EXPECT_EQ(mode(dir + "/nested"), 0700u);
  // A store made before, readable by others, is made private when opened.
  db->reset();
  ::chmod(file.c_str(), 0644);
  auto again = store::Database::open("sqlite://" + file, 1);
  ASSERT_TRUE(again);
  EXPECT_EQ(mode(file), 0600u);
}

}  // namespace
}  // namespace sb
