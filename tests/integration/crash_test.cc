// kill -9 during mixed load, ten times, on SQLite and on PostgreSQL: afterwards every
// acknowledged write is there, nothing unacknowledged is half there, and the store is intact.
// The real `securebase serve` runs in its own process; the counts are printed.
#include <gtest/gtest.h>
#include <signal.h>
#include <soci/soci.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "support/http_client.h"
#include "support/process.h"
#include "support/test_db.h"
#include "support/test_site.h"

namespace sb {
namespace {

using namespace std::chrono_literals;
using testing::Browser;
using testing::TestBackend;

constexpr const char* kPassword = "a long enough password";

class CrashTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    db = testing::fresh_database(GetParam(), 2, &url);
    ASSERT_TRUE(db);
    dir = testing::temp_path("crash");
    ASSERT_EQ(testing::run_to_end({bin, "admin", "create-key", "--out", dir + "-data.key"}), 0);
    port = testing::free_port();
  }
  void start() {
    server = testing::spawn({bin, "serve", "--database", url, "--data-key", dir + "-data.key",
                             "--content", SECUREBASE_CONTENT_DIR, "--port", std::to_string(port),
                             "--no-access-log", "--insecure-cookies", "--pool-size", "4"});
    for (int i = 0; i < 400; ++i) {
      int status = 0;
      if (waitpid(server, &status, WNOHANG) == server) {
        ADD_FAILURE() << "the server exited with " << status;
        return;
      }
      testing::RawConnection probe(port);
      if (probe.connected() && probe.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") &&
          probe.read_response(500).status == 200)
        return;
      std::this_thread::sleep_for(25ms);
    }
    ADD_FAILURE() << "the server did not come up";
  }
  void kill9() {
    kill(server, SIGKILL);
    waitpid(server, nullptr, 0);
  }

  const std::string bin = SECUREBASE_BINARY;
  std::unique_ptr<store::Database> db;
  std::string url, dir;
  int port = 0;
  pid_t server = 0;
};

TEST_P(CrashTest, TenKillsDuringMixedLoadLoseNothingAcknowledged) {
  start();
  Browser writer(port), taker(port);
  ASSERT_EQ(testing::sign_up(writer, "writer@example.org", kPassword).status, 303);
  ASSERT_EQ(testing::sign_up(taker, "taker@example.org", kPassword).status, 303);
  writer.get("/journal/new");
  taker.get("/assessment");
  auto started = taker.post("/assessment/start", {});
  ASSERT_EQ(started.status, 303);
  std::string assessment = *started.header("location");

  std::atomic<bool> stop{false};
  std::mutex mu;
  std::set<std::string> acknowledged_entries;
  std::atomic<int> acknowledged_answers{0}, attempts{0};
  std::thread journal([&] {
    for (int i = 0; !stop; ++i) {
      const std::string text = "entry-" + std::to_string(i);
      auto r = writer.post("/journal",
                           {{"kind", "quick"}, {"occurred_on", "2026-11-02"}, {"situation", text}});
      ++attempts;
      if (r.status == 303) {
        std::lock_guard lock(mu);
        acknowledged_entries.insert(text);
      }
    }
  });
  std::thread answers([&] {
    while (!stop) {
      auto q = taker.get(assessment);
      const bool completed =
          q.status == 303 && q.header("location").value_or("").ends_with("/result");
      if (!completed && q.status != 200) continue;  // the server is down: try again
      const std::string position = testing::find_input(q.body, "position");
      if (completed || position.empty()) {  // start the next one
        auto next = taker.post("/assessment/start", {});
        if (next.status == 303) assessment = *next.header("location");
        continue;
      }
      auto r = taker.post(
          assessment + "/answer",
          {{"position", position}, {"item", testing::find_input(q.body, "item")}, {"answer", "4"}});
      ++attempts;
      if (r.status == 303) ++acknowledged_answers;
    }
  });
  std::mt19937 rng(42);
  for (int kill = 0; kill < 10; ++kill) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 250));
    kill9();
    start();
  }
  std::this_thread::sleep_for(200ms);
  stop = true;
  journal.join();
  answers.join();

  // Every acknowledged entry is there and opens; every stored one opens (none half written).
  int found = 0;
  for (const auto& text : acknowledged_entries) {
    auto r = writer.get("/journal?q=" + text);
    if (r.status == 200 && r.body.find("</a>: " + text + "\n") != std::string::npos) ++found;
  }
  long long stored_entries = 0, stored_answers = 0, gaps = 0;
  ASSERT_TRUE(db->run([&](soci::session& s) {
    s << "SELECT COUNT(*) FROM journal_entries", soci::into(stored_entries);
    s << "SELECT COUNT(*) FROM assessment_answers", soci::into(stored_answers);
    // Answers are positions 0..n-1 of their assessment: a gap would be a half-kept answer.
    s << "SELECT COUNT(*) FROM assessments a WHERE (SELECT COUNT(*) FROM assessment_answers w "
         "WHERE w.assessment_id = a.id) <> COALESCE((SELECT MAX(position) + 1 FROM "
         "assessment_answers w WHERE w.assessment_id = a.id), 0)",
        soci::into(gaps);
  }));
  EXPECT_EQ(writer.get("/journal").status, 200) << "every stored entry opens";
  std::string integrity = "ok";
  if (GetParam() == TestBackend::kSqlite) {
    ASSERT_TRUE(
        db->run([&](soci::session& s) { s << "PRAGMA integrity_check", soci::into(integrity); }));
  }
  const int lost = static_cast<int>(acknowledged_entries.size()) - found;
  std::printf(
      "crash test (%s): 10 kill -9s during %d writes; journal entries acknowledged %zu, found %d, "
      "lost %d, stored %lld; answers acknowledged %d, stored %lld, gaps %lld; integrity %s\n",
      testing::backend_name(GetParam()).c_str(), attempts.load(), acknowledged_entries.size(),
      found, lost, stored_entries, acknowledged_answers.load(), stored_answers, gaps,
      integrity.c_str());
  EXPECT_GT(acknowledged_entries.size(), 0u);
  EXPECT_EQ(lost, 0);
  EXPECT_GE(stored_entries, static_cast<long long>(acknowledged_entries.size()));
  EXPECT_GE(stored_answers, acknowledged_answers.load());
  EXPECT_EQ(gaps, 0);
  EXPECT_EQ(integrity, "ok");
  kill(server, SIGTERM);
  waitpid(server, nullptr, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, CrashTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace sb
