// Sessions are written only when a visitor first needs one, and expired rows are pruned.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <cstdio>

#include "support/test_site.h"

namespace sb {
namespace {

using testing::Browser;
using testing::TestBackend;
using testing::TestSite;

long long count(store::Database& db, const char* table) {
  long long n = -1;
  EXPECT_TRUE(db.run(
      [&](soci::session& s) { s << std::string("SELECT COUNT(*) FROM ") + table, soci::into(n); }));
  return n;
}

class SessionsTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    site = std::make_unique<TestSite>(GetParam());
    ASSERT_TRUE(site->ready());
  }
  std::unique_ptr<TestSite> site;
};

// Every GET /signin used to write a session row (41,534 rows in 10 s from one client).
TEST_P(SessionsTest, AnonymousPageViewsWriteNoSessions) {
  const char* paths[] = {"/signin", "/signup", "/assessment", "/skills", "/"};
  const int kRequests = 10'000;
  testing::RawConnection c(site->port);
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < kRequests; ++i) {
    const std::string path = paths[i % 5];
    ASSERT_TRUE(c.send("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n"));
    ASSERT_EQ(c.read_response().status, 200) << path;
  }
  const long long sessions = count(*site->db, "sessions");
  std::printf("sessions created by %d anonymous GETs (%s): %lld\n", kRequests,
              testing::backend_name(GetParam()).c_str(), sessions);
  EXPECT_EQ(sessions, 0);
}

// The forms still work without a session: the token rides in the visitor's own cookie.
TEST_P(SessionsTest, FormsWorkBeforeASessionAndTheSessionBeginsWithTheFirstForm) {
  Browser b = site->browser();
  auto page = b.get("/signup");
  EXPECT_FALSE(b.cookie(site->app->session_cookie_name()).size());
  EXPECT_GE(b.csrf().size(), 32u);
  EXPECT_EQ(count(*site->db, "sessions"), 0);
  // Without the cookie's twin in the form, it is refused.
  Browser other = site->browser();
  other.get("/signup");
  other.set_csrf(b.csrf());
  EXPECT_EQ(other.post("/signup", {{"email", "x@example.org"}}).status, 403);
  // With it, the visitor starts an assessment and only then has a session.
  b.get("/assessment");
  EXPECT_EQ(b.post("/assessment/start", {}).status, 303);
  EXPECT_EQ(count(*site->db, "sessions"), 1);
  EXPECT_EQ(testing::sign_up(b, "late@example.org", "a long enough password").status, 303);
}

TEST_P(SessionsTest, ExpiredSessionsAndOldFailuresArePruned) {
  Browser b = site->browser();
  testing::sign_up(b, "idle@example.org", "a long enough password");
  b.get("/signin");
  site->browser().get("/signin");
  Browser guesser = site->browser();
  guesser.get("/signin");
  guesser.post("/signin", {{"email", "idle@example.org"}, {"password", "wrong guess 1"}});
  ASSERT_GT(count(*site->db, "sessions"), 0);
  ASSERT_GT(count(*site->db, "login_failures"), 0);
  accounts::Accounts accounts(*site->db, site->clock);
  EXPECT_EQ(*accounts.prune(), 0) << "nothing has expired yet";
  site->clock.advance(accounts::kIdleTimeoutSeconds + 3600 + 1);
  EXPECT_GT(*accounts.prune(), 0);
  EXPECT_EQ(count(*site->db, "sessions"), 0);
  EXPECT_EQ(count(*site->db, "login_failures"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SessionsTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace sb
