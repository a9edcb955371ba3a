#include "accounts/accounts.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/fast_policy.h"
#include "support/test_db.h"

namespace sb::accounts {

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto::init();
    db = testing::fresh_database(testing::TestBackend::kSqlite);
    ASSERT_TRUE(db);
    accounts = std::make_unique<Accounts>(*db, clock, testing::fast_password_policy());
  }
  IssuedSession sign_up(const std::string& email) {
    auto r = accounts->sign_up(email, "a long enough password", Visitor{}, "10.0.0.1");
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : IssuedSession{};
  }
  ManualClock clock{1'800'000'000};
  std::unique_ptr<store::Database> db;
  std::unique_ptr<Accounts> accounts;
};

TEST_F(AccountsTest, SignUpNormalisesEmailAndRejectsDuplicates) {
  auto s = sign_up("  Ada@Example.ORG ");
  EXPECT_EQ(s.visitor.email, "ada@example.org");
  auto again = accounts->sign_up("ada@example.org", "another long password", Visitor{}, "10.0.0.1");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().field, "email");
}

TEST_F(AccountsTest, SignUpValidatesFields) {
  auto bad_email =
      accounts->sign_up("not-an-address", "a long enough password", Visitor{}, "10.0.0.1");
  ASSERT_FALSE(bad_email);
  EXPECT_EQ(bad_email.error().field, "email");
  auto short_pw = accounts->sign_up("b@example.org", "short", Visitor{}, "10.0.0.1");
  ASSERT_FALSE(short_pw);
  EXPECT_EQ(short_pw.error().field, "password");
}

TEST_F(AccountsTest, ResolveFindsSignedInVisitorByTokenOnly) {
  auto s = sign_up("c@example.org");
  auto v = accounts->resolve(s.token);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->signed_in());
  EXPECT_EQ(v->email, "c@example.org");
  auto wrong = accounts->resolve(s.token + "x");
  ASSERT_TRUE(wrong);
  EXPECT_FALSE(wrong->signed_in());
  EXPECT_EQ(wrong->session_id, 0);
}

TEST_F(AccountsTest, SignInIssuesNewTokenAndEndsTheOldSession) {
  sign_up("d@example.org");
  auto anon = accounts->start_anonymous();
  ASSERT_TRUE(anon);
  auto signed_in =
      accounts->sign_in("d@example.org", "a long enough password", "10.0.0.1", anon->visitor);
  ASSERT_TRUE(signed_in);
  ASSERT_TRUE(signed_in->session);
  const auto& in = signed_in->session;
  EXPECT_NE(in->token, anon->token);
  EXPECT_NE(in->visitor.csrf_token, anon->visitor.csrf_token);
  auto old = accounts->resolve(anon->token);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->session_id, 0) << "the pre-sign-in session must no longer be valid";
}

TEST_F(AccountsTest, IdleTimeoutEndsSession) {
  auto s = sign_up("e@example.org");
  clock.advance(kIdleTimeoutSeconds - 10);
  EXPECT_TRUE(accounts->resolve(s.token)->signed_in());  // use refreshes the idle timer
  clock.advance(kIdleTimeoutSeconds - 10);
  EXPECT_TRUE(accounts->resolve(s.token)->signed_in());
  clock.advance(kIdleTimeoutSeconds + 1);
  EXPECT_FALSE(accounts->resolve(s.token)->signed_in());
}

TEST_F(AccountsTest, AbsoluteTimeoutEndsSessionEvenWhenActive) {
  auto s = sign_up("f@example.org");
  for (int64_t t = 0; t + 1200 < kAbsoluteTimeoutSeconds; t += 1200) {
    clock.advance(1200);
    ASSERT_TRUE(accounts->resolve(s.token)->signed_in()) << "at " << t;
  }
  clock.advance(1300);
  EXPECT_FALSE(accounts->resolve(s.token)->signed_in());
}

TEST_F(AccountsTest, ThrottlingEngagesAfterRepeatedFailuresEvenForTheRightPassword) {
  sign_up("g@example.org");
  for (int i = 0; i < kFreeFailuresBeforeBackoff; ++i) {
    auto r = accounts->sign_in("g@example.org", "wrong password!", "10.0.0.2", Visitor{});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  }
  auto blocked =
      accounts->sign_in("g@example.org", "a long enough password", "10.0.0.2", Visitor{});
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, ErrorCode::kThrottled);
  clock.advance(2);
  EXPECT_TRUE(accounts->sign_in("g@example.org", "a long enough password", "10.0.0.2", Visitor{}));
}

TEST_F(AccountsTest, BackoffDoublesWithEachFailurePastTheFreeOnes) {
  store::AccountsRepo repo(*db);
  std::vector<int64_t> waits;
  for (int n = 1; n <= 10; ++n) {
    ASSERT_TRUE(
        repo.record_login_failure("h@example.org", "10.1.0." + std::to_string(n), clock.now()));
    waits.push_back(accounts->throttle_state("h@example.org", "10.9.9.9").retry_after_seconds);
  }
  EXPECT_EQ(waits[3], 0);  // four failures: no wait yet
  EXPECT_EQ(waits[4], 1);
  EXPECT_EQ(waits[5], 2);
  EXPECT_EQ(waits[6], 4);
  EXPECT_EQ(waits[9], 32);
}

TEST_F(AccountsTest, AccountLimitOfHundredFailuresPerHour) {
  sign_up("i@example.org");
  store::AccountsRepo repo(*db);
  for (int i = 0; i < kMaxAccountFailuresPerHour; ++i) {
    ASSERT_TRUE(repo.record_login_failure("i@example.org", "10.2.0." + std::to_string(i),
                                          clock.now() - 3000));
  }
  auto state = accounts->throttle_state("i@example.org", "10.9.9.9");
  EXPECT_TRUE(state.throttled);
  EXPECT_GT(state.retry_after_seconds, 500);
  clock.advance(700);  // the oldest failures leave the hour window
  EXPECT_FALSE(accounts->throttle_state("i@example.org", "10.9.9.9").throttled);
}

TEST_F(AccountsTest, ChangePasswordChecksCurrentAndSignsOutOtherSessions) {
  auto first = sign_up("j@example.org");
  auto second = accounts->sign_in("j@example.org", "a long enough password", "1.1.1.1", Visitor{});
  ASSERT_TRUE(second);
  auto wrong = accounts->change_password(first.visitor, "nope nope nope", "a new long password");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().field, "current_password");
  ASSERT_TRUE(
      accounts->change_password(first.visitor, "a long enough password", "a new long password"));
  EXPECT_TRUE(accounts->resolve(first.token)->signed_in());
  EXPECT_FALSE(accounts->resolve(second->session->token)->signed_in());
  EXPECT_TRUE(accounts->sign_in("j@example.org", "a new long password", "1.1.1.1", Visitor{}));
}

TEST_F(AccountsTest, ExportContainsTheAccountAndNoSecrets) {
  auto s = sign_up("k@example.org");
  auto doc = accounts->export_json(s.visitor);
  ASSERT_TRUE(doc);
  auto v = boost::json::parse(*doc);
  EXPECT_EQ(v.at("account").at("email").as_string(), "k@example.org");
  EXPECT_EQ(v.at("sessions").as_array().size(), 1u);
  EXPECT_EQ(doc->find("argon2"), std::string::npos);
  EXPECT_EQ(doc->find(s.token), std::string::npos);
}

TEST_F(AccountsTest, DeleteAccountNeedsPasswordAndErasesEverything) {
  auto s = sign_up("l@example.org");
  (void)accounts->sign_in("l@example.org", "wrong password!", "3.3.3.3", Visitor{});
  auto refused = accounts->delete_account(s.visitor, "wrong password!", [](soci::session&) {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(*accounts->count_users(), 1);
  ASSERT_TRUE(accounts->delete_account(s.visitor, "a long enough password", [](soci::session&) {}));
  EXPECT_EQ(*accounts->count_users(), 0);
  EXPECT_FALSE(accounts->resolve(s.token)->signed_in());
  store::AccountsRepo repo(*db);
  EXPECT_TRUE(repo.failures_for_account("l@example.org", 0)->empty());
}

}  // namespace sb::accounts
