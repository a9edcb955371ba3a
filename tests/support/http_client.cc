#include "support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <sstream>

namespace sb::testing {
namespace {
std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

std::optional<std::string> HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> HttpResponse::set_cookies() const {
  std::vector<std::string> out;
  auto [b, e] = headers.equal_range("set-cookie");
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

RawConnection::RawConnection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
  int one = 1;
  if (fd_ >= 0) ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool RawConnection::closed_by_peer(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  while (true) {
    int r = ::poll(&p, 1, timeout_ms);
    if (r <= 0) return false;
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return true;
    buffer_.append(buf, static_cast<size_t>(n));
  }
}

HttpResponse RawConnection::read_response(int timeout_ms) {
  HttpResponse res;
  auto fill = [&]() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  };
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return res;
  }
  std::istringstream head(buffer_.substr(0, end));
  std::string line;
  std::getline(head, line);
  if (line.size() >= 12) res.status = std::stoi(line.substr(9, 3));
  size_t length = 0;
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = lower(line.substr(0, colon));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (name == "content-length") length = std::stoul(value);
    res.headers.emplace(name, value);
  }
  buffer_.erase(0, end + 4);
  while (buffer_.size() < length) {
    if (!fill()) break;
  }
  res.body = buffer_.substr(0, length);
  buffer_.erase(0, std::min(length, buffer_.size()));
  return res;
}

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string find_csrf(const std::string& html) { return find_input(html, "csrf"); }

std::string find_input(const std::string& html, const std::string& name) {
  const std::string marker = "name=\"" + name + "\" value=\"";
  auto pos = html.find(marker);
  if (pos == std::string::npos) return "";
  pos += marker.size();
  return html.substr(pos, html.find('"', pos) - pos);
}

HttpResponse Browser::request(const std::string& method, const std::string& path,
                              const std::string& body, const std::string& content_type) {
  RawConnection conn(port_);
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!cookies_.empty()) {
    req += "Cookie: ";
    bool first = true;
    for (const auto& [k, v] : cookies_) {
      req += (first ? "" : "; ") + k + "=" + v;
      first = false;
    }
    req += "\r\n";
  }
  if (!content_type.empty()) req += "Content-Type: " + content_type + "\r\n";
  if (!body.empty() || method == "POST")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  conn.send(req);
  HttpResponse res = conn.read_response();
  for (const auto& c : res.set_cookies()) {
    auto eq = c.find('=');
    auto semi = c.find(';');
    std::string name = c.substr(0, eq);
    std::string value = c.substr(eq + 1, semi - eq - 1);
    if (c.find("Max-Age=0") != std::string::npos) {
      cookies_.erase(name);
    } else {
      cookies_[name] = value;
    }
  }
  if (auto token = find_csrf(res.body); !token.empty()) csrf_ = token;
  return res;
}

HttpResponse Browser::get(const std::string& path) { return request("GET", path); }

HttpResponse Browser::post(const std::string& path, const std::map<std::string, std::string>& form,
                           bool with_csrf) {
  std::string body;
  auto add = [&](const std::string& k, const std::string& v) {
    body += (body.empty() ? "" : "&") + url_encode(k) + "=" + url_encode(v);
  };
  if (with_csrf) add("csrf", csrf_);
  for (const auto& [k, v] : form) add(k, v);
  return request("POST", path, body, "application/x-www-form-urlencoded");
}

std::string Browser::cookie(const std::string& name) const {
  auto it = cookies_.find(name);
  return it == cookies_.end() ? "" : it->second;
}

}  // namespace sb::testing
