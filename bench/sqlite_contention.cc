// How long small write transactions wait on SQLite (through the store, as the server runs them)
// while something else holds the database, to bound two suspects of the one slow run in
// docs/BENCHMARKS.md ("Assessment step during a recalibration"):
//   hold-write  another writer keeps the write lock for HOLD_MS every 300 ms, so the small
//               writers queue on SQLite's busy timeout and its back-off sleeps;
//   hold-read   a reader keeps one snapshot open for HOLD_MS at a time, again and again, so the
//               WAL cannot be checkpointed past it and grows, and commits retry checkpoints.
// Usage: sqlite_contention hold-write|hold-read HOLD_MS [WRITERS=32] [SECONDS=20]
// Writers pause 125-375 ms between transactions, as the load generator's respondents do.
#include <soci/soci.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "store/database.h"

namespace {

using Clock = std::chrono::steady_clock;

double milliseconds_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double quantile(const std::vector<double>& sorted, double p) {
  return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: sqlite_contention hold-write|hold-read HOLD_MS [WRITERS] [SECONDS]\n");
    return 2;
  }
  const std::string mode = argv[1];
  const int hold_ms = std::atoi(argv[2]);
  const int writers = argc > 3 ? std::atoi(argv[3]) : 32;
  const int seconds = argc > 4 ? std::atoi(argv[4]) : 20;
  if ((mode != "hold-write" && mode != "hold-read") || hold_ms < 0 || writers < 1 || seconds < 1) {
    std::fprintf(stderr, "sqlite_contention: bad arguments\n");
    return 2;
  }
  const auto folder =
      std::filesystem::temp_directory_path() / ("sqlite-contention-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  auto db = sb::store::Database::open("sqlite://" + (folder / "bench.db").string(), writers + 2);
  if (!db) {
    std::fprintf(stderr, "sqlite_contention: %s\n", db.error().message.c_str());
    return 1;
  }
  (void)(*db)->run(
      [](soci::session& s) { s << "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"; });

  std::atomic<bool> stop{false};
  std::atomic<int> errors{0};
  std::mutex merge;
  std::vector<double> latencies;
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      std::mt19937 rng(w);
      std::uniform_int_distribution<int> pause(125, 375);
      const std::string value(4000, 'x');  // about one page: the WAL grows as answers do
      std::vector<double> mine;
      while (!stop) {
        const auto start = Clock::now();
        auto st = (*db)->transaction(
            [&](soci::session& s) { s << "INSERT INTO t (v) VALUES (:v)", soci::use(value); });
        if (!st) ++errors;
        mine.push_back(milliseconds_since(start));
        std::this_thread::sleep_for(std::chrono::milliseconds(pause(rng)));
      }
      const std::lock_guard lock(merge);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  threads.emplace_back([&] {
    const auto hold = std::chrono::milliseconds(hold_ms);
    while (!stop) {
      if (mode == "hold-write") {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        (void)(*db)->transaction([&](soci::session& s) {
          s << "INSERT INTO t (v) VALUES ('held')";
          std::this_thread::sleep_for(hold);
        });
      } else {
        (void)(*db)->run([&](soci::session& s) {
          int rows = 0;
          s << "BEGIN";
          s << "SELECT count(*) FROM t", soci::into(rows);
          std::this_thread::sleep_for(hold);
          s << "COMMIT";
        });
      }
    }
  });
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  db->reset();
  std::filesystem::remove_all(folder);

  std::sort(latencies.begin(), latencies.end());
  std::printf(
      "%s %d ms, %d writers, %d s: %zu transactions, %d errors; latency ms p50 %.2f "
      "p99 %.2f p99.9 %.2f max %.1f\n",
      mode.c_str(), hold_ms, writers, seconds, latencies.size(), errors.load(),
      quantile(latencies, 0.5), quantile(latencies, 0.99), quantile(latencies, 0.999),
      latencies.back());
  return 0;
}
