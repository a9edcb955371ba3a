// Signing up never tells whether an address has an account: the form answers the same for a
// new address and a taken one, and only the mail (to the address's owner) differs. The link
// creates the account once, within a day, and keeps work done before signing up.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <cctype>
#include <set>

#include "accounts/accounts.h"
#include "accounts/mail.h"
#include "support/test_site.h"

namespace sb {
namespace {

using testing::Browser;
using testing::TestBackend;
using testing::TestSite;

constexpr const char* kPassword = "a long enough password";

int64_t count(store::Database& db, const std::string& sql) { return testing::count_of(db, sql); }

// What a person sees after the form: its status, where it leads, which cookies it sets and the
// page it leads to (with per-visitor tokens blanked).
struct Answer {
  int status;
  std::string location;
  std::set<std::string> cookie_names;
  std::string next_page;
  bool operator==(const Answer&) const = default;
};

// Long random tokens (CSRF, ids) differ between any two visitors: blank them.
std::string without_tokens(const std::string& page) {
  std::string out, run;
  auto flush = [&] {
    out += run.size() >= 32 ? std::string("T") : run;
    run.clear();
  };
  for (char c : page) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') {
      run += c;
    } else {
      flush();
      out += c;
    }
  }
  flush();
  return out;
}

Answer sign_up_form(TestSite& site, const std::string& email, const std::string& password) {
  Browser b = site.browser();
  b.get("/signup");
  auto r =
      b.post("/signup", {{"email", email}, {"password", password}, {"password_confirm", password}});
  Answer a{r.status, r.header("location").value_or(""), {}, ""};
  for (const auto& c : r.set_cookies()) a.cookie_names.insert(c.substr(0, c.find('=')));
  a.next_page = without_tokens(b.get(a.location).body);
  return a;
}

class SignupTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    site = std::make_unique<TestSite>(GetParam());
    ASSERT_TRUE(site->ready());
    Browser owner = site->browser();
    ASSERT_EQ(testing::sign_up(owner, "owner@example.org", kPassword).status, 303);
  }
  std::unique_ptr<TestSite> site;
};

TEST_P(SignupTest, ATakenAddressGetsTheSameAnswerAsANewOne) {
  const Answer taken = sign_up_form(*site, "owner@example.org", "another long password");
  const Answer fresh = sign_up_form(*site, "newcomer@example.org", "another long password");
  EXPECT_EQ(taken.status, 303);
  EXPECT_EQ(taken.location, "/signup/sent");
  EXPECT_TRUE(taken == fresh) << taken.next_page << "\n---\n" << fresh.next_page;
  // Nothing was created or changed: the owner's password still works, the other does not.
  EXPECT_EQ(count(*site->db, "SELECT COUNT(*) FROM users"), 1);
  Browser b = site->browser();
  b.get("/signin");
  EXPECT_EQ(
      b.post("/signin", {{"email", "owner@example.org"}, {"password", "another long password"}})
          .status,
      422);
  EXPECT_EQ(b.post("/signin", {{"email", "owner@example.org"}, {"password", kPassword}}).status,
            303);
  // Only the mail differs, and it goes to the address's owner.
  const std::string to_owner = testing::newest_mail_to("owner@example.org");
  EXPECT_NE(to_owner.find("already has an account"), std::string::npos) << to_owner;
  EXPECT_EQ(testing::signup_link(to_owner), "");
  EXPECT_NE(testing::signup_link(testing::newest_mail_to("newcomer@example.org")), "");
}

TEST_P(SignupTest, TheLinkCreatesTheAccountOnceAndSignsIn) {
  sign_up_form(*site, "once@example.org", kPassword);
  const std::string link = testing::signup_link(testing::newest_mail_to("once@example.org"));
  ASSERT_FALSE(link.empty());
  EXPECT_EQ(count(*site->db, "SELECT COUNT(*) FROM users"), 1) << "nothing before the link";
  Browser b = site->browser();
  EXPECT_EQ(b.get(link).status, 200);
  auto made = b.post(link, {});
  EXPECT_EQ(made.status, 303);
  EXPECT_EQ(made.header("location").value_or(""), "/today?welcome=1");
  EXPECT_EQ(b.get("/account").status, 200);
  EXPECT_EQ(count(*site->db, "SELECT COUNT(*) FROM users"), 2);
  Browser again = site->browser();
  again.get("/signup");  // a page with a form, for the CSRF token
  EXPECT_EQ(again.get(link).status, 410);
  EXPECT_EQ(again.post(link, {}).status, 410);
  EXPECT_EQ(count(*site->db, "SELECT COUNT(*) FROM users"), 2);
}

TEST_P(SignupTest, ALinkExpiresAfterADay) {
  sign_up_form(*site, "late@example.org", kPassword);
  const std::string link = testing::signup_link(testing::newest_mail_to("late@example.org"));
  site->clock.advance(accounts::kSignupLinkSeconds + 1);
  Browser b = site->browser();
  b.get("/signup");  // a page with a form, for the CSRF token
  EXPECT_EQ(b.get(link).status, 410);
  EXPECT_EQ(b.post(link, {}).status, 410);
  EXPECT_EQ(count(*site->db, "SELECT COUNT(*) FROM users"), 1);
  ASSERT_TRUE(accounts::Accounts(*site->db, site->clock).prune());
  EXPECT_EQ(count(*site->db, "SELECT COUNT(*) FROM signup_requests"), 0) << "pruned";
}

TEST_P(SignupTest, AnAddressGetsAFewMailsAnHourWhateverIsAsked) {
  auto mails_to = [](const std::string& address) {
    return static_cast<int>(testing::mails_to(address).size());
  };
  const int before = mails_to("flooded@example.org");  // other suites' runs share the folder
  for (int i = 0; i < 6; ++i) {
    const Answer a = sign_up_form(*site, "flooded@example.org", kPassword);
    EXPECT_EQ(a.location, "/signup/sent");
  }
  EXPECT_EQ(mails_to("flooded@example.org") - before, accounts::kSignupMailsPerAddressPerHour);
}

TEST_P(SignupTest, WorkBeforeSigningUpIsKeptWhenTheLinkIsOpenedElsewhere) {
  Browser phone = site->browser();
  phone.get("/assessment");
  ASSERT_EQ(phone.post("/assessment/start", {}).status, 303);
  phone.get("/signup");
  ASSERT_EQ(phone
                .post("/signup", {{"email", "keeper@example.org"},
                                  {"password", kPassword},
                                  {"password_confirm", kPassword}})
                .status,
            303);
  Browser laptop = site->browser();  // the mail is read on another device
  const std::string link = testing::signup_link(testing::newest_mail_to("keeper@example.org"));
  laptop.get(link);
  ASSERT_EQ(laptop.post(link, {}).status, 303);
  EXPECT_EQ(count(*site->db,
                  "SELECT COUNT(*) FROM assessments a JOIN users u ON u.id = a.user_id WHERE "
                  "u.email = 'keeper@example.org'"),
            1);
}

TEST(Mail, HeadersCannotBeInjectedAndLinesEndInCrlf) {
  EXPECT_FALSE(mail::format_message({"a@example.org\r\nBcc: x@example.org", "s", "t"}, "f", 0));
  EXPECT_FALSE(mail::format_message({"a@example.org", "s\nBcc: x", "t"}, "f", 0));
  auto m = mail::format_message({"a@example.org", "Hello", "one\ntwo"}, "SecureBase <f@x>", 0);
  ASSERT_TRUE(m);
  EXPECT_NE(m->find("\r\nTo: a@example.org\r\n"), std::string::npos);
  EXPECT_NE(m->find("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(m->find("\r\n\r\none\r\ntwo\r\n"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, SignupTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace sb
