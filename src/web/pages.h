// What feature pages are built from: the per-request context, the shell's page helpers (layout,
// errors, sessions), and a base class for a feature's page handlers.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "accounts/accounts.h"
#include "core/clock.h"
#include "core/owner.h"
#include "web/access.h"
#include "web/http.h"
#include "web/render.h"
#include "web/router.h"

namespace sb::web {

struct PageContext {
  Request& req;
  accounts::Visitor visitor;
  std::optional<AccessContext> access;  // set by the access policy before the handler runs
  std::vector<std::string> set_cookies;
  std::multimap<std::string, std::string> form;
  // A visitor without a session gets a CSRF token in a cookie of its own (double submit), so
  // showing a form never writes a session row.
  std::string cookie_csrf;

  // Whose data the request is about, as feature services take it.
  Owner owner() const {
    return access ? access->owner() : Owner{visitor.user_id, visitor.session_id};
  }
  // The token forms on this page carry.
  const std::string& csrf() const {
    return visitor.session_id != 0 ? visitor.csrf_token : cookie_csrf;
  }
};

using PageHandler = std::function<Response(PageContext&)>;

// The shell's side of every page; implemented by web::Site.
class PageKit {
 public:
  virtual ~PageKit() = default;
  virtual Response render_page(PageContext& ctx, const std::string& template_name,
                               boost::json::object view, int status = 200) = 0;
  // A page with a plain message (404s, 403s, a form that expired).
  virtual Response error_page(PageContext& ctx, int status, const std::string& message) = 0;
  // The one error policy: the status for the error's code, a plain message for people with a
  // reference id, the error's own text only in the log. `what` (e.g. "We could not open your
  // journal just now.") replaces the generic sentence for failures of the service.
  virtual Response fail(PageContext& ctx, const Error& error, const std::string& what = "") = 0;
  // Starts an anonymous session when the visitor has none; false if the store is unavailable.
  virtual bool ensure_session(PageContext& ctx) = 0;
  virtual void issue_cookie(PageContext& ctx, const std::string& token) = 0;
  // Another cookie of SecureBase's ("device"): __Host- prefixed and Secure when cookies are.
  virtual std::string cookie_name(const std::string& base) const = 0;
  virtual void set_cookie(PageContext& ctx, const std::string& base, const std::string& value,
                          int64_t max_age_seconds) = 0;
  virtual void clear_cookie(PageContext& ctx) = 0;
  // How people reach SecureBase, for addresses used outside the browser.
  virtual std::string public_base(const Request& req) const = 0;
  virtual const Content& content() const = 0;
  // For a page about several people: those of `subjects` who granted the actor `scope`, each
  // recorded in their access list (AccessPolicy::consented). Handlers show only these.
  virtual Result<std::set<int64_t>> consented(PageContext& ctx, const std::string& scope,
                                              const std::vector<int64_t>& subjects) = 0;
  virtual const Clock& clock() const = 0;
  // A feature's groups (child profiles, studies): who belongs to them, for the access policy.
  virtual void add_group_kind(const std::string& kind, GroupDirectory& directory) = 0;
};

// A feature's page handlers. The helpers keep the names handlers use throughout the features.
class FeaturePages {
 public:
  virtual ~FeaturePages() = default;
  // A member function of the derived class as a PageHandler.
  template <typename Pages>
  PageHandler handler(Response (Pages::*member)(PageContext&)) {
    return [self = static_cast<Pages*>(this), member](PageContext& ctx) {
      return (self->*member)(ctx);
    };
  }

 protected:
  using Ctx = PageContext;
  explicit FeaturePages(PageKit& kit) : kit_(kit), clock_(kit.clock()), content_(&kit.content()) {}
  Response render_page(Ctx& ctx, const std::string& name, boost::json::object view,
                       int status = 200) {
    return kit_.render_page(ctx, name, std::move(view), status);
  }
  Response error_page(Ctx& ctx, int status, const std::string& message) {
    return kit_.error_page(ctx, status, message);
  }
  Response fail(Ctx& ctx, const Error& error, const std::string& what = "") {
    return kit_.fail(ctx, error, what);
  }
  bool ensure_session(Ctx& ctx) { return kit_.ensure_session(ctx); }
  Result<std::set<int64_t>> consented(Ctx& ctx, const std::string& scope,
                                      const std::vector<int64_t>& subjects) {
    return kit_.consented(ctx, scope, subjects);
  }

  PageKit& kit_;
  const Clock& clock_;
  const Content* content_;
};

}  // namespace sb::web
