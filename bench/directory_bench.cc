// The directory at scale: N invented listings at real US city coordinates (more where more
// people live), searched within 25 km with two filters (attachment-focused approaches,
// accepting new clients) for the top 20 by best match. Times the in-memory index and the same
// search in SQL narrowed by SQLite's R*Tree module and, given a PostgreSQL with PostGIS, by
// ST_DWithin on geography with a GiST index; checks that every answer is the index's.
//
//   build/release/directory_bench [--listings 1000000] [--queries 1000] [--sql-queries 200]
//                                 [--postgres postgresql://...]
// (--sql-queries 0 times the index alone.)
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "app/features.h"
#include "features/directory/demo.h"
#include "features/directory/directory_repo.h"
#include "features/directory/search.h"
#include "store/database.h"
#include "store/migrations.h"

namespace {

using namespace sb;
using namespace sb::directory;
using Steady = std::chrono::steady_clock;

constexpr int64_t kNow = 1'800'000'000;
constexpr int64_t kRadiusM = 25'000;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "directory_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T must(Result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message);
  return std::move(*r);
}

void must(const Status& st, const char* what) {
  if (!st) die(std::string(what) + ": " + st.error().message);
}

double seconds_since(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

// Resident memory now, in MB (the kernel's count of pages this process holds).
double resident_mb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1e6;
}

struct Timings {
  std::vector<double> ms;
  double percentile(double p) const {
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    if (sorted.empty()) return 0;
    const size_t at = std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()));
    return sorted[at];
  }
  double mean() const {
    double sum = 0;
    for (double m : ms) sum += m;
    return ms.empty() ? 0 : sum / static_cast<double>(ms.size());
  }
};

// Queries where the listings are: at a random listing's office, so busy cities come up as
// often as people search there.
std::vector<Query> make_queries(const std::vector<Listing>& listings, size_t n) {
  std::mt19937 rng(20261202);
  std::uniform_int_distribution<size_t> pick(0, listings.size() - 1);
  std::vector<Query> out;
  for (size_t i = 0; i < n; ++i) {
    const Listing& at = listings[pick(rng)];
    Query q;
    q.lat = at.lat;
    q.lon = at.lon;
    q.radius_m = kRadiusM;
    q.attachment_focused = true;
    q.accepting_only = true;
    q.now = kNow;
    q.day_seed = ranking::day_seed(kNow);
    q.limit = 20;
    out.push_back(q);
  }
  return out;
}

struct Row {
  std::string name;
  Timings t;
  size_t mismatches = 0;
};

void print_row(const Row& r) {
  std::printf("| %s | %zu | %.3f ms | %.3f ms | %.3f ms | %zu |\n", r.name.c_str(), r.t.ms.size(),
              r.t.percentile(0.5), r.t.percentile(0.99), r.t.mean(), r.mismatches);
}

// Runs `queries` through the SQL search on `db`, comparing each page with the index's.
Row run_sql(const std::string& name, store::DirectoryRepo& repo, store::SpatialIndex spatial,
            const std::vector<Query>& queries, const std::vector<Page>& expected) {
  Row row{name, {}, 0};
  for (size_t i = 0; i < queries.size(); ++i) {
    const auto start = Steady::now();
    Page page = must(repo.search(queries[i], spatial), "sql search");
    row.t.ms.push_back(seconds_since(start) * 1e3);
    if (page.total != expected[i].total || page.hits != expected[i].hits) ++row.mismatches;
  }
  return row;
}

struct Store {
  std::unique_ptr<store::Database> db;
  std::unique_ptr<store::DirectoryRepo> repo;
};

Store load_store(const std::string& url, const Vocabulary& v, const std::vector<Listing>& listings,
                 const char* label) {
  Store s;
  s.db = must(store::Database::open(url, 2), "open the store");
  must(store::migrate(*s.db, app::migrations()), "migrate");
  s.repo = std::make_unique<store::DirectoryRepo>(*s.db, v);
  const auto start = Steady::now();
  auto counts = must(s.repo->import(listings, kNow), "write the listings");
  std::printf("%s: %lld listings written in %.1f s\n", label, static_cast<long long>(counts.added),
              seconds_since(start));
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  size_t listings_count = 1'000'000, query_count = 1000, sql_query_count = 200;
  std::string postgres;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--listings") {
      listings_count = std::stoul(value);
    } else if (flag == "--queries") {
      query_count = std::stoul(value);
    } else if (flag == "--sql-queries") {
      sql_query_count = std::stoul(value);
    } else if (flag == "--postgres") {
      postgres = value;
    } else {
      die("unknown flag " + flag);
    }
  }
  const auto vocabulary =
      must(Vocabulary::load(std::string(SECUREBASE_CONTENT_DIR) + "/directory/vocabulary.json"),
           "vocabulary");
  const auto places = must(Places::shared(SECUREBASE_PLACES_FILE), "places");

  auto start = Steady::now();
  const std::vector<Listing> listings = demo_listings(*places, vocabulary, listings_count, 7, kNow);
  std::printf("%zu listings made in %.1f s\n", listings.size(), seconds_since(start));
  std::vector<Listing> numbered = listings;
  for (size_t i = 0; i < numbered.size(); ++i) numbered[i].id = static_cast<int64_t>(i + 1);

  // The index, and what it costs in memory.
  const double before_mb = resident_mb();
  start = Steady::now();
  DirectoryIndex index(vocabulary);
  index.rebuild(numbered);
  const double build_s = seconds_since(start);
  const double after_mb = resident_mb();
  std::printf(
      "index: %zu listings built in %.2f s; entries and words %.1f MB; resident memory "
      "grew by %.1f MB\n",
      index.size(), build_s, static_cast<double>(index.memory_bytes()) / 1e6, after_mb - before_mb);

  const auto queries = make_queries(numbered, query_count);
  std::vector<Page> expected;
  Row in_memory{"in-memory index", {}, 0};
  for (size_t i = 0; i < 100 && i < queries.size(); ++i) index.search(queries[i]);  // warm
  int64_t found = 0;
  for (const auto& q : queries) {
    const auto t0 = Steady::now();
    Page page = index.search(q);
    in_memory.t.ms.push_back(seconds_since(t0) * 1e3);
    found += page.total;
    expected.push_back(std::move(page));
  }
  std::printf(
      "queries: %zu within %lld km, attachment-focused and accepting, top 20 by best "
      "match; %.0f matches a query on average\n",
      queries.size(), static_cast<long long>(kRadiusM / 1000),
      static_cast<double>(found) / static_cast<double>(queries.size()));

  std::vector<Row> rows{in_memory};
  const std::vector<Query> sql_queries(
      queries.begin(),
      queries.begin() + static_cast<long>(std::min(sql_query_count, queries.size())));

  // SQLite: the ids the store gives are 1..N in the order written, as the index was numbered.
  const auto dir =
      std::filesystem::temp_directory_path() / ("directory_bench." + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  if (!sql_queries.empty()) {
    Store sqlite =
        load_store("sqlite://" + (dir / "bench.db").string(), vocabulary, listings, "SQLite");
    start = Steady::now();
    must(sqlite.repo->create_spatial_index(store::SpatialIndex::kRtree), "R*Tree");
    std::printf("SQLite R*Tree built in %.1f s\n", seconds_since(start));
    rows.push_back(run_sql("SQLite, R*Tree", *sqlite.repo, store::SpatialIndex::kRtree, sql_queries,
                           expected));
    const std::vector<Query> few(sql_queries.begin(),
                                 sql_queries.begin() + std::min<long>(20, sql_queries.size()));
    rows.push_back(run_sql("SQLite, no spatial index", *sqlite.repo, store::SpatialIndex::kNone,
                           few, expected));
  }
  std::filesystem::remove_all(dir);
  if (!postgres.empty() && !sql_queries.empty()) {
    Store pg = load_store(postgres, vocabulary, listings, "PostgreSQL");
    start = Steady::now();
    must(pg.repo->create_spatial_index(store::SpatialIndex::kPostgis), "PostGIS");
    std::printf("PostGIS geography column and GiST index built in %.1f s\n", seconds_since(start));
    rows.push_back(run_sql("PostgreSQL 15, PostGIS ST_DWithin (GiST)", *pg.repo,
                           store::SpatialIndex::kPostgis, sql_queries, expected));
  }

  std::printf("\n| search | queries | p50 | p99 | mean | answers unlike the index's |\n");
  std::printf("|---|---|---|---|---|---|\n");
  for (const auto& r : rows) print_row(r);
  const double p99 = rows.front().t.percentile(0.99);
  for (size_t i = 1; i < rows.size(); ++i)
    std::printf("%s: p99 %.0fx the index's, p50 %.0fx\n", rows[i].name.c_str(),
                rows[i].t.percentile(0.99) / p99,
                rows[i].t.percentile(0.5) / rows.front().t.percentile(0.5));
  for (const auto& r : rows)
    if (r.mismatches) return 1;
  return 0;
}
