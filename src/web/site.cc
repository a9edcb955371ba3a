#include "web/site.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <mutex>

#include "accounts/crypto.h"
#include "core/strings.h"
#include "web/error_policy.h"

namespace sb::web {

namespace json = boost::json;

namespace {

// One JSON object per line on standard output, nothing else on the line.
std::shared_ptr<spdlog::logger> access_logger() {
  auto log = spdlog::get("access");
  if (log) return log;
  log = spdlog::stdout_logger_mt("access");
  log->set_pattern("%v");
  return log;
}

}  // namespace

Site::Site(SiteConfig config, store::Database& db, const Clock& clock,
           std::unique_ptr<Content> content, accounts::Accounts& accounts)
    : config_(std::move(config)),
      db_(db),
      clock_(clock),
      content_(std::move(content)),
      accounts_(accounts),
      access_repo_(db),
      policy_(accounts.repo(), access_repo_, clock),
      access_log_(access_logger()) {
  // Health and metrics answer without a session or the store's session tables.
  router_.add("GET", "/healthz", [](Request&) { return Response::text("ok\n"); });
  router_.add("GET", "/metrics", [this](Request&) {
    auto r = Response::text(metrics_.render(db_.stats()));
    r.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return r;
  });
  router_.add("GET", "/static/{file}", [this](Request& req) { return static_file(req); });
  // The web app manifest and the service worker live at the root: a worker controls only the
  // pages under its own path.
  for (const char* name : {"manifest.webmanifest", "sw.js"}) {
    router_.add("GET", std::string("/") + name, [this, name](Request& req) {
      req.params["file"] = name;
      return static_file(req);
    });
  }
  for (const char* p :
       {"/healthz", "/metrics", "/static/{file}", "/manifest.webmanifest", "/sw.js"})
    declared_.push_back({"GET", p, Need::anyone(), true, ""});
}

Site::~Site() = default;

std::string Site::session_cookie_name() const {
  // The __Host- prefix is only accepted by browsers together with Secure.
  return config_.secure_cookies ? "__Host-sb_session" : "sb_session";
}

std::string Site::csrf_cookie_name() const {
  return config_.secure_cookies ? "__Host-sb_csrf" : "sb_csrf";
}

void Site::page(const std::string& method, const std::string& pattern, Need need,
                PageHandler handler) {
  declared_.push_back({method, pattern, need, false, current_feature_});
  router_.add(method, pattern,
              [this, method, need = std::move(need), handler = std::move(handler)](Request& req) {
                return run_page(req, method, need, handler, false);
              });
}

void Site::cached_page(const std::string& pattern, PageHandler handler) {
  declared_.push_back({"GET", pattern, Need::anyone(), false, current_feature_});
  router_.add("GET", pattern, [this, handler = std::move(handler)](Request& req) {
    return run_page(req, "GET", Need::anyone(), handler, true);
  });
}

void Site::public_route(const std::string& method, const std::string& pattern,
                        std::function<Response(Request&)> handler) {
  declared_.push_back({method, pattern, Need::anyone(), true, current_feature_});
  router_.add(method, pattern, std::move(handler));
}

Response Site::run_page(Request& req, const std::string& method, const Need& need,
                        const PageHandler& handler, bool cacheable) {
  PageContext ctx{req, {}, {}, {}, {}, {}};
  const auto cookie = req.cookie(session_cookie_name());
  // Pages that look the same to every visitor without a session are rendered once.
  const bool from_cache = cacheable && !cookie && req.query.empty();
  if (from_cache) {
    std::shared_lock lock(cache_mu_);
    if (auto it = anonymous_pages_.find(req.path); it != anonymous_pages_.end()) {
      metrics_.count_cache_hit();
      return it->second;
    }
  }
  // One store connection for the whole request: the session lookup, the policy, the audit
  // and every store call of the handler.
  store::Database::Scope store_scope(db_);
  auto visitor = accounts_.resolve(cookie.value_or(""));
  if (!visitor) return fail(ctx, visitor.error());
  ctx.visitor = *visitor;
  if (cookie && ctx.visitor.session_id == 0) clear_cookie(ctx);  // expired or unknown
  if (ctx.visitor.session_id == 0) ctx.cookie_csrf = req.cookie(csrf_cookie_name()).value_or("");
  if (method != "GET") {
    ctx.form = req.form();
    // Text that is not valid UTF-8 is refused at the door, naming the field: stored, it would
    // break every page and export that shows it.
    for (const auto& [name, value] : ctx.form) {
      if (valid_utf8(name) && valid_utf8(value)) continue;
      const std::string field = valid_utf8(name) ? name : "(unnamed)";
      return error_page(ctx, 422,
                        "The field \"" + field +
                            "\" holds characters that are not valid text. Please go back, "
                            "retype it and send it again; nothing was saved.");
    }
    // The session's token; or, before there is a session, the token of the visitor's own
    // SameSite cookie sent back in the form (double submit).
    const std::string sent = first_value(ctx.form, "csrf");
    const std::string& expected = ctx.csrf();
    if (sent.empty() || expected.size() < 32 || !crypto::constant_time_equal(sent, expected)) {
      return error_page(ctx, 403,
                        "This form has expired or did not come from SecureBase. Please go back, "
                        "reload the page and try again.");
    }
  }
  const Decision decision = policy_.decide(need, ctx.visitor, req);
  if (decision.outcome != Decision::Outcome::kAllow) return refuse(ctx, decision);
  ctx.access = decision.context;
  if (auto st = policy_.audit(*ctx.access, req); !st) return fail(ctx, st.error());
  // Pages for visitors without a session carry the cookie's token (made now if there is none);
  // public pages served from the cache carry no form and get no cookie.
  if (ctx.visitor.session_id == 0 && !cacheable && ctx.cookie_csrf.size() < 32) {
    ctx.cookie_csrf = crypto::random_token(32);
    std::string c = csrf_cookie_name() + "=" + ctx.cookie_csrf + "; Path=/; HttpOnly; SameSite=Lax";
    if (config_.secure_cookies) c += "; Secure";
    ctx.set_cookies.push_back(c);
  }
  Response res = handler(ctx);
  for (const auto& c : ctx.set_cookies) res.headers.emplace_back("Set-Cookie", c);
  if (from_cache && res.status == 200 && ctx.set_cookies.empty()) {
    std::unique_lock lock(cache_mu_);
    anonymous_pages_.emplace(req.path, res);
  }
  return res;
}

Response Site::refuse(PageContext& ctx, const Decision& decision) {
  using Outcome = Decision::Outcome;
  switch (decision.outcome) {
    case Outcome::kSignIn:
      return Response::redirect("/signin");
    case Outcome::kSecondFactor:
      return Response::redirect("/account/two-factor?required=1");
    case Outcome::kReauthenticate: {
      // After confirming, a GET goes back to where it was; a form goes back to its page.
      const std::string back = ctx.req.method == "GET" ? ctx.req.target : "/account";
      return Response::redirect("/account/confirm?then=" + url_encode(back));
    }
    case Outcome::kForbidden:
      return error_page(ctx, 403, "This page is not open to your account.");
    case Outcome::kNotFound:
      return error_page(ctx, 404, "There is no page at this address.");
    case Outcome::kUnavailable:
      return fail(ctx, decision.error);
    case Outcome::kAllow:
      break;
  }
  return fail(ctx, Error{ErrorCode::kInternal, "refuse() called for an allowed request", ""});
}

namespace {

// The client's address from a trusted proxy's X-Forwarded-For: the rightmost entry that is not
// itself a trusted proxy (entries further left are whatever the client claimed).
std::string forwarded_client(const Request& req, const std::vector<std::string>& trusted) {
  auto header = req.header("x-forwarded-for");
  if (!header) return req.remote_address;
  auto hops = split(*header, ',');
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    std::string hop(trim(*it));
    if (hop.empty()) break;
    if (std::find(trusted.begin(), trusted.end(), hop) == trusted.end()) return hop;
  }
  return req.remote_address;
}

}  // namespace

Response Site::handle(Request& req) {
  const auto start = std::chrono::steady_clock::now();
  const auto& trusted = config_.trusted_proxies;
  if (std::find(trusted.begin(), trusted.end(), req.remote_address) != trusted.end())
    req.remote_address = forwarded_client(req, trusted);
  Response res;
  try {
    res = router_.dispatch(req);
  } catch (const std::exception& e) {
    PageContext ctx{req, {}, {}, {}, {}, {}};
    res = fail(ctx, Error{ErrorCode::kInternal, std::string("handler threw: ") + e.what(), ""});
  }
  if (res.status == 404 && req.route == "(unmatched)") {
    PageContext ctx{req, {}, {}, {}, {}, {}};
    res = error_page(ctx, 404, "There is no page at this address.");
  }
  apply_security_headers(res);
  if (!config_.node_name.empty()) res.set_header("X-SecureBase-Node", config_.node_name);
  // Secure cookies mean SecureBase is reached over HTTPS: browsers should never try plain HTTP.
  if (config_.secure_cookies)
    res.set_header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.observe(req.method, req.route, res.status, seconds);
  if (config_.access_log) {
    json::object line{{"time", iso8601(clock_.now())},
                      {"remote", req.remote_address},
                      {"method", req.method},
                      {"path", req.path},
                      {"route", req.route},
                      {"status", res.status},
                      {"bytes", res.body.size()},
                      {"us", static_cast<int64_t>(seconds * 1e6)}};
    access_log_->info("{}", json::serialize(line));
  }
  return res;
}

Response Site::render_page(PageContext& ctx, const std::string& template_name, json::object view,
                           int status) {
  const auto& v = ctx.visitor;
  json::object layout;
  layout["title"] = view.contains("title") ? view["title"] : json::value("SecureBase");
  layout["signed_in"] = v.signed_in();
  layout["email"] = v.email;
  layout["is_admin"] = v.signed_in() && v.role == accounts::Role::kAdmin;
  layout["csrf"] = ctx.csrf();
  // A chosen scheme overrides the device's; without one the stylesheet follows the device.
  layout["theme_light"] = v.signed_in() && v.theme == "light";
  layout["theme_dark"] = v.signed_in() && v.theme == "dark";
  layout["theme_chosen"] = v.signed_in() && (v.theme == "light" || v.theme == "dark");
  view["csrf"] = ctx.csrf();
  view["signed_in"] = v.signed_in();
  view["is_admin"] = layout["is_admin"];
  view["is_clinician"] = v.signed_in() && v.role == accounts::Role::kClinician;
  layout["body"] = content_->render(template_name, view);
  return Response::html(content_->render("layout", layout), status);
}

Response Site::error_page(PageContext& ctx, int status, const std::string& message) {
  json::object view{{"title", reason_phrase(status)}, {"status", status}, {"message", message}};
  auto res = render_page(ctx, "error", std::move(view), status);
  for (const auto& c : ctx.set_cookies) res.headers.emplace_back("Set-Cookie", c);
  return res;
}

Response Site::fail(PageContext& ctx, const Error& error, const std::string& what) {
  const int status = http_status(error.code);
  std::string message = public_message(error);
  json::object view{{"title", reason_phrase(status)}, {"status", status}};
  if (status >= 500) {
    // The error's own text (driver messages, SQL, ids) goes to the log only.
    const std::string reference = new_reference_id();
    spdlog::error("ref={} {} {} -> {}: {}", reference, ctx.req.method, ctx.req.route, status,
                  error.message);
    if (!what.empty()) message = what + " Nothing you saved was lost; please try again soon.";
    view["reference"] = reference;
  }
  view["message"] = message;
  auto res = render_page(ctx, "error", std::move(view), status);
  for (const auto& c : ctx.set_cookies) res.headers.emplace_back("Set-Cookie", c);
  return res;
}

std::string Site::public_base(const Request& req) const {
  if (!config_.public_url.empty()) {
    std::string base = config_.public_url;
    while (base.ends_with('/')) base.pop_back();
    return base;
  }
  std::string host(req.header("host").value_or("127.0.0.1:8080"));
  return (config_.secure_cookies ? "https://" : "http://") + host;
}

Result<std::set<int64_t>> Site::consented(PageContext& ctx, const std::string& scope,
                                          const std::vector<int64_t>& subjects) {
  return policy_.consented(ctx.visitor, scope, subjects, ctx.req);
}

bool Site::ensure_session(PageContext& ctx) {
  if (ctx.visitor.session_id != 0) return true;
  auto issued = accounts_.start_anonymous();
  if (!issued) return false;
  ctx.visitor = issued->visitor;
  const std::string scope = ctx.access ? ctx.access->scope() : "";
  ctx.access = policy_.self(ctx.visitor, scope);
  issue_cookie(ctx, issued->token);
  return true;
}

void Site::issue_cookie(PageContext& ctx, const std::string& token) {
  ctx.set_cookies.clear();
  // Max-Age lets a visitor close the browser and resume; the server still enforces the
  // idle and absolute timeouts.
  std::string c = session_cookie_name() + "=" + token +
                  "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
                  std::to_string(accounts::kAbsoluteTimeoutSeconds);
  if (config_.secure_cookies) c += "; Secure";
  ctx.set_cookies.push_back(c);
}

std::string Site::cookie_name(const std::string& base) const {
  return config_.secure_cookies ? "__Host-sb_" + base : "sb_" + base;
}

void Site::set_cookie(PageContext& ctx, const std::string& base, const std::string& value,
                      int64_t max_age_seconds) {
  std::string c = cookie_name(base) + "=" + value +
                  "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age_seconds);
  if (config_.secure_cookies) c += "; Secure";
  ctx.set_cookies.push_back(c);
}

void Site::clear_cookie(PageContext& ctx) {
  ctx.set_cookies.clear();
  std::string c = session_cookie_name() + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";
  if (config_.secure_cookies) c += "; Secure";
  ctx.set_cookies.push_back(c);
}

Response Site::static_file(Request& req) {
  const StaticFile* f = content_->static_file(req.params["file"]);
  if (!f) return Response::text("Not found\n", 404);
  Response res;
  res.set_header("ETag", f->etag);
  res.set_header("Cache-Control", "public, max-age=3600");
  if (req.header("if-none-match") == f->etag) {
    res.status = 304;
    return res;
  }
  res.body = f->body;
  res.set_header("Content-Type", f->content_type);
  return res;
}

}  // namespace sb::web
