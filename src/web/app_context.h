// The per-request context shared by the App's page handlers (internal to src/web).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "web/app.h"

namespace sb::web {

struct App::Ctx {
  Request& req;
  accounts::Visitor visitor;
  std::vector<std::string> set_cookies;
  std::multimap<std::string, std::string> form;

  Owner owner() const { return Owner{visitor.user_id, visitor.session_id}; }
};

}  // namespace sb::web
