// Clinician self-service through a running server: a member with two-factor sign-in claims a
// listing by NPI, an administrator verifies it (recorded in the claimant's access list), the
// clinician edits it and confirms it in one click, a later import leaves their edits alone,
// and nobody else can claim it.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include "features/directory/directory_repo.h"
#include "support/test_site.h"

namespace sb::directory {
namespace {

using testing::Browser;
using testing::TestBackend;
using testing::TestSite;

constexpr char kPassword[] = "correct horse battery staple";
constexpr char kNpi[] = "1234567893";

class DirectoryClaimsTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    site = std::make_unique<TestSite>(GetParam());
    ASSERT_TRUE(site->ready());
    auto v = Vocabulary::load(std::string(SECUREBASE_CONTENT_DIR) + "/directory/vocabulary.json");
    ASSERT_TRUE(v);
    vocabulary = *v;
    ASSERT_TRUE(store::DirectoryRepo(*site->db, vocabulary)
                    .import({register_row("Ana Claimable")}, site->clock.now()));
  }

  // The listing as the NPI register gives it: a name, a licence and an office, nothing else.
  Listing register_row(const std::string& name) const {
    Listing l;
    l.npi = kNpi;
    l.name = name;
    l.source = Source::kNppes;
    l.licences = {{"1041C0700X", "LCSW 4711", "IL"}};
    l.taxonomies = {"1041C0700X"};
    l.city = "Chicago";
    l.state = "IL";
    l.zip = "60614";
    l.lat = 41.9214;
    l.lon = -87.6513;
    return l;
  }

  Browser member(const std::string& email) {
    Browser b = site->browser();
    testing::sign_up(b, email, kPassword);
    b.get("/account");
    return b;
  }

  Browser admin() { return testing::signed_in_admin(*site, "root@example.org", kPassword); }

  // The form address of the first claim on the administrators' queue.
  static std::string first_claim_action(const std::string& page) {
    const std::string open = "action=\"/admin/members/";
    const auto at = page.find(open);
    if (at == std::string::npos) return "";
    const auto end = page.find('"', at + 8);
    return page.substr(at + 8, end - at - 8);
  }

  std::unique_ptr<TestSite> site;
  Vocabulary vocabulary;
};

TEST_P(DirectoryClaimsTest, ClaimVerifyEditConfirm) {
  Browser clinician = member("ana@example.org");
  auto start = clinician.get("/clinician");
  ASSERT_EQ(start.status, 200);
  EXPECT_NE(start.body.find("Turn on two-factor sign-in"), std::string::npos);
  auto refused = clinician.post("/clinician/claim", {{"npi", kNpi}, {"licence", "LCSW 4711"}});
  EXPECT_EQ(refused.status, 422) << "no claim without two-factor sign-in";

  const std::string secret = testing::enable_two_factor(clinician, *site);
  auto bad = clinician.post("/clinician/claim", {{"npi", "1234567890"}, {"licence", "LCSW 4711"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("check digit"), std::string::npos);
  auto sent = clinician.post("/clinician/claim", {{"npi", kNpi}, {"licence", "LCSW 4711"}});
  ASSERT_EQ(sent.status, 303) << sent.body;
  EXPECT_NE(clinician.get("/clinician").body.find("waiting for an administrator"),
            std::string::npos);
  EXPECT_EQ(clinician.post("/clinician/claim", {{"npi", kNpi}, {"licence", "x"}}).status, 422)
      << "one open claim an account";
  EXPECT_EQ(clinician.get("/clinician/listing").status, 403) << "not theirs before verification";

  // The administrator sees the claim beside the register's licence, and verifies it.
  Browser root = admin();
  auto queue = root.get("/admin/directory/claims");
  ASSERT_EQ(queue.status, 200);
  EXPECT_NE(queue.body.find("Ana Claimable"), std::string::npos);
  EXPECT_NE(queue.body.find("LCSW 4711"), std::string::npos);
  EXPECT_NE(queue.body.find("ana@example.org"), std::string::npos);
  const std::string action = first_claim_action(queue.body);
  ASSERT_FALSE(action.empty());
  auto verified = root.post(action, {{"decision", "verify"}});
  ASSERT_EQ(verified.status, 303);
  EXPECT_EQ(verified.header("location"), "/admin/directory/claims?done=verified");
  EXPECT_EQ(root.post(action, {{"decision", "verify"}}).header("location"),
            "/admin/directory/claims?done=stale");
  EXPECT_NE(root.get("/admin/directory/claims").body.find("No claims are waiting"),
            std::string::npos);

  // The decision is on the clinician's access list.
  auto access = clinician.get("/account/access");
  EXPECT_NE(access.body.find("An administrator (root@example.org)"), std::string::npos);
  EXPECT_NE(access.body.find(action), std::string::npos);

  // The listing is theirs: edit it.
  auto form = clinician.get("/clinician/listing");
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_NE(form.body.find("Ana Claimable"), std::string::npos);
  auto saved = clinician.post("/clinician/listing", {{"bio", "Attachment work with couples."},
                                                     {"approach", "eft"},
                                                     {"concern", "couples"},
                                                     {"in_person", "1"},
                                                     {"telehealth", "1"},
                                                     {"accepting", "1"},
                                                     {"street", "1 Elm Street"},
                                                     {"hide_street", "1"},
                                                     {"city", "Chicago"},
                                                     {"state", "il"},
                                                     {"zip", "60614"},
                                                     {"phone", "(312) 555-0199"},
                                                     {"fee_min", "90"},
                                                     {"fee_max", "150"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(clinician.get("/clinician").body.find("More than 90 days have passed"),
            std::string::npos);
  auto bad_edit = clinician.post(
      "/clinician/listing",
      {{"bio", "x"}, {"fee_min", "200"}, {"fee_max", "100"}, {"in_person", "1"}, {"zip", "60614"}});
  EXPECT_EQ(bad_edit.status, 422);
  EXPECT_NE(bad_edit.body.find("lower one first"), std::string::npos);

  auto found = site->browser().get("/therapists.json?place=60614&radius=10&approach=eft");
  EXPECT_NE(found.body.find("Ana Claimable"), std::string::npos) << found.body;
  auto page = site->browser().get("/therapists?place=60614&radius=10&approach=eft");
  const auto card = page.body.find("Ana Claimable");
  ASSERT_NE(card, std::string::npos);
  EXPECT_NE(page.body.find("accepting new clients, confirmed 2027-01-15", card), std::string::npos)
      << "the edit confirmed the listing";
  const std::string listing_path = [&] {
    const auto href = page.body.rfind("/therapists/", card);
    return page.body.substr(href, page.body.find('"', href) - href);
  }();
  auto listing = site->browser().get(listing_path);
  EXPECT_NE(listing.body.find("Attachment work with couples."), std::string::npos);
  EXPECT_NE(listing.body.find("verified"), std::string::npos);
  EXPECT_EQ(listing.body.find("1 Elm Street"), std::string::npos) << "the street is hidden";
  EXPECT_NE(listing.body.find("$90–$150 a session"), std::string::npos);

  // 100 days on the listing says it is not confirmed; one click confirms it again.
  site->clock.advance(100 * 86400);
  EXPECT_NE(site->browser().get(listing_path).body.find("not confirmed since 2027-01-15"),
            std::string::npos);
  // Their session ended long ago: they sign in again, with their code.
  clinician.forget_cookies();
  clinician.get("/signin");
  clinician.post("/signin", {{"email", "ana@example.org"}, {"password", kPassword}});
  clinician.get("/signin/code");
  ASSERT_EQ(clinician
                .post("/signin/code",
                      {{"code", accounts::TwoFactor::totp_for_base32(secret, site->clock.now())}})
                .status,
            303);
  EXPECT_NE(clinician.get("/clinician").body.find("More than 90 days have passed"),
            std::string::npos);
  ASSERT_EQ(clinician.post("/clinician/listing/confirm", {{"accepting", "0"}}).status, 303);
  auto confirmed = site->browser().get(listing_path);
  EXPECT_EQ(confirmed.body.find("not confirmed since"), std::string::npos);
  EXPECT_NE(confirmed.body.find("Not taking new clients"), std::string::npos);

  // The register's next import leaves the clinician's listing as they keep it.
  store::DirectoryRepo repo(*site->db, vocabulary);
  auto counts = repo.import({register_row("Ana Renamed")}, site->clock.now());
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->kept_claimed, 1);
  EXPECT_NE(site->browser().get(listing_path).body.find("Attachment work with couples."),
            std::string::npos);

  // Nobody else can claim it now.
  Browser other = member("other@example.org");
  testing::enable_two_factor(other, *site);
  auto taken = other.post("/clinician/claim", {{"npi", kNpi}, {"licence", "LCSW 1"}});
  EXPECT_EQ(taken.status, 422);
  EXPECT_NE(taken.body.find("already belongs"), std::string::npos);
}

TEST_P(DirectoryClaimsTest, RefusedClaimLeavesTheListingAndMayBeMadeAgain) {
  Browser clinician = member("ana@example.org");
  testing::enable_two_factor(clinician, *site);
  ASSERT_EQ(clinician.post("/clinician/claim", {{"npi", kNpi}, {"licence", "LCSW 9"}}).status, 303);
  Browser root = admin();
  const std::string action = first_claim_action(root.get("/admin/directory/claims").body);
  ASSERT_FALSE(action.empty());
  EXPECT_EQ(root.post(action, {{"decision", "maybe"}}).status, 422);
  ASSERT_EQ(root.post(action, {{"decision", "refuse"}}).header("location"),
            "/admin/directory/claims?done=refused");
  auto mine = clinician.get("/clinician");
  EXPECT_NE(mine.body.find("not verified"), std::string::npos);
  EXPECT_NE(mine.body.find("Claim your listing"), std::string::npos) << "they may try again";
  EXPECT_EQ(clinician.get("/clinician/listing").status, 403);
  auto l = store::DirectoryRepo(*site->db, vocabulary).by_npi(kNpi);
  ASSERT_TRUE(l && *l);
  EXPECT_FALSE((*l)->claimed());
  EXPECT_FALSE((*l)->verified);
}

TEST_P(DirectoryClaimsTest, DeletingTheAccountReturnsTheListingToTheRegister) {
  Browser clinician = member("ana@example.org");
  testing::enable_two_factor(clinician, *site);
  ASSERT_EQ(clinician.post("/clinician/claim", {{"npi", kNpi}, {"licence", "LCSW 9"}}).status, 303);
  Browser root = admin();
  const std::string action = first_claim_action(root.get("/admin/directory/claims").body);
  ASSERT_EQ(root.post(action, {{"decision", "verify"}}).status, 303);
  auto deleted = clinician.post("/account/delete", {{"password", kPassword}});
  ASSERT_EQ(deleted.status, 303) << deleted.body;
  auto l = store::DirectoryRepo(*site->db, vocabulary).by_npi(kNpi);
  ASSERT_TRUE(l && *l);
  EXPECT_FALSE((*l)->claimed());
  EXPECT_FALSE((*l)->verified);
  long long claims = -1;
  ASSERT_TRUE(site->db->run(
      [&](soci::session& s) { s << "SELECT COUNT(*) FROM directory_claims", soci::into(claims); }));
  EXPECT_EQ(claims, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, DirectoryClaimsTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace sb::directory
