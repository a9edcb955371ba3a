// Children and caregivers, through HTTP on both back ends: a child's profile shared by
// invitation (single use, seven days), removal and leaving, sealed names and notes, the
// child's own access list naming each caregiver, and the suggestion to talk to a professional
// when the same signs stay rare.
#include <gtest/gtest.h>

#include <soci/soci.h>

#include "support/test_site.h"

namespace sb::web {
namespace {

using testing::Browser;
using testing::TestBackend;
using testing::TestSite;

constexpr const char* kPassword = "a long enough password";

using testing::between;

class FamilyTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    site = std::make_unique<TestSite>(GetParam());
    ASSERT_TRUE(site->ready());
    parent = std::make_unique<Browser>(site->browser());
    ASSERT_EQ(testing::sign_up(*parent, "parent@example.org", kPassword).status, 303);
    other = std::make_unique<Browser>(site->browser());
    ASSERT_EQ(testing::sign_up(*other, "coparent@example.org", kPassword).status, 303);
    parent->get("/family");
    const auto added =
        parent->post("/family/children", {{"name", "Bramble"}, {"birth_date", "2025-06-01"}});
    ASSERT_EQ(added.status, 303);
    child = between(added.header("location").value_or("") + "?", "/family/", "?");
    ASSERT_FALSE(child.empty());
  }

  std::string invite() {
    parent->get("/family/" + child);
    return between(parent->post("/family/" + child + "/invite", {}).body, "class=\"care-code\">",
                   "<");
  }

  static void sign_in(Browser& b, const std::string& email) {
    b.get("/signin");
    ASSERT_EQ(b.post("/signin", {{"email", email}, {"password", kPassword}}).status, 303);
  }

  std::unique_ptr<TestSite> site;
  std::unique_ptr<Browser> parent, other;
  std::string child;
};

TEST_P(FamilyTest, AnInvitationWorksOnceAndRemovalEndsAccessAtOnce) {
  EXPECT_EQ(other->get("/family/" + child).status, 403) << "not before joining";
  const std::string code = invite();
  ASSERT_EQ(code.size(), 12u);
  other->get("/family");
  EXPECT_EQ(other->post("/family/join", {{"code", code}}).status, 303);
  EXPECT_EQ(other->get("/family/" + child).status, 200);
  EXPECT_NE(other->get("/family").body.find("Bramble"), std::string::npos);
  // Used: a third person cannot use it again.
  Browser third = site->browser();
  testing::sign_up(third, "third@example.org", kPassword);
  third.get("/family");
  EXPECT_EQ(third.post("/family/join", {{"code", code}}).status, 422);
  EXPECT_EQ(third.get("/family/" + child).status, 403);
  // The invited caregiver cannot invite or remove anyone.
  EXPECT_EQ(other->post("/family/" + child + "/invite", {}).status, 403);
  // The first caregiver removes them: refused at once, and "Bramble" is gone from their list.
  std::string public_id;
  ASSERT_TRUE(site->db->run([&](soci::session& s) {
    s << "SELECT public_id FROM users WHERE email = 'coparent@example.org'", soci::into(public_id);
  }));
  parent->get("/family/" + child);
  EXPECT_EQ(parent->post("/family/" + child + "/caregivers/" + public_id + "/remove", {}).status,
            303);
  EXPECT_EQ(other->get("/family/" + child).status, 403);
  EXPECT_EQ(other->get("/family").body.find("Bramble"), std::string::npos);
  // A new invitation brings them back; they may then leave on their own.
  other->get("/family");
  EXPECT_EQ(other->post("/family/join", {{"code", invite()}}).status, 303);
  EXPECT_EQ(other->get("/family/" + child).status, 200);
  EXPECT_EQ(other->post("/family/" + child + "/caregivers/" + public_id + "/remove", {}).status,
            303);
  EXPECT_EQ(other->get("/family/" + child).status, 403);
}

TEST_P(FamilyTest, AnInvitationExpiresAfterSevenDays) {
  const std::string code = invite();
  site->clock.advance(7 * 24 * 3600 + 1);
  sign_in(*other, "coparent@example.org");
  other->get("/family");
  const auto res = other->post("/family/join", {{"code", code}});
  EXPECT_EQ(res.status, 422);
  EXPECT_NE(res.body.find("more than seven days old"), std::string::npos);
}

TEST_P(FamilyTest, NamesAndNotesAreSealedAndEveryCaregiverIsOnTheAccessList) {
  other->get("/family");
  ASSERT_EQ(other->post("/family/join", {{"code", invite()}}).status, 303);
  other->get("/family/" + child);
  ASSERT_EQ(other
                ->post("/family/" + child + "/log", {{"cue", "cry"},
                                                     {"response", "comfort"},
                                                     {"speed", "now"},
                                                     {"outcome", "settled"},
                                                     {"note", "Larkspur at bedtime"}})
                .status,
            303);
  // Both caregivers see the moment, with who logged it.
  const auto page = parent->get("/family/" + child).body;
  EXPECT_NE(page.find("Larkspur at bedtime"), std::string::npos);
  EXPECT_NE(page.find("coparent@example.org"), std::string::npos);
  std::string name, note;
  ASSERT_TRUE(site->db->run([&](soci::session& s) {
    s << "SELECT name_sealed FROM children", soci::into(name);
    s << "SELECT note_sealed FROM caregiving_log", soci::into(note);
  }));
  EXPECT_EQ(name.find("Bramble"), std::string::npos);
  EXPECT_EQ(note.find("Larkspur"), std::string::npos);
  EXPECT_EQ(name.rfind("v1:", 0), 0u);
  const auto access = parent->get("/family/" + child + "/access").body;
  EXPECT_NE(access.find("coparent@example.org"), std::string::npos);
  EXPECT_NE(access.find("invited caregiver"), std::string::npos);
  EXPECT_NE(access.find("POST /family/" + child + "/log"), std::string::npos);
  EXPECT_NE(access.find("first caregiver"), std::string::npos);
  // A refused request is not an access.
  Browser stranger = site->browser();
  testing::sign_up(stranger, "stranger@example.org", kPassword);
  EXPECT_EQ(stranger.get("/family/" + child + "/access").status, 403);
  EXPECT_EQ(parent->get("/family/" + child + "/access").body.find("stranger@example.org"),
            std::string::npos);
}

TEST_P(FamilyTest, BadInputIsRefusedWithItsReason) {
  parent->get("/family");
  auto future = parent->post("/family/children", {{"name", "Soon"}, {"birth_date", "2099-01-01"}});
  EXPECT_EQ(future.status, 422);
  EXPECT_NE(future.body.find("cannot be in the future"), std::string::npos);
  parent->get("/family/" + child);
  auto mixed = parent->post("/family/" + child + "/log",
                            {{"cue", "cry"}, {"response", "missed"}, {"outcome", "upset"}});
  EXPECT_EQ(mixed.status, 303) << "a miss on its own is fine";
  auto none = parent->post("/family/" + child + "/log", {{"cue", "cry"}});
  EXPECT_EQ(none.status, 422);
  EXPECT_NE(none.body.find("at least one thing you did"), std::string::npos);
}

TEST_P(FamilyTest, SignsRareTwiceTwoWeeksApartSuggestAProfessional) {
  // Born 2025-06-01; the test clock stands in January 2027: about 19 months.
  auto check = [&](const char* answer) {
    parent->get("/family/" + child + "/signs");
    EXPECT_EQ(parent
                  ->post("/family/" + child + "/signs",
                         {{"favourite-people", answer}, {"explores-returns", "often"}})
                  .status,
              303);
  };
  check("rarely");
  auto once = parent->get("/family/" + child + "/signs").body;
  EXPECT_NE(once.find("Exploring and coming back"), std::string::npos);
  EXPECT_EQ(once.find("have been rare for a while"), std::string::npos) << "not after one check";
  site->clock.advance(15 * 24 * 3600);
  sign_in(*parent, "parent@example.org");
  check("rarely");
  const auto page = parent->get("/family/" + child + "/signs").body;
  EXPECT_NE(page.find("have been rare for a while"), std::string::npos);
  EXPECT_NE(page.find("/therapists?population=children&amp;population=families"),
            std::string::npos);
  EXPECT_NE(page.find("rare at the last two checks"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, FamilyTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace sb::web
