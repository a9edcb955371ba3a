// Request and response as the handlers see them: plain values, no Beast types.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sb::web {

struct Request {
  std::string method;  // upper case
  std::string target;  // as sent: path and query
  std::string path;    // percent-decoded path
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string remote_address;
  std::map<std::string, std::string> params;  // filled by the router
  std::string route;                          // the matched pattern, for logs and metrics

  std::optional<std::string> header(const std::string& lower_name) const;
  std::optional<std::string> cookie(std::string_view name) const;
  // application/x-www-form-urlencoded body; repeated names keep every value.
  std::multimap<std::string, std::string> form() const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close = false;  // ask the server to close the connection after sending

  void set_header(std::string name, std::string value);
  std::optional<std::string> header(std::string_view name) const;

  static Response html(std::string body, int status = 200);
  static Response text(std::string body, int status = 200);
  static Response json(std::string body, int status = 200);
  static Response redirect(const std::string& location, int status = 303);
};

// Decodes %XX and, for form data, '+' as space. Invalid escapes are kept as they are.
std::string url_decode(std::string_view s, bool plus_as_space);
// Percent-encodes everything but unreserved characters (RFC 3986), for query values.
std::string url_encode(std::string_view s);
std::multimap<std::string, std::string> parse_urlencoded(std::string_view s);
const char* reason_phrase(int status);
// The headers every response carries (CSP, nosniff, referrer policy, framing).
void apply_security_headers(Response& r);
std::string first_value(const std::multimap<std::string, std::string>& m, const std::string& key);

}  // namespace sb::web
