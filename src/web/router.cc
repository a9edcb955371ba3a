#include "web/router.h"

#include <algorithm>
#include <cassert>

#include "core/strings.h"

namespace sb::web {
namespace {

std::vector<std::string> path_parts(const std::string& path) {
  std::vector<std::string> parts;
  for (auto p : split(path, '/')) {
    if (!p.empty()) parts.emplace_back(p);
  }
  return parts;
}

bool is_integer(const std::string& s) {
  return !s.empty() && s.size() <= 18 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

void Router::add(const std::string& method, const std::string& pattern, Handler handler) {
  Route r{method, pattern, {}, std::move(handler)};
  for (const auto& part : path_parts(pattern)) {
    if (part.front() == '{' && part.back() == '}') {
      std::string inner = part.substr(1, part.size() - 2);
      auto colon = inner.find(':');
      if (colon == std::string::npos) {
        r.segments.push_back({Segment::kString, inner});
      } else {
        assert(inner.substr(colon + 1) == "int");
        r.segments.push_back({Segment::kInt, inner.substr(0, colon)});
      }
    } else {
      r.segments.push_back({Segment::kLiteral, part});
    }
  }
  routes_.push_back(std::move(r));
}

bool Router::match(const Route& r, const std::vector<std::string>& parts,
                   std::map<std::string, std::string>& params) {
  if (r.segments.size() != parts.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& seg = r.segments[i];
    switch (seg.kind) {
      case Segment::kLiteral:
        if (seg.text != parts[i]) return false;
        break;
      case Segment::kInt:
        if (!is_integer(parts[i])) return false;
        found[seg.text] = parts[i];
        break;
      case Segment::kString:
        found[seg.text] = parts[i];
        break;
    }
  }
  params = std::move(found);
  return true;
}

Response Router::dispatch(Request& req) const {
  const auto parts = path_parts(req.path);
  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  std::vector<std::string> allowed;
  for (const auto& r : routes_) {
    std::map<std::string, std::string> params;
    if (!match(r, parts, params)) continue;
    if (r.method == method) {
      req.params = std::move(params);
      req.route = r.pattern;
      return r.handler(req);
    }
    allowed.push_back(r.method);
    if (r.method == "GET") allowed.push_back("HEAD");
  }
  if (allowed.empty()) {
    req.route = "(unmatched)";
    return Response::text("Not found\n", 404);
  }
  req.route = "(method not allowed)";
  std::string allow;
  for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  auto res = Response::text("Method not allowed\n", 405);
  res.set_header("Allow", allow);
  return res;
}

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  for (const auto& r : routes_) out.push_back({r.method, r.pattern});
  return out;
}

}  // namespace sb::web
