// The access policy on its own: every outcome, grants that expire or are revoked, and the audit.
#include "web/access_policy.h"

#include <gtest/gtest.h>

#include "accounts/accounts_repo.h"
#include "support/test_db.h"

namespace sb::web {
namespace {

using Outcome = Decision::Outcome;

class AccessPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db = testing::fresh_database(testing::TestBackend::kSqlite);
    ASSERT_TRUE(db);
    users = std::make_unique<store::AccountsRepo>(*db);
    access = std::make_unique<store::AccessRepo>(*db);
    policy = std::make_unique<AccessPolicy>(*users, *access, clock);
    subject_id = *users->create_user("subject@example.org", "h", "member", 1);
    subject_public = (*users->find_user(subject_id))->public_id;
    req.method = "GET";
    req.path = "/clients/" + subject_public;
    req.params["client"] = subject_public;
    req.remote_address = "10.1.2.3";
  }
  accounts::Visitor actor(accounts::Role role, bool second_factor) {
    accounts::Visitor v;
    v.session_id = 9;
    v.user_id = *users->create_user("actor" + std::to_string(++n) + "@example.org", "h",
                                    accounts::role_name(role), 1);
    v.role = role;
    v.email = "actor@example.org";
    v.two_factor_enabled = second_factor;
    v.second_factor = second_factor;
    v.authenticated_at = clock.now();
    return v;
  }

  ManualClock clock{1'800'000'000};
  std::unique_ptr<store::Database> db;
  std::unique_ptr<store::AccountsRepo> users;
  std::unique_ptr<store::AccessRepo> access;
  std::unique_ptr<AccessPolicy> policy;
  int64_t subject_id = 0;
  std::string subject_public;
  Request req;
  int n = 0;
};

TEST_F(AccessPolicyTest, SignedOutVisitorsAreSentToSignIn) {
  accounts::Visitor nobody;
  EXPECT_EQ(policy->decide(Need::member("journal:read"), nobody, req).outcome, Outcome::kSignIn);
  EXPECT_EQ(policy->decide(Need::anyone(), nobody, req).outcome, Outcome::kAllow);
  auto visitor = policy->decide(Need::visitor("assessment:write"), nobody, req);
  ASSERT_EQ(visitor.outcome, Outcome::kAllow);
  EXPECT_EQ(visitor.context->subject().kind, SubjectKind::kVisitor);
}

TEST_F(AccessPolicyTest, OwnDataIsSelfAndNeverAudited) {
  auto me = actor(accounts::Role::kMember, false);
  auto d = policy->decide(Need::member("journal:read"), me, req);
  ASSERT_EQ(d.outcome, Outcome::kAllow);
  EXPECT_EQ(d.context->grant(), Grant::kSelf);
  EXPECT_EQ(d.context->owner().user_id, me.user_id);
  ASSERT_TRUE(policy->audit(*d.context, req));
  EXPECT_TRUE(access->audit_for_subject(*me.user_id)->empty());
}

TEST_F(AccessPolicyTest, ModerationNeedsAnAdminWithTwoFactorAndIsAudited) {
  const Need need = Need::moderation_of("client", "account:read");
  EXPECT_EQ(policy->decide(need, actor(accounts::Role::kMember, true), req).outcome,
            Outcome::kForbidden);
  EXPECT_EQ(policy->decide(need, actor(accounts::Role::kAdmin, false), req).outcome,
            Outcome::kSecondFactor);
  auto d = policy->decide(need, actor(accounts::Role::kAdmin, true), req);
  ASSERT_EQ(d.outcome, Outcome::kAllow);
  EXPECT_EQ(d.context->grant(), Grant::kModeration);
  EXPECT_EQ(d.context->owner().user_id, subject_id) << "the subject, not the actor";
  ASSERT_TRUE(policy->audit(*d.context, req));
  auto audit = access->audit_for_subject(subject_id);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ(audit->front().grant, "moderation");
  EXPECT_EQ(audit->front().object, "GET " + req.path);
  EXPECT_EQ(audit->front().address, "10.1.2.3");
  req.params["client"] = "no-such-person";
  EXPECT_EQ(policy->decide(need, actor(accounts::Role::kAdmin, true), req).outcome,
            Outcome::kNotFound);
}

TEST_F(AccessPolicyTest, ConsentHoldsOnlyForItsScopeWhileActive) {
  const Need need = Need::consent_of("client", "checkin:read");
  auto clinician = actor(accounts::Role::kClinician, true);
  EXPECT_EQ(policy->decide(need, clinician, req).outcome, Outcome::kForbidden) << "no grant";
  auto grant = access->create_grant(
      {0, subject_id, *clinician.user_id, "checkin:read", clock.now(), clock.now() + 3600, {}});
  ASSERT_TRUE(grant);
  EXPECT_EQ(policy->decide(need, clinician, req).outcome, Outcome::kAllow);
  EXPECT_EQ(policy->decide(Need::consent_of("client", "journal:read"), clinician, req).outcome,
            Outcome::kForbidden)
      << "another scope";
  auto no_2fa = clinician;
  no_2fa.second_factor = false;
  EXPECT_EQ(policy->decide(need, no_2fa, req).outcome, Outcome::kSecondFactor);
  clock.advance(3601);
  EXPECT_EQ(policy->decide(need, clinician, req).outcome, Outcome::kForbidden) << "expired";
  auto again = access->create_grant(
      {0, subject_id, *clinician.user_id, "checkin:read", clock.now(), std::nullopt, {}});
  EXPECT_EQ(policy->decide(need, clinician, req).outcome, Outcome::kAllow);
  ASSERT_TRUE(access->revoke_grant(*again, subject_id, clock.now()));
  EXPECT_EQ(policy->decide(need, clinician, req).outcome, Outcome::kForbidden) << "revoked";
}

TEST_F(AccessPolicyTest, FreshNeedsARecentPasswordOrCode) {
  auto me = actor(accounts::Role::kMember, false);
  const Need need = Need::member("account:export").fresh();
  EXPECT_EQ(policy->decide(need, me, req).outcome, Outcome::kAllow);
  clock.advance(kFreshAuthSeconds + 1);
  EXPECT_EQ(policy->decide(need, me, req).outcome, Outcome::kReauthenticate);
}

}  // namespace
}  // namespace sb::web
