// The shell every page runs in: the session cookie, CSRF, the access policy and its audit, the
// error policy, the layout, the anonymous page cache, static files, health and metrics, security
// headers and the access log. It knows no feature: features add their routes through Routes.
#pragma once

#include <memory>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "accounts/access_repo.h"
#include "accounts/accounts.h"
#include "store/database.h"
#include "web/access_policy.h"
#include "web/metrics.h"
#include "web/module.h"
#include "web/pages.h"
#include "web/render.h"
#include "web/router.h"

namespace spdlog {
class logger;
}

namespace sb::web {

struct SiteConfig {
  // Secure + __Host- cookies need HTTPS; plain-HTTP local use (make run) turns them off.
  bool secure_cookies = true;
  // How people reach SecureBase ("https://example.org"), for addresses used outside the
  // browser (the calendar feed). Empty: taken from the request's Host header.
  std::string public_url;
  bool access_log = true;
  // Addresses of reverse proxies whose X-Forwarded-For is believed: requests from them count
  // as coming from the client the header names (for throttling, the audit and the log).
  std::vector<std::string> trusted_proxies;
  // When set, every response names this server in an X-SecureBase-Node header, so an
  // operator (and the several-servers test) can see which app server answered.
  std::string node_name;
};

// A route as declared, for the access matrix and docs.
struct DeclaredRoute {
  std::string method;
  std::string pattern;
  Need need;
  bool is_public = false;  // takes its credential from the request (no session)
  std::string feature;     // which feature declared it ("" for the shell's own)
};

class Site final : public PageKit, public Routes {
 public:
  Site(SiteConfig config, store::Database& db, const Clock& clock, std::unique_ptr<Content> content,
       accounts::Accounts& accounts);
  ~Site() override;

  // Routes the request and adds what every response carries (security headers, metrics, log).
  Response handle(Request& req);
  const Router& router() const { return router_; }
  const std::vector<DeclaredRoute>& declared_routes() const { return declared_; }
  std::string session_cookie_name() const;
  std::string csrf_cookie_name() const;
  AccessPolicy& policy() { return policy_; }
  store::AccessRepo& access_repo() { return access_repo_; }

  // Routes declared from now on belong to this feature (for the route list and tests).
  void begin_feature(std::string name) { current_feature_ = std::move(name); }

  // Routes
  void page(const std::string& method, const std::string& pattern, Need need,
            PageHandler handler) override;
  void public_route(const std::string& method, const std::string& pattern,
                    std::function<Response(Request&)> handler) override;
  void cached_page(const std::string& pattern, PageHandler handler) override;

  // PageKit
  Response render_page(PageContext& ctx, const std::string& template_name, boost::json::object view,
                       int status = 200) override;
  Response error_page(PageContext& ctx, int status, const std::string& message) override;
  Response fail(PageContext& ctx, const Error& error, const std::string& what = "") override;
  bool ensure_session(PageContext& ctx) override;
  void add_group_kind(const std::string& kind, GroupDirectory& directory) override {
    policy_.add_group_kind(kind, directory);
  }
  Result<std::set<int64_t>> consented(PageContext& ctx, const std::string& scope,
                                      const std::vector<int64_t>& subjects) override;
  void issue_cookie(PageContext& ctx, const std::string& token) override;
  std::string cookie_name(const std::string& base) const override;
  void set_cookie(PageContext& ctx, const std::string& base, const std::string& value,
                  int64_t max_age_seconds) override;
  void clear_cookie(PageContext& ctx) override;
  std::string public_base(const Request& req) const override;
  const Content& content() const override { return *content_; }
  const Clock& clock() const override { return clock_; }

 private:
  Response run_page(Request& req, const std::string& method, const Need& need,
                    const PageHandler& handler, bool cacheable);
  Response refuse(PageContext& ctx, const Decision& decision);
  Response static_file(Request& req);

  SiteConfig config_;
  store::Database& db_;
  const Clock& clock_;
  std::unique_ptr<Content> content_;
  accounts::Accounts& accounts_;
  store::AccessRepo access_repo_;
  AccessPolicy policy_;
  std::shared_ptr<spdlog::logger> access_log_;
  Router router_;
  std::vector<DeclaredRoute> declared_;
  std::string current_feature_;
  Metrics metrics_;
  std::shared_mutex cache_mu_;
  std::unordered_map<std::string, Response> anonymous_pages_;  // by path
};

}  // namespace sb::web
