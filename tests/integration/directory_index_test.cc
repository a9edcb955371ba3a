// The in-memory index against the plain SQL query: for 1,000 random searches (place, radius,
// filters, words, sort, page) both return the same listings in the same order with the same
// distances, scores and totals, on SQLite and on PostgreSQL, before and after changes that
// the index keeps in its overlay.
#include <gtest/gtest.h>

#include <random>

#include <soci/soci.h>

#include "core/clock.h"
#include "features/directory/directory.h"
#include "support/test_db.h"

namespace sb::directory {
namespace {

using testing::TestBackend;

struct City {
  double lat, lon;
  const char* state;
};
// Clusters around real places, and one across the antimeridian (Fiji) to test the wrap.
const City kCities[] = {{40.7128, -74.0060, "NY"},  {41.8781, -87.6298, "IL"},
                        {34.0522, -118.2437, "CA"}, {47.6062, -122.3321, "WA"},
                        {39.7392, -104.9903, "CO"}, {-17.7134, 179.99, "HI"}};
const char* const kWords[] = {"secure", "couples", "anna", "attachment", "grief",
                              "trauma", "parent",  "teen", "ruiz",       "calm"};

template <typename T>
std::vector<std::string> some_of(std::mt19937& rng, const std::vector<T>& list, int at_most,
                                 double chance) {
  std::vector<std::string> out;
  std::bernoulli_distribution pick(chance);
  for (const auto& t : list)
    if (static_cast<int>(out.size()) < at_most && pick(rng)) out.push_back(t.id);
  return out;
}

Listing random_listing(std::mt19937& rng, const Vocabulary& v, int64_t now) {
  std::uniform_real_distribution<double> jitter(-0.6, 0.6);
  std::uniform_int_distribution<size_t> city(0, std::size(kCities) - 1);
  std::bernoulli_distribution coin(0.5), often(0.8), rarely(0.1);
  const City& c = kCities[city(rng)];
  Listing l;
  l.name = std::string(coin(rng) ? "Anna " : "Sam ") + (coin(rng) ? "Ruiz" : "Okafor");
  l.credentials = coin(rng) ? "LCSW" : "PhD";
  l.lat = c.lat + jitter(rng);
  l.lon = c.lon + jitter(rng);
  if (l.lon > 180) l.lon -= 360;
  l.state = c.state;
  l.approaches = some_of(rng, v.approaches, 4, 0.15);
  l.concerns = some_of(rng, v.concerns, 4, 0.2);
  l.populations = some_of(rng, v.populations, 3, 0.4);
  l.languages = some_of(rng, v.languages, 2, 0.2);
  l.insurance = some_of(rng, v.insurance, 3, 0.2);
  l.licences = {{"LCSW", "123", c.state}};
  if (rarely(rng)) l.telehealth_states = {"TX", "FL"};
  l.telehealth = coin(rng);
  l.in_person = !l.telehealth || coin(rng);
  l.accepting = often(rng);
  l.sliding_scale = rarely(rng) || rarely(rng);
  std::uniform_int_distribution<int> fee(0, 250);
  l.fee_min = coin(rng) ? fee(rng) : 0;
  l.fee_max = l.fee_min ? l.fee_min + 50 : 0;
  std::uniform_int_distribution<int64_t> age(0, 200 * 86400);
  l.confirmed_at = rarely(rng) ? 0 : now - age(rng);
  l.verified = coin(rng);
  l.hidden = rarely(rng) && rarely(rng);
  if (coin(rng)) {
    std::uniform_int_distribution<size_t> word(0, std::size(kWords) - 1);
    l.bio = std::string("I help people feel ") + kWords[word(rng)] + " with " + kWords[word(rng)];
  }
  l.source = Source::kImport;
  return l;
}

Query random_query(std::mt19937& rng, const Vocabulary& v, int64_t now) {
  std::bernoulli_distribution coin(0.5), rarely(0.15);
  std::uniform_real_distribution<double> jitter(-0.5, 0.5);
  std::uniform_int_distribution<size_t> city(0, std::size(kCities) - 1);
  std::uniform_int_distribution<int64_t> radius(1'000, 200'000);
  Query q;
  q.now = now;
  q.day_seed = ranking::day_seed(now);
  std::uniform_int_distribution<int> where(0, 9);
  const int w = where(rng);
  if (w < 7) {
    const City& c = kCities[city(rng)];
    q.lat = c.lat + jitter(rng);
    q.lon = c.lon + jitter(rng);
    if (*q.lon > 180) *q.lon -= 360;
    q.radius_m = radius(rng);
  } else if (w < 9) {
    const char* states[] = {"NY", "IL", "TX", "CA", "FL"};
    q.telehealth_state = states[std::uniform_int_distribution<size_t>(0, 4)(rng)];
  }
  q.approaches = some_of(rng, v.approaches, 1, 0.03);
  q.concerns = some_of(rng, v.concerns, 2, 0.04);
  q.populations = some_of(rng, v.populations, 1, 0.1);
  q.languages = some_of(rng, v.languages, 1, 0.03);
  if (rarely(rng))
    q.insurance =
        v.insurance[std::uniform_int_distribution<size_t>(0, v.insurance.size() - 1)(rng)].id;
  q.attachment_focused = rarely(rng);
  q.accepting_only = rarely(rng);
  q.sliding_scale_only = rarely(rng) && rarely(rng);
  q.verified_only = rarely(rng);
  if (rarely(rng)) q.fee_at_most = std::uniform_int_distribution<int>(50, 200)(rng);
  if (rarely(rng)) q.mode = coin(rng) ? Mode::kInPerson : Mode::kTelehealth;
  if (rarely(rng))
    q.words.push_back(kWords[std::uniform_int_distribution<size_t>(0, std::size(kWords) - 1)(rng)]);
  if (rarely(rng)) q.words.push_back("an");  // a prefix of a word
  q.sort = coin(rng) ? Sort::kDistance : Sort::kBestMatch;
  q.offset = 20 * std::uniform_int_distribution<size_t>(0, 2)(rng);
  q.limit = 20;
  return q;
}

std::string describe(const Page& p) {
  std::string out = "total " + std::to_string(p.total) + ":";
  for (const auto& h : p.hits)
    out += " " + std::to_string(h.id) + "/" + std::to_string(h.distance_m) + "/" +
           std::to_string(h.score);
  return out;
}

class DirectoryIndexTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    db = testing::fresh_database(GetParam());
    ASSERT_TRUE(db);
    auto v = Vocabulary::load(std::string(SECUREBASE_CONTENT_DIR) + "/directory/vocabulary.json");
    ASSERT_TRUE(v);
    auto p = Places::shared(SECUREBASE_PLACES_FILE);
    ASSERT_TRUE(p);
    directory = std::make_unique<Directory>(*db, clock, *v, *p);
  }
  // Runs `n` random searches both ways; returns how many had at least one result.
  int compare(std::mt19937& rng, int n) {
    int non_empty = 0;
    for (int i = 0; i < n; ++i) {
      Query q = random_query(rng, directory->vocabulary(), clock.now());
      auto fast = directory->search(q);
      auto plain = directory->search_sql(q);
      EXPECT_TRUE(fast && plain);
      if (!fast || !plain) return non_empty;
      EXPECT_EQ(describe(*fast), describe(*plain)) << "query " << i;
      if (describe(*fast) != describe(*plain)) return non_empty;
      if (fast->total > 0) ++non_empty;
    }
    return non_empty;
  }
  std::unique_ptr<store::Database> db;
  ManualClock clock{1'800'000'000};
  std::unique_ptr<Directory> directory;
};

TEST_P(DirectoryIndexTest, ReturnsWhatTheSqlQueryReturnsInTheSameOrder) {
  std::mt19937 rng(20261201);
  NppesRead listings;
  for (int i = 0; i < 3000; ++i)
    listings.listings.push_back(random_listing(rng, directory->vocabulary(), clock.now()));
  ASSERT_TRUE(directory->import(listings));
  ASSERT_TRUE(directory->load());
  const int non_empty = compare(rng, 900);
  // The searches must mostly find something, or the comparison proves little.
  EXPECT_GT(non_empty, 500);

  // The SQL narrowed by a spatial index first (SQLite's R*Tree, PostGIS on PostgreSQL), as the
  // benchmark runs it, returns the same pages.
  const auto spatial = GetParam() == TestBackend::kSqlite ? store::SpatialIndex::kRtree
                                                          : store::SpatialIndex::kPostgis;
  ASSERT_TRUE(directory->repo().create_spatial_index(spatial));
  int near = 0;
  for (int i = 0; i < 300; ++i) {
    Query q = random_query(rng, directory->vocabulary(), clock.now());
    auto narrowed = directory->search_sql(q, spatial);
    auto plain = directory->search_sql(q);
    ASSERT_TRUE(narrowed && plain);
    ASSERT_EQ(describe(*narrowed), describe(*plain)) << "query " << i;
    if (q.near_place() && plain->total > 0) ++near;
  }
  EXPECT_GT(near, 100) << "most comparisons must be radius searches that find something";

  // Changes after the build: moved, hidden, re-confirmed and new listings, then 100 more.
  for (int i = 0; i < 60; ++i) {
    auto l = directory->listing(1 + i * 37);
    ASSERT_TRUE(l && *l);
    Listing changed = random_listing(rng, directory->vocabulary(), clock.now());
    changed.id = (*l)->id;
    ASSERT_TRUE(directory->save(changed));
    ASSERT_TRUE(directory->save(random_listing(rng, directory->vocabulary(), clock.now())));
  }
  compare(rng, 100);
}

// A psychologist with PSYPACT's authority and a licence from a PSYPACT state reaches every
// PSYPACT state by telehealth; one licensed elsewhere, or without the authority, does not. The
// reach stored for the SQL search follows the vocabulary: a stale one is written again when
// the directory loads.
TEST_P(DirectoryIndexTest, PsypactAuthorityReachesThePsypactStates) {
  auto psychologist = [&](const char* name, const char* licence_state, bool psypact) {
    Listing l;
    l.name = name;
    l.lat = 39.74;
    l.lon = -104.99;
    l.telehealth = true;
    l.licences = {{"Psychologist", "PSY-1", licence_state}};
    l.psypact = psypact;
    l.source = Source::kImport;
    auto id = directory->save(l);
    EXPECT_TRUE(id);
    return id ? *id : 0;
  };
  const int64_t reaches = psychologist("In Colorado with PSYPACT", "CO", true);
  psychologist("In California with PSYPACT", "CA", true);  // California is not a member
  psychologist("In Colorado without", "CO", false);
  ASSERT_TRUE(directory->load());
  Query q;
  q.telehealth_state = "PA";
  q.now = clock.now();
  for (int pass = 0; pass < 2; ++pass) {
    auto fast = directory->search(q);
    auto plain = directory->search_sql(q);
    ASSERT_TRUE(fast && plain);
    ASSERT_EQ(fast->total, 1) << "pass " << pass;
    EXPECT_EQ(fast->hits[0].id, reaches);
    EXPECT_EQ(describe(*fast), describe(*plain)) << "pass " << pass;
    // As if written before Pennsylvania was on the list: loading writes the reach again.
    ASSERT_TRUE(db->transaction(
        [&](soci::session& s) { s << "UPDATE directory_listings SET reach = '|CO|'"; }));
    ASSERT_TRUE(directory->load());
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, DirectoryIndexTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace sb::directory
