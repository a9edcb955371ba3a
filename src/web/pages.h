// What feature pages are built from (internal to src/web): the per-request context, the
// application's page helpers (layout, errors, sign-in), and a base class that feature page
// modules derive from. Each module registers its own routes, so the App does not grow with
// every feature.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "accounts/accounts.h"
#include "core/clock.h"
#include "core/owner.h"
#include "web/http.h"
#include "web/render.h"
#include "web/router.h"

namespace sb::web {

struct PageContext {
  Request& req;
  accounts::Visitor visitor;
  std::vector<std::string> set_cookies;
  std::multimap<std::string, std::string> form;

  Owner owner() const { return Owner{visitor.user_id, visitor.session_id}; }
};

using PageHandler = std::function<Response(PageContext&)>;
// Registers a page route: the visitor is resolved and, for anything but GET, CSRF is checked
// before the handler runs.
using AddPage =
    std::function<void(const std::string& method, const std::string& pattern, PageHandler handler)>;

// The application's side of every page; implemented by App.
class PageKit {
 public:
  virtual ~PageKit() = default;
  virtual Response render_page(PageContext& ctx, const std::string& template_name,
                               boost::json::object view, int status = 200) = 0;
  virtual Response error_page(PageContext& ctx, int status, const std::string& message) = 0;
  virtual Response require_sign_in(PageContext& ctx) = 0;
  // Starts an anonymous session when the visitor has none; false if the store is unavailable.
  virtual bool ensure_session(PageContext& ctx) = 0;
  // How people reach SecureBase, for addresses used outside the browser.
  virtual std::string public_base(const Request& req) const = 0;
  virtual const Content& content() const = 0;
  virtual const Clock& clock() const = 0;
};

// A feature's pages. The helpers keep the names handlers use throughout src/web.
class PageModule {
 public:
  virtual ~PageModule() = default;
  virtual void add_routes(const AddPage& page, Router& router) = 0;

 protected:
  using Ctx = PageContext;
  explicit PageModule(PageKit& kit) : kit_(kit), clock_(kit.clock()), content_(&kit.content()) {}
  Response render_page(Ctx& ctx, const std::string& name, boost::json::object view,
                       int status = 200) {
    return kit_.render_page(ctx, name, std::move(view), status);
  }
  Response error_page(Ctx& ctx, int status, const std::string& message) {
    return kit_.error_page(ctx, status, message);
  }
  Response require_sign_in(Ctx& ctx) { return kit_.require_sign_in(ctx); }
  bool ensure_session(Ctx& ctx) { return kit_.ensure_session(ctx); }
  // A member function of the derived module as a PageHandler.
  template <typename Module>
  PageHandler handler(Response (Module::*member)(Ctx&)) {
    return [self = static_cast<Module*>(this), member](Ctx& ctx) { return (self->*member)(ctx); };
  }

  PageKit& kit_;
  const Clock& clock_;
  const Content* content_;
};

}  // namespace sb::web
