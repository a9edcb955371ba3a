// Importing the NPPES sample: exactly the rows the shared expected file lists, with their
// coordinates; the same again changes nothing; a malformed file imports nothing. On SQLite
// and PostgreSQL.
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <zlib.h>

#include <boost/json.hpp>
#include <fstream>
#include <map>

#include "core/clock.h"
#include "features/directory/directory.h"
#include "features/directory/geo.h"
#include "support/test_db.h"

namespace sb::directory {
namespace {

using testing::TestBackend;
namespace json = boost::json;

const std::string kShared = std::string(SECUREBASE_SHARED_DIR) + "/data/directory/";

struct Expected {
  int64_t line;
  double lat, lon;
  std::string state;
};

std::map<std::string, Expected> expected_rows() {
  std::map<std::string, Expected> out;
  gzFile gz = gzopen((kShared + "nppes-sample.expected.jsonl.gz").c_str(), "rb");
  EXPECT_NE(gz, nullptr);
  if (!gz) return out;
  std::string line;
  char buf[4096];
  while (gzgets(gz, buf, sizeof buf)) {
    line += buf;
    if (line.empty() || line.back() != '\n') continue;
    auto o = json::parse(line).as_object();
    out[std::string(o.at("npi").as_string())] = {
        o.at("line").to_number<int64_t>(), o.at("lat").to_number<double>(),
        o.at("lon").to_number<double>(), std::string(o.at("state").as_string())};
    line.clear();
  }
  gzclose(gz);
  return out;
}

class DirectoryImportTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    db = testing::fresh_database(GetParam());
    ASSERT_TRUE(db);
    auto v = Vocabulary::load(std::string(SECUREBASE_CONTENT_DIR) + "/directory/vocabulary.json");
    ASSERT_TRUE(v);
    auto p = Places::shared(SECUREBASE_PLACES_FILE);
    ASSERT_TRUE(p) << p.error().message;
    places = *p;
    directory = std::make_unique<Directory>(*db, clock, *v, places);
    ASSERT_TRUE(directory->load());
  }
  Result<ImportReport> import_file(const std::string& path) {
    auto read = read_nppes(path, *places);
    if (!read) return read.error();
    return directory->import(*read);
  }
  std::unique_ptr<store::Database> db;
  ManualClock clock{1'800'000'000};
  std::shared_ptr<const Places> places;
  std::unique_ptr<Directory> directory;
};

TEST_P(DirectoryImportTest, KeepsExactlyTheExpectedRowsTwiceInARow) {
  const auto expected = expected_rows();
  ASSERT_EQ(expected.size(), 12586u);
  auto first = import_file(kShared + "nppes-sample.csv.gz");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->problems.empty());
  EXPECT_EQ(first->rows, 20000);
  EXPECT_EQ(first->counts.added, 12586);

  // Every kept row is an expected one, at its ZIP centroid (within 1 m), in its state.
  auto read = read_nppes(kShared + "nppes-sample.csv.gz", *places);
  ASSERT_TRUE(read);
  ASSERT_EQ(read->listings.size(), expected.size());
  for (size_t i = 0; i < read->listings.size(); ++i) {
    const auto& l = read->listings[i];
    auto it = expected.find(l.npi);
    ASSERT_NE(it, expected.end()) << "kept an unexpected NPI " << l.npi;
    EXPECT_EQ(read->lines[i], it->second.line) << l.npi;
    EXPECT_LE(distance_m(l.lat, l.lon, it->second.lat, it->second.lon), 1) << l.npi;
    EXPECT_EQ(l.state, it->second.state) << l.npi;
  }
  // The store holds the same NPIs.
  EXPECT_EQ(testing::count_of(*db, "SELECT COUNT(DISTINCT npi) FROM directory_listings"), 12586);
  const auto version = testing::count_of(*db, "SELECT version FROM directory_version");

  auto second = import_file(kShared + "nppes-sample.csv.gz");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->counts.added, 0);
  EXPECT_EQ(second->counts.updated, 0);
  EXPECT_EQ(second->counts.unchanged, 12586);
  EXPECT_EQ(testing::count_of(*db, "SELECT COUNT(*) FROM directory_listings"), 12586);
  // No listing was rewritten.
  EXPECT_EQ(testing::count_of(*db, "SELECT COUNT(*) FROM directory_listings WHERE version > " +
                                       std::to_string(version - 1)),
            12586);
  EXPECT_EQ(testing::count_of(*db, "SELECT MAX(version) FROM directory_listings"), version);
  EXPECT_EQ(directory->index().size(), 12586u);
}

TEST_P(DirectoryImportTest, AClaimedListingIsNeverOverwritten) {
  ASSERT_TRUE(import_file(kShared + "nppes-sample.csv.gz"));
  auto l = directory->listing(1);
  ASSERT_TRUE(l && *l);
  Listing mine = **l;
  mine.name = "Charlie Davis";
  mine.bio = "My own words.";
  mine.owner_user_id = 0;  // set below through SQL: no account table rows in this test
  ASSERT_TRUE(directory->save(mine));
  ASSERT_TRUE(db->run([&](soci::session& s) {
    s << "INSERT INTO users(email, password_hash, role, created_at, password_changed_at) "
         "VALUES ('c@example.org', 'x', 'clinician', 0, 0)";
    s << "UPDATE directory_listings SET owner_user_id = (SELECT id FROM users) WHERE id = 1";
  }));
  auto again = import_file(kShared + "nppes-sample.csv.gz");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->counts.kept_claimed, 1);
  EXPECT_EQ(again->counts.added, 0);
  auto after = directory->listing(1);
  ASSERT_TRUE(after && *after);
  EXPECT_EQ((*after)->name, "Charlie Davis");
  EXPECT_EQ((*after)->bio, "My own words.");
}

std::string header_line() {
  gzFile gz = gzopen((kShared + "nppes-sample.csv.gz").c_str(), "rb");
  char buf[16384];
  std::string header = gzgets(gz, buf, sizeof buf) ? buf : "";
  gzclose(gz);
  return header;
}

std::string row_of(const std::string& npi, const std::string& taxonomy, const std::string& zip) {
  std::vector<std::string> f(330);
  f[0] = npi;
  f[1] = "1";
  f[5] = "ROW";
  f[6] = "TEST";
  f[32] = zip;
  f[47] = taxonomy;
  std::string out;
  for (size_t i = 0; i < f.size(); ++i) out += (i ? ",\"" : "\"") + f[i] + "\"";
  return out + "\r\n";
}

TEST_P(DirectoryImportTest, AMalformedFileNamesItsLinesAndImportsNothing) {
  const std::string good = row_of("1234567893", "103T00000X", "10001");
  const std::string path = testing::temp_path("bad-nppes.csv");
  std::ofstream(path, std::ios::binary)
      << header_line() << good << "\"1245319599\",\"1\",\"too few\"\r\n"
      << row_of("12345", "103T00000X", "10001") << good;
  auto report = import_file(path);
  ASSERT_TRUE(report);
  ASSERT_EQ(report->problems.size(), 2u);
  EXPECT_EQ(report->problems[0].line, 3);
  EXPECT_NE(report->problems[0].message.find("3 columns"), std::string::npos);
  EXPECT_EQ(report->problems[1].line, 4);
  EXPECT_NE(report->problems[1].message.find("ten digits"), std::string::npos);
  EXPECT_EQ(testing::count_of(*db, "SELECT COUNT(*) FROM directory_listings"), 0);

  // A file that is not NPPES at all is refused at its header.
  const std::string other = testing::temp_path("other.csv");
  std::ofstream(other) << "a,b,c\n1,2,3\n";
  auto refused = import_file(other);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("line 1"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, DirectoryImportTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace sb::directory
