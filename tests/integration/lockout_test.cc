// Nobody can lock a person out by guessing: a device that signed in to the account before is not
// held back by the failures strangers run up, and an address is limited only for e-mail addresses
// that have no account. Behind a trusted proxy, each client counts on its own.
#include <gtest/gtest.h>

#include <cstdio>

#include "support/test_site.h"

namespace sb {
namespace {

using testing::Browser;
using testing::TestBackend;
using testing::TestSite;

constexpr const char* kPassword = "the owner's long password";

int sign_in(Browser& b, const std::string& email, const std::string& password) {
  b.get("/signin");
  return b.post("/signin", {{"email", email}, {"password", password}}).status;
}

class LockoutTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    site = std::make_unique<TestSite>(GetParam());
    ASSERT_TRUE(site->ready());
    Browser setup = site->browser();
    ASSERT_EQ(testing::sign_up(setup, "owner@example.org", kPassword).status, 303);
  }
  std::unique_ptr<TestSite> site;
};

TEST_P(LockoutTest, GuessingDoesNotKeepTheOwnerOutOnTheirOwnDevice) {
  Browser owner = site->browser();
  ASSERT_EQ(sign_in(owner, "owner@example.org", kPassword), 303);
  ASSERT_FALSE(owner.cookie(site->app->session_cookie_name()).empty());
  ASSERT_EQ(testing::sign_out(owner).status, 303);
  // Two wrong guesses a second for two minutes, from somewhere else.
  Browser attacker = site->browser();
  int throttled = 0;
  for (int i = 0; i < 240; ++i) {
    if (sign_in(attacker, "owner@example.org", "guess " + std::to_string(i)) == 429) ++throttled;
    site->clock.advance(1);
  }
  EXPECT_GT(throttled, 200) << "the guesser is throttled";
  // A new device has to wait like the guesser...
  Browser new_device = site->browser();
  EXPECT_EQ(sign_in(new_device, "owner@example.org", kPassword), 429);
  // ... but the owner, on the device that signed in before, gets in at once, every time.
  int owner_in = 0;
  for (int i = 0; i < 29; ++i) {
    if (sign_in(owner, "owner@example.org", kPassword) == 303) ++owner_in;
    EXPECT_EQ(testing::sign_out(owner).status, 303) << "signed in, so signing out works";
  }
  std::printf("lock-out (%s): guesser throttled %d of 240 times; owner let in %d of 29 times\n",
              testing::backend_name(GetParam()).c_str(), throttled, owner_in);
  EXPECT_EQ(owner_in, 29);
}

TEST_P(LockoutTest, FailuresOnUnknownAddressesDoNotBlockKnownAccountsBehindTheSameAddress) {
  Browser sprayer = site->browser();
  for (int i = 0; i < 40; ++i)
    sign_in(sprayer, "nobody-" + std::to_string(i) + "@example.org", "whatever it is");
  EXPECT_EQ(sign_in(sprayer, "nobody-else@example.org", "whatever it is"), 429)
      << "unknown e-mail addresses from one address are limited";
  Browser neighbour = site->browser();  // same address (loopback), a real account
  EXPECT_EQ(sign_in(neighbour, "owner@example.org", kPassword), 303);
}

TEST_P(LockoutTest, BehindATrustedProxyEachClientCountsOnItsOwn) {
  TestSite proxied(GetParam(), true, [](app::AppConfig& c) { c.trusted_proxies = {"127.0.0.1"}; });
  ASSERT_TRUE(proxied.ready());
  int n = 0;
  auto attempt = [&](const std::string& forwarded_for) {
    testing::RawConnection c(proxied.port);
    Browser b = proxied.browser();
    auto form = b.get("/signin");
    const std::string cookie = form.set_cookies().at(0).substr(0, form.set_cookies()[0].find(';'));
    // A new unknown e-mail each time, so only the address limit can apply.
    const std::string body =
        "csrf=" + b.csrf() + "&email=nobody-" + std::to_string(++n) + "%40example.org&password=x";
    c.send("POST /signin HTTP/1.1\r\nHost: t\r\nCookie: " + cookie +
           "\r\nX-Forwarded-For: " + forwarded_for +
           "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body);
    return c.read_response().status;
  };
  for (int i = 0; i < accounts::kFreeAddressFailuresBeforeBackoff; ++i)
    EXPECT_EQ(attempt("203.0.113.7"), 422);
  EXPECT_EQ(attempt("203.0.113.7"), 429) << "that client is limited";
  EXPECT_EQ(attempt("198.51.100.9"), 422) << "another client behind the proxy is not";
  // A client cannot pick its own address by sending the header: the proxy appends the real one.
  EXPECT_EQ(attempt("198.51.100.9, 203.0.113.7"), 429);
  // Without --trusted-proxy the header is ignored: all share the proxy's address.
  TestSite plain(GetParam());
  ASSERT_TRUE(plain.ready());
  Browser b = plain.browser();
  for (int i = 0; i < accounts::kFreeAddressFailuresBeforeBackoff; ++i)
    sign_in(b, "nobody-" + std::to_string(i) + "@example.org", "x");
  EXPECT_EQ(sign_in(b, "nobody-again@example.org", "x"), 429);
}

INSTANTIATE_TEST_SUITE_P(Backends, LockoutTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace sb
