// A deliberately small HTTP/1.1 client over a plain socket, so tests control every byte.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sb::testing {

struct HttpResponse {
  int status = 0;                                   // 0: the connection closed without a response
  std::multimap<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::optional<std::string> header(const std::string& lower_name) const;
  std::vector<std::string> set_cookies() const;
};

class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  bool connected() const { return fd_ >= 0; }
  bool send(const std::string& bytes);
  // Reads one response (Content-Length framed), or status 0 if the peer closed.
  HttpResponse read_response(int timeout_ms = 5000);
  // True when the server closed the connection within the timeout.
  bool closed_by_peer(int timeout_ms);

 private:
  int fd_ = -1;
  std::string buffer_;
};

// A browser-like client: keeps cookies, and can pick the CSRF token out of a page.
class Browser {
 public:
  explicit Browser(int port) : port_(port) {}
  HttpResponse get(const std::string& path);
  HttpResponse post(const std::string& path, const std::map<std::string, std::string>& form,
                    bool with_csrf = true);
  HttpResponse request(const std::string& method, const std::string& path,
                       const std::string& body = "", const std::string& content_type = "");
  std::string cookie(const std::string& name) const;
  void set_cookie(const std::string& name, const std::string& value) { cookies_[name] = value; }
  void forget_cookies() { cookies_.clear(); }
  std::string csrf() const { return csrf_; }
  void set_csrf(std::string token) { csrf_ = std::move(token); }

 private:
  int port_;
  std::map<std::string, std::string> cookies_;
  std::string csrf_;
};

std::string url_encode(const std::string& s);
// The value of the first hidden csrf input in a page, or "".
std::string find_csrf(const std::string& html);
// The value of the first input with this name, or "".
std::string find_input(const std::string& html, const std::string& name);

}  // namespace sb::testing
