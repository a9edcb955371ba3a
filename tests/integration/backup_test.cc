// A backup taken while people write holds every write acknowledged before it began, and restores
// into a store that serves them.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "app/app.h"
#include "store/backup.h"
#include "support/test_site.h"

namespace sb {
namespace {

using testing::Browser;
using testing::TestBackend;
using testing::TestSite;

long long entries(store::Database& db) {
  long long n = -1;
  EXPECT_TRUE(db.run(
      [&](soci::session& s) { s << "SELECT COUNT(*) FROM journal_entries", soci::into(n); }));
  return n;
}

TEST(Backup, UnderLoadEveryAcknowledgedWriteIsRestored) {
  TestSite site(TestBackend::kSqlite);
  ASSERT_TRUE(site.ready());
  Browser writer = site.browser();
  ASSERT_EQ(testing::sign_up(writer, "writer@example.org", "a long enough password").status, 303);
  writer.get("/journal/new");
  std::atomic<bool> stop{false};
  std::atomic<long long> acknowledged{0};
  std::thread load([&] {
    for (int i = 0; !stop; ++i) {
      auto r = writer.post("/journal", {{"kind", "quick"},
                                        {"occurred_on", "2026-11-02"},
                                        {"situation", "entry " + std::to_string(i)}});
      if (r.status == 303) ++acknowledged;
    }
  });
  while (acknowledged < 50) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const long long before = acknowledged;
  const std::string file = testing::temp_path("backup.db");
  ASSERT_TRUE(store::backup_sqlite(site.db_url, file));
  const long long after = acknowledged;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop = true;
  load.join();

  const std::string restored_url = "sqlite://" + testing::temp_path("restored.db");
  EXPECT_FALSE(store::restore_sqlite(file, site.db_url)) << "never over an existing store";
  ASSERT_TRUE(store::restore_sqlite(file, restored_url));
  auto restored = store::Database::open(restored_url, 2);
  ASSERT_TRUE(restored);
  const long long found = entries(**restored);
  std::printf(
      "backup under load: %lld acknowledged before it began, %lld by its end; %lld in "
      "the restored store, %lld lost\n",
      before, after, found, std::max(0LL, before - found));
  EXPECT_GE(found, before) << "an acknowledged write is missing";
  EXPECT_LE(found, after);
  // The restored store serves the same person with the same key.
  app::AppConfig cfg;
  cfg.content_dir = SECUREBASE_CONTENT_DIR;
  cfg.places_file = SECUREBASE_PLACES_FILE;
  cfg.access_log = false;
  cfg.data_key_file = site.key_path;
  cfg.prune_every_seconds = 0;
  auto app = app::App::create(cfg, **restored, site.clock);
  ASSERT_TRUE(app) << app.error().message;
  EXPECT_FALSE(store::backup_sqlite("postgresql://x@127.0.0.1/db", testing::temp_path("pg.db")));
}

}  // namespace
}  // namespace sb
