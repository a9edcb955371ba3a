#include "web/wire.h"

#include <algorithm>
#include <boost/beast/core.hpp>
#include <boost/url/parse.hpp>
#include <optional>
#include <sstream>

#include "core/strings.h"

namespace sb::web::wire {

namespace beast = boost::beast;
namespace http = beast::http;

bool to_request(const BeastRequest& in, const std::string& remote, Request& out) {
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  auto url = boost::urls::parse_origin_form(in.target());
  if (!url) return false;
  out.path = url->path();  // decoded
  for (auto p : url->params()) out.query.emplace(p.key, p.value);
  for (const auto& f : in) {
    std::string name = to_lower(f.name_string());
    auto value = std::string(f.value());
    auto [it, inserted] = out.headers.emplace(name, value);
    if (!inserted) it->second += (name == "cookie" ? "; " : ", ") + value;
  }
  out.body = in.body();
  out.remote_address = remote;
  return true;
}

Response error_response(int status) {
  auto r = Response::text(std::string(reason_phrase(status)) + "\n", status);
  apply_security_headers(r);
  r.close = true;
  return r;
}

int read_error_status(const boost::system::error_code& ec) {
  namespace asio = boost::asio;
  if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
      ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
    return 0;
  }
  if (ec == http::error::header_limit) return 431;
  if (ec == http::error::body_limit) return 413;
  // A partial message that ended early is not worth an answer; garbage gets a 400.
  if (ec == http::error::partial_message) return 0;
  return 400;
}

void to_beast(Response res, bool keep_alive, bool head, BeastResponse& out) {
  out.result(static_cast<unsigned>(res.status));
  out.version(11);
  // insert, not set: a response may carry several Set-Cookie headers.
  for (const auto& [k, v] : res.headers) out.insert(k, v);
  out.keep_alive(keep_alive && !res.close);
  if (head) {
    out.content_length(res.body.size());
  } else {
    out.body() = std::move(res.body);
    out.prepare_payload();
  }
}

bool is_inline(const Request& req, const std::vector<std::string>& inline_paths) {
  return (req.method == "GET" || req.method == "HEAD") &&
         std::find(inline_paths.begin(), inline_paths.end(), req.path) != inline_paths.end();
}

namespace {

std::string serialize(Response res, bool keep_alive, bool head) {
  BeastResponse out;
  to_beast(std::move(res), keep_alive, head, out);
  std::ostringstream s;
  if (head) {
    s << out.base();  // the status line and fields: a HEAD answer has no body
  } else {
    s << out;
  }
  return s.str();
}

}  // namespace

std::string answer_bytes(std::string_view bytes, const Limits& limits, const Handler& handler) {
  std::string written;
  while (true) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
    parser.body_limit(limits.body_limit);
    parser.eager(true);
    beast::error_code ec;
    while (!parser.is_done()) {
      const size_t used =
          bytes.empty() ? 0 : parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
      bytes.remove_prefix(used);
      if (ec && ec != http::error::need_more) break;
      if (parser.is_done()) break;
      // The parser has seen all it was given and needs more: the input ends here. Handing the
      // same bytes back to put() is outside its contract (Beast asserts that a chunked body's
      // trailer grew between calls; the fuzzer found it).
      if (ec == http::error::need_more || used == 0) {
        ec = {};
        if (!parser.got_some()) return written;  // the client closed between requests
        parser.put_eof(ec);
        if (!ec && !parser.is_done()) ec = http::error::partial_message;
        break;
      }
    }
    if (ec) {
      const int status = read_error_status(ec);
      if (status != 0) written += serialize(error_response(status), false, false);
      return written;
    }
    const auto& beast_req = parser.get();
    Request req;
    if (!to_request(beast_req, "fuzz", req)) {
      written += serialize(error_response(400), false, false);
      return written;
    }
    const bool keep_alive = beast_req.keep_alive();
    const bool head = beast_req.method() == http::verb::head;
    Response res;
    try {
      res = handler(req);
    } catch (const std::exception&) {
      res = error_response(500);
    }
    const bool keep = keep_alive && !res.close;
    written += serialize(std::move(res), keep, head);
    if (!keep || bytes.empty()) return written;
  }
}

}  // namespace sb::web::wire
