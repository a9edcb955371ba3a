#include "features/clinician/pages.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "core/dates.h"
#include "core/numbers.h"
#include "core/safety.h"
#include "core/strings.h"
#include "features/clinician/fhir.h"
#include "psychometrics/change.h"
#include "psychometrics/classify.h"

namespace sb::web {

namespace json = boost::json;

namespace {

std::string one_decimal(double v) { return fmt::format("{:.1f}", v); }

std::string until_words(const care::Shared& s, int64_t today) {
  if (!s.until) return "until you stop it";
  return "until the end of " + spoken_date(day_of(*s.until - 1), today);
}

std::string clinician_words(const store::CareLinkRecord& l) {
  return l.clinician_name.empty() ? l.clinician_email : l.clinician_name;
}

std::string status_words(const store::CareLinkRecord& l, int64_t today) {
  if (l.status == "requested")
    return "Asked on " + spoken_date(day_of(l.created_at), today) + "; waiting for an answer.";
  if (l.status == "active")
    return "Connected since " + spoken_date(day_of(l.accepted_at.value_or(l.created_at)), today) +
           ".";
  return "Ended on " + spoken_date(day_of(l.ended_at.value_or(l.created_at)), today) +
         (l.ended_by == "client" ? " by you." : " by the therapist.");
}

// Change from the first result to the latest, on one dimension, in plain words.
std::string change_words(const assessment::DimensionResult& first,
                         const assessment::DimensionResult& latest) {
  const auto c = psy::reliable_change_theta({first.theta, first.se}, {latest.theta, latest.se});
  if (!c.reliable)
    return fmt::format("{:+.2f} since the first result: not a reliable change", c.difference);
  return fmt::format("{:+.2f} since the first result: a reliable {}", c.difference,
                     c.difference < 0 ? "decrease" : "increase");
}

}  // namespace

// ------------------------------------------------------------------ the shared data, per scope

Result<json::object> CarePages::scope_view(const care::Scope& scope, const Owner& subject) {
  json::object view{{"scope_name", scope.name}, {"sees", scope.sees}};
  const int64_t now = clock_.now(), today = day_of(now);
  if (scope.slug == "results") {
    auto history = sources_.assessments.history(subject);
    if (!history) return history.error();
    auto entries = *history;
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return a.result.completed_at < b.result.completed_at;
    });
    json::array rows;
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
      const auto& r = it->result;
      rows.push_back(json::object{
          {"date", spoken_date(day_of(r.completed_at), today)},
          {"style", psy::style_name(r.top)},
          {"percent",
           fmt::format("{:.0f}%", 100 * r.style_probability[static_cast<size_t>(r.top)])},
          {"anxiety", fmt::format("{:+.2f} ± {:.2f}", r.anxiety.theta, r.anxiety.se)},
          {"avoidance", fmt::format("{:+.2f} ± {:.2f}", r.avoidance.theta, r.avoidance.se)}});
    }
    view["results"] = rows;
    view["has_results"] = !rows.empty();
    if (entries.size() > 1) {
      view["anxiety_change"] =
          change_words(entries.front().result.anxiety, entries.back().result.anxiety);
      view["avoidance_change"] =
          change_words(entries.front().result.avoidance, entries.back().result.avoidance);
      view["has_change"] = true;
    }
  } else if (scope.slug == "checkins") {
    auto history = sources_.checkins.history(subject);
    if (!history) return history.error();
    json::array rows;
    for (const auto& h : *history) {
      std::string line;
      for (const auto& area : sources_.checkin_form.areas)
        line += (line.empty() ? "" : ", ") + area.name + " " + one_decimal(h.by_area.at(area.id)) +
                " of 5";
      const auto monday = parse_date(h.week_start);
      rows.push_back(
          json::object{{"week", monday ? "Week of " + spoken_date(*monday, today) : h.week_start},
                       {"line", line}});
    }
    view["checkins"] = rows;
    view["has_checkins"] = !rows.empty();
    if (!history->empty())
      view["checkin_chart"] = growth::checkin_chart_svg(sources_.checkin_form, *history);
  } else if (scope.slug == "practice") {
    auto logs = sources_.practice.logs(subject);
    if (!logs) return logs.error();
    struct Sum {
      int times = 0;
      double before = 0, after = 0;
      int64_t last = 0;
    };
    std::map<std::string, Sum> by_skill;
    for (const auto& l : *logs) {
      auto& s = by_skill[l.skill_id];
      ++s.times;
      s.before += l.before;
      s.after += l.after;
      s.last = std::max(s.last, l.practiced_at);
    }
    json::array rows;
    for (const auto& [id, s] : by_skill) {
      const auto* skill = sources_.skills.find(id);
      rows.push_back(json::object{{"skill", skill ? skill->name : id},
                                  {"times", s.times},
                                  {"before", one_decimal(s.before / s.times)},
                                  {"after", one_decimal(s.after / s.times)},
                                  {"last", spoken_date(day_of(s.last), today)}});
    }
    view["practice"] = rows;
    view["has_practice"] = !rows.empty();
  } else if (scope.slug == "reconsider") {
    auto all = sources_.reconsider.list(subject);
    if (!all) return all.error();
    const auto summary = growth::summarise(*all);
    json::array recurring;
    for (const auto& r : summary.recurring)
      recurring.push_back(json::object{{"interpretation", r.interpretation}, {"count", r.count}});
    view["reconsider_total"] = summary.total;
    view["reconsider_followed"] = summary.followed_up;
    view["reconsider_better"] = summary.better;
    view["recurring"] = recurring;
    view["has_reconsider"] = summary.total > 0;
  } else if (scope.slug == "moods") {
    const int64_t from = monday_of(today) - 11 * 7;
    auto moods = sources_.journal.moods(subject, date_of_day(from), date_of_day(today));
    if (!moods) return moods.error();
    std::map<int64_t, std::array<int, 3>> weeks;  // Monday -> pleasant, energy, count
    for (const auto& m : *moods) {
      auto& w = weeks[monday_of(*parse_date(m.occurred_on))];
      w[0] += m.pleasant;
      w[1] += m.energy;
      ++w[2];
    }
    json::array rows;
    for (const auto& [monday, w] : weeks) {
      const int p = static_cast<int>(std::lround(static_cast<double>(w[0]) / w[2]));
      const int e = static_cast<int>(std::lround(static_cast<double>(w[1]) / w[2]));
      rows.push_back(json::object{{"week", "Week of " + spoken_date(monday, today)},
                                  {"words", growth::mood_words(p, e)},
                                  {"checks", w[2]}});
    }
    view["moods"] = rows;
    view["has_moods"] = !rows.empty();
  } else if (scope.slug == "journal") {
    auto entries = sources_.journal.list(subject);
    if (!entries) return entries.error();
    json::array rows;
    bool worrying = false;
    for (const auto& e : *entries) {
      if (!e.shared) continue;
      std::string feelings;
      for (const auto& [f, v] : e.emotions)
        feelings += (feelings.empty() ? "" : ", ") + f + " " + std::to_string(v);
      for (const auto& f : e.named) feelings += (feelings.empty() ? "" : ", ") + f;
      json::array fields;
      for (const auto& [label, text] :
           {std::pair{"What happened", e.situation}, std::pair{"Who was there", e.people},
            std::pair{"In the body", e.body}, std::pair{"First thought", e.first_thought},
            std::pair{"Urge", e.urge}, std::pair{"What they did", e.action},
            std::pair{"What drove them", e.my_motive},
            std::pair{"What may have driven the other person", e.their_motive}})
        if (!text.empty()) fields.push_back(json::object{{"label", label}, {"text", text}});
      if (!feelings.empty())
        fields.push_back(json::object{{"label", "Feelings"}, {"text", feelings}});
      if (e.has_mood())
        fields.push_back(
            json::object{{"label", "Mood"}, {"text", growth::mood_words(e.pleasant, e.energy)}});
      const auto day = parse_date(e.occurred_on);
      rows.push_back(json::object{{"date", day ? spoken_date(*day, today) : e.occurred_on},
                                  {"fields", fields}});
      worrying = worrying || growth::suggests_crisis(e);
    }
    view["entries"] = rows;
    view["has_entries"] = !rows.empty();
    // The same help beside a worrying text as the client sees beside it.
    if (worrying) view["crisis_html"] = content_->render("crisis", {});
  }
  view["is_" + scope.slug] = true;
  return view;
}

// ------------------------------------------------------------------ the client's side

Response CarePages::care_page(Ctx& ctx) { return render_care(ctx, nullptr, 200); }

Response CarePages::render_care(Ctx& ctx, const Error* error, int status) {
  const int64_t client = *ctx.visitor.user_id, today = day_of(clock_.now());
  auto links = care_.links_of_client(client);
  if (!links) return fail(ctx, links.error(), "We could not read your connections just now.");
  json::array open, ended;
  for (const auto& l : *links) {
    json::object o{{"id", l.public_id},
                   {"clinician", clinician_words(l)},
                   {"status", status_words(l, today)},
                   {"active", l.status == "active"},
                   {"requested", l.status == "requested"}};
    if (l.status == "ended") {
      ended.push_back(o);
      continue;
    }
    if (l.status == "active") {
      auto shared = care_.shared(client, l.clinician_user_id);
      if (!shared) return fail(ctx, shared.error(), "We could not read what you share just now.");
      json::array scopes;
      for (const auto& s : care::scopes()) {
        auto it = std::find_if(shared->begin(), shared->end(),
                               [&](const care::Shared& x) { return x.scope == &s; });
        json::object row{{"scope", s.id},
                         {"slug", s.slug},
                         {"name", s.name},
                         {"sees", s.sees},
                         {"shared", it != shared->end()}};
        if (it != shared->end()) row["until"] = until_words(*it, today);
        scopes.push_back(row);
      }
      o["scopes"] = scopes;
      o["sharing_any"] = !shared->empty();
    }
    open.push_back(o);
  }
  json::object view{{"title", "Your therapist"},
                    {"links", open},
                    {"has_links", !open.empty()},
                    {"ended", ended},
                    {"has_ended", !ended.empty()},
                    {"today", date_of_day(today)},
                    {"connected", ctx.req.query.count("connected") > 0},
                    {"changed", ctx.req.query.count("changed") > 0},
                    {"ended_now", ctx.req.query.count("ended") > 0},
                    {"code", first_value(ctx.form, "code")}};
  if (error) {
    view["has_errors"] = true;
    view["error"] = error->message;
  }
  return render_page(ctx, "care", std::move(view), status);
}

Response CarePages::do_connect_code(Ctx& ctx) {
  auto link = care_.connect_with_code(*ctx.visitor.user_id, first_value(ctx.form, "code"));
  if (!link) {
    if (link.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, link.error(), "We could not connect you just now.");
    return render_care(ctx, &link.error(), 422);
  }
  return Response::redirect("/care?connected=1");
}

Response CarePages::do_connect_listing(Ctx& ctx) {
  auto listing = parse_int_in(ctx.req.params["id"], 1, INT64_MAX);
  if (!listing) return error_page(ctx, 404, "There is no such listing.");
  auto link = care_.connect_with_listing(*ctx.visitor.user_id, *listing);
  if (!link) {
    if (link.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, link.error(), "We could not connect you just now.");
    return render_care(ctx, &link.error(), 422);
  }
  return Response::redirect("/care?connected=1");
}

Response CarePages::do_share(Ctx& ctx) {
  std::optional<int64_t> until;
  if (const std::string day = first_value(ctx.form, "until"); !day.empty()) {
    until = parse_date(day);
    if (!until) {
      const Error e{ErrorCode::kInvalidArgument, "Give the end date as a date, or leave it empty.",
                    "until"};
      return render_care(ctx, &e, 422);
    }
  }
  auto st = care_.share(*ctx.visitor.user_id, ctx.req.params["link"],
                        first_value(ctx.form, "scope"), until);
  if (!st) {
    if (st.error().code == ErrorCode::kNotFound) return error_page(ctx, 404, st.error().message);
    if (st.error().code != ErrorCode::kInvalidArgument && st.error().code != ErrorCode::kConflict)
      return fail(ctx, st.error(), "We could not save what you share just now.");
    return render_care(ctx, &st.error(), 422);
  }
  return Response::redirect("/care?changed=1");
}

Response CarePages::do_stop(Ctx& ctx) {
  auto st =
      care_.stop(*ctx.visitor.user_id, ctx.req.params["link"], first_value(ctx.form, "scope"));
  if (!st) {
    if (st.error().code == ErrorCode::kNotFound) return error_page(ctx, 404, st.error().message);
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not stop sharing just now.");
    return render_care(ctx, &st.error(), 422);
  }
  return Response::redirect("/care?changed=1");
}

Response CarePages::do_end_as_client(Ctx& ctx) {
  auto st = care_.end(*ctx.visitor.user_id, ctx.req.params["link"]);
  if (!st) {
    if (st.error().code == ErrorCode::kNotFound) return error_page(ctx, 404, st.error().message);
    return fail(ctx, st.error(), "We could not end the connection just now.");
  }
  return Response::redirect("/care?ended=1");
}

Response CarePages::preview(Ctx& ctx) {
  auto link = care_.link_for(*ctx.visitor.user_id, ctx.req.params["link"]);
  if (!link || link->client_user_id != *ctx.visitor.user_id)
    return error_page(ctx, 404, "There is no such connection.");
  const care::Scope* scope = care::find_scope(ctx.req.params["scope"]);
  if (!scope) return error_page(ctx, 404, "There is no such thing to share.");
  auto view = scope_view(*scope, ctx.owner());
  if (!view) return fail(ctx, view.error(), "We could not prepare the preview just now.");
  (*view)["title"] = "Preview: " + scope->name;
  (*view)["preview"] = true;
  (*view)["clinician"] = clinician_words(*link);
  return render_page(ctx, "care_scope", std::move(*view));
}

// ------------------------------------------------------------------ the clinician's side

Response CarePages::clients_page(Ctx& ctx) { return render_clients(ctx, "", 200); }

Response CarePages::render_clients(Ctx& ctx, const std::string& new_code, int status) {
  const int64_t today = day_of(clock_.now());
  auto links = care_.links_of_clinician(*ctx.visitor.user_id);
  if (!links) return fail(ctx, links.error(), "We could not read your clients just now.");
  json::array requests, clients;
  for (const auto& l : *links) {
    if (l.status == "ended") continue;
    json::object o{{"link", l.public_id},
                   {"client", l.client_public_id},
                   {"email", l.client_email},
                   {"status", status_words(l, today)}};
    if (l.status == "requested") {
      requests.push_back(o);
      continue;
    }
    auto shared = care_.shared(l.client_user_id, l.clinician_user_id);
    if (!shared) return fail(ctx, shared.error(), "We could not read your clients just now.");
    std::string names;
    for (const auto& s : *shared) names += (names.empty() ? "" : ", ") + s.scope->name;
    o["shares"] = names.empty() ? std::string("nothing yet") : names;
    clients.push_back(o);
  }
  json::object view{{"title", "Your clients"},
                    {"requests", requests},
                    {"has_requests", !requests.empty()},
                    {"clients", clients},
                    {"has_clients", !clients.empty()},
                    {"accepted", ctx.req.query.count("accepted") > 0},
                    {"ended", ctx.req.query.count("ended") > 0}};
  if (!new_code.empty()) view["new_code"] = new_code;
  return render_page(ctx, "clinician_clients", std::move(view), status);
}

Response CarePages::do_new_code(Ctx& ctx) {
  auto code = care_.new_code(*ctx.visitor.user_id);
  if (!code) return fail(ctx, code.error(), "We could not make a code just now.");
  // Shown once, on this answer; only its hash is kept.
  return render_clients(ctx, *code, 200);
}

Response CarePages::do_accept(Ctx& ctx) {
  auto st = care_.accept(*ctx.visitor.user_id, ctx.req.params["link"]);
  if (!st) {
    if (st.error().code == ErrorCode::kNotFound) return error_page(ctx, 404, st.error().message);
    if (st.error().code == ErrorCode::kConflict) return error_page(ctx, 409, st.error().message);
    return fail(ctx, st.error(), "We could not accept the request just now.");
  }
  return Response::redirect("/clinician/clients?accepted=1");
}

Response CarePages::do_end_as_clinician(Ctx& ctx) {
  auto st = care_.end(*ctx.visitor.user_id, ctx.req.params["link"]);
  if (!st) {
    if (st.error().code == ErrorCode::kNotFound) return error_page(ctx, 404, st.error().message);
    return fail(ctx, st.error(), "We could not end the connection just now.");
  }
  return Response::redirect("/clinician/clients?ended=1");
}

Response CarePages::client_page(Ctx& ctx) {
  const int64_t client = ctx.access->subject().id;
  auto shared = care_.shared(client, *ctx.visitor.user_id);
  if (!shared) return fail(ctx, shared.error(), "We could not read what this client shares.");
  json::array scopes;
  for (const auto& s : *shared)
    scopes.push_back(json::object{{"name", s.scope->name},
                                  {"slug", s.scope->slug},
                                  {"until", until_words(s, day_of(clock_.now()))}});
  return render_page(ctx, "clinician_client",
                     {{"title", "Client " + ctx.access->subject().label},
                      {"client", ctx.req.params["client"]},
                      {"email", ctx.access->subject().label},
                      {"scopes", scopes},
                      {"has_scopes", !scopes.empty()}});
}

Response CarePages::scope_page(Ctx& ctx, const std::string& scope_id) {
  const care::Scope* scope = care::find_scope(scope_id);
  if (!scope) return error_page(ctx, 404, "There is no such thing to share.");
  auto view = scope_view(*scope, ctx.owner());
  if (!view) return fail(ctx, view.error(), "We could not read what this client shares.");
  (*view)["title"] = scope->name + ": " + ctx.access->subject().label;
  (*view)["client"] = ctx.req.params["client"];
  (*view)["email"] = ctx.access->subject().label;
  return render_page(ctx, "care_scope", std::move(*view));
}

namespace {

Response fhir_download(std::string body, const std::string& name) {
  Response res;
  res.body = std::move(body);
  res.set_header("Content-Type", "application/fhir+json; charset=utf-8");
  res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
  res.set_header("Cache-Control", "no-store");
  return res;
}

}  // namespace

Response CarePages::results_fhir(Ctx& ctx) {
  auto history = sources_.assessments.history(ctx.owner());
  if (!history) return fail(ctx, history.error(), "We could not read what this client shares.");
  return fhir_download(care::results_bundle(ctx.req.params["client"], *history, clock_.now()),
                       "securebase-results.fhir.json");
}

Response CarePages::checkins_fhir(Ctx& ctx) {
  auto history = sources_.checkins.history(ctx.owner());
  if (!history) return fail(ctx, history.error(), "We could not read what this client shares.");
  return fhir_download(care::checkins_bundle(ctx.req.params["client"], sources_.checkin_form,
                                             *history, clock_.now()),
                       "securebase-checkins.fhir.json");
}

}  // namespace sb::web
