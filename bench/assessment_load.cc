// Load test of the assessment: N concurrent simulated respondents, each on its own keep-alive
// connection, complete assessments (answer -> store -> next question) for a fixed time.
// Prints steps, errors, answers accepted, throughput and latency percentiles per step; with
// STEP_LOG set, also writes every step's end time and latency to that file.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"

using sb::testing::HttpResponse;
using sb::testing::RawConnection;

namespace {

struct Client {
  explicit Client(int port) : port(port), conn(std::make_unique<RawConnection>(port)) {}
  HttpResponse send(const std::string& method, const std::string& path,
                    const std::string& body = "") {
    std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!cookie.empty()) req += "Cookie: " + cookie + "\r\n";
    if (method == "POST") {
      req += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n";
    }
    req += "\r\n" + body;
    if (!conn->send(req)) {
      conn = std::make_unique<RawConnection>(port);
      if (!conn->send(req)) return {};
    }
    HttpResponse r = conn->read_response(10000);
    for (const auto& c : r.set_cookies()) cookie = c.substr(0, c.find(';'));
    if (r.header("connection") == "close") conn = std::make_unique<RawConnection>(port);
    return r;
  }
  int port;
  std::unique_ptr<RawConnection> conn;
  std::string cookie;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: assessment_load PORT CLIENTS SECONDS [THINK_MS]\n");
    return 2;
  }
  // Think time between questions: 0 saturates the server; a person takes seconds per question.
  const int think_ms = argc > 4 ? std::atoi(argv[4]) : 0;
  const int port = std::atoi(argv[1]);
  const int clients = std::atoi(argv[2]);
  const int seconds = std::atoi(argv[3]);
  std::atomic<long> steps{0}, errors{0}, accepted{0}, completed{0};
  std::mutex mu;
  std::vector<double> latencies;
  std::vector<std::pair<long long, double>> all_timed;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::mt19937 rng(static_cast<unsigned>(c));
      std::uniform_int_distribution<int> answer(1, 7);
      std::uniform_int_distribution<int> think(think_ms / 2, think_ms + think_ms / 2);
      std::vector<double> mine;
      std::vector<std::pair<long long, double>> timed;  // when each step ended, its latency
      Client client(port);
      while (std::chrono::steady_clock::now() < deadline) {
        auto start_page = client.send("GET", "/assessment");
        std::string csrf = sb::testing::find_csrf(start_page.body);
        auto started =
            client.send("POST", "/assessment/start", "csrf=" + sb::testing::url_encode(csrf));
        auto location = started.header("location");
        if (started.status != 303 || !location) {
          ++errors;
          continue;
        }
        auto page = client.send("GET", *location);
        // A first-time visitor's session (and so its CSRF token) begins when they start.
        if (const std::string fresh = sb::testing::find_csrf(page.body); !fresh.empty())
          csrf = fresh;
        while (page.status == 200 && std::chrono::steady_clock::now() < deadline) {
          if (think_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(think(rng)));
          const std::string body = "csrf=" + sb::testing::url_encode(csrf) +
                                   "&position=" + sb::testing::find_input(page.body, "position") +
                                   "&item=" + sb::testing::find_input(page.body, "item") +
                                   "&answer=" + std::to_string(answer(rng));
          const auto t0 = std::chrono::steady_clock::now();
          auto posted = client.send("POST", *location + "/answer", body);
          if (posted.status != 303) {
            ++errors;
            break;
          }
          ++accepted;
          page = client.send("GET", *location);
          mine.push_back(
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                  .count());
          timed.emplace_back(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count(),
                             mine.back());
          ++steps;
          if (page.status == 303) {
            ++completed;
            break;
          }
          if (page.status != 200) ++errors;
        }
      }
      std::lock_guard lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
      all_timed.insert(all_timed.end(), timed.begin(), timed.end());
    });
  }
  for (auto& t : threads) t.join();
  // STEP_LOG=FILE: every step as "unix-ms latency-ms", to compare with what the server did when.
  if (const char* step_log = std::getenv("STEP_LOG")) {
    if (FILE* f = std::fopen(step_log, "w")) {
      for (const auto& [when, ms] : all_timed) std::fprintf(f, "%lld %.3f\n", when, ms);
      std::fclose(f);
    }
  }
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    return latencies.empty() ? 0.0
                             : latencies[std::min(latencies.size() - 1,
                                                  static_cast<size_t>(p * latencies.size()))];
  };
  std::printf(
      "clients %d  seconds %d  steps %ld  steps/s %.0f  completed %ld  answers_accepted %ld  "
      "errors %ld\n",
      clients, seconds, steps.load(), steps.load() / static_cast<double>(seconds), completed.load(),
      accepted.load(), errors.load());
  std::printf("step latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", pct(0.5), pct(0.9),
              pct(0.99), latencies.empty() ? 0.0 : latencies.back());
  return errors.load() == 0 ? 0 : 1;
}
