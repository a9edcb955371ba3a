// File descriptors run out: with the common 1,024 limit, 1,100 idle connections used to make
// /healthz time out for 12 s while the accept loop spun. The real `securebase serve` runs here
// under that limit in its own process.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/process.h"
#include "support/test_db.h"

namespace sb {
namespace {

using namespace std::chrono_literals;
using testing::RawConnection;

TEST(ConnectionLimit, HealthAnswersWith1100IdleConnectionsAtA1024FileLimit) {
  const std::string bin = SECUREBASE_BINARY;
  const std::string dir = testing::temp_path("fd-limit");
  const std::string db = "sqlite://" + dir + "/store.db";
  int status = 0;
  ASSERT_EQ(testing::run_to_end({bin, "migrate", "--database", db}), 0);
  ASSERT_EQ(testing::run_to_end({bin, "admin", "create-key", "--out", dir + "/data.key"}), 0);
  const int port = testing::free_port();
  const pid_t server = testing::spawn({bin,
                                       "serve",
                                       "--database",
                                       db,
                                       "--data-key",
                                       dir + "/data.key",
                                       "--content",
                                       SECUREBASE_CONTENT_DIR,
                                       "--places",
                                       SECUREBASE_PLACES_FILE,
                                       "--port",
                                       std::to_string(port),
                                       "--no-access-log",
                                       "--insecure-cookies",
                                       "--io-threads",
                                       "1",
                                       "--workers",
                                       "4",
                                       "--pool-size",
                                       "2"},
                                      1024);
  bool up = false;
  // Up to 20 s: the sanitizer build reads the places file (170,000 places) at start.
  for (int i = 0; i < 400 && !up; ++i) {
    std::this_thread::sleep_for(50ms);
    RawConnection probe(port);
    up = probe.connected() && probe.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") &&
         probe.read_response(1000).status == 200;
  }
  ASSERT_TRUE(up) << "the server did not start";
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 1100; ++i) idle.push_back(std::make_unique<RawConnection>(port));
  std::this_thread::sleep_for(300ms);
  std::vector<double> ms;
  for (int i = 0; i < 20; ++i) {
    const auto start = std::chrono::steady_clock::now();
    RawConnection c(port);
    const bool sent = c.connected() && c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    const int code = sent ? c.read_response(5000).status : 0;
    EXPECT_EQ(code, 200) << "health check " << i;
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  std::printf(
      "/healthz with 1,100 idle connections at a 1,024 file limit: median %.1f ms, max "
      "%.1f ms (20 checks)\n",
      ms[ms.size() / 2], ms.back());
  idle.clear();
  kill(server, SIGTERM);
  waitpid(server, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the server stops cleanly";
}

}  // namespace
}  // namespace sb
