#include "web/app.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>

#include "core/strings.h"

namespace sb::web {

namespace json = boost::json;

namespace {

constexpr const char* kMarkdownPages[] = {"understanding", "help", "privacy", "not-a-diagnosis"};

json::object field_errors(const Error& e) {
  json::object errors;
  errors[e.field.empty() ? "form" : e.field] = e.message;
  return errors;
}

}  // namespace

Result<std::unique_ptr<App>> App::create(AppConfig config, store::Database& db,
                                         const Clock& clock) {
  auto content = Content::load(config.content_dir);
  if (!content) return content.error();
  const std::string path = config.instrument.starts_with("/")
                               ? config.instrument
                               : config.content_dir + "/" + config.instrument;
  auto instrument = psy::load_instrument(path);
  if (!instrument) return instrument.error();
  if (auto model = instrument->model(); !model) return model.error();
  if (!instrument->classification || instrument->dimensions.size() != 2) {
    return invalid("instrument", path + " needs two dimensions and a classification rule");
  }
  auto key = crypto::DataKey::load_or_create(config.data_key_file);
  if (!key) return key.error();
  auto skills = growth::SkillLibrary::load(config.content_dir + "/skills.json");
  if (!skills) return skills.error();
  auto checkin = growth::CheckinForm::load(config.content_dir + "/checkin.json");
  if (!checkin) return checkin.error();
  std::unique_ptr<App> app(new App(std::move(config), db, clock, std::move(*content),
                                   std::make_unique<psy::Instrument>(std::move(*instrument)),
                                   std::move(*key), std::move(*skills), std::move(*checkin)));
  return app;
}

App::App(AppConfig config, store::Database& db, const Clock& clock,
         std::unique_ptr<Content> content, std::unique_ptr<psy::Instrument> instrument,
         crypto::DataKey key, growth::SkillLibrary skills, growth::CheckinForm checkin_form)
    : config_(std::move(config)),
      db_(db),
      clock_(clock),
      content_(std::move(content)),
      accounts_(db, clock, config_.password_policy),
      instrument_(std::move(instrument)),
      assessments_(std::make_unique<assessment::Assessments>(db, clock, *instrument_)),
      data_key_(std::move(key)),
      journal_(db, clock, data_key_),
      skills_(std::move(skills)),
      practice_(db, clock, data_key_, skills_),
      checkin_form_(std::move(checkin_form)),
      checkins_(db, clock, checkin_form_),
      reconsider_(db, clock, data_key_),
      plans_(db, clock, data_key_, skills_, practice_),
      progress_(clock, journal_, practice_, checkins_, checkin_form_, skills_, *assessments_),
      assessment_pages_(std::make_unique<AssessmentPages>(*this, *assessments_, *instrument_)),
      growth_pages_(std::make_unique<GrowthPages>(*this, journal_, skills_, practice_,
                                                  checkin_form_, checkins_, reconsider_, plans_,
                                                  progress_)) {
  // Work done anonymously moves to the account on sign-up or sign-in.
  accounts_.on_adopt(
      [this](int64_t session, int64_t user) { (void)assessments_->adopt(session, user); });
  // One JSON object per line on standard output, nothing else on the line.
  access_log_ = spdlog::get("access");
  if (!access_log_) {
    access_log_ = spdlog::stdout_logger_mt("access");
    access_log_->set_pattern("%v");
  }
  add_routes();
}

std::string App::session_cookie_name() const {
  // The __Host- prefix is only accepted by browsers together with Secure.
  return config_.secure_cookies ? "__Host-sb_session" : "sb_session";
}

void App::add_routes() {
  router_.add("GET", "/healthz", [](Request&) { return Response::text("ok\n"); });
  router_.add("GET", "/metrics", [this](Request&) {
    auto r = Response::text(metrics_.render(db_.stats()));
    r.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return r;
  });
  router_.add("GET", "/static/{file}", [this](Request& req) { return static_file(req); });
  page("GET", "/", &App::home);
  for (const char* name : kMarkdownPages) page("GET", std::string("/") + name, &App::markdown_page);
  page("GET", "/signup", &App::show_signup);
  page("POST", "/signup", &App::do_signup);
  page("GET", "/signin", &App::show_signin);
  page("POST", "/signin", &App::do_signin);
  page("POST", "/signout", &App::do_signout);
  page("GET", "/account", &App::show_account);
  page("POST", "/account/password", &App::do_change_password);
  page("POST", "/account/export", &App::do_export);
  page("POST", "/account/delete", &App::do_delete_account);
  page("GET", "/admin", &App::show_admin);
  const AddPage add = [this](const std::string& method, const std::string& pattern,
                             PageHandler handler) {
    add_page(method, pattern, std::move(handler));
  };
  assessment_pages_->add_routes(add, router_);
  growth_pages_->add_routes(add, router_);
}

void App::page(const std::string& method, const std::string& pattern, AppHandler handler) {
  add_page(method, pattern, [this, handler](Ctx& ctx) { return (this->*handler)(ctx); });
}

void App::add_page(const std::string& method, const std::string& pattern, PageHandler handler) {
  router_.add(method, pattern, [this, method, handler = std::move(handler)](Request& req) {
    Ctx ctx{req, {}, {}, {}};
    const auto cookie = req.cookie(session_cookie_name());
    auto visitor = accounts_.resolve(cookie.value_or(""));
    if (!visitor) return error_page(ctx, 503, "SecureBase cannot reach its store right now.");
    ctx.visitor = *visitor;
    if (cookie && ctx.visitor.session_id == 0) clear_cookie(ctx);  // expired or unknown
    if (method != "GET") {
      ctx.form = req.form();
      const std::string sent = first_value(ctx.form, "csrf");
      if (ctx.visitor.session_id == 0 || sent.empty() ||
          !crypto::constant_time_equal(sent, ctx.visitor.csrf_token)) {
        return error_page(ctx, 403,
                          "This form has expired or did not come from SecureBase. Please go back, "
                          "reload the page and try again.");
      }
    }
    Response res = handler(ctx);
    for (const auto& c : ctx.set_cookies) res.headers.emplace_back("Set-Cookie", c);
    return res;
  });
}

Response App::handle(Request& req) {
  const auto start = std::chrono::steady_clock::now();
  Response res;
  try {
    res = router_.dispatch(req);
  } catch (const std::exception& e) {
    spdlog::error("handler for {} {} failed: {}", req.method, req.path, e.what());
    res = Response::text("Something went wrong on our side.\n", 500);
  }
  if (res.status == 404 && req.route == "(unmatched)") {
    Ctx ctx{req, {}, {}, {}};
    res = error_page(ctx, 404, "There is no page at this address.");
  }
  apply_security_headers(res);
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

// ---------------------------------------------------------------- rendering helpers

Response App::render_page(Ctx& ctx, const std::string& template_name, json::object view,
                          int status) {
  const auto& v = ctx.visitor;
  json::object layout;
  layout["title"] = view.contains("title") ? view["title"] : json::value("SecureBase");
  layout["signed_in"] = v.signed_in();
  layout["email"] = v.email;
  layout["is_admin"] = v.signed_in() && v.role == accounts::Role::kAdmin;
  layout["csrf"] = v.csrf_token;
  view["csrf"] = v.csrf_token;
  view["signed_in"] = v.signed_in();
  layout["body"] = content_->render(template_name, view);
  return Response::html(content_->render("layout", layout), status);
}

Response App::error_page(Ctx& ctx, int status, const std::string& message) {
  json::object view{{"title", reason_phrase(status)}, {"status", status}, {"message", message}};
  auto res = render_page(ctx, "error", std::move(view), status);
  for (const auto& c : ctx.set_cookies) res.headers.emplace_back("Set-Cookie", c);
  return res;
}

Response App::require_sign_in(Ctx&) { return Response::redirect("/signin"); }

std::string App::public_base(const Request& req) const {
  if (!config_.public_url.empty()) {
    std::string base = config_.public_url;
    while (base.ends_with('/')) base.pop_back();
    return base;
  }
  std::string host(req.header("host").value_or("127.0.0.1:8080"));
  return (config_.secure_cookies ? "https://" : "http://") + host;
}

bool App::ensure_session(Ctx& ctx) {
  if (ctx.visitor.session_id != 0) return true;
  auto issued = accounts_.start_anonymous();
  if (!issued) return false;
  ctx.visitor = issued->visitor;
  issue_cookie(ctx, issued->token);
  return true;
}

void App::issue_cookie(Ctx& ctx, const std::string& token) {
  ctx.set_cookies.clear();
  // Max-Age lets a visitor close the browser and resume; the server still enforces the
  // idle and absolute timeouts.
  std::string c = session_cookie_name() + "=" + token +
                  "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
                  std::to_string(accounts::kAbsoluteTimeoutSeconds);
  if (config_.secure_cookies) c += "; Secure";
  ctx.set_cookies.push_back(c);
}

void App::clear_cookie(Ctx& ctx) {
  ctx.set_cookies.clear();
  std::string c = session_cookie_name() + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";
  if (config_.secure_cookies) c += "; Secure";
  ctx.set_cookies.push_back(c);
}

// ---------------------------------------------------------------- pages

Response App::home(Ctx& ctx) {
  json::object view{{"title", "Find your secure base"},
                    {"deleted", ctx.req.query.count("deleted") > 0}};
  return render_page(ctx, "home", std::move(view));
}

Response App::markdown_page(Ctx& ctx) {
  const std::string name = ctx.req.path.substr(1);
  const std::string* html = content_->page_html(name);
  if (!html) return error_page(ctx, 404, "There is no page at this address.");
  json::object view{{"title", *content_->page_title(name)}, {"html", *html}};
  return render_page(ctx, "markdown", std::move(view));
}

Response App::show_signup(Ctx& ctx) {
  if (ctx.visitor.signed_in()) return Response::redirect("/account");
  if (!ensure_session(ctx)) return error_page(ctx, 503, "Please try again in a moment.");
  return render_page(ctx, "signup", {{"title", "Create your account"}});
}

Response App::do_signup(Ctx& ctx) {
  const std::string email = first_value(ctx.form, "email");
  const std::string password = first_value(ctx.form, "password");
  const std::string confirm = first_value(ctx.form, "password_confirm");
  json::object view{{"title", "Create your account"}, {"email", email}};
  if (password != confirm) {
    view["errors"] = json::object{{"password_confirm", "The two passwords are not the same."}};
    view["has_errors"] = true;
    return render_page(ctx, "signup", std::move(view), 422);
  }
  auto issued = accounts_.sign_up(email, password, ctx.visitor);
  if (!issued) {
    if (issued.error().code != ErrorCode::kInvalidArgument) {
      return error_page(ctx, 503, "We could not create your account just now. Please try again.");
    }
    view["errors"] = field_errors(issued.error());
    view["has_errors"] = true;
    return render_page(ctx, "signup", std::move(view), 422);
  }
  issue_cookie(ctx, issued->token);
  return Response::redirect("/account?welcome=1");
}

Response App::show_signin(Ctx& ctx) {
  if (ctx.visitor.signed_in()) return Response::redirect("/account");
  if (!ensure_session(ctx)) return error_page(ctx, 503, "Please try again in a moment.");
  return render_page(ctx, "signin", {{"title", "Sign in"}});
}

Response App::do_signin(Ctx& ctx) {
  const std::string email = first_value(ctx.form, "email");
  auto issued = accounts_.sign_in(email, first_value(ctx.form, "password"), ctx.req.remote_address,
                                  ctx.visitor);
  if (!issued) {
    const auto& e = issued.error();
    json::object view{{"title", "Sign in"}, {"email", email}, {"has_errors", true}};
    int status = 422;
    if (e.code == ErrorCode::kThrottled) {
      view["errors"] = json::object{{"form", e.message}};
      status = 429;
    } else if (e.code == ErrorCode::kInvalidArgument || e.code == ErrorCode::kUnauthenticated) {
      view["errors"] = field_errors(e);
    } else {
      return error_page(ctx, 503, "We could not sign you in just now. Please try again.");
    }
    auto res = render_page(ctx, "signin", std::move(view), status);
    if (e.code == ErrorCode::kThrottled) res.set_header("Retry-After", e.field);
    return res;
  }
  issue_cookie(ctx, issued->token);
  return Response::redirect("/account");
}

Response App::do_signout(Ctx& ctx) {
  (void)accounts_.sign_out(ctx.visitor);
  clear_cookie(ctx);
  return Response::redirect("/");
}

Response App::show_account(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  json::object view{{"title", "Your account"},
                    {"email", ctx.visitor.email},
                    {"role", accounts::role_name(ctx.visitor.role)},
                    {"welcome", ctx.req.query.count("welcome") > 0},
                    {"password_changed", ctx.req.query.count("password_changed") > 0}};
  return render_page(ctx, "account", std::move(view));
}

Response App::do_change_password(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  const std::string next = first_value(ctx.form, "new_password");
  json::object view{{"title", "Your account"},
                    {"email", ctx.visitor.email},
                    {"role", accounts::role_name(ctx.visitor.role)}};
  if (next != first_value(ctx.form, "new_password_confirm")) {
    view["errors"] =
        json::object{{"new_password_confirm", "The two new passwords are not the same."}};
    view["has_errors"] = true;
    return render_page(ctx, "account", std::move(view), 422);
  }
  auto st = accounts_.change_password(ctx.visitor, first_value(ctx.form, "current_password"), next);
  if (!st) {
    if (st.error().code != ErrorCode::kInvalidArgument) {
      return error_page(ctx, 503, "We could not change your password just now.");
    }
    view["errors"] = field_errors(st.error());
    view["has_errors"] = true;
    return render_page(ctx, "account", std::move(view), 422);
  }
  return Response::redirect("/account?password_changed=1");
}

Result<json::object> App::export_document(Ctx& ctx) {
  const Owner owner = ctx.owner();
  auto doc = accounts_.export_json(ctx.visitor);
  auto taken = assessments_->export_json(owner);
  auto fhir = assessments_->export_fhir(owner);
  auto journal = journal_.export_json(owner);
  auto practice = practice_.export_json(owner);
  auto checkins = checkins_.history(owner);
  auto reconsiderations = reconsider_.export_json(owner);
  auto plan = plans_.export_json(owner);
  if (!doc) return doc.error();
  if (!taken) return taken.error();
  if (!fhir) return fhir.error();
  if (!journal) return journal.error();
  if (!practice) return practice.error();
  if (!checkins) return checkins.error();
  if (!reconsiderations) return reconsiderations.error();
  if (!plan) return plan.error();
  auto merged = json::parse(*doc).as_object();
  merged["assessments"] = json::parse(*taken);
  merged["fhir"] = json::parse(*fhir);
  merged["journal"] = json::parse(*journal);
  merged["practice_logs"] = json::parse(*practice);
  json::array weeks;
  for (const auto& c : *checkins) {
    json::object scores;
    for (const auto& [area, score] : c.by_area) scores[area] = score;
    weeks.push_back(json::object{{"week_start", c.week_start}, {"scores", scores}});
  }
  merged["checkins"] = weeks;
  merged["reconsiderations"] = json::parse(*reconsiderations);
  merged["weekly_plan"] = json::parse(*plan);
  return merged;
}

namespace {

std::string csv_cell(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Every value of the JSON export as one row: section, item number, field path, value. The CSV
// therefore holds exactly what the JSON holds, in a shape spreadsheets open.
void flatten(const std::string& section, const std::string& item, const std::string& path,
             const json::value& v, std::string& out) {
  if (v.is_object()) {
    for (const auto& [k, child] : v.as_object())
      flatten(section, item, path.empty() ? std::string(k) : path + "." + std::string(k), child,
              out);
  } else if (v.is_array()) {
    const auto& a = v.as_array();
    for (size_t i = 0; i < a.size(); ++i)
      flatten(section, item, path + "[" + std::to_string(i) + "]", a[i], out);
  } else {
    std::string value = v.is_string() ? std::string(v.as_string())
                        : v.is_null() ? std::string()
                                      : json::serialize(v);
    out += csv_cell(section) + "," + csv_cell(item) + "," + csv_cell(path) + "," + csv_cell(value) +
           "\r\n";
  }
}

}  // namespace

Response App::do_export(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  auto merged = export_document(ctx);
  if (!merged) return error_page(ctx, 503, "We could not prepare your export just now.");
  if (first_value(ctx.form, "format") == "csv") {
    std::string csv = "section,item,field,value\r\n";
    for (const auto& [section, value] : *merged) {
      if (section == "fhir") continue;  // the same answers as "assessments", in FHIR's shape
      if (!value.is_array()) {
        flatten(std::string(section), "", "", value, csv);
        continue;
      }
      // A list (journal entries, exercises, ...) numbers its items from 1.
      const auto& items = value.as_array();
      for (size_t i = 0; i < items.size(); ++i)
        flatten(std::string(section), std::to_string(i + 1), "", items[i], csv);
    }
    Response res;
    res.body = std::move(csv);
    res.set_header("Content-Type", "text/csv; charset=utf-8");
    res.set_header("Content-Disposition", "attachment; filename=\"securebase-export.csv\"");
    return res;
  }
  auto res = Response::json(json::serialize(*merged));
  res.set_header("Content-Disposition", "attachment; filename=\"securebase-export.json\"");
  return res;
}

Response App::do_delete_account(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  auto st = accounts_.delete_account(ctx.visitor, first_value(ctx.form, "password"));
  if (!st) {
    if (st.error().code != ErrorCode::kInvalidArgument) {
      return error_page(ctx, 503, "We could not delete your account just now; nothing was lost.");
    }
    json::object view{{"title", "Your account"},
                      {"email", ctx.visitor.email},
                      {"role", accounts::role_name(ctx.visitor.role)},
                      {"has_errors", true},
                      {"errors", json::object{{"delete_password", st.error().message}}}};
    return render_page(ctx, "account", std::move(view), 422);
  }
  clear_cookie(ctx);
  return Response::redirect("/?deleted=1");
}

Response App::show_admin(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  if (ctx.visitor.role != accounts::Role::kAdmin) {
    return error_page(ctx, 403, "This page is for administrators.");
  }
  auto users = accounts_.count_users();
  auto consented = assessments_->consented_count();
  if (!users || !consented)
    return error_page(ctx, 503, "SecureBase cannot reach its store right now.");
  return render_page(ctx, "admin",
                     {{"title", "Administration"},
                      {"user_count", *users},
                      {"instrument", instrument_->id + " " + instrument_->version},
                      {"consented", *consented}});
}

Response App::static_file(Request& req) {
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
