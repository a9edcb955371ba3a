// Security properties of the web application, checked through real HTTP requests.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <boost/json.hpp>
#include <set>

#include "support/test_site.h"

namespace sb::web {

using testing::Browser;
using testing::sign_up;
using testing::TestBackend;
using testing::TestSite;

constexpr const char* kPassword = "a long enough password";

// Table names come from this test's own literals only.
int64_t count_rows(store::Database& db, const std::string& table) {
  return testing::count_of(db, "SELECT COUNT(*) FROM " + table);
}

class WebSecurityTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    site = std::make_unique<TestSite>(GetParam());
    ASSERT_TRUE(site->ready());
  }
  std::unique_ptr<TestSite> site;
};

TEST_P(WebSecurityTest, EveryResponseCarriesSecurityHeaders) {
  Browser b = site->browser();
  for (const char* path :
       {"/", "/understanding", "/help", "/nowhere", "/static/style.css", "/healthz"}) {
    auto r = b.get(path);
    ASSERT_NE(r.status, 0) << path;
    auto csp = r.header("content-security-policy");
    ASSERT_TRUE(csp) << path;
    EXPECT_EQ(csp->find("unsafe-inline"), std::string::npos);
    EXPECT_NE(csp->find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << path;
    // The site runs with Secure cookies, so over HTTPS: browsers are told to stay on it.
    EXPECT_EQ(r.header("strict-transport-security"), "max-age=31536000; includeSubDomains") << path;
  }
  TestSite plain(GetParam(), /*secure_cookies=*/false);
  ASSERT_TRUE(plain.ready());
  EXPECT_FALSE(plain.browser().get("/").header("strict-transport-security"))
      << "plain-HTTP local use (make run) must not pin HTTPS";
}

TEST_P(WebSecurityTest, PostWithoutOrWithWrongCsrfIs403AndWritesNothing) {
  Browser b = site->browser();
  b.get("/signup");
  auto none =
      b.post("/signup",
             {{"email", "x@example.org"}, {"password", kPassword}, {"password_confirm", kPassword}},
             /*with_csrf=*/false);
  EXPECT_EQ(none.status, 403);
  b.set_csrf("forged-token-forged-token-forged-token-xx");
  auto wrong = b.post(
      "/signup",
      {{"email", "x@example.org"}, {"password", kPassword}, {"password_confirm", kPassword}});
  EXPECT_EQ(wrong.status, 403);
  Browser stranger = site->browser();  // no session at all
  stranger.set_csrf("anything");
  EXPECT_EQ(stranger.post("/signin", {{"email", "x@example.org"}, {"password", kPassword}}).status,
            403);
  EXPECT_EQ(count_rows(*site->db, "users"), 0);
  EXPECT_EQ(count_rows(*site->db, "login_failures"), 0);
}

TEST_P(WebSecurityTest, CsrfTokenOfAnotherSessionIsRefused) {
  Browser a = site->browser(), b = site->browser();
  a.get("/signup");
  b.get("/signup");
  a.set_csrf(b.csrf());
  EXPECT_EQ(
      a.post("/signup",
             {{"email", "y@example.org"}, {"password", kPassword}, {"password_confirm", kPassword}})
          .status,
      403);
  EXPECT_EQ(count_rows(*site->db, "users"), 0);
}

TEST_P(WebSecurityTest, SessionCookieIsHostPrefixedHttpOnlySecureLax) {
  auto check = [](const std::string& c, const std::string& name) {
    EXPECT_EQ(c.rfind(name + "=", 0), 0u) << c;
    EXPECT_NE(c.find("HttpOnly"), std::string::npos) << c;
    EXPECT_NE(c.find("Secure"), std::string::npos) << c;
    EXPECT_NE(c.find("SameSite=Lax"), std::string::npos) << c;
    EXPECT_NE(c.find("Path=/"), std::string::npos) << c;
    EXPECT_EQ(c.find("Domain"), std::string::npos) << c;
  };
  Browser b = site->browser();
  // A form page for a visitor without a session sets only the CSRF cookie (no session row).
  auto form = b.get("/signin").set_cookies();
  ASSERT_EQ(form.size(), 1u);
  check(form[0], "__Host-sb_csrf");
  auto signed_up = sign_up(b, "cookie@example.org", kPassword).set_cookies();
  ASSERT_EQ(signed_up.size(), 1u);
  check(signed_up[0], "__Host-sb_session");
}

TEST_P(WebSecurityTest, SessionTokenChangesOnSignUpAndSignIn) {
  Browser b = site->browser();
  // An anonymous session begins with the first thing that needs one: starting an assessment.
  b.get("/assessment");
  b.post("/assessment/start", {});
  const std::string anonymous = b.cookie(site->cookie_name());
  ASSERT_FALSE(anonymous.empty());
  EXPECT_EQ(sign_up(b, "z@example.org", kPassword).status, 303);
  const std::string after_signup = b.cookie(site->cookie_name());
  EXPECT_NE(after_signup, anonymous);
  testing::sign_out(b);
  b.get("/assessment");
  b.post("/assessment/start", {});
  const std::string before = b.cookie(site->cookie_name());
  ASSERT_FALSE(before.empty());
  b.get("/signin");
  auto in = b.post("/signin", {{"email", "z@example.org"}, {"password", kPassword}});
  EXPECT_EQ(in.status, 303);
  EXPECT_NE(b.cookie(site->cookie_name()), before);
  // The old cookie no longer opens anything.
  Browser thief = site->browser();
  thief.set_cookie(site->cookie_name(), before);
  EXPECT_EQ(thief.get("/account").status, 303);
  EXPECT_EQ(b.get("/account").status, 200);
}

TEST_P(WebSecurityTest, IdleAndAbsoluteExpiryThroughHttp) {
  Browser b = site->browser();
  sign_up(b, "idle@example.org", kPassword);
  EXPECT_EQ(b.get("/account").status, 200);
  site->clock.advance(accounts::kIdleTimeoutSeconds + 1);
  EXPECT_EQ(b.get("/account").status, 303);

  Browser c = site->browser();
  sign_up(c, "abs@example.org", kPassword);
  for (int i = 0; i < 25; ++i) {
    site->clock.advance(29 * 60);
    c.get("/account");
  }
  EXPECT_EQ(c.get("/account").status, 303) << "12 hours after sign-in the session must end";
}

TEST_P(WebSecurityTest, SignInThrottlingAnswers429) {
  Browser setup = site->browser();
  sign_up(setup, "t@example.org", kPassword);
  Browser b = site->browser();
  b.get("/signin");
  for (int i = 0; i < accounts::kFreeFailuresBeforeBackoff; ++i) {
    EXPECT_EQ(
        b.post("/signin", {{"email", "t@example.org"}, {"password", "wrong-password"}}).status,
        422);
  }
  auto r = b.post("/signin", {{"email", "t@example.org"}, {"password", kPassword}});
  EXPECT_EQ(r.status, 429);
  EXPECT_TRUE(r.header("retry-after"));
  EXPECT_NE(r.body.find("Too many attempts"), std::string::npos);
}

TEST_P(WebSecurityTest, MetacharactersAreStoredVerbatimAndRenderedEscaped) {
  Browser b = site->browser();
  const std::string email = "o'brien+x;--@example.org";
  const std::string password = "'; DROP TABLE users; -- <script>alert(1)</script>";
  ASSERT_EQ(sign_up(b, email, password).status, 303);
  auto page = b.get("/account");
  EXPECT_NE(page.body.find("o&apos;brien+x;--@example.org"), std::string::npos) << page.body;
  testing::sign_out(b);
  b.get("/signin");
  EXPECT_EQ(b.post("/signin", {{"email", email}, {"password", password}}).status, 303);

  // An invalid form re-renders the typed value escaped, never as markup.
  Browser c = site->browser();
  c.get("/signup");
  auto r = c.post("/signup", {{"email", "<script>alert(1)</script>"},
                              {"password", "<script>x</script>1234"},
                              {"password_confirm", "<script>x</script>1234"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(r.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  Browser d = site->browser();
  d.get("/signin");
  auto s = d.post("/signin", {{"email", "<script>alert(2)</script>"}, {"password", "x"}});
  EXPECT_EQ(s.body.find("<script>alert(2)"), std::string::npos);
  EXPECT_EQ(count_rows(*site->db, "users"), 1);
}

TEST_P(WebSecurityTest, InvalidSignUpReRendersWithFieldErrorsAndKeepsInput) {
  Browser b = site->browser();
  b.get("/signup");
  auto r =
      b.post("/signup",
             {{"email", "keep@example.org"}, {"password", "short"}, {"password_confirm", "short"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("value=\"keep@example.org\""), std::string::npos);
  EXPECT_NE(r.body.find("at least 10 characters"), std::string::npos);
  EXPECT_NE(r.body.find("aria-invalid=\"true\""), std::string::npos);
}

TEST_P(WebSecurityTest, ExportIsOnlyMyOwnData) {
  Browser a = site->browser(), b = site->browser();
  sign_up(a, "a@example.org", kPassword);
  sign_up(b, "b@example.org", kPassword);
  a.get("/account");
  auto r = a.post("/account/export", {});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.header("content-disposition")->find("attachment"), std::string::npos);
  auto doc = boost::json::parse(r.body);
  EXPECT_EQ(doc.at("account").at("email").as_string(), "a@example.org");
  EXPECT_EQ(r.body.find("b@example.org"), std::string::npos);
}

TEST_P(WebSecurityTest, DeleteAccountNeedsPasswordThenErasesEverything) {
  Browser a = site->browser(), b = site->browser();
  sign_up(a, "del@example.org", kPassword);
  sign_up(b, "keep@example.org", kPassword);
  a.get("/account");
  EXPECT_EQ(a.post("/account/delete", {{"password", "wrong password"}}).status, 422);
  EXPECT_EQ(count_rows(*site->db, "users"), 2);
  auto r = a.post("/account/delete", {{"password", kPassword}});
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("location"), "/?deleted=1");
  EXPECT_EQ(count_rows(*site->db, "users"), 1);
  EXPECT_TRUE(a.cookie(site->cookie_name()).empty());
  EXPECT_EQ(b.get("/account").status, 200);
}

// Who may reach which route is asserted by the access matrix (access_matrix_test.cc).

TEST_P(WebSecurityTest, WrongTwoFactorCodesAreThrottled) {
  Browser b = site->browser();
  sign_up(b, "coded@example.org", kPassword);
  b.get("/account");
  const std::string secret = testing::enable_two_factor(b, *site);
  testing::sign_out(b);
  site->clock.advance(30);  // a fresh code step: the one used to turn it on is spent
  b.get("/signin");
  ASSERT_EQ(b.post("/signin", {{"email", "coded@example.org"}, {"password", kPassword}})
                .header("location"),
            "/signin/code");
  b.get("/signin/code");
  for (int i = 0; i < accounts::kFreeFailuresBeforeBackoff; ++i)
    EXPECT_EQ(b.post("/signin/code", {{"code", "000000"}}).status, 422);
  // Even the right code waits now: guessing six digits is slowed like guessing a password.
  const std::string code = accounts::TwoFactor::totp_for_base32(secret, site->clock.now());
  auto r = b.post("/signin/code", {{"code", code}});
  EXPECT_EQ(r.status, 429);
  EXPECT_TRUE(r.header("retry-after"));
  site->clock.advance(2);  // the wait after five failures is one second
  EXPECT_EQ(b.post("/signin/code", {{"code", code}}).status, 303);
}

TEST_P(WebSecurityTest, AdminPageNeedsAdminRole) {
  Browser b = site->browser();
  EXPECT_EQ(b.get("/admin").status, 303);
  sign_up(b, "member@example.org", kPassword);
  EXPECT_EQ(b.get("/admin").status, 403);
  accounts::Accounts accounts(*site->db, site->clock, testing::fast_password_policy());
  ASSERT_TRUE(accounts.create_user("root@example.org", kPassword, accounts::Role::kAdmin));
  Browser admin = site->browser();
  admin.get("/signin");
  admin.post("/signin", {{"email", "root@example.org"}, {"password", kPassword}});
  // An administrator sees other people's accounts only after turning on two-factor.
  auto before = admin.get("/admin");
  EXPECT_EQ(before.status, 303);
  EXPECT_EQ(before.header("location"), "/account/two-factor?required=1");
  testing::enable_two_factor(admin, *site);
  auto page = admin.get("/admin");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<strong>2</strong>"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, WebSecurityTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

class WebBasicsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(site.ready()); }
  TestSite site{TestBackend::kSqlite};
};

TEST_F(WebBasicsTest, StaticFilesHaveEtagAndAnswer304) {
  Browser b = site.browser();
  auto r = b.get("/static/style.css");
  EXPECT_EQ(r.status, 200);
  auto etag = r.header("etag");
  ASSERT_TRUE(etag);
  EXPECT_NE(r.header("cache-control")->find("max-age"), std::string::npos);
  testing::RawConnection c(site.port);
  c.send("GET /static/style.css HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + *etag + "\r\n\r\n");
  auto again = c.read_response();
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(b.get("/static/missing.css").status, 404);
  EXPECT_EQ(b.get("/static/..%2Fpages%2Fhelp.md").status, 404);
}

TEST_F(WebBasicsTest, MetricsCountRequestsByRouteAndStatus) {
  Browser b = site.browser();
  b.get("/healthz");
  b.get("/nowhere");
  auto m = b.get("/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(
      m.body.find(
          "securebase_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"),
      std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("status=\"404\""), std::string::npos);
  EXPECT_NE(
      m.body.find(
          "securebase_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 1"),
      std::string::npos);
  EXPECT_NE(m.body.find("securebase_store_pool_in_use"), std::string::npos);
}

// Public pages look the same to every visitor without a session: the second visit is served from
// the cache, byte for byte, while a visitor with a session still gets their own page.
TEST_F(WebBasicsTest, PublicPagesAreCachedForVisitorsWithoutASession) {
  auto hits = [&] {
    const std::string m = site.browser().get("/metrics").body;
    const std::string key = "\nsecurebase_anonymous_cache_hits_total ";
    const auto at = m.find(key);
    return at == std::string::npos ? -1 : std::stoi(m.substr(at + key.size()));
  };
  ASSERT_EQ(hits(), 0);
  auto first = site.browser().get("/understanding");
  auto second = site.browser().get("/understanding");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, second.body);
  EXPECT_TRUE(second.set_cookies().empty());
  EXPECT_EQ(hits(), 1);
  site.browser().get("/understanding?utm=x");  // a query is never cached
  EXPECT_EQ(hits(), 1);
  Browser member = site.browser();
  testing::sign_up(member, "reader@example.org", "a long enough password");
  auto own = member.get("/understanding");
  EXPECT_NE(own.body.find("href=\"/today\""), std::string::npos)
      << "a member sees their own header";
  EXPECT_EQ(hits(), 1);
}

TEST_F(WebBasicsTest, PagesShowCrisisHelpAndNotADiagnosis) {
  Browser b = site.browser();
  for (const char* path : {"/", "/understanding", "/privacy", "/signin", "/help"}) {
    auto r = b.get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_NE(r.body.find("href=\"/help\""), std::string::npos) << path;
    EXPECT_NE(r.body.find("not a diagnosis"), std::string::npos) << path;
  }
  auto understanding = b.get("/understanding");
  for (const char* word :
       {"Secure", "Anxious-preoccupied", "Avoidant-dismissive", "Fearful-avoidant",
        "also called disorganized", "responsive caregiving"}) {
    EXPECT_NE(understanding.body.find(word), std::string::npos) << word;
  }
}

TEST_F(WebBasicsTest, UnknownPathIs404PageAndWrongMethodIs405) {
  Browser b = site.browser();
  auto r = b.get("/no/such/page");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("There is no page at this address"), std::string::npos);
  EXPECT_EQ(b.request("DELETE", "/account").status, 405);
}

}  // namespace sb::web
