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
#include "features/clinician/timeline.h"
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

// A shared journal entry's fields as the therapist sees them: label and text, the empty ones
// left out.
std::vector<std::pair<std::string, std::string>> shared_fields(const growth::JournalEntry& e) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [label, text] :
       {std::pair{"What happened", e.situation}, std::pair{"Who was there", e.people},
        std::pair{"In the body", e.body}, std::pair{"First thought", e.first_thought},
        std::pair{"Urge", e.urge}, std::pair{"What they did", e.action},
        std::pair{"What drove them", e.my_motive},
        std::pair{"What may have driven the other person", e.their_motive}})
    if (!text.empty()) out.emplace_back(label, text);
  std::string feelings;
  for (const auto& [f, v] : e.emotions)
    feelings += (feelings.empty() ? "" : ", ") + f + " " + std::to_string(v);
  for (const auto& f : e.named) feelings += (feelings.empty() ? "" : ", ") + f;
  if (!feelings.empty()) out.emplace_back("Feelings", feelings);
  if (e.has_mood()) out.emplace_back("Mood", growth::mood_words(e.pleasant, e.energy));
  return out;
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
      json::array fields;
      for (const auto& [label, text] : shared_fields(e))
        fields.push_back(json::object{{"label", label}, {"text", text}});
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

// ------------------------------------------------------------------ requested measures

namespace {

std::string state_words(const care::RequestState& s, int64_t today) {
  switch (s.state) {
    case care::DueState::kDeclined:
      return "declined";
    case care::DueState::kDone:
      return "done; next on " + spoken_date(s.next_due, today);
    case care::DueState::kDue:
      return "due now (since " + spoken_date(s.next_due, today) + ")";
    case care::DueState::kOverdue:
      return "overdue (due since " + spoken_date(s.next_due, today) + ")";
  }
  return "";
}

std::string how_often(const store::CareRequestRecord& r) {
  if (r.kind == "checkin") return "every week";
  return r.every_weeks == 1 ? "every week" : "every " + std::to_string(r.every_weeks) + " weeks";
}

}  // namespace

Result<CarePages::LastDone> CarePages::last_done(const std::vector<int64_t>& for_assessment,
                                                 const std::vector<int64_t>& for_checkin) {
  LastDone out;
  auto results = sources_.assessments.first_and_latest(for_assessment);
  if (!results) return results.error();
  for (const auto& [user, r] : *results) out.assessment[user] = day_of(r.latest.completed_at);
  auto weeks = sources_.checkins.latest_weeks(for_checkin);
  if (!weeks) return weeks.error();
  for (const auto& [user, week] : *weeks)
    if (auto monday = parse_date(week)) out.checkin[user] = *monday;
  return out;
}

Result<json::array> CarePages::requests_view(int64_t client_user_id) {
  auto requests = care_.requests_of_client(client_user_id);
  if (!requests) return requests.error();
  json::array out;
  if (requests->empty()) return out;
  auto done = last_done({client_user_id}, {client_user_id});
  if (!done) return done.error();
  auto links = care_.links_of_client(client_user_id);
  if (!links) return links.error();
  const int64_t today = day_of(clock_.now());
  for (const auto& r : *requests) {
    const auto& last = r.kind == "assessment" ? done->assessment : done->checkin;
    const auto it = last.find(client_user_id);
    const auto state = care::due_state(r, it == last.end() ? -1 : it->second, today);
    std::string link_id, who;
    for (const auto& l : *links)
      if (l.id == r.link_id) {
        link_id = l.public_id;
        who = clinician_words(l);
      }
    out.push_back(json::object{
        {"id", r.id},
        {"link", link_id},
        {"who", who},
        {"what", care::kind_words(r.kind)},
        {"href", r.kind == "assessment" ? "/assessment" : "/checkin"},
        {"often", how_often(r)},
        {"state", state_words(state, today)},
        {"pending", state.state == care::DueState::kDue || state.state == care::DueState::kOverdue},
        {"declined", state.state == care::DueState::kDeclined}});
  }
  return out;
}

Response CarePages::do_decline(Ctx& ctx) {
  auto id = parse_int_in(ctx.req.params["request"], 1, INT64_MAX);
  if (!id) return error_page(ctx, 404, "There is no such request.");
  auto st = care_.decline(*ctx.visitor.user_id, ctx.req.params["link"], *id);
  if (!st) {
    if (st.error().code == ErrorCode::kNotFound) return error_page(ctx, 404, st.error().message);
    return fail(ctx, st.error(), "We could not decline the request just now.");
  }
  return Response::redirect("/care?changed=1");
}

Response CarePages::do_session(Ctx& ctx) {
  auto link = care_.link_for(*ctx.visitor.user_id, ctx.req.params["link"]);
  if (!link || link->clinician_user_id != *ctx.visitor.user_id)
    return error_page(ctx, 404, "There is no such connection.");
  if (auto st = care_.record_session(*ctx.visitor.user_id, link->public_id); !st) {
    if (st.error().code == ErrorCode::kNotFound) return error_page(ctx, 404, st.error().message);
    return fail(ctx, st.error(), "We could not record the session just now.");
  }
  return Response::redirect("/clinician/clients/" + link->client_public_id + "#since");
}

Result<json::array> CarePages::since_view(Ctx& ctx, int64_t client, int64_t since) {
  json::array lines;
  const Owner owner{client, 0};
  const std::string from = date_of_day(since), today = date_of_day(day_of(clock_.now()));
  auto shared = [&](const char* scope) -> Result<bool> {
    auto allowed = consented(ctx, scope, {client});
    if (!allowed) return allowed.error();
    return allowed->count(client) > 0;
  };
  auto add = [&](const std::string& line) { lines.push_back(json::object{{"line", line}}); };
  auto plural = [](size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  if (auto ok = shared("share:results"); !ok) {
    return ok.error();
  } else if (*ok) {
    auto history = sources_.assessments.history(owner);
    if (!history) return history.error();
    size_t n = 0;
    const assessment::AssessmentResult* latest = nullptr;
    for (const auto& h : *history)
      if (day_of(h.result.completed_at) >= since) {
        ++n;
        if (!latest || h.result.completed_at > latest->completed_at) latest = &h.result;
      }
    std::string line = plural(n, "assessment result", "assessment results");
    if (latest)
      line += fmt::format(" (latest: anxiety {:+.2f}, avoidance {:+.2f})", latest->anxiety.theta,
                          latest->avoidance.theta);
    add(line);
  }
  if (auto ok = shared("share:checkins"); !ok) {
    return ok.error();
  } else if (*ok) {
    auto history = sources_.checkins.history(owner);
    if (!history) return history.error();
    size_t n = 0;
    for (const auto& h : *history)
      if (h.week_start >= date_of_day(monday_of(since))) ++n;
    add(plural(n, "weekly check-in", "weekly check-ins"));
  }
  if (auto ok = shared("share:practice"); !ok) {
    return ok.error();
  } else if (*ok) {
    auto logs = sources_.practice.logs(owner);
    if (!logs) return logs.error();
    const auto n = std::count_if(logs->begin(), logs->end(),
                                 [&](const auto& l) { return day_of(l.practiced_at) >= since; });
    add(plural(static_cast<size_t>(n), "skill practice", "skill practices"));
  }
  if (auto ok = shared("share:reconsider"); !ok) {
    return ok.error();
  } else if (*ok) {
    auto all = sources_.reconsider.list(owner);
    if (!all) return all.error();
    const auto n = std::count_if(all->begin(), all->end(),
                                 [&](const auto& r) { return r.occurred_on >= from; });
    add(plural(static_cast<size_t>(n), "pause-and-reconsider exercise",
               "pause-and-reconsider exercises"));
  }
  if (auto ok = shared("share:moods"); !ok) {
    return ok.error();
  } else if (*ok) {
    auto moods = sources_.journal.moods(owner, from, today);
    if (!moods) return moods.error();
    add(plural(moods->size(), "mood check", "mood checks"));
  }
  if (auto ok = shared("share:journal"); !ok) {
    return ok.error();
  } else if (*ok) {
    auto entries = sources_.journal.list(owner);
    if (!entries) return entries.error();
    const auto n = std::count_if(entries->begin(), entries->end(),
                                 [&](const auto& e) { return e.shared && e.occurred_on >= from; });
    add(plural(static_cast<size_t>(n), "journal entry shared", "journal entries shared"));
  }
  return lines;
}

Response CarePages::do_note(Ctx& ctx) {
  auto link = care_.link_for(*ctx.visitor.user_id, ctx.req.params["link"]);
  if (!link || link->clinician_user_id != *ctx.visitor.user_id)
    return error_page(ctx, 404, "There is no such connection.");
  auto st = care_.add_note(*ctx.visitor.user_id, link->public_id, first_value(ctx.form, "note"));
  if (!st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not save the note just now.");
    return error_page(ctx, 422, st.error().message);
  }
  return Response::redirect("/clinician/clients/" + link->client_public_id + "?noted=1#notes");
}

Response CarePages::do_ask(Ctx& ctx) {
  const int64_t client = ctx.access->subject().id;
  auto every = parse_int_in(first_value(ctx.form, "every_weeks"), 1, 52);
  auto id = care_.ask(*ctx.visitor.user_id, client, first_value(ctx.form, "kind"),
                      static_cast<int>(every.value_or(0)));
  if (!id) {
    if (id.error().code == ErrorCode::kNotFound) return error_page(ctx, 404, id.error().message);
    if (id.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, id.error(), "We could not save the request just now.");
    return error_page(ctx, 422, id.error().message);
  }
  return Response::redirect("/clinician/clients/" + ctx.req.params["client"] + "?asked=1");
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
  auto requests = requests_view(client);
  if (!requests) return fail(ctx, requests.error(), "We could not read your therapist's requests.");
  json::object view{{"title", "Your therapist"},
                    {"requests", *requests},
                    {"has_requests", !requests->empty()},
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
  auto shared = care_.shared_with(*ctx.visitor.user_id);
  if (!shared) return fail(ctx, shared.error(), "We could not read your clients just now.");
  std::vector<int64_t> active;
  for (const auto& l : *links)
    if (l.status == "active") active.push_back(l.client_user_id);
  // The measures, for the clients who share them: the policy says who, and lists this look
  // in each of their access lists.
  auto with_results = consented(ctx, "share:results", active);
  if (!with_results) return fail(ctx, with_results.error(), "We could not read your clients.");
  auto with_checkins = consented(ctx, "share:checkins", active);
  if (!with_checkins) return fail(ctx, with_checkins.error(), "We could not read your clients.");
  auto results = sources_.assessments.first_and_latest(
      std::vector<int64_t>(with_results->begin(), with_results->end()));
  if (!results) return fail(ctx, results.error(), "We could not read your clients just now.");
  auto weeks = sources_.checkins.latest_weeks(
      std::vector<int64_t>(with_checkins->begin(), with_checkins->end()));
  if (!weeks) return fail(ctx, weeks.error(), "We could not read your clients just now.");

  auto asked = care_.requests_of_clinician(*ctx.visitor.user_id);
  if (!asked) return fail(ctx, asked.error(), "We could not read your clients just now.");
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
    std::string names;
    if (auto it = shared->find(l.client_user_id); it != shared->end())
      for (const auto& sh : it->second) names += (names.empty() ? "" : ", ") + sh.scope->name;
    o["shares"] = names.empty() ? std::string("nothing yet") : names;
    int64_t last = -1;  // the latest day of a shared measure
    if (auto r = results->find(l.client_user_id); r != results->end()) {
      const auto& [first, latest] = r->second;
      o["anxiety"] = fmt::format("{:+.2f}", latest.anxiety.theta);
      o["avoidance"] = fmt::format("{:+.2f}", latest.avoidance.theta);
      auto flag = [&](const assessment::DimensionResult& a, const assessment::DimensionResult& b) {
        const auto c = psy::reliable_change_theta({a.theta, a.se}, {b.theta, b.se});
        return c.reliable ? std::string(c.difference < 0 ? "reliably lower" : "reliably higher")
                          : std::string("no reliable change");
      };
      o["anxiety_change"] = flag(first.anxiety, latest.anxiety);
      o["avoidance_change"] = flag(first.avoidance, latest.avoidance);
      o["has_results"] = true;
      last = std::max(last, day_of(latest.completed_at));
    }
    if (auto w = weeks->find(l.client_user_id); w != weeks->end())
      if (auto monday = parse_date(w->second)) last = std::max(last, *monday);
    o["last"] = last >= 0 ? spoken_date(last, today) : std::string("nothing shared yet");
    // The measures asked for: due, overdue or done where the client shares them.
    std::string measures;
    for (const auto& r : *asked) {
      if (r.link_id != l.id) continue;
      const bool assessment = r.kind == "assessment";
      const bool seen = (assessment ? with_results : with_checkins)->count(l.client_user_id) > 0;
      int64_t done = -1;
      if (auto it = results->find(l.client_user_id); assessment && it != results->end())
        done = day_of(it->second.latest.completed_at);
      if (auto it = weeks->find(l.client_user_id); !assessment && it != weeks->end())
        done = parse_date(it->second).value_or(-1);
      const auto state = care::due_state(r, done, today);
      std::string words = assessment ? "assessment: " : "check-in: ";
      if (state.state == care::DueState::kDeclined) {
        words += "declined";
      } else if (!seen) {
        words += "not shared";
      } else {
        words += state.state == care::DueState::kDone  ? "done"
                 : state.state == care::DueState::kDue ? "due"
                                                       : "overdue";
      }
      measures += (measures.empty() ? "" : "; ") + words;
    }
    o["measures"] = measures.empty() ? std::string("none asked for") : measures;
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
  // Where each request stands, for the measures the client shares (the policy records the
  // look); the others say only that they are not shared.
  auto requests = care_.requests_between(client, *ctx.visitor.user_id);
  if (!requests) return fail(ctx, requests.error(), "We could not read the requests.");
  json::array asked;
  if (!requests->empty()) {
    auto results = consented(ctx, "share:results", {client});
    if (!results) return fail(ctx, results.error(), "We could not read the requests.");
    auto checkins = consented(ctx, "share:checkins", {client});
    if (!checkins) return fail(ctx, checkins.error(), "We could not read the requests.");
    auto done = last_done(std::vector<int64_t>(results->begin(), results->end()),
                          std::vector<int64_t>(checkins->begin(), checkins->end()));
    if (!done) return fail(ctx, done.error(), "We could not read the requests.");
    const int64_t today = day_of(clock_.now());
    for (const auto& r : *requests) {
      const bool assessment = r.kind == "assessment";
      const bool seen = assessment ? results->count(client) > 0 : checkins->count(client) > 0;
      const auto& last = assessment ? done->assessment : done->checkin;
      const auto it = last.find(client);
      const auto state = care::due_state(r, it == last.end() ? -1 : it->second, today);
      std::string words = state.state == care::DueState::kDeclined ? "declined by your client"
                          : seen                                   ? state_words(state, today)
                                 : "not shared, so you cannot see whether it is done";
      asked.push_back(json::object{
          {"what", care::kind_words(r.kind)}, {"often", how_often(r)}, {"state", words}});
    }
  }
  // The clinician's own notes on this connection (theirs, sealed; never shown to the client).
  auto link = active_link_with(*ctx.visitor.user_id, client);
  if (!link) return fail(ctx, link.error(), "We could not read your notes.");
  const std::string link_id = *link ? (*link)->public_id : "";
  json::array since, notes;
  std::string since_day;
  if (*link && !(*link)->last_session_on.empty())
    if (auto day = parse_date((*link)->last_session_on)) {
      auto view = since_view(ctx, client, *day);
      if (!view) return fail(ctx, view.error(), "We could not read what this client shares.");
      since = std::move(*view);
      since_day = spoken_date(*day, day_of(clock_.now()));
    }
  if (!link_id.empty()) {
    auto written = care_.notes(*ctx.visitor.user_id, link_id);
    if (!written) return fail(ctx, written.error(), "We could not read your notes.");
    for (const auto& n : *written)
      notes.push_back(json::object{{"when", spoken_time(n.created_at, day_of(clock_.now()))},
                                   {"text", n.text}});
  }
  return render_page(ctx, "clinician_client",
                     {{"title", "Client " + ctx.access->subject().label},
                      {"link", link_id},
                      {"since", since},
                      {"has_since", !since_day.empty()},
                      {"has_since_lines", !since.empty()},
                      {"since_day", since_day},
                      {"notes", notes},
                      {"has_notes", !notes.empty()},
                      {"noted", ctx.req.query.count("noted") > 0},
                      {"client", ctx.req.params["client"]},
                      {"email", ctx.access->subject().label},
                      {"scopes", scopes},
                      {"has_scopes", !scopes.empty()},
                      {"asked", asked},
                      {"has_asked", !asked.empty()},
                      {"asked_now", ctx.req.query.count("asked") > 0}});
}

Result<std::optional<store::CareLinkRecord>> CarePages::active_link_with(int64_t clinician,
                                                                         int64_t client) {
  auto links = care_.links_of_clinician(clinician);
  if (!links) return links.error();
  for (auto& l : *links)
    if (l.client_user_id == client && l.status == "active") return std::optional{std::move(l)};
  return std::optional<store::CareLinkRecord>{};
}

namespace {

std::string dimension_words(const char* name, double theta,
                            const std::optional<psy::ReliableChange>& change) {
  std::string out = fmt::format("{} {:+.2f}", name, theta);
  if (change && change->reliable)
    out +=
        fmt::format(" (a reliable {} of {:.2f})", change->difference < 0 ? "decrease" : "increase",
                    std::abs(change->difference));
  return out;
}

}  // namespace

Result<care::TimelineInput> CarePages::timeline_input(
    Ctx& ctx, int64_t client, const std::optional<store::CareLinkRecord>& link,
    TimelineTexts& texts) {
  care::TimelineInput in;
  const Owner owner{client, 0};
  auto results = consented(ctx, "share:results", {client});
  if (!results) return results.error();
  in.results_shared = results->count(client) > 0;
  if (in.results_shared) {
    auto history = sources_.assessments.history(owner);
    if (!history) return history.error();
    for (const auto& h : *history) {
      const auto& r = h.result;
      in.results.push_back({day_of(r.completed_at), r.anxiety.theta, r.avoidance.theta,
                            h.anxiety_change && h.anxiety_change->reliable,
                            h.avoidance_change && h.avoidance_change->reliable});
      texts.results.push_back(dimension_words("anxiety", r.anxiety.theta, h.anxiety_change) + ", " +
                              dimension_words("avoidance", r.avoidance.theta, h.avoidance_change) +
                              fmt::format("; {} questions", r.items_answered));
    }
  }
  auto checkins = consented(ctx, "share:checkins", {client});
  if (!checkins) return checkins.error();
  in.checkins_shared = checkins->count(client) > 0;
  for (const auto& area : sources_.checkin_form.areas) in.area_names.push_back(area.name);
  if (in.checkins_shared) {
    auto history = sources_.checkins.history(owner);
    if (!history) return history.error();
    for (const auto& c : *history) {
      const auto monday = parse_date(c.week_start);
      if (!monday) continue;
      care::TimelineInput::Checkin point{*monday, {}};
      std::string words;
      for (const auto& area : sources_.checkin_form.areas) {
        const auto it = c.by_area.find(area.id);
        point.by_area.push_back(it == c.by_area.end() ? 0 : it->second);
        words += fmt::format("{}{} {:.1f}", words.empty() ? "" : ", ", area.name,
                             it == c.by_area.end() ? 0 : it->second);
      }
      in.checkins.push_back(std::move(point));
      texts.checkins.push_back(std::move(words));
    }
  }
  if (link) {
    auto written = care_.notes(*ctx.visitor.user_id, link->public_id);
    if (!written) return written.error();
    for (auto it = written->rbegin(); it != written->rend(); ++it) {  // oldest first
      in.note_days.push_back(day_of(it->created_at));
      texts.notes.push_back(it->text);
    }
    if (!link->last_session_on.empty()) in.last_session = parse_date(link->last_session_on);
  }
  return in;
}

Response CarePages::timeline_page(Ctx& ctx) {
  const int64_t client = ctx.access->subject().id, today = day_of(clock_.now());
  auto link = active_link_with(*ctx.visitor.user_id, client);
  if (!link) return fail(ctx, link.error(), "We could not read the timeline.");
  TimelineTexts texts;
  auto in = timeline_input(ctx, client, *link, texts);
  if (!in) return fail(ctx, in.error(), "We could not read the timeline.");
  json::array events;
  using K = care::TimelineEvent::Kind;
  for (const auto& e : care::timeline_events(*in)) {
    json::object o{{"date", spoken_date(e.day, today)}};
    switch (e.kind) {
      case K::kNote:
        o["what"] = "Your note";
        o["text"] = texts.notes[e.index];
        o["note"] = true;
        break;
      case K::kResult:
        o["what"] = "Assessment";
        o["text"] = texts.results[e.index];
        break;
      case K::kCheckin:
        o["what"] = "Weekly check-in (week of " + spoken_date(e.day, today) + ")";
        o["text"] = texts.checkins[e.index];
        break;
      case K::kSession:
        o["what"] = "Your latest session";
        o["text"] = "recorded with \"We met today\"";
        break;
    }
    events.push_back(std::move(o));
  }
  return render_page(ctx, "clinician_timeline",
                     {{"title", "Timeline: " + ctx.access->subject().label},
                      {"client", ctx.req.params["client"]},
                      {"email", ctx.access->subject().label},
                      {"chart_svg", care::timeline_svg(*in)},
                      {"events", events},
                      {"has_events", !events.empty()},
                      {"results_shared", in->results_shared},
                      {"checkins_shared", in->checkins_shared},
                      {"printed", spoken_date(today)}});
}

Response CarePages::scope_page(Ctx& ctx, const std::string& scope_id) {
  const care::Scope* scope = care::find_scope(scope_id);
  if (!scope) return error_page(ctx, 404, "There is no such thing to share.");
  auto view = scope_view(*scope, ctx.owner());
  if (!view) return fail(ctx, view.error(), "We could not read what this client shares.");
  (*view)["title"] = scope->name + ": " + ctx.access->subject().label;
  (*view)["client"] = ctx.req.params["client"];
  (*view)["slug"] = scope->slug;
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

Response CarePages::scope_fhir(Ctx& ctx, const std::string& scope_id) {
  const std::string client = ctx.req.params["client"];
  const Owner owner = ctx.owner();
  const int64_t now = clock_.now();
  const std::string failed = "We could not read what this client shares.";
  if (scope_id == "share:practice") {
    auto logs = sources_.practice.logs(owner);
    if (!logs) return fail(ctx, logs.error(), failed);
    return fhir_download(care::practice_bundle(client, *logs, sources_.skills, now),
                         "securebase-practice.fhir.json");
  }
  if (scope_id == "share:reconsider") {
    auto all = sources_.reconsider.list(owner);
    if (!all) return fail(ctx, all.error(), failed);
    return fhir_download(care::reconsider_bundle(client, growth::summarise(*all), now),
                         "securebase-reconsider.fhir.json");
  }
  if (scope_id == "share:moods") {
    auto moods = sources_.journal.moods(owner, "0000-01-01", date_of_day(day_of(now)));
    if (!moods) return fail(ctx, moods.error(), failed);
    return fhir_download(care::moods_bundle(client, *moods, now), "securebase-moods.fhir.json");
  }
  if (scope_id == "share:journal") {
    auto entries = sources_.journal.list(owner);
    if (!entries) return fail(ctx, entries.error(), failed);
    std::vector<care::SharedEntry> shared;
    for (const auto& e : *entries) {
      if (!e.shared) continue;  // only what the client marked, ever
      std::string text;
      for (const auto& [label, words] : shared_fields(e))
        text += fmt::format("{}{}: {}", text.empty() ? "" : "\n", label, words);
      shared.push_back({e.public_id, e.occurred_on, std::move(text)});
    }
    return fhir_download(care::journal_bundle(client, shared, now), "securebase-journal.fhir.json");
  }
  return error_page(ctx, 404, "There is no such thing to share.");
}

}  // namespace sb::web
