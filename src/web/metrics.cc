#include "web/metrics.h"

#include <fmt/format.h>

namespace sb::web {
namespace {
// Route patterns come from our own router table, but quote them safely all the same.
std::string label(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}
}  // namespace

void Metrics::observe(const std::string& method, const std::string& route, int status,
                      double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{method, route, status}];
  auto& h = latency_[route];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::render(const store::PoolStats& pool) const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP securebase_http_requests_total HTTP requests by method, route and status.\n";
  out += "# TYPE securebase_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out += fmt::format(
        "securebase_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
        label(method), label(route), status, n);
  }
  out += "# HELP securebase_anonymous_cache_hits_total Public pages served from the cache.\n";
  out += "# TYPE securebase_anonymous_cache_hits_total counter\n";
  out += fmt::format("securebase_anonymous_cache_hits_total {}\n", cache_hits_.load());
  out += "# HELP securebase_http_request_duration_seconds Time from parsed request to response.\n";
  out += "# TYPE securebase_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out += fmt::format(
          "securebase_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
          label(route), kBuckets[i], h.buckets[i]);
    }
    out += fmt::format(
        "securebase_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
        label(route), h.count);
    out += fmt::format("securebase_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n",
                       label(route), h.sum);
    out += fmt::format("securebase_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                       label(route), h.count);
  }
  out += "# HELP securebase_store_pool_connections Connections in the store pool.\n";
  out += "# TYPE securebase_store_pool_connections gauge\n";
  out += fmt::format("securebase_store_pool_connections {}\n", pool.size);
  out += "# HELP securebase_store_pool_in_use Connections currently lent out.\n";
  out += "# TYPE securebase_store_pool_in_use gauge\n";
  out += fmt::format("securebase_store_pool_in_use {}\n", pool.in_use);
  out += "# HELP securebase_store_pool_waits_total Borrowers that had to wait for a connection.\n";
  out += "# TYPE securebase_store_pool_waits_total counter\n";
  out += fmt::format("securebase_store_pool_waits_total {}\n", pool.waits);
  return out;
}

}  // namespace sb::web
