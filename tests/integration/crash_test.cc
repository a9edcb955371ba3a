// kill -9 during mixed load (journal entries, assessment answers, weekly check-ins), ten times,
// on SQLite and on PostgreSQL: afterwards every acknowledged write is there, nothing
// unacknowledged is half there, and the store is intact.
// The real `securebase serve` runs in its own process; the counts are printed.
#include <gtest/gtest.h>
#include <signal.h>
#include <soci/soci.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "core/strings.h"
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
const char* const kCheckinItems[] = {"acc1", "acc2", "acc3", "beh1", "beh2",
                                     "beh3", "mea1", "mea2", "mea3"};

// Check-in number i as answers: its base-5 digits, one per item (1..5).
std::map<std::string, std::string> checkin_answers(int i) {
  std::map<std::string, std::string> form;
  for (const char* item : kCheckinItems) {
    form[item] = std::to_string(i % 5 + 1);
    i /= 5;
  }
  return form;
}

// The number a stored check-in ("acc1=3,acc2=1,...") was made from; -1 when it is not one.
int checkin_number(const std::string& stored) {
  std::map<std::string, int> values;
  for (auto pair : split(stored, ',')) {
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) return -1;
    values[std::string(pair.substr(0, eq))] = std::stoi(std::string(pair.substr(eq + 1)));
  }
  int n = 0;
  for (int j = 8; j >= 0; --j) {
    auto it = values.find(kCheckinItems[j]);
    if (it == values.end()) return -1;
    n = n * 5 + (it->second - 1);
  }
  return n;
}

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
    server =
        testing::spawn({bin, "serve", "--database", url, "--data-key", dir + "-data.key",
                        "--content", SECUREBASE_CONTENT_DIR, "--places", SECUREBASE_PLACES_FILE,
                        "--port", std::to_string(port), "--no-access-log", "--insecure-cookies",
                        "--pool-size", "4", "--mail-folder", testing::mail_folder()});
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
  Browser writer(port), taker(port), checker(port);
  ASSERT_EQ(testing::sign_up(writer, "writer@example.org", kPassword).status, 303);
  ASSERT_EQ(testing::sign_up(taker, "taker@example.org", kPassword).status, 303);
  ASSERT_EQ(testing::sign_up(checker, "checker@example.org", kPassword).status, 303);
  writer.get("/journal/new");
  checker.get("/checkin");
  taker.get("/assessment");
  auto started = taker.post("/assessment/start", {});
  ASSERT_EQ(started.status, 303);
  std::string assessment = *started.header("location");

  std::atomic<bool> stop{false};
  std::mutex mu;
  std::set<std::string> acknowledged_entries;
  std::atomic<int> acknowledged_answers{0}, attempts{0};
  // A week's check-in replaces the earlier one: the stored one must be the last acknowledged
  // or one tried after it (kept, but killed before it could answer).
  std::atomic<int> checkins_tried{0}, last_acknowledged_checkin{-1}, acknowledged_checkins{0};
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
  std::thread checkins([&] {
    for (int i = 0; !stop; ++i) {
      auto form = checkin_answers(i);
      auto r = checker.post("/checkin", form);
      ++attempts;
      checkins_tried = i + 1;
      if (r.status == 303) {
        last_acknowledged_checkin = i;
        ++acknowledged_checkins;
      }
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
  checkins.join();

  // Every acknowledged entry is there and opens; every stored one opens (none half written).
  int found = 0;
  for (const auto& text : acknowledged_entries) {
    auto r = writer.get("/journal?q=" + text);
    if (r.status == 200 && r.body.find("</a>: " + text + "\n") != std::string::npos) ++found;
  }
  long long stored_entries = 0, stored_answers = 0, gaps = 0, checkin_rows = 0;
  std::string stored_checkin;
  ASSERT_TRUE(db->run([&](soci::session& s) {
    s << "SELECT COUNT(*) FROM journal_entries", soci::into(stored_entries);
    s << "SELECT COUNT(*) FROM assessment_answers", soci::into(stored_answers);
    // Answers are positions 0..n-1 of their assessment: a gap would be a half-kept answer.
    s << "SELECT COUNT(*) FROM assessments a WHERE (SELECT COUNT(*) FROM assessment_answers w "
         "WHERE w.assessment_id = a.id) <> COALESCE((SELECT MAX(position) + 1 FROM "
         "assessment_answers w WHERE w.assessment_id = a.id), 0)",
        soci::into(gaps);
    s << "SELECT COUNT(*) FROM regulation_checkins", soci::into(checkin_rows);
    s << "SELECT answers FROM regulation_checkins ORDER BY week_start DESC LIMIT 1",
        soci::into(stored_checkin);
  }));
  const int kept_checkin = checkin_number(stored_checkin);
  EXPECT_EQ(writer.get("/journal").status, 200) << "every stored entry opens";
  std::string integrity = "ok";
  if (GetParam() == TestBackend::kSqlite) {
    ASSERT_TRUE(
        db->run([&](soci::session& s) { s << "PRAGMA integrity_check", soci::into(integrity); }));
  }
  const int lost = static_cast<int>(acknowledged_entries.size()) - found;
  std::printf(
      "crash test (%s): 10 kill -9s during %d writes; journal entries acknowledged %zu, found %d, "
      "lost %d, stored %lld; answers acknowledged %d, stored %lld, gaps %lld; check-ins "
      "acknowledged %d (last #%d), kept #%d in %lld row(s); integrity %s\n",
      testing::backend_name(GetParam()).c_str(), attempts.load(), acknowledged_entries.size(),
      found, lost, stored_entries, acknowledged_answers.load(), stored_answers, gaps,
      acknowledged_checkins.load(), last_acknowledged_checkin.load(), kept_checkin, checkin_rows,
      integrity.c_str());
  EXPECT_GT(acknowledged_entries.size(), 0u);
  EXPECT_EQ(lost, 0);
  EXPECT_GE(stored_entries, static_cast<long long>(acknowledged_entries.size()));
  EXPECT_GE(stored_answers, acknowledged_answers.load());
  EXPECT_EQ(gaps, 0);
  EXPECT_GT(acknowledged_checkins.load(), 0);
  EXPECT_GE(checkin_rows, 1);
  EXPECT_LE(checkin_rows, 2) << "one per week (the run may cross into a new week)";
  EXPECT_GE(kept_checkin, last_acknowledged_checkin.load()) << stored_checkin;
  EXPECT_LT(kept_checkin, checkins_tried.load()) << stored_checkin;
  EXPECT_EQ(integrity, "ok");
  kill(server, SIGTERM);
  waitpid(server, nullptr, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, CrashTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace sb
