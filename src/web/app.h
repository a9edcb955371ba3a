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
#include "web/metrics.h"
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

class App {
 public:
  static Result<std::unique_ptr<App>> create(AppConfig config, store::Database& db,
                                             const Clock& clock);
  // Routes the request and adds what every response carries (security headers, metrics, log).
  Response handle(Request& req);
  const Router& router() const { return router_; }
  std::string session_cookie_name() const;

 private:
  struct Ctx;
  using PageHandler = Response (App::*)(Ctx&);

  App(AppConfig config, store::Database& db, const Clock& clock, std::unique_ptr<Content> content,
      std::unique_ptr<psy::Instrument> instrument, crypto::DataKey key, growth::SkillLibrary skills,
      growth::CheckinForm checkin_form);
  void add_routes();
  void page(const std::string& method, const std::string& pattern, PageHandler handler);

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
  Response assessment_start_page(Ctx& ctx);
  Response do_assessment_start(Ctx& ctx);
  Response assessment_question(Ctx& ctx);
  Response do_assessment_answer(Ctx& ctx);
  Response do_assessment_back(Ctx& ctx);
  Response assessment_result(Ctx& ctx);
  Response assessment_history(Ctx& ctx);
  Response assessment_export_json(Ctx& ctx);
  Response assessment_export_csv(Ctx& ctx);
  Response assessment_export_fhir(Ctx& ctx);
  Response checkin_page(Ctx& ctx);
  Response do_checkin(Ctx& ctx);
  Response render_checkin(Ctx& ctx, const std::map<std::string, int>& answers, const Error* error,
                          int status);
  Response skills_list(Ctx& ctx);
  Response skill_page(Ctx& ctx);
  Response do_skill_log(Ctx& ctx);
  Response render_skill(Ctx& ctx, const growth::Skill& skill, const Error* error, int status);
  Response journal_list(Ctx& ctx);
  Response journal_new(Ctx& ctx);
  Response do_journal_create(Ctx& ctx);
  Response journal_show(Ctx& ctx);
  Response journal_edit(Ctx& ctx);
  Response do_journal_update(Ctx& ctx);
  Response do_journal_delete(Ctx& ctx);
  Response render_journal_form(Ctx& ctx, const growth::JournalEntry& e, const Error* error,
                               int status);
  Response journal_calendar(Ctx& ctx);
  Response reconsider_list(Ctx& ctx);
  Response reconsider_new(Ctx& ctx);
  Response do_reconsider_create(Ctx& ctx);
  Response reconsider_show(Ctx& ctx);
  Response do_reconsider_follow_up(Ctx& ctx);
  Response do_reconsider_delete(Ctx& ctx);
  Response render_reconsider_form(Ctx& ctx, const growth::Reconsideration& r, const Error* error,
                                  int status);
  Response render_reconsider(Ctx& ctx, const growth::Reconsideration& r, const Error* error,
                             int status);
  Response plan_page(Ctx& ctx);
  Response do_plan_save(Ctx& ctx);
  Response render_plan(Ctx& ctx, const std::optional<growth::WeeklyPlan>& plan, const Error* error,
                       int status);
  Response do_feed_create(Ctx& ctx);
  Response do_feed_revoke(Ctx& ctx);
  Response calendar_feed(Request& req);
  Response progress_page(Ctx& ctx);
  Result<boost::json::object> export_document(Ctx& ctx);
  std::string public_base(const Request& req) const;
  Response render_question(Ctx& ctx, const assessment::Question& q, std::optional<int> selected,
                           const std::string& error, int status);
  Response static_file(Request& req);

  // Pages that look the same to every visitor without a session are rendered once.
  Response cached_anonymous(Ctx& ctx, const std::function<Response(Ctx&)>& render);
  Response render_page(Ctx& ctx, const std::string& template_name, boost::json::object view,
                       int status = 200);
  Response error_page(Ctx& ctx, int status, const std::string& message);
  Response require_sign_in(Ctx& ctx);
  bool ensure_session(Ctx& ctx);
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
  Router router_;
  Metrics metrics_;
  std::shared_ptr<spdlog::logger> access_log_;
  std::shared_mutex cache_mu_;
  std::map<std::string, std::string> anonymous_pages_;  // by path
};

}  // namespace sb::web
