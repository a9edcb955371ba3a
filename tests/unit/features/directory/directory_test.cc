// The directory's pure parts: NPI check digits, word folding, places, the CSV reader, the
// published ranking's arithmetic, and the index's geometry near the edges of the map.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>

#include "features/directory/geo.h"
#include "features/directory/listing.h"
#include "features/directory/nppes.h"
#include "features/directory/search.h"
#include "support/test_db.h"

namespace sb::directory {
namespace {

TEST(Npi, CheckDigitFollowsTheStandard) {
  EXPECT_TRUE(npi_valid("1234567893"));  // the standard's worked example
  EXPECT_FALSE(npi_valid("1234567890"));
  EXPECT_FALSE(npi_valid("123456789"));
  EXPECT_FALSE(npi_valid("12345678931"));
  EXPECT_FALSE(npi_valid("12345678a3"));
  EXPECT_TRUE(npi_valid("1526018159"));  // kept in the shared sample
}

TEST(Words, FoldToLowerCaseWordsWithSpacesAtBothEnds) {
  EXPECT_EQ(fold_words("Anna  RUIZ, LCSW"), " anna ruiz lcsw ");
  EXPECT_EQ(fold_words(""), " ");
  EXPECT_EQ(fold_words("attachment-based"), " attachment based ");
  EXPECT_EQ(join_list({"a", "b"}), "|a|b|");
  EXPECT_EQ(split_list("|a|b|"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(split_list("").empty());
}

TEST(Distance, MatchesKnownGreatCircleDistances) {
  // New York (40.7128, -74.0060) to Los Angeles (34.0522, -118.2437): about 3,936 km.
  const auto d = distance_m(40.7128, -74.0060, 34.0522, -118.2437);
  EXPECT_NEAR(static_cast<double>(d), 3'935'746, 2'000);
  EXPECT_EQ(distance_m(10, 20, 10, 20), 0);
  // One degree of latitude on this sphere: R * pi / 180 = 111,195.08 m, rounded down.
  EXPECT_EQ(distance_m(0, 0, 1, 0), 111195);
  // Across the antimeridian it is short, not the long way round.
  EXPECT_LT(distance_m(0, 179.9, 0, -179.9), 23'000);
}

Places sample_places() {
  auto city = [](std::string id, std::string name, std::string admin, std::string country,
                 double lat, double lon, int64_t pop) {
    return Place{Place::Kind::kCity, id, name, admin, country, lat, lon, pop};
  };
  return Places::of({
      {Place::Kind::kZip, "62701", "62701", "", "US", 39.80, -89.65, 0},
      {Place::Kind::kZip, "10001", "10001", "", "US", 40.75065, -73.997293, 0},
      city("4250542", "Springfield", "IL", "US", 39.80172, -89.64371, 116565),
      city("4409896", "Springfield", "MO", "US", 37.21533, -93.29824, 166810),
      city("4951788", "Springfield", "MA", "US", 42.10148, -72.58981, 153606),
      city("2988507", "Paris", "11", "FR", 48.85341, 2.3488, 2138551),
      city("2657896", "Zürich", "ZH", "CH", 47.36667, 8.55, 341730),
  });
}

TEST(PlacesTest, ZipCodesWithOrWithoutTheirSuffix) {
  const auto places = sample_places();
  ASSERT_EQ(places.find("10001").size(), 1u);
  EXPECT_EQ(places.find("10001-1234").front().id, "10001");
  EXPECT_EQ(places.find(" 10001 ").front().label(), "ZIP 10001");
  EXPECT_TRUE(places.find("99999").empty());
  EXPECT_TRUE(places.find("1000").empty());
}

TEST(PlacesTest, AmbiguousNamesListEveryCandidateMostPeopleFirst) {
  const auto places = sample_places();
  auto all = places.find("springfield");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].admin, "MO");
  EXPECT_EQ(all[1].admin, "MA");
  auto one = places.find("Springfield, il");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].label(), "Springfield, IL, US");
  auto by_key = places.find(all[2].key());
  ASSERT_EQ(by_key.size(), 1u);
  EXPECT_EQ(by_key[0].admin, "IL");
  EXPECT_EQ(places.find("PARIS, FR").size(), 1u);
  EXPECT_EQ(places.find("Zurich").size(), 1u);
  EXPECT_EQ(places.find("zürich").size(), 1u);
  EXPECT_TRUE(places.find("Springfield, TX").empty());
  EXPECT_TRUE(places.find(",,,").empty());
}

TEST(PlacesTest, TheInstalledGazetteerHoldsZipsAndCities) {
  auto places = Places::shared(SECUREBASE_PLACES_FILE);
  ASSERT_TRUE(places) << places.error().message;
  EXPECT_GT((*places)->size(), 160'000u);
  const Place* z = (*places)->zip("26041");  // the shared sample's first kept row
  ASSERT_NE(z, nullptr);
  EXPECT_NEAR(z->lat, 39.887247, 1e-6);
  EXPECT_GE((*places)->find("Springfield").size(), 5u);
  ASSERT_FALSE((*places)->find("London, GB").empty());
  EXPECT_NEAR((*places)->find("London, GB").front().lat, 51.5, 0.1);
}

std::string write_file(const std::string& name, const std::string& text) {
  auto path = testing::temp_path(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(Csv, QuotedFieldsEscapedQuotesAndLineNumbers) {
  auto path = write_file("a.csv", "\"a\",\"b,c\"\r\n\"say \"\"hi\"\"\",\"two\nlines\"\r\nx,y\n");
  auto f = CsvFile::open(path);
  ASSERT_TRUE(f);
  std::vector<std::string> fields;
  int64_t line = 0;
  std::string problem;
  ASSERT_TRUE(f->next(fields, line, problem));
  EXPECT_EQ(fields, (std::vector<std::string>{"a", "b,c"}));
  EXPECT_EQ(line, 1);
  ASSERT_TRUE(f->next(fields, line, problem));
  EXPECT_EQ(fields, (std::vector<std::string>{"say \"hi\"", "two\nlines"}));
  EXPECT_EQ(line, 2);
  ASSERT_TRUE(f->next(fields, line, problem));
  EXPECT_EQ(fields, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(line, 4);
  EXPECT_TRUE(problem.empty());
  EXPECT_FALSE(f->next(fields, line, problem));
}

TEST(Csv, AQuoteLeftOpenIsAProblem) {
  auto f = CsvFile::open(write_file("b.csv", "\"a\",\"never closed\n"));
  ASSERT_TRUE(f);
  std::vector<std::string> fields;
  int64_t line = 0;
  std::string problem;
  ASSERT_TRUE(f->next(fields, line, problem));
  EXPECT_NE(problem.find("not closed"), std::string::npos);
}

TEST(Ranking, DistancePointsFallEvenlyToTheEdge) {
  EXPECT_EQ(ranking::distance_points(0, 10'000), 30);
  EXPECT_EQ(ranking::distance_points(5'000, 10'000), 15);
  EXPECT_EQ(ranking::distance_points(10'000, 10'000), 0);
  EXPECT_EQ(ranking::distance_points(10'001, 10'000), 0);
  // The rotation changes from day to day and stays put within one.
  EXPECT_EQ(ranking::day_seed(1'800'000'000), ranking::day_seed(1'800'000'000 + 3600));
  EXPECT_NE(ranking::day_seed(1'800'000'000), ranking::day_seed(1'800'000'000 + 86400));
}

Vocabulary vocabulary() {
  auto v = Vocabulary::load(std::string(SECUREBASE_CONTENT_DIR) + "/directory/vocabulary.json");
  EXPECT_TRUE(v) << v.error().message;
  return *v;
}

Listing at(int64_t id, double lat, double lon) {
  Listing l;
  l.id = id;
  l.name = "Listing " + std::to_string(id);
  l.lat = lat;
  l.lon = lon;
  return l;
}

TEST(Index, FindsListingsAcrossTheAntimeridianAndNearThePoles) {
  const auto v = vocabulary();
  DirectoryIndex index(v);
  index.rebuild({at(1, 0, 179.95), at(2, 0, -179.95), at(3, 0, 170), at(4, 89.95, 0),
                 at(5, 89.95, 180), at(6, -33.9, 151.2)});
  Query q;
  q.lat = 0;
  q.lon = -179.99;
  q.radius_m = 20'000;
  q.sort = Sort::kDistance;
  auto page = index.search(q);
  ASSERT_EQ(page.total, 2);
  EXPECT_EQ(page.hits[0].id, 2);
  EXPECT_EQ(page.hits[1].id, 1);
  q.lat = 89.99;
  q.lon = 90;
  page = index.search(q);
  EXPECT_EQ(page.total, 2);  // both near the pole, whatever their longitude
}

TEST(Index, ChangesAfterTheBuildAreFoundAndOldCopiesHidden) {
  const auto v = vocabulary();
  DirectoryIndex index(v);
  index.rebuild({at(1, 40, -74), at(2, 40.01, -74)});
  Query q;
  q.lat = 40;
  q.lon = -74;
  q.radius_m = 5'000;
  auto moved = at(1, 45, -74);
  index.apply(moved);
  auto page = index.search(q);
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.hits[0].id, 2);
  auto hidden = at(2, 40.01, -74);
  hidden.hidden = true;
  index.apply(hidden);
  EXPECT_EQ(index.search(q).total, 0);
  index.apply(at(3, 40.02, -74));
  EXPECT_EQ(index.search(q).total, 1);
  EXPECT_EQ(index.size(), 2u);
}

// Past 20,000 changes the overlay is folded into the bands, its words into the dictionary: the
// searches (words included) give what an index built from scratch gives.
TEST(Index, FoldingTheOverlayKeepsEveryAnswer) {
  const auto v = vocabulary();
  const char* const names[] = {"Anna Ruiz", "Sam Okafor", "Ana Chen", "Ruth Annan"};
  const char* const bios[] = {"", "Secure bonds for couples.", "Grief and calm.",
                              "Teens, parents."};
  auto listing = [&](int64_t id) {
    Listing l = at(id, 40 + static_cast<double>(id % 100) * 0.001, -74);
    l.name = names[id % 4];
    l.bio = bios[(id / 4) % 4];
    l.approaches = id % 3 ? std::vector<std::string>{"eft"} : std::vector<std::string>{"cbt"};
    return l;
  };
  std::vector<Listing> all;
  for (int64_t id = 1; id <= 50; ++id) all.push_back(listing(id));
  DirectoryIndex folded(v);
  folded.rebuild(all);
  for (int64_t id = 51; id <= 20'060; ++id) {
    Listing l = listing(id);
    if (id % 1000 == 0) l.bio = "Words only this one has: kestrelmoon.";
    folded.apply(l);
    all.push_back(l);
  }
  DirectoryIndex fresh(v);
  fresh.rebuild(all);
  ASSERT_EQ(folded.size(), all.size());
  for (const auto& words : std::vector<std::vector<std::string>>{{},
                                                                 {"ann"},
                                                                 {"anna"},
                                                                 {"ruiz"},
                                                                 {"secure", "couples"},
                                                                 {"kestrel"},
                                                                 {"emotionally"},
                                                                 {"grief", "ana"},
                                                                 {"nobody"}}) {
    Query q;
    q.lat = 40.05;
    q.lon = -74;
    q.radius_m = 8'000;
    q.words = words;
    q.limit = 50;
    const Page a = folded.search(q), b = fresh.search(q);
    EXPECT_EQ(a.total, b.total) << words.size();
    EXPECT_EQ(a.hits, b.hits);
  }
  Query q;
  q.words = {"kestrel"};
  EXPECT_EQ(folded.search(q).total, 20) << "the words of folded-in listings are found";
}

// The search as a plain computation over every listing, for the filters the tests below use
// (accepting, attachment-focused, near a place).
Page plain_search(const std::vector<Listing>& listings, const Query& q) {
  struct Expected {
    Hit hit;
    int64_t rotation;
  };
  const auto v = vocabulary();
  std::vector<Expected> all;
  for (const auto& l : listings) {
    const int64_t d = distance_m(*q.lat, *q.lon, l.lat, l.lon);
    if (l.hidden || (q.accepting_only && !l.accepting) || d > q.radius_m) continue;
    if (q.attachment_focused &&
        std::none_of(l.approaches.begin(), l.approaches.end(), [&](const std::string& a) {
          const auto* t = Vocabulary::find(v.approaches, a);
          return t && t->attachment_focused;
        }))
      continue;
    const bool fresh = l.confirmed_at > 0 && l.confirmed_at >= q.now - ranking::kFreshSeconds;
    const int score = completeness(l) + (fresh ? ranking::kFreshPoints : 0) +
                      ranking::distance_points(d, q.radius_m);
    all.push_back({{l.id, d, score}, ranking::rotation(l.id, q.day_seed)});
  }
  std::sort(all.begin(), all.end(), [&](const Expected& a, const Expected& b) {
    if (q.sort == Sort::kDistance && a.hit.distance_m != b.hit.distance_m)
      return a.hit.distance_m < b.hit.distance_m;
    if (q.sort == Sort::kBestMatch && a.hit.score != b.hit.score) return a.hit.score > b.hit.score;
    if (a.rotation != b.rotation) return a.rotation < b.rotation;
    return a.hit.id < b.hit.id;
  });
  Page page;
  page.total = static_cast<int64_t>(all.size());
  for (size_t i = q.offset; i < all.size() && i < q.offset + q.limit; ++i)
    page.hits.push_back(all[i].hit);
  return page;
}

// The index decides most listings' distance from float coordinates and skips the exact
// distance and score of those that cannot reach the page. Listings a few metres either side
// of the radius, at every latitude and radius, must still come out exactly as a plain
// computation over every listing says: same total, same page, in the same order.
TEST(Index, ListingsAtTheEdgeOfTheRadiusAreDecidedExactly) {
  const auto v = vocabulary();
  std::mt19937 rng(20261202);
  std::uniform_real_distribution<double> unit(0, 1), slack(-30, 30);
  std::uniform_int_distribution<int64_t> age(0, 200 * 86400);
  const int64_t now = 1'800'000'000;
  struct Centre {
    double lat, lon;
  };
  for (const Centre centre : {Centre{0, 0}, Centre{40.7, -74}, Centre{64.8, -147.7},
                              Centre{78.2, 15.6}, Centre{-45.9, 170.5}, Centre{-17.7, 179.99}}) {
    for (const int64_t radius : {1'000, 25'000, 100'000, 400'000}) {
      // Where one is `metres` from the centre, `bearing` radians east of north.
      auto point = [&](double metres, double bearing) {
        const double d = metres / kEarthRadiusM, p1 = centre.lat * kRadiansPerDegree;
        const double p2 =
            std::asin(std::sin(p1) * std::cos(d) + std::cos(p1) * std::sin(d) * std::cos(bearing));
        double lon = centre.lon + std::atan2(std::sin(bearing) * std::sin(d) * std::cos(p1),
                                             std::cos(d) - std::sin(p1) * std::sin(p2)) /
                                      kRadiansPerDegree;
        if (lon > 180) lon -= 360;
        if (lon < -180) lon += 360;
        return std::pair{p2 / kRadiansPerDegree, lon};
      };
      std::vector<Listing> listings;
      for (int64_t id = 1; id <= 1'500; ++id) {
        const double metres = id % 2 ? static_cast<double>(radius) + slack(rng)
                                     : unit(rng) * 1.2 * static_cast<double>(radius);
        const auto [lat, lon] = point(metres, unit(rng) * 2 * M_PI);
        Listing l = at(id, lat, lon);
        l.accepting = id % 3 != 0;
        l.phone = id % 4 ? "555 0100" : "";
        l.bio = id % 5 ? "A few words." : "";
        l.confirmed_at = id % 7 ? now - age(rng) : 0;
        listings.push_back(l);
      }
      DirectoryIndex index(v);
      index.rebuild(listings);
      for (const Sort sort : {Sort::kBestMatch, Sort::kDistance}) {
        Query q;
        q.lat = centre.lat;
        q.lon = centre.lon;
        q.radius_m = radius;
        q.accepting_only = true;
        q.sort = sort;
        q.now = now;
        q.day_seed = ranking::day_seed(now);
        q.offset = 10;
        q.limit = 30;
        const Page expected = plain_search(listings, q);
        const Page page = index.search(q);
        EXPECT_EQ(page.total, expected.total)
            << centre.lat << "," << centre.lon << " radius " << radius;
        EXPECT_EQ(page.hits, expected.hits)
            << centre.lat << "," << centre.lon << " radius " << radius;
      }
    }
  }
}

// A dense city: most of its listings lie in blocks wholly inside the circle, which the index
// counts a block at a time without looking at each listing. Counts, pages and order must stay
// what a plain computation says, also after listings changed or were hidden since the build.
TEST(Index, BlocksCountedWholeGiveTheSameAnswers) {
  const auto v = vocabulary();
  std::mt19937 rng(20261203);
  std::uniform_real_distribution<double> unit(0, 1);
  std::uniform_int_distribution<int64_t> age(0, 200 * 86400);
  const int64_t now = 1'800'000'000;
  const double lat0 = 40.75, lon0 = -73.99;
  std::vector<Listing> listings;
  for (int64_t id = 1; id <= 30'000; ++id) {
    // Two in three within about 3 km; the rest spread over 40 km.
    const double spread = id % 3 ? 0.027 : 0.36;
    Listing l = at(id, lat0 + (unit(rng) - 0.5) * spread, lon0 + (unit(rng) - 0.5) * spread * 1.3);
    l.accepting = id % 4 != 0;
    l.approaches = id % 5 ? std::vector<std::string>{"eft"} : std::vector<std::string>{"cbt"};
    l.phone = id % 6 ? "555 0100" : "";
    l.confirmed_at = id % 7 ? now - age(rng) : 0;
    listings.push_back(l);
  }
  DirectoryIndex index(v);
  index.rebuild(listings);
  auto check = [&](const char* when) {
    for (const int64_t radius : {2'000, 25'000})
      for (const Sort sort : {Sort::kBestMatch, Sort::kDistance})
        for (const size_t offset : {0, 40}) {
          Query q;
          q.lat = lat0;
          q.lon = lon0;
          q.radius_m = radius;
          q.accepting_only = true;
          q.attachment_focused = true;
          q.sort = sort;
          q.now = now;
          q.day_seed = ranking::day_seed(now);
          q.offset = offset;
          const Page expected = plain_search(listings, q), page = index.search(q);
          EXPECT_EQ(page.total, expected.total) << when << " radius " << radius;
          EXPECT_EQ(page.hits, expected.hits) << when << " radius " << radius;
        }
  };
  check("as built");
  // Changes hide the built copies: some stop accepting, some are hidden, some become fresh
  // and complete enough to reach the page from the middle of a block.
  for (int64_t id = 1; id <= 30'000; id += 97) {
    Listing& l = listings[static_cast<size_t>(id - 1)];
    if (id % 3 == 0) l.accepting = false;
    if (id % 3 == 1) l.hidden = true;
    if (id % 3 == 2) {
      l.confirmed_at = now;
      l.website = "https://example.org";
      l.email = "someone@example.org";
      l.bio = "Words about the work.";
    }
    index.apply(l);
  }
  check("after changes");
}

}  // namespace
}  // namespace sb::directory
