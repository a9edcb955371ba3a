// The HTTP/1.1 server: one io_context per core for sockets, a separate worker pool for
// handlers (which may block on the store or on password hashing), limits and timeouts on
// every read, and a graceful stop.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "web/router.h"

namespace sb::web {

struct ServerConfig {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;         // 0 picks a free port (tests)
  unsigned io_threads = 0;      // 0: one per core
  unsigned worker_threads = 0;  // 0: four per core, at least 8
  size_t header_limit = 16 * 1024;
  size_t body_limit = 1024 * 1024;
  // A whole request (headers and body) must arrive within this time, so a client sending a
  // byte at a time cannot hold a connection; an idle keep-alive connection is closed after it.
  std::chrono::milliseconds request_timeout{15000};
  std::chrono::milliseconds shutdown_grace{10000};
  // GET paths answered on the socket threads, never queued behind the worker pool: health
  // checks must answer while every worker is busy hashing passwords. Their handlers must not
  // block.
  std::vector<std::string> inline_paths{"/healthz", "/metrics"};
  // Open connections at most; at the cap the oldest idle keep-alive connection is closed to
  // make room, and a new one is refused only when every connection is busy. 0: the process's
  // file limit less 64 kept for the store, logs and files.
  size_t max_connections = 0;
};

class Server {
 public:
  Server(ServerConfig config, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the threads; returns the port actually bound.
  Result<uint16_t> start();
  // Stops accepting, lets in-flight requests finish (up to the grace period), then joins
  // every thread. Safe to call from any thread, more than once.
  void stop();
  // Blocks until stop() has completed; stops on SIGINT or SIGTERM when `handle_signals`.
  void wait(bool handle_signals);

  size_t active_connections() const;
  size_t in_flight_requests() const;

  struct Impl;  // defined in server.cc; public so connection objects there can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::web
