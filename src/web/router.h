// Method + path-pattern routing with typed parameters: "/entries/{id:int}", "/static/{file}".
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "web/http.h"

namespace sb::web {

using Handler = std::function<Response(Request&)>;

struct RouteInfo {
  std::string method;
  std::string pattern;
};

class Router {
 public:
  void add(const std::string& method, const std::string& pattern, Handler handler);

  // Finds the handler for the request, fills req.params and req.route, and runs it.
  // No path match gives 404; a path match with another method gives 405 with Allow.
  // HEAD runs the GET handler.
  Response dispatch(Request& req) const;
  std::vector<RouteInfo> routes() const;

 private:
  struct Segment {
    enum Kind { kLiteral, kString, kInt } kind;
    std::string text;  // literal text or parameter name
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    Handler handler;
  };
  static bool match(const Route& r, const std::vector<std::string>& parts,
                    std::map<std::string, std::string>& params);
  std::vector<Route> routes_;
};

}  // namespace sb::web
