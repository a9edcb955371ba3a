// Request counts by route and status, a latency histogram and store pool use, in
// Prometheus text format.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "store/database.h"

namespace sb::web {

class Metrics {
 public:
  static constexpr std::array<double, 11> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1.0,  2.5};
  void observe(const std::string& method, const std::string& route, int status, double seconds);
  std::string render(const store::PoolStats& pool) const;
  // A public page served from the anonymous page cache.
  void count_cache_hit() { cache_hits_.fetch_add(1, std::memory_order_relaxed); }

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;  // by route
  std::atomic<uint64_t> cache_hits_{0};
};

}  // namespace sb::web
