// The directory's pages through a running server: search by ZIP and radius with filters and
// words, the same search as JSON, "which Springfield?", telehealth for a state, a listing, and
// the answers to what cannot be searched. Listings are written to the store behind the
// server's back, as another server would, so the search also shows that the index follows
// the store's change counter.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "features/directory/demo.h"
#include "features/directory/directory_repo.h"
#include "support/test_site.h"

namespace sb::directory {
namespace {

using testing::Browser;
using testing::TestBackend;
using testing::TestSite;
namespace json = boost::json;

class DirectoryPagesTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    site = std::make_unique<TestSite>(GetParam());
    ASSERT_TRUE(site->ready());
    auto v = Vocabulary::load(std::string(SECUREBASE_CONTENT_DIR) + "/directory/vocabulary.json");
    ASSERT_TRUE(v);
    vocabulary = *v;
    // Twelve listings in Chicago (ZIP 60614 is in the city), one far away.
    std::vector<Listing> listings;
    for (int i = 0; i < 12; ++i) {
      Listing l;
      l.name = "Chicago Therapist " + std::to_string(i);
      l.source = Source::kDemo;
      l.lat = 41.9214 + 0.01 * i;
      l.lon = -87.6513;
      l.city = "Chicago";
      l.state = "IL";
      l.approaches = i % 2 ? std::vector<std::string>{"eft"} : std::vector<std::string>{"cbt"};
      l.concerns = {"couples"};
      l.bio = i % 3 ? "" : "I help couples with secure bonds.";
      l.telehealth = i < 4;
      l.licences = {{"1041C0700X", "X1", "IL"}};
      l.phone = "(312) 555-0100";
      l.accepting = true;
      l.confirmed_at = site->clock.now() - 86400;
      listings.push_back(l);
    }
    Listing far = listings[0];
    far.name = "Far Away Therapist";
    far.lat = 30.27;
    far.lon = -97.74;
    far.state = "TX";
    far.licences = {{"1041C0700X", "X2", "TX"}};
    far.telehealth = true;
    listings.push_back(far);
    store::DirectoryRepo repo(*site->db, vocabulary);
    ASSERT_TRUE(repo.import(listings, site->clock.now()));
  }
  std::unique_ptr<TestSite> site;
  Vocabulary vocabulary;
};

TEST_P(DirectoryPagesTest, SearchByZipRadiusFiltersAndWords) {
  Browser b = site->browser();
  auto all = b.get("/therapists?place=60614&radius=25&unit=km");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_NE(all.body.find("12 therapists near ZIP 60614"), std::string::npos);
  EXPECT_EQ(all.body.find("Far Away Therapist"), std::string::npos);

  // Filters combine: an attachment-focused approach (EFT: the odd ones) and a word.
  auto some = b.get("/therapists?place=60614&radius=25&unit=km&attachment=1&q=secure");
  ASSERT_EQ(some.status, 200);
  EXPECT_NE(some.body.find("2 therapists near ZIP 60614"), std::string::npos) << some.body;
  EXPECT_NE(some.body.find("Chicago Therapist 3"), std::string::npos);
  EXPECT_NE(some.body.find("Chicago Therapist 9"), std::string::npos);
  EXPECT_NE(some.body.find("Emotionally focused therapy (EFT) · "), std::string::npos);

  // The same as JSON, nearest first.
  auto j = b.get("/therapists.json?place=60614&radius=25&unit=km&approach=eft&sort=distance");
  ASSERT_EQ(j.status, 200);
  auto doc = json::parse(j.body).as_object();
  EXPECT_EQ(doc.at("total").as_int64(), 6);
  // Distances as people write them: kilometres with three decimals (whole metres), not 1.1E0.
  for (size_t at = j.body.find("\"distance_km\":"); at != std::string::npos;
       at = j.body.find("\"distance_km\":", at + 1)) {
    const size_t start = at + 14, end = j.body.find_first_of(",}", start);
    const std::string number = j.body.substr(start, end - start);
    const size_t dot = number.find('.');
    EXPECT_TRUE(dot != std::string::npos && dot > 0 && number.size() - dot == 4 &&
                number.find_first_not_of("0123456789.") == std::string::npos)
        << number;
  }
  const auto& results = doc.at("results").as_array();
  ASSERT_EQ(results.size(), 6u);
  double last = -1;
  for (const auto& r : results) {
    const double d = r.at("distance_km").to_number<double>();
    EXPECT_GE(d, last);
    last = d;
    EXPECT_TRUE(r.at("demo").as_bool());
  }
}

// The cards of a search are kept in memory between searches; a listing changed by another
// server shows its new card at the next search.
TEST_P(DirectoryPagesTest, AChangedListingShowsItsNewCard) {
  Browser b = site->browser();
  const std::string search = "/therapists?place=60614&radius=25&unit=km&attachment=1&q=secure";
  auto before = b.get(search);
  ASSERT_EQ(before.status, 200);
  ASSERT_NE(before.body.find("Chicago Therapist 3"), std::string::npos);
  store::DirectoryRepo repo(*site->db, vocabulary);
  auto all = repo.all();
  ASSERT_TRUE(all);
  for (auto l : *all)
    if (l.name == "Chicago Therapist 3") {
      l.name = "Chicago Therapist Renamed";
      l.city = "Evanston";
      ASSERT_TRUE(repo.save(l, site->clock.now()));
    }
  auto after = b.get(search);
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(after.body.find("Chicago Therapist 3"), std::string::npos);
  EXPECT_NE(after.body.find("Chicago Therapist Renamed"), std::string::npos) << after.body;
  EXPECT_NE(after.body.find("Evanston, IL"), std::string::npos);
}

TEST_P(DirectoryPagesTest, TelehealthForAStateAndAmbiguousPlaces) {
  Browser b = site->browser();
  auto tx = b.get("/therapists.json?state=TX");
  ASSERT_EQ(tx.status, 200);
  auto doc = json::parse(tx.body).as_object();
  ASSERT_EQ(doc.at("total").as_int64(), 1);
  EXPECT_EQ(doc.at("results").as_array()[0].at("name").as_string(), "Far Away Therapist");
  EXPECT_EQ(json::parse(b.get("/therapists.json?state=IL").body).at("total").as_int64(), 4);

  auto which = b.get("/therapists?place=springfield&radius=50");
  ASSERT_EQ(which.status, 200);
  EXPECT_NE(which.body.find("Which Springfield?"), std::string::npos);
  EXPECT_NE(which.body.find("Springfield, IL, US"), std::string::npos);
  EXPECT_NE(which.body.find("place=city%3A"), std::string::npos);
  auto choose = b.get("/therapists.json?place=springfield");
  EXPECT_EQ(choose.status, 300);
  EXPECT_GE(json::parse(choose.body).at("candidates").as_array().size(), 5u);
}

TEST_P(DirectoryPagesTest, WhatCannotBeSearchedIsSaidPlainly) {
  Browser b = site->browser();
  auto nowhere = b.get("/therapists?place=zzzzqqq");
  EXPECT_EQ(nowhere.status, 422);
  EXPECT_NE(nowhere.body.find("We could not find"), std::string::npos);
  EXPECT_EQ(b.get("/therapists?place=60614&radius=9000").status, 422);
  EXPECT_EQ(b.get("/therapists?place=60614&fee_max=cheap").status, 422);
  EXPECT_EQ(b.get("/therapists.json?state=ZZ").status, 422);
  EXPECT_EQ(b.get("/therapists?place=60614&page=999").status, 200);
  EXPECT_EQ(b.get("/therapists/999999").status, 404);
  EXPECT_EQ(b.get("/therapists/abc").status, 404);
  EXPECT_EQ(b.get("/how-we-rank").status, 200);
}

TEST_P(DirectoryPagesTest, AListingShowsItsContactAndSaysItIsADemo) {
  Browser b = site->browser();
  auto j = json::parse(b.get("/therapists.json?place=60614&radius=5&unit=km").body).as_object();
  ASSERT_FALSE(j.at("results").as_array().empty());
  const std::string url(j.at("results").as_array()[0].at("url").as_string());
  auto page = b.get(url);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("tel:3125550100"), std::string::npos);
  EXPECT_NE(page.body.find("demonstration listing"), std::string::npos);
  EXPECT_NE(page.body.find("Couples"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, DirectoryPagesTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace sb::directory
