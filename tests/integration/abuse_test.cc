// Abuse that does not break in but wears the service down: a flood of sign-ups (each a
// memory-hard password hash) and health checks stuck behind busy workers.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <thread>
#include <vector>

#include "accounts/crypto.h"
#include "support/test_site.h"
#include "web/server.h"

namespace sb {
namespace {

using namespace std::chrono_literals;
using testing::Browser;
using testing::RawConnection;

// 16 clients from one address keep creating accounts: only the free allowance is hashed; the
// rest are told to wait (429) without costing a hash.
TEST(Abuse, ASignUpFloodFromOneAddressIsThrottledBeforeHashing) {
  testing::TestSite site(testing::TestBackend::kSqlite);
  ASSERT_TRUE(site.ready());
  const uint64_t hashes_before = crypto::password_hashes_computed();
  std::atomic<int> created{0}, throttled{0}, other{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < 16; ++c) {
    clients.emplace_back([&, c] {
      Browser b = site.browser();
      b.get("/signup");
      for (int i = 0; i < 15; ++i) {
        const std::string email = "flood-" + std::to_string(c) + "-" + std::to_string(i) + "@x.org";
        auto r = b.post("/signup", {{"email", email},
                                    {"password", "a long enough password"},
                                    {"password_confirm", "a long enough password"}});
        if (r.status == 303) {
          ++created;
          b.forget_cookies();
          b.get("/signup");
        } else if (r.status == 429) {
          ++throttled;
          EXPECT_TRUE(r.header("retry-after"));
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const uint64_t hashes = crypto::password_hashes_computed() - hashes_before;
  std::printf(
      "sign-up flood: 240 attempts from one address in %.1f s: %d accounts, %d told to wait, "
      "%llu password hashes (%.1f hashes/s)\n",
      seconds, created.load(), throttled.load(), static_cast<unsigned long long>(hashes),
      static_cast<double>(hashes) / seconds);
  EXPECT_EQ(other.load(), 0);
  EXPECT_GE(created.load(), accounts::kFreeSignupsPerAddress);
  // The free allowance, plus the few the doubling back-off lets through while the test runs.
  EXPECT_LE(created.load(), accounts::kFreeSignupsPerAddress + 4);
  EXPECT_LE(hashes, static_cast<uint64_t>(created.load()));
}

// /healthz answers on the socket threads: with every worker stuck it still answers.
TEST(Abuse, HealthChecksAnswerWhileEveryWorkerIsBusy) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  web::ServerConfig cfg;
  cfg.port = 0;
  cfg.io_threads = 1;
  cfg.worker_threads = 2;
  web::Server server(cfg, [&](web::Request& r) {
    if (r.path == "/healthz") return web::Response::text("ok\n");
    released.wait();  // a worker held by a slow handler (a password hash, a slow store)
    return web::Response::text("done");
  });
  auto port = server.start();
  ASSERT_TRUE(port);
  std::vector<std::unique_ptr<RawConnection>> stuck;
  for (int i = 0; i < 4; ++i) {
    stuck.push_back(std::make_unique<RawConnection>(*port));
    ASSERT_TRUE(stuck.back()->send("GET /busy HTTP/1.1\r\nHost: x\r\n\r\n"));
  }
  std::this_thread::sleep_for(200ms);  // both workers are now blocked, two requests queued
  RawConnection health(*port);
  ASSERT_TRUE(health.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = health.read_response(5000);
  EXPECT_EQ(r.status, 200) << "health check queued behind the workers";
  release.set_value();
  for (auto& c : stuck) EXPECT_EQ(c->read_response(5000).status, 200);
  server.stop();
}

}  // namespace
}  // namespace sb
