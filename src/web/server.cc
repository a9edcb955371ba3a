#include "web/server.h"

#include <sys/resource.h>

#include <algorithm>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <condition_variable>
#include <csignal>
#include <list>
#include <mutex>
#include <thread>

#include "core/strings.h"
#include "web/wire.h"

namespace sb::web {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

using wire::error_response;

class Connection;

struct Server::Impl {
  ServerConfig config;
  Handler handler;
  std::vector<std::unique_ptr<asio::io_context>> io_contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::thread> io_threads;
  std::unique_ptr<asio::thread_pool> workers;
  std::unique_ptr<tcp::acceptor> acceptor;
  size_t next_context = 0;

  std::atomic<bool> stopping{false};
  std::atomic<size_t> connections{0};
  std::atomic<size_t> in_flight{0};
  std::mutex mu;
  std::condition_variable cv;
  bool stopped = false;
  std::list<std::weak_ptr<Connection>> registry;  // oldest first
  size_t max_connections = 0;
  std::unique_ptr<asio::steady_timer> accept_retry;
  std::chrono::milliseconds accept_backoff{0};

  void accept();
  void on_accepted(tcp::socket socket);
  // At the cap: closes the oldest idle connection; false when every one is busy.
  bool shed_idle_connection();
  void stop();
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server::Impl& server, tcp::socket socket)
      : server_(server), stream_(std::move(socket)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? "unknown" : ep.address().to_string();
    ++server_.connections;
  }
  ~Connection() {
    if (--server_.connections == 0) server_.cv.notify_all();
  }

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  // True once for an idle connection: it will be closed to make room for a new one.
  bool claim_for_shedding() { return !busy_ && !shedding_.exchange(true); }

  // Called on shutdown: an idle connection closes now, a busy one after its response.
  void shutdown() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->close();
    });
  }

 private:
  void read() {
    if (server_.stopping) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.config.header_limit));
    parser_->body_limit(server_.config.body_limit);
    stream_.expires_after(server_.config.request_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    auto& beast_req = parser_->get();
    Request req;
    if (!wire::to_request(beast_req, remote_, req)) return send(error_response(400), false, false);
    const bool keep_alive = beast_req.keep_alive();
    const bool head = beast_req.method() == http::verb::head;
    if (wire::is_inline(req, server_.config.inline_paths)) {
      Response res;
      try {
        res = server_.handler(req);
      } catch (const std::exception&) {
        res = error_response(500);
      }
      return send(std::move(res), keep_alive, head);
    }
    busy_ = true;
    ++server_.in_flight;
    asio::post(*server_.workers,
               [self = shared_from_this(), req = std::move(req), keep_alive, head]() mutable {
                 Response res;
                 try {
                   res = self->server_.handler(req);
                 } catch (const std::exception&) {
                   res = error_response(500);
                 }
                 asio::post(self->stream_.get_executor(),
                            [self, res = std::move(res), keep_alive, head]() mutable {
                              self->send(std::move(res), keep_alive, head);
                            });
               });
  }

  void on_read_error(beast::error_code ec) {
    const int status = wire::read_error_status(ec);
    if (status == 0) return close();
    return send(error_response(status), false, false);
  }

  void send(Response res, bool keep_alive, bool head) {
    auto out = std::make_shared<wire::BeastResponse>();
    const bool keep = keep_alive && !res.close && !server_.stopping;
    wire::to_beast(std::move(res), keep, head, *out);
    stream_.expires_after(server_.config.request_timeout);
    http::async_write(stream_, *out,
                      [self = shared_from_this(), out, keep](beast::error_code ec, size_t) {
                        self->on_write(ec, keep);
                      });
  }

  void on_write(beast::error_code ec, bool keep) {
    if (busy_) {
      busy_ = false;
      if (--server_.in_flight == 0) server_.cv.notify_all();
    }
    if (ec || !keep) return close();
    read();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  Server::Impl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string remote_;
  std::atomic<bool> busy_ = false;
  std::atomic<bool> shedding_ = false;
};

void Server::Impl::accept() {
  auto& ioc = *io_contexts[next_context];
  next_context = (next_context + 1) % io_contexts.size();
  acceptor->async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (stopping) return;
    if (ec) {
      // Out of file descriptors (or another passing failure): wait before trying again instead
      // of spinning on accept, and let idle connections make room meanwhile.
      accept_backoff = std::clamp(accept_backoff * 2, std::chrono::milliseconds(10),
                                  std::chrono::milliseconds(1000));
      shed_idle_connection();
      accept_retry->expires_after(accept_backoff);
      accept_retry->async_wait([this](beast::error_code) {
        if (!stopping) accept();
      });
      return;
    }
    accept_backoff = std::chrono::milliseconds(0);
    on_accepted(std::move(socket));
    accept();
  });
}

void Server::Impl::on_accepted(tcp::socket socket) {
  if (connections >= max_connections && !shed_idle_connection()) {
    beast::error_code ignored;
    socket.close(ignored);  // every connection is busy: this one waits for another day
    return;
  }
  auto conn = std::make_shared<Connection>(*this, std::move(socket));
  {
    std::lock_guard lock(mu);
    registry.remove_if([](const auto& w) { return w.expired(); });
    registry.push_back(conn);
  }
  conn->start();
}

bool Server::Impl::shed_idle_connection() {
  std::lock_guard lock(mu);
  for (auto it = registry.begin(); it != registry.end();) {
    auto c = it->lock();
    if (!c) {
      it = registry.erase(it);
      continue;
    }
    if (c->claim_for_shedding()) {
      c->shutdown();
      return true;
    }
    ++it;
  }
  return false;
}

Server::Server(ServerConfig config, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  impl_->handler = std::move(handler);
}

Server::~Server() {
  try {
    stop();
  } catch (const std::exception&) {  // a destructor must not throw
  }
}

Result<uint16_t> Server::start() {
  auto& s = *impl_;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned n_io = s.config.io_threads ? s.config.io_threads : cores;
  const unsigned n_workers =
      s.config.worker_threads ? s.config.worker_threads : std::max(8u, 4 * cores);
  for (unsigned i = 0; i < n_io; ++i) {
    s.io_contexts.push_back(std::make_unique<asio::io_context>(1));
    s.guards.push_back(asio::make_work_guard(*s.io_contexts.back()));
  }
  s.workers = std::make_unique<asio::thread_pool>(n_workers);
  try {
    auto address = asio::ip::make_address(s.config.address);
    tcp::endpoint endpoint(address, s.config.port);
    s.acceptor = std::make_unique<tcp::acceptor>(asio::make_strand(*s.io_contexts[0]));
    s.acceptor->open(endpoint.protocol());
    s.acceptor->set_option(asio::socket_base::reuse_address(true));
    s.acceptor->bind(endpoint);
    s.acceptor->listen(asio::socket_base::max_listen_connections);
  } catch (const std::exception& e) {
    return Error{ErrorCode::kUnavailable,
                 "cannot listen on " + s.config.address + ":" + std::to_string(s.config.port) +
                     ": " + e.what(),
                 "port"};
  }
  const uint16_t port = s.acceptor->local_endpoint().port();
  s.max_connections = s.config.max_connections;
  if (s.max_connections == 0) {
    rlimit limit{};
    const rlim_t files = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 ? limit.rlim_cur : 1024;
    s.max_connections = files > 128 ? static_cast<size_t>(files - 64) : 64;
  }
  s.accept_retry = std::make_unique<asio::steady_timer>(s.acceptor->get_executor());
  asio::post(s.acceptor->get_executor(), [&s] { s.accept(); });
  for (auto& ioc : s.io_contexts) {
    s.io_threads.emplace_back([&ctx = *ioc] { ctx.run(); });
  }
  return port;
}

void Server::Impl::stop() {
  if (stopping.exchange(true)) {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return stopped; });
    return;
  }
  if (acceptor) {
    asio::post(acceptor->get_executor(), [this] {
      beast::error_code ignored;
      acceptor->close(ignored);
    });
  }
  {
    std::lock_guard lock(mu);
    for (auto& w : registry) {
      if (auto c = w.lock()) c->shutdown();
    }
  }
  {
    std::unique_lock lock(mu);
    cv.wait_for(lock, config.shutdown_grace, [&] { return in_flight == 0 && connections == 0; });
  }
  for (auto& g : guards) g.reset();
  for (auto& ioc : io_contexts) ioc->stop();
  for (auto& t : io_threads) t.join();
  io_threads.clear();
  if (workers) workers->join();
  std::lock_guard lock(mu);
  registry.clear();
  stopped = true;
  cv.notify_all();
}

void Server::stop() { impl_->stop(); }

void Server::wait(bool handle_signals) {
  if (handle_signals) {
    // A dedicated context for signals: stop() joins the others, so it must not run on them.
    asio::io_context signal_ctx;
    asio::signal_set signals(signal_ctx, SIGINT, SIGTERM);
    signals.async_wait([this](beast::error_code ec, int) {
      if (!ec) stop();
    });
    signal_ctx.run();
    return;
  }
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait(lock, [&] { return impl_->stopped; });
}

size_t Server::active_connections() const { return impl_->connections; }
size_t Server::in_flight_requests() const { return impl_->in_flight; }

}  // namespace sb::web
