#include "features/account/pages.h"

#include <boost/json.hpp>

#include "core/csv.h"
#include "core/dates.h"
#include "core/strings.h"

namespace sb::web {

namespace json = boost::json;

namespace {

json::object field_errors(const Error& e) {
  json::object errors;
  errors[e.field.empty() ? "form" : e.field] = e.message;
  return errors;
}

json::array string_list(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& i : items) out.push_back(json::value(i));
  return out;
}

// Every value as one row: section, item number, field path, value. The CSV therefore holds
// exactly what the JSON holds, in a shape spreadsheets open.
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
    out += csv_row({section, item, path, value});
  }
}

// Who read or changed the data, in words a person understands.
std::string actor_words(const store::AuditRecord& r) {
  std::string who = r.actor_role == "admin" ? "An administrator" : "A " + r.actor_role;
  if (!r.actor_label.empty()) who += " (" + r.actor_label + ")";
  if (!r.actor_user_id) who += ", whose account has since been deleted";
  return who;
}

std::string grant_words(const std::string& grant) {
  if (grant == "moderation") return "looking after the service";
  if (grant == "consent") return "with your consent";
  return grant;
}

}  // namespace

std::string export_csv(const json::object& document) {
  std::string csv = "section,item,field,value\r\n";
  for (const auto& [section, value] : document) {
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
  return csv;
}

// ---------------------------------------------------------------- signing up and in

namespace {

// The one mail of signing up. Its two versions go only to the address's owner.
mail::Message signup_mail(const accounts::SignupStep& step, const std::string& base) {
  mail::Message m;
  m.to = step.email;
  if (step.token.empty()) {
    m.subject = "You already have a SecureBase account";
    m.text =
        "Someone (perhaps you) asked to create a SecureBase account with this address.\n\n"
        "This address already has an account, so nothing was created or changed. To use "
        "it, sign in here:\n\n" +
        base + "/signin\n\nIf it was not you, you can ignore this message.\n";
  } else {
    m.subject = "Finish creating your SecureBase account";
    m.text =
        "Welcome. To finish creating your SecureBase account, open this link within 24 "
        "hours:\n\n" +
        base + "/signup/confirm/" + step.token +
        "\n\nIf you did not ask for an account, you can ignore this message: nothing is "
        "created until the link is used.\n";
  }
  return m;
}

}  // namespace

Response AccountPages::show_signup(Ctx& ctx) {
  if (ctx.visitor.signed_in()) return Response::redirect("/today");
  return render_page(ctx, "signup", {{"title", "Create your account"}});
}

Response AccountPages::do_signup(Ctx& ctx) {
  const std::string email = first_value(ctx.form, "email");
  const std::string password = first_value(ctx.form, "password");
  const std::string confirm = first_value(ctx.form, "password_confirm");
  json::object view{{"title", "Create your account"}, {"email", email}};
  if (password != confirm) {
    view["errors"] = json::object{{"password_confirm", "The two passwords are not the same."}};
    view["has_errors"] = true;
    return render_page(ctx, "signup", std::move(view), 422);
  }
  auto step = accounts_.request_sign_up(email, password, ctx.visitor, ctx.req.remote_address);
  if (!step && step.error().code == ErrorCode::kThrottled) {
    view["errors"] = json::object{{"form", step.error().message}};
    view["has_errors"] = true;
    auto res = render_page(ctx, "signup", std::move(view), 429);
    res.set_header("Retry-After", step.error().field);
    return res;
  }
  if (!step) {
    if (step.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, step.error(), "We could not create your account just now.");
    view["errors"] = field_errors(step.error());
    view["has_errors"] = true;
    return render_page(ctx, "signup", std::move(view), 422);
  }
  if (step->send_mail) {
    if (auto sent = outbox_.send(signup_mail(*step, kit_.public_base(ctx.req))); !sent)
      return fail(ctx, sent.error(), "We could not send the e-mail just now.");
  }
  // The same answer whether or not the address has an account: the mail tells its owner.
  return Response::redirect("/signup/sent");
}

Response AccountPages::show_signup_sent(Ctx& ctx) {
  return render_page(ctx, "signup_sent",
                     {{"title", "Check your e-mail"},
                      {"mails_per_hour", accounts::kSignupMailsPerAddressPerHour}});
}

Response AccountPages::show_signup_confirm(Ctx& ctx) {
  const std::string& token = ctx.req.params.at("token");
  auto valid = accounts_.signup_link_valid(token);
  if (!valid) return fail(ctx, valid.error());
  json::object view{{"title", "Finish creating your account"}, {"valid", *valid}, {"token", token}};
  if (!*valid) view["message"] = "This link has expired or has been used.";
  return render_page(ctx, "signup_confirm", std::move(view), *valid ? 200 : 410);
}

Response AccountPages::do_signup_confirm(Ctx& ctx) {
  auto issued = accounts_.confirm_sign_up(ctx.req.params.at("token"), ctx.visitor);
  if (!issued) {
    const auto code = issued.error().code;
    if (code != ErrorCode::kNotFound && code != ErrorCode::kAlreadyExists)
      return fail(ctx, issued.error(), "We could not create your account just now.");
    return render_page(ctx, "signup_confirm",
                       {{"title", "Finish creating your account"},
                        {"valid", false},
                        {"message", issued.error().message}},
                       code == ErrorCode::kNotFound ? 410 : 409);
  }
  kit_.issue_cookie(ctx, issued->token);
  return Response::redirect("/today?welcome=1");
}

Response AccountPages::show_signin(Ctx& ctx) {
  if (ctx.visitor.signed_in()) return Response::redirect("/today");
  return render_page(ctx, "signin", {{"title", "Sign in"}});
}

Response AccountPages::do_signin(Ctx& ctx) {
  // The second step of two-factor waits in a session: only now, with a password sent, is one
  // worth writing.
  if (!ensure_session(ctx))
    return fail(ctx, Error{ErrorCode::kUnavailable, "could not start a session", ""});
  const std::string email = first_value(ctx.form, "email");
  auto outcome = accounts_.sign_in(email, first_value(ctx.form, "password"), ctx.req.remote_address,
                                   ctx.visitor, device_token(ctx));
  if (!outcome) {
    const auto& e = outcome.error();
    json::object view{{"title", "Sign in"}, {"email", email}, {"has_errors", true}};
    int status = 422;
    if (e.code == ErrorCode::kThrottled) {
      view["errors"] = json::object{{"form", e.message}};
      status = 429;
    } else if (e.code == ErrorCode::kInvalidArgument || e.code == ErrorCode::kUnauthenticated) {
      view["errors"] = field_errors(e);
    } else {
      return fail(ctx, e, "We could not sign you in just now.");
    }
    auto res = render_page(ctx, "signin", std::move(view), status);
    if (e.code == ErrorCode::kThrottled) res.set_header("Retry-After", e.field);
    return res;
  }
  if (outcome->second_factor_needed) return Response::redirect("/signin/code");
  signed_in(ctx, *outcome->session);
  return Response::redirect("/today");
}

Response AccountPages::show_signin_code(Ctx& ctx) {
  return render_page(ctx, "signin_code", {{"title", "Enter your code"}});
}

Response AccountPages::do_signin_code(Ctx& ctx) {
  auto issued =
      accounts_.complete_second_factor(ctx.visitor, first_value(ctx.form, "code"),
                                       ctx.req.remote_address, device_token(ctx), two_factor_);
  if (!issued) {
    const auto& e = issued.error();
    if (e.code != ErrorCode::kInvalidArgument && e.code != ErrorCode::kThrottled)
      return fail(ctx, e, "We could not sign you in just now.");
    auto res =
        render_page(ctx, "signin_code",
                    {{"title", "Enter your code"}, {"has_errors", true}, {"error", e.message}},
                    e.code == ErrorCode::kThrottled ? 429 : 422);
    if (e.code == ErrorCode::kThrottled) res.set_header("Retry-After", e.field);
    return res;
  }
  signed_in(ctx, *issued);
  return Response::redirect("/today");
}

std::string AccountPages::device_token(Ctx& ctx) const {
  return ctx.req.cookie(kit_.cookie_name("device")).value_or("");
}

void AccountPages::signed_in(Ctx& ctx, const accounts::IssuedSession& session) {
  kit_.issue_cookie(ctx, session.token);
  // A year: the device stays known to the account even between long pauses.
  if (!session.new_device_token.empty())
    kit_.set_cookie(ctx, "device", session.new_device_token, 365 * 24 * 3600);
}

Response AccountPages::do_signout(Ctx& ctx) {
  (void)accounts_.sign_out(ctx.visitor);
  kit_.clear_cookie(ctx);
  return Response::redirect("/");
}

// ---------------------------------------------------------------- the account page

Response AccountPages::render_account(Ctx& ctx, json::object view, int status) {
  view["title"] = "Your account";
  view["email"] = ctx.visitor.email;
  view["role"] = accounts::role_name(ctx.visitor.role);
  view["two_factor"] = ctx.visitor.two_factor_enabled;
  json::array themes;
  for (const auto& [value, label] : {std::pair{"system", "Like my device"},
                                     std::pair{"light", "Light"}, std::pair{"dark", "Dark"}})
    themes.push_back(
        json::object{{"value", value}, {"label", label}, {"checked", ctx.visitor.theme == value}});
  view["themes"] = themes;
  return render_page(ctx, "account", std::move(view), status);
}

Response AccountPages::do_theme(Ctx& ctx) {
  auto st = accounts_.set_theme(ctx.visitor, first_value(ctx.form, "theme"));
  if (!st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not save your choice just now.");
    return render_account(ctx, {{"theme_error", st.error().message}}, 422);
  }
  return Response::redirect("/account?theme=1#appearance");
}

Response AccountPages::show_account(Ctx& ctx) {
  return render_account(ctx,
                        {{"welcome", ctx.req.query.count("welcome") > 0},
                         {"theme_saved", ctx.req.query.count("theme") > 0},
                         {"password_changed", ctx.req.query.count("password_changed") > 0}},
                        200);
}

Response AccountPages::do_change_password(Ctx& ctx) {
  const std::string next = first_value(ctx.form, "new_password");
  if (next != first_value(ctx.form, "new_password_confirm")) {
    return render_account(ctx,
                          {{"has_errors", true},
                           {"errors", json::object{{"new_password_confirm",
                                                    "The two new passwords are not the same."}}}},
                          422);
  }
  auto st = accounts_.change_password(ctx.visitor, first_value(ctx.form, "current_password"), next);
  if (!st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not change your password just now.");
    return render_account(ctx, {{"has_errors", true}, {"errors", field_errors(st.error())}}, 422);
  }
  return Response::redirect("/account?password_changed=1");
}

Response AccountPages::do_export(Ctx& ctx) {
  auto doc = data_.export_document(ctx.visitor);
  if (!doc) return fail(ctx, doc.error(), "We could not prepare your export just now.");
  if (first_value(ctx.form, "format") == "csv") {
    Response res;
    res.body = export_csv(*doc);
    res.set_header("Content-Type", "text/csv; charset=utf-8");
    res.set_header("Cache-Control", "no-store");
    res.set_header("Content-Disposition", "attachment; filename=\"securebase-export.csv\"");
    return res;
  }
  auto res = Response::json(json::serialize(*doc));
  res.set_header("Cache-Control", "no-store");
  res.set_header("Content-Disposition", "attachment; filename=\"securebase-export.json\"");
  return res;
}

Response AccountPages::do_delete_account(Ctx& ctx) {
  auto st = accounts_.delete_account(
      ctx.visitor, first_value(ctx.form, "password"),
      [this, id = *ctx.visitor.user_id](soci::session& s) { data_.erase_features(s, id); });
  if (!st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not delete your account just now.");
    return render_account(
        ctx,
        {{"has_errors", true}, {"errors", json::object{{"delete_password", st.error().message}}}},
        422);
  }
  kit_.clear_cookie(ctx);
  return Response::redirect("/?deleted=1");
}

// ---------------------------------------------------------------- access to my data

Response AccountPages::show_access(Ctx& ctx) {
  auto records = access_.audit_for_subject(*ctx.visitor.user_id);
  if (!records) return fail(ctx, records.error(), "We could not read your access record just now.");
  json::array rows;
  for (const auto& r : *records) {
    rows.push_back(json::object{{"when", spoken_time(r.at, day_of(clock_.now()))},
                                {"who", actor_words(r)},
                                {"why", grant_words(r.grant)},
                                {"what", r.scope},
                                {"where", r.object}});
  }
  return render_page(ctx, "access",
                     {{"title", "Access to my data"}, {"rows", rows}, {"has_rows", !rows.empty()}});
}

Response AccountPages::access_csv(Ctx& ctx) {
  auto records = access_.audit_for_subject(*ctx.visitor.user_id);
  if (!records) return fail(ctx, records.error(), "We could not read your access record just now.");
  std::string csv = "when,who,role,why,what,address\r\n";
  for (const auto& r : *records)
    csv += csv_row({iso8601(r.at), actor_words(r), r.actor_role, r.grant, r.scope, r.object});
  Response res;
  res.body = std::move(csv);
  res.set_header("Content-Type", "text/csv; charset=utf-8");
  res.set_header("Cache-Control", "no-store");
  res.set_header("Content-Disposition", "attachment; filename=\"securebase-access.csv\"");
  return res;
}

// ---------------------------------------------------------------- two-factor

Response AccountPages::render_two_factor(Ctx& ctx, json::object view, int status) {
  const int64_t user = *ctx.visitor.user_id;
  view["title"] = "Two-factor sign-in";
  view["required"] =
      ctx.req.query.count("required") > 0 || ctx.visitor.role != accounts::Role::kMember;
  if (two_factor_.enabled(user)) {
    view["enabled"] = true;
    auto left = two_factor_.recovery_codes_left(user);
    if (!left) return fail(ctx, left.error());
    view["codes_left"] = *left;
  } else {
    // A pending secret survives a wrong code; a fresh visit starts a new one.
    auto enrolment = ctx.req.method == "GET" ? two_factor_.begin(user, ctx.visitor.email)
                                             : two_factor_.pending(user, ctx.visitor.email);
    if (!enrolment) return fail(ctx, enrolment.error(), "We could not start two-factor just now.");
    view["qr"] = enrolment->qr_svg;
    view["secret"] = enrolment->secret_base32;
  }
  return render_page(ctx, "two_factor", std::move(view), status);
}

Response AccountPages::show_two_factor(Ctx& ctx) { return render_two_factor(ctx, {}, 200); }

Response AccountPages::do_two_factor_enable(Ctx& ctx) {
  auto codes = two_factor_.enable(*ctx.visitor.user_id, first_value(ctx.form, "code"));
  if (!codes) {
    if (codes.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, codes.error(), "We could not turn on two-factor just now.");
    return render_two_factor(ctx, {{"has_errors", true}, {"error", codes.error().message}}, 422);
  }
  if (auto st = accounts_.mark_second_factor(ctx.visitor); !st) return fail(ctx, st.error());
  return render_page(ctx, "recovery_codes",
                     {{"title", "Your recovery codes"}, {"codes", string_list(*codes)}});
}

Response AccountPages::do_two_factor_disable(Ctx& ctx) {
  if (auto st = two_factor_.disable(*ctx.visitor.user_id); !st)
    return fail(ctx, st.error(), "We could not turn off two-factor just now.");
  return Response::redirect("/account/two-factor");
}

Response AccountPages::do_recovery_codes(Ctx& ctx) {
  // Recovery codes stand in for the app's codes: without two-factor they mean nothing.
  if (!two_factor_.enabled(*ctx.visitor.user_id)) return Response::redirect("/account/two-factor");
  auto codes = two_factor_.new_recovery_codes(*ctx.visitor.user_id);
  if (!codes) return fail(ctx, codes.error(), "We could not make new recovery codes just now.");
  return render_page(ctx, "recovery_codes",
                     {{"title", "Your recovery codes"}, {"codes", string_list(*codes)}});
}

// ---------------------------------------------------------------- re-authentication

namespace {

// Only addresses on this site, so the confirmation cannot send anyone elsewhere.
std::string local_target(const std::string& then) {
  if (then.empty() || then[0] != '/' || then.starts_with("//") || then.starts_with("/\\"))
    return "/account";
  return then;
}

}  // namespace

Response AccountPages::show_confirm(Ctx& ctx) {
  auto then = ctx.req.query.find("then");
  return render_page(ctx, "confirm",
                     {{"title", "Confirm it is you"},
                      {"then", local_target(then == ctx.req.query.end() ? "" : then->second)},
                      {"two_factor", ctx.visitor.two_factor_enabled}});
}

Response AccountPages::do_confirm(Ctx& ctx) {
  const std::string then = local_target(first_value(ctx.form, "then"));
  auto st = accounts_.reauthenticate(ctx.visitor, first_value(ctx.form, "password"),
                                     first_value(ctx.form, "code"), two_factor_);
  if (!st) {
    if (st.error().code != ErrorCode::kInvalidArgument) return fail(ctx, st.error());
    return render_page(ctx, "confirm",
                       {{"title", "Confirm it is you"},
                        {"then", then},
                        {"two_factor", ctx.visitor.two_factor_enabled},
                        {"has_errors", true},
                        {"error", st.error().message}},
                       422);
  }
  return Response::redirect(then);
}

// ---------------------------------------------------------------- administrators

Response AccountPages::show_admin(Ctx& ctx) {
  auto users = accounts_.count_users();
  if (!users) return fail(ctx, users.error());
  auto recent = accounts_.repo().list_users(50);
  if (!recent) return fail(ctx, recent.error());
  json::array members;
  for (const auto& u : *recent) {
    members.push_back(
        json::object{{"id", u.public_id},
                     {"email", u.email},
                     {"role", u.role},
                     {"since", spoken_date(day_of(u.created_at), day_of(clock_.now()))}});
  }
  return render_page(ctx, "admin",
                     {{"title", "Administration"},
                      {"user_count", *users},
                      {"summary", string_list(data_.admin_summary())},
                      {"members", members}});
}

Response AccountPages::show_admin_member(Ctx& ctx) {
  // Reached only through the access policy: moderation of this person, recorded in their audit.
  const auto& subject = ctx.access->subject();
  auto user = accounts_.repo().find_user(subject.id);
  if (!user) return fail(ctx, user.error());
  if (!user->has_value()) return error_page(ctx, 404, "There is no such account.");
  const auto& u = **user;
  return render_page(ctx, "admin_member",
                     {{"title", "Account " + u.email},
                      {"email", u.email},
                      {"role", u.role},
                      {"since", spoken_time(u.created_at, day_of(clock_.now()))},
                      {"two_factor", u.two_factor}});
}

}  // namespace sb::web
