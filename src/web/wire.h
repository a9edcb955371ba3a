// How a request comes off the wire and a response goes back on it. The server and the
// fuzzing harness share these steps, so the harness exercises the parser, limits and
// conversions that face the network.
#pragma once

#include <boost/beast/http.hpp>
#include <string>
#include <string_view>

#include "web/http.h"
#include "web/router.h"

namespace sb::web::wire {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

struct Limits {
  size_t header_limit = 16 * 1024;
  size_t body_limit = 1024 * 1024;
};

// Turns Beast's request into ours; false when the target is not a valid origin-form URL.
bool to_request(const BeastRequest& in, const std::string& remote, Request& out);
// A plain-text error that closes the connection (for requests that never reach a handler).
Response error_response(int status);
// What to answer a read that failed: a status, or 0 to close without answering.
int read_error_status(const boost::system::error_code& ec);
// Fills Beast's response from ours; HEAD keeps the length and drops the body.
void to_beast(Response res, bool keep_alive, bool head, BeastResponse& out);
// True for GET and HEAD requests that the server answers on its socket threads.
bool is_inline(const Request& req, const std::vector<std::string>& inline_paths);

// Reads every request in `bytes` as one connection would, answers each with `handler` and
// returns the serialized responses, as the server would write them. For the fuzzing harness
// and tests: the same parser, limits, conversions and error answers as the server.
std::string answer_bytes(std::string_view bytes, const Limits& limits, const Handler& handler);

}  // namespace sb::web::wire
