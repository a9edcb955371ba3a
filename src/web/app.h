// The web application: routes, per-request visitor and CSRF checks, pages.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>

#include "accounts/accounts.h"
#include "accounts/data_key.h"
#include "assessment/assessment.h"
#include "core/clock.h"
#include "growth/checkin.h"
#include "growth/journal.h"
#include "growth/plan.h"
#include "growth/reconsider.h"
#include "growth/skills.h"
#include "progress/dashboard.h"
#include "store/database.h"
#include "web/assessment_pages.h"
#include "web/growth_pages.h"
#include "web/metrics.h"
#include "web/pages.h"
#include "web/render.h"
#include "web/router.h"

namespace spdlog {
class logger;
}

namespace sb::web {

struct AppConfig {
  std::string content_dir = "content";
  // The questionnaire people take; relative paths are under content_dir.
  std::string instrument = "instruments/securebase-relationships.json";
  // The data key for free-text fields; created (mode 0600) on first run.
  std::string data_key_file = "var/data.key";
  // Secure + __Host- cookies need HTTPS; plain-HTTP local use (make run) turns them off.
  bool secure_cookies = true;
  // How people reach SecureBase ("https://example.org"), for addresses used outside the
  // browser (the calendar feed). Empty: taken from the request's Host header.
  std::string public_url;
  bool access_log = true;
  crypto::PasswordPolicy password_policy;
};

class App final : public PageKit {
 public:
  static Result<std::unique_ptr<App>> create(AppConfig config, store::Database& db,
                                             const Clock& clock);
  // Routes the request and adds what every response carries (security headers, metrics, log).
  Response handle(Request& req);
  const Router& router() const { return router_; }
  std::string session_cookie_name() const;

 private:
  using Ctx = PageContext;
  using AppHandler = Response (App::*)(Ctx&);

  App(AppConfig config, store::Database& db, const Clock& clock, std::unique_ptr<Content> content,
      std::unique_ptr<psy::Instrument> instrument, crypto::DataKey key, growth::SkillLibrary skills,
      growth::CheckinForm checkin_form);
  void add_routes();
  void add_page(const std::string& method, const std::string& pattern, PageHandler handler);
  void page(const std::string& method, const std::string& pattern, AppHandler handler);

  // The site and the account; each feature's pages live in their own PageModule.
  Response home(Ctx& ctx);
  Response markdown_page(Ctx& ctx);
  Response show_signup(Ctx& ctx);
  Response do_signup(Ctx& ctx);
  Response show_signin(Ctx& ctx);
  Response do_signin(Ctx& ctx);
  Response do_signout(Ctx& ctx);
  Response show_account(Ctx& ctx);
  Response do_change_password(Ctx& ctx);
  Response do_export(Ctx& ctx);
  Response do_delete_account(Ctx& ctx);
  Response show_admin(Ctx& ctx);
  Result<boost::json::object> export_document(Ctx& ctx);
  Response static_file(Request& req);

  // Pages that look the same to every visitor without a session are rendered once.
  Response cached_anonymous(Ctx& ctx, const std::function<Response(Ctx&)>& render);
  // PageKit
  Response render_page(Ctx& ctx, const std::string& template_name, boost::json::object view,
                       int status = 200) override;
  Response error_page(Ctx& ctx, int status, const std::string& message) override;
  Response require_sign_in(Ctx& ctx) override;
  bool ensure_session(Ctx& ctx) override;
  std::string public_base(const Request& req) const override;
  const Content& content() const override { return *content_; }
  const Clock& clock() const override { return clock_; }
  void issue_cookie(Ctx& ctx, const std::string& token);
  void clear_cookie(Ctx& ctx);

  AppConfig config_;
  store::Database& db_;
  const Clock& clock_;
  std::unique_ptr<Content> content_;
  accounts::Accounts accounts_;
  std::unique_ptr<psy::Instrument> instrument_;
  std::unique_ptr<assessment::Assessments> assessments_;
  crypto::DataKey data_key_;
  growth::Journal journal_;
  growth::SkillLibrary skills_;
  growth::Practice practice_;
  growth::CheckinForm checkin_form_;
  growth::Checkins checkins_;
  growth::Reconsider reconsider_;
  growth::Plans plans_;
  progress::Progress progress_;
  std::unique_ptr<AssessmentPages> assessment_pages_;
  std::unique_ptr<GrowthPages> growth_pages_;
  Router router_;
  Metrics metrics_;
  std::shared_ptr<spdlog::logger> access_log_;
  std::shared_mutex cache_mu_;
  std::map<std::string, std::string> anonymous_pages_;  // by path
};

}  // namespace sb::web
