// The server under bad input and at shutdown: every case gets the right status or a closed
// connection, and other clients keep being served.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "support/http_client.h"
#include "web/server.h"

namespace sb::web {

using testing::RawConnection;
using namespace std::chrono_literals;

class ServerRobustnessTest : public ::testing::Test {
 protected:
  void start(std::chrono::milliseconds handler_delay = 0ms) {
    router.add("GET", "/ping", [](Request&) { return Response::text("pong"); });
    router.add("POST", "/echo", [](Request& r) { return Response::text(r.body); });
    router.add("GET", "/slow", [handler_delay](Request&) {
      std::this_thread::sleep_for(handler_delay);
      return Response::text("done");
    });
    ServerConfig cfg;
    cfg.port = 0;
    cfg.io_threads = 2;
    cfg.worker_threads = 8;
    cfg.header_limit = 4096;
    cfg.body_limit = 64 * 1024;
    cfg.request_timeout = 1500ms;
    server = std::make_unique<Server>(cfg, [this](Request& r) { return router.dispatch(r); });
    auto p = server->start();
    ASSERT_TRUE(p);
    port = *p;
  }
  bool healthy() {
    RawConnection c(port);
    c.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    return r.status == 200 && r.body == "pong";
  }
  Router router;
  std::unique_ptr<Server> server;
  int port = 0;
};

TEST_F(ServerRobustnessTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  RawConnection c(port);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = c.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "pong");
  }
}

TEST_F(ServerRobustnessTest, OversizedHeadersGet431) {
  start();
  RawConnection c(port);
  c.send("GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n");
  EXPECT_EQ(c.read_response().status, 431);
  EXPECT_TRUE(healthy());
}

TEST_F(ServerRobustnessTest, OversizedBodyGets413) {
  start();
  RawConnection c(port);
  const std::string body(100 * 1024, 'b');
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body);
  EXPECT_EQ(c.read_response().status, 413);
  EXPECT_TRUE(healthy());
}

TEST_F(ServerRobustnessTest, GarbageBytesGet400) {
  start();
  RawConnection c(port);
  c.send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 garbage\r\n\r\n", 24));
  auto r = c.read_response();
  EXPECT_TRUE(r.status == 400 || r.status == 0);
  EXPECT_TRUE(c.closed_by_peer(2000));
  RawConnection d(port);
  d.send("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_EQ(d.read_response().status, 400);
  EXPECT_TRUE(healthy());
}

TEST_F(ServerRobustnessTest, InvalidTargetGets400) {
  start();
  RawConnection c(port);
  c.send("GET /a%zz b HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.read_response().status, 400);
  RawConnection d(port);
  d.send("GET http//nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(d.read_response().status, 400);
  EXPECT_TRUE(healthy());
}

TEST_F(ServerRobustnessTest, TruncatedRequestIsDroppedWithoutHarm) {
  start();
  {
    RawConnection c(port);
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly a part");
  }  // closed mid-body
  {
    RawConnection c(port);
    c.send("GET /ping HTTP/1.1\r\nHost:");
  }
  EXPECT_TRUE(healthy());
}

TEST_F(ServerRobustnessTest, SlowClientIsCutOffWhileOthersAreServed) {
  start();
  RawConnection slow(port);
  const std::string request = "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n";
  auto started = std::chrono::steady_clock::now();
  bool cut_off = false;
  for (char ch : request) {
    if (!slow.send(std::string(1, ch))) {
      cut_off = true;
      break;
    }
    EXPECT_TRUE(healthy()) << "another client must be served meanwhile";
    if (slow.closed_by_peer(1000)) {  // one byte a second
      cut_off = true;
      break;
    }
  }
  EXPECT_TRUE(cut_off);
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_LT(waited, 5s) << "the request timeout (1.5 s) must close the slow connection";
}

TEST_F(ServerRobustnessTest, HeadSendsLengthButNoBody) {
  start();
  RawConnection c(port);
  c.send("HEAD /ping HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.read_response(1000);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-length"), "4");
  // The next response on the same connection must start cleanly: no stray body bytes.
  c.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
  auto next = c.read_response();
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.body, "pong");
}

TEST_F(ServerRobustnessTest, StopFinishesInFlightRequestsAndRefusesNewOnes) {
  start(400ms);
  constexpr int kClients = 8;
  std::vector<std::future<int>> results;
  for (int i = 0; i < kClients; ++i) {
    results.push_back(std::async(std::launch::async, [this] {
      RawConnection c(port);
      c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
      return c.read_response(5000).status;
    }));
  }
  while (server->in_flight_requests() < kClients) std::this_thread::sleep_for(5ms);
  server->stop();
  for (auto& r : results) EXPECT_EQ(r.get(), 200);
  RawConnection late(port);
  EXPECT_FALSE(late.connected() && late.send("GET /ping HTTP/1.1\r\n\r\n") &&
               late.read_response(500).status == 200);
}

}  // namespace sb::web
