// Pages of the pause-and-reconsider exercise, the weekly plan with its calendar feed, the
// progress dashboard and the journal calendar.
#include <fmt/format.h>

#include <boost/json.hpp>

#include "core/dates.h"
#include "core/strings.h"
#include "web/growth_pages.h"

namespace sb::web {

namespace json = boost::json;

namespace {

constexpr int kAlternativeRows = 3;
constexpr const char* kMonthNames[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};

const char* outcome_label(const std::string& outcome) {
  if (outcome == "better") return "Better than acting on the urge would have";
  if (outcome == "same") return "About the same";
  if (outcome == "worse") return "Worse";
  return "I can't tell yet";
}

growth::Reconsideration reconsideration_from_form(
    const std::multimap<std::string, std::string>& f) {
  growth::Reconsideration r;
  r.occurred_on = first_value(f, "occurred_on");
  r.happened = first_value(f, "happened");
  r.first_id = first_value(f, "first_id");
  if (r.first_id.empty()) r.first_id = "own";
  r.first.text = r.first_id == "own" ? first_value(f, "first_text") : "";
  r.first.support = first_value(f, "first_support");
  for (int n = 1; n <= kAlternativeRows; ++n) {
    const std::string prefix = "alt_" + std::to_string(n) + "_";
    r.alternatives.push_back({first_value(f, prefix + "text"), first_value(f, prefix + "support")});
  }
  r.urge = first_value(f, "urge");
  r.chosen = first_value(f, "chosen");
  return r;
}

std::string one_decimal(double v) { return fmt::format("{:.1f}", v); }

std::string month_name(const std::string& yyyy_mm) {
  return std::string(kMonthNames[std::stoi(yyyy_mm.substr(5, 2)) - 1]) + " " + yyyy_mm.substr(0, 4);
}

std::string shift_month(const std::string& yyyy_mm, int by) {
  int y = std::stoi(yyyy_mm.substr(0, 4)), m = std::stoi(yyyy_mm.substr(5, 2)) - 1 + by;
  y += m >= 0 ? m / 12 : (m - 11) / 12;
  m = ((m % 12) + 12) % 12;
  return fmt::format("{:04d}-{:02d}", y, m + 1);
}

// Monday-first weeks covering the month; days outside it are blank cells.
json::array month_grid_view(int64_t first, int64_t next_first, int64_t today,
                            const std::map<int64_t, int>& per_day) {
  json::array weeks;
  for (int64_t monday = monday_of(first); monday < next_first; monday += 7) {
    json::array days;
    for (int64_t day = monday; day < monday + 7; ++day) {
      json::object cell{{"in_month", day >= first && day < next_first}, {"today", day == today}};
      if (day >= first && day < next_first) {
        auto found = per_day.find(day);
        const int count = found == per_day.end() ? 0 : found->second;
        cell["day"] = day - first + 1;
        cell["date"] = date_of_day(day);
        if (count) cell["count"] = count;
        cell["entries_word"] = count == 1 ? "entry" : "entries";
      }
      days.push_back(cell);
    }
    weeks.push_back(json::object{{"days", days}});
  }
  return weeks;
}

// One fieldset per skill: whether it is in the plan, how often, and the reminder days and time.
json::array plan_form_view(const growth::SkillLibrary& library,
                           const std::optional<growth::WeeklyPlan>& plan) {
  json::array skills;
  for (const auto& s : library.skills()) {
    const growth::PlanItem* item = nullptr;
    if (plan) {
      for (const auto& i : plan->items) {
        if (i.skill_id == s.id) item = &i;
      }
    }
    json::array days;
    for (int d = 0; d < 7; ++d) {
      days.push_back(json::object{{"field", "day_" + s.id + "_" + std::to_string(d)},
                                  {"short", std::string(growth::kWeekdayNames[d]).substr(0, 3)},
                                  {"checked", item && (item->days & (1u << d))}});
    }
    skills.push_back(json::object{{"id", s.id},
                                  {"name", s.name},
                                  {"included", item != nullptr},
                                  {"times", item ? item->times_per_week : 3},
                                  {"days", days},
                                  {"time", item ? item->time : "19:00"}});
  }
  return skills;
}

json::array checkin_days_view(const std::optional<growth::WeeklyPlan>& plan) {
  json::array days{json::object{
      {"value", -1}, {"label", "No reminder"}, {"selected", !plan || plan->checkin_day < 0}}};
  for (int d = 0; d < 7; ++d) {
    days.push_back(json::object{{"value", d},
                                {"label", growth::kWeekdayNames[d]},
                                {"selected", plan && plan->checkin_day == d}});
  }
  return days;
}

// Streaks in words that encourage and never blame: a missed week is a fresh start.
void add_streak_view(const growth::Streak& streak, json::object& view) {
  json::array recent;
  for (const auto& w : streak.recent) {
    recent.push_back(json::object{{"week_start", w.week_start},
                                  {"done", w.done},
                                  {"planned", w.planned},
                                  {"counts", w.counts}});
  }
  if (streak.current == 0) {
    view["streak_sentence"] =
        "Every week is a fresh start: this one counts once you reach half your plan.";
  } else if (streak.current == 1) {
    view["streak_sentence"] = "1 week in a row that counted. A good start.";
  } else {
    view["streak_sentence"] =
        std::to_string(streak.current) + " weeks in a row that counted. Well kept.";
  }
  view["this_week_done"] = streak.recent.back().done;
  view["this_week_planned"] = streak.recent.back().planned;
  view["recent"] = recent;
  if (streak.best > 0) {
    view["best"] = streak.best;
    view["best_unit"] = streak.best == 1 ? "week" : "weeks";
  }
}

}  // namespace

void GrowthPages::add_routes(const AddPage& page, Router& router) {
  page("GET", "/checkin", handler(&GrowthPages::checkin_page));
  page("POST", "/checkin", handler(&GrowthPages::do_checkin));
  page("GET", "/skills", handler(&GrowthPages::skills_list));
  page("GET", "/skills/{id}", handler(&GrowthPages::skill_page));
  page("POST", "/skills/{id}/log", handler(&GrowthPages::do_skill_log));
  page("GET", "/journal", handler(&GrowthPages::journal_list));
  page("GET", "/journal/new", handler(&GrowthPages::journal_new));
  page("GET", "/journal/calendar", handler(&GrowthPages::journal_calendar));
  page("POST", "/journal", handler(&GrowthPages::do_journal_create));
  page("GET", "/journal/{id}", handler(&GrowthPages::journal_show));
  page("GET", "/journal/{id}/edit", handler(&GrowthPages::journal_edit));
  page("POST", "/journal/{id}", handler(&GrowthPages::do_journal_update));
  page("POST", "/journal/{id}/delete", handler(&GrowthPages::do_journal_delete));
  page("GET", "/reconsider", handler(&GrowthPages::reconsider_list));
  page("GET", "/reconsider/new", handler(&GrowthPages::reconsider_new));
  page("POST", "/reconsider", handler(&GrowthPages::do_reconsider_create));
  page("GET", "/reconsider/{id}", handler(&GrowthPages::reconsider_show));
  page("GET", "/reconsider/{id}/edit", handler(&GrowthPages::reconsider_edit));
  page("POST", "/reconsider/{id}", handler(&GrowthPages::do_reconsider_update));
  page("POST", "/reconsider/{id}/followup", handler(&GrowthPages::do_reconsider_follow_up));
  page("POST", "/reconsider/{id}/delete", handler(&GrowthPages::do_reconsider_delete));
  page("GET", "/plan", handler(&GrowthPages::plan_page));
  page("POST", "/plan", handler(&GrowthPages::do_plan_save));
  page("POST", "/plan/feed", handler(&GrowthPages::do_feed_create));
  page("POST", "/plan/feed/revoke", handler(&GrowthPages::do_feed_revoke));
  page("GET", "/progress", handler(&GrowthPages::progress_page));
  // The calendar feed is read by calendar services, without a session: the secret token in
  // the address is the only credential.
  router.add("GET", "/calendar/{token}", [this](Request& req) { return calendar_feed(req); });
}

// ---------------------------------------------------------------- journal calendar

Response GrowthPages::journal_calendar(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  const int64_t today = day_of(clock_.now());
  std::string month = date_of_day(today).substr(0, 7);
  if (auto m = ctx.req.query.find("month"); m != ctx.req.query.end()) {
    // The months either side must be valid too, for the previous and next links.
    if (!parse_date(m->second + "-01") || m->second < "1900-02" || m->second > "9999-11")
      return error_page(ctx, 400, "Please give the month as YYYY-MM.");
    month = m->second;
  }
  const int64_t first = *parse_date(month + "-01");
  const int64_t next_first = *parse_date(shift_month(month, 1) + "-01");
  auto dates = journal_.dates(ctx.owner(), date_of_day(first), date_of_day(next_first - 1));
  if (!dates) return error_page(ctx, 503, "We could not open your journal just now.");
  std::map<int64_t, int> per_day;
  for (const auto& d : *dates) ++per_day[*parse_date(d)];
  json::array weekdays;
  for (const char* name : growth::kWeekdayNames)
    weekdays.push_back(json::object{{"name", name}, {"short", std::string(name).substr(0, 3)}});
  const auto total = static_cast<int64_t>(dates->size());
  return render_page(ctx, "journal_calendar",
                     {{"title", "Journal calendar"},
                      {"month_name", month_name(month)},
                      {"previous", shift_month(month, -1)},
                      {"previous_name", month_name(shift_month(month, -1))},
                      {"next", shift_month(month, 1)},
                      {"next_name", month_name(shift_month(month, 1))},
                      {"weekdays", weekdays},
                      {"weeks", month_grid_view(first, next_first, today, per_day)},
                      {"month_total", total},
                      {"month_total_word", total == 1 ? "entry" : "entries"}});
}

// ---------------------------------------------------------------- pause and reconsider

Response GrowthPages::render_reconsider_form(Ctx& ctx, const growth::Reconsideration& r,
                                             const Error* error, int status) {
  json::array interpretations;
  for (const auto& i : growth::common_interpretations())
    interpretations.push_back(
        json::object{{"id", i.id}, {"text", i.text}, {"checked", r.first_id == i.id}});
  json::array prompts;
  for (const auto& p : growth::alternative_prompts()) prompts.push_back(json::value(p));
  json::array alternatives;
  for (int n = 1; n <= kAlternativeRows; ++n) {
    const size_t i = static_cast<size_t>(n - 1);
    const bool have = i < r.alternatives.size();
    alternatives.push_back(json::object{{"n", n},
                                        {"text", have ? r.alternatives[i].text : ""},
                                        {"support", have ? r.alternatives[i].support : ""}});
  }
  const bool editing = !r.public_id.empty();
  json::object view{{"title", editing ? "Edit this exercise" : "Pause and reconsider"},
                    {"action", editing ? "/reconsider/" + r.public_id : "/reconsider"},
                    {"button", editing ? "Save changes" : "Save, and follow up later"},
                    {"occurred_on", r.occurred_on},
                    {"happened", r.happened},
                    {"interpretations", interpretations},
                    {"own_checked", r.first_id == "own"},
                    {"first_text", r.first_id == "own" ? r.first.text : ""},
                    {"first_support", r.first.support},
                    {"prompts", prompts},
                    {"alternatives", alternatives},
                    {"urge", r.urge},
                    {"chosen", r.chosen}};
  if (error) {
    view["has_errors"] = true;
    view["error"] = error->message;
  }
  return render_page(ctx, "reconsider_form", std::move(view), status);
}

Response GrowthPages::render_reconsider(Ctx& ctx, const growth::Reconsideration& r,
                                        const Error* error, int status) {
  json::array alternatives;
  for (const auto& a : r.alternatives)
    alternatives.push_back(json::object{{"text", a.text}, {"support", a.support}});
  json::array outcomes;
  for (const char* o : growth::kOutcomes)
    outcomes.push_back(json::object{{"value", o}, {"label", outcome_label(o)}});
  json::object view{{"title", "Pause and reconsider"},
                    {"id", r.public_id},
                    {"occurred_on", r.occurred_on},
                    {"happened", r.happened},
                    {"first_text", r.first.text},
                    {"first_support", r.first.support},
                    {"alternatives", alternatives},
                    {"urge", r.urge},
                    {"chosen", r.chosen},
                    {"followed_up", r.followed_up},
                    {"followed_up_on", r.followed_up_on},
                    {"how_it_went", r.how_it_went},
                    {"outcome_label", outcome_label(r.outcome)},
                    {"outcomes", outcomes},
                    {"saved", ctx.req.query.count("saved") > 0},
                    {"edited", ctx.req.query.count("edited") > 0},
                    {"followed", ctx.req.query.count("followed") > 0}};
  if (growth::suggests_crisis(r)) view["crisis_html"] = content_->render("crisis", {});
  if (error) {
    view["has_errors"] = true;
    view["error"] = error->message;
  }
  return render_page(ctx, "reconsider_entry", std::move(view), status);
}

Response GrowthPages::reconsider_list(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  auto all = reconsider_.list(ctx.owner());
  if (!all) return error_page(ctx, 503, "We could not open your exercises: " + all.error().message);
  const auto summary = growth::summarise(*all);
  json::array recurring;
  for (const auto& r : summary.recurring)
    recurring.push_back(json::object{{"interpretation", r.interpretation}, {"count", r.count}});
  json::array items;
  for (const auto& r : *all) {
    const std::string happened = shorten_utf8(r.happened, 120);
    items.push_back(json::object{{"id", r.public_id},
                                 {"occurred_on", r.occurred_on},
                                 {"happened", happened},
                                 {"followed_up", r.followed_up}});
  }
  return render_page(ctx, "reconsider_list",
                     {{"title", "Pause and reconsider"},
                      {"has_items", !items.empty()},
                      {"items", items},
                      {"recurring", recurring},
                      {"has_followups", summary.followed_up > 0},
                      {"followed_up", summary.followed_up},
                      {"better", summary.better},
                      {"same", summary.same},
                      {"worse", summary.worse},
                      {"unsure", summary.unsure}});
}

Response GrowthPages::reconsider_new(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  growth::Reconsideration r;
  r.occurred_on = date_of_day(day_of(clock_.now()));
  r.first_id = "";
  return render_reconsider_form(ctx, r, nullptr, 200);
}

Response GrowthPages::do_reconsider_create(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  auto r = reconsideration_from_form(ctx.form);
  auto id = reconsider_.create(ctx.owner(), r);
  if (!id) {
    if (id.error().code != ErrorCode::kInvalidArgument)
      return error_page(ctx, 503, "We could not save your exercise.");
    return render_reconsider_form(ctx, r, &id.error(), 422);
  }
  return Response::redirect("/reconsider/" + *id + "?saved=1");
}

Response GrowthPages::reconsider_show(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  auto r = reconsider_.get(ctx.owner(), ctx.req.params["id"]);
  if (!r) {
    if (r.error().code == ErrorCode::kNotFound)
      return error_page(ctx, 404, "There is no such exercise.");
    return error_page(ctx, 503, "We could not open this exercise: " + r.error().message);
  }
  return render_reconsider(ctx, *r, nullptr, 200);
}

Response GrowthPages::reconsider_edit(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  auto r = reconsider_.get(ctx.owner(), ctx.req.params["id"]);
  if (!r)
    return error_page(ctx, r.error().code == ErrorCode::kNotFound ? 404 : 503,
                      "There is no such exercise.");
  return render_reconsider_form(ctx, *r, nullptr, 200);
}

Response GrowthPages::do_reconsider_update(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  auto r = reconsideration_from_form(ctx.form);
  r.public_id = ctx.req.params["id"];
  auto st = reconsider_.update(ctx.owner(), r);
  if (!st) {
    if (st.error().code == ErrorCode::kNotFound)
      return error_page(ctx, 404, "There is no such exercise.");
    if (st.error().code != ErrorCode::kInvalidArgument)
      return error_page(ctx, 503, "We could not save your changes.");
    return render_reconsider_form(ctx, r, &st.error(), 422);
  }
  return Response::redirect("/reconsider/" + r.public_id + "?edited=1");
}

Response GrowthPages::do_reconsider_follow_up(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  const std::string id = ctx.req.params["id"];
  const std::string how = first_value(ctx.form, "how_it_went");
  auto st = reconsider_.follow_up(ctx.owner(), id, how, first_value(ctx.form, "outcome"));
  if (!st) {
    if (st.error().code == ErrorCode::kNotFound)
      return error_page(ctx, 404, "There is no such exercise.");
    if (st.error().code != ErrorCode::kInvalidArgument)
      return error_page(ctx, 503, "We could not save your follow-up.");
    auto r = reconsider_.get(ctx.owner(), id);
    if (!r) return error_page(ctx, 503, "We could not open this exercise.");
    r->how_it_went = how;
    return render_reconsider(ctx, *r, &st.error(), 422);
  }
  return Response::redirect("/reconsider/" + id + "?followed=1");
}

Response GrowthPages::do_reconsider_delete(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  auto st = reconsider_.remove(ctx.owner(), ctx.req.params["id"]);
  if (!st)
    return error_page(ctx, st.error().code == ErrorCode::kNotFound ? 404 : 503,
                      "There is no such exercise.");
  return Response::redirect("/reconsider");
}

// ---------------------------------------------------------------- weekly plan and feed

Response GrowthPages::render_plan(Ctx& ctx, const std::optional<growth::WeeklyPlan>& plan,
                                  const Error* error, int status) {
  json::object view{{"title", "Your weekly plan"},
                    {"skills", plan_form_view(skills_, plan)},
                    {"checkin_days", checkin_days_view(plan)},
                    {"has_plan", plan && !plan->items.empty()},
                    {"saved", ctx.req.query.count("saved") > 0},
                    {"feed_changed", ctx.req.query.count("feed") > 0},
                    {"feed_revoked", ctx.req.query.count("revoked") > 0}};
  if (plan && !plan->items.empty() && plan->started_at > 0) {
    auto streak = plans_.streak(ctx.owner(), *plan);
    if (!streak) return error_page(ctx, 503, "We could not read your practice log just now.");
    add_streak_view(*streak, view);
  }
  auto token = plans_.feed_token(ctx.owner());
  if (!token) return error_page(ctx, 503, "We could not read your calendar settings just now.");
  if (*token) {
    view["has_feed"] = true;
    view["feed_url"] = kit_.public_base(ctx.req) + "/calendar/" + **token + ".ics";
  }
  if (error) {
    view["has_errors"] = true;
    view["error"] = error->message;
  }
  return render_page(ctx, "plan", std::move(view), status);
}

Response GrowthPages::plan_page(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  auto plan = plans_.get(ctx.owner());
  if (!plan) return error_page(ctx, 503, "We could not open your plan: " + plan.error().message);
  return render_plan(ctx, *plan, nullptr, 200);
}

Response GrowthPages::do_plan_save(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  growth::WeeklyPlan plan;
  for (const auto& s : skills_.skills()) {
    if (first_value(ctx.form, "include_" + s.id).empty()) continue;
    growth::PlanItem item;
    item.skill_id = s.id;
    try {
      item.times_per_week = std::stoi(first_value(ctx.form, "times_" + s.id));
    } catch (const std::exception&) {
      item.times_per_week = 0;  // refused with a field error
    }
    for (int d = 0; d < 7; ++d) {
      if (!first_value(ctx.form, "day_" + s.id + "_" + std::to_string(d)).empty())
        item.days |= 1u << d;
    }
    item.time = first_value(ctx.form, "time_" + s.id);
    if (item.time.empty()) item.time = "19:00";
    plan.items.push_back(item);
  }
  try {
    plan.checkin_day = std::stoi(first_value(ctx.form, "checkin_day"));
  } catch (const std::exception&) {
    plan.checkin_day = -1;
  }
  auto st = plans_.save(ctx.owner(), plan);
  if (!st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return error_page(ctx, 503, "We could not save your plan.");
    return render_plan(ctx, plan, &st.error(), 422);
  }
  return Response::redirect("/plan?saved=1");
}

Response GrowthPages::do_feed_create(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  auto token = plans_.create_feed(ctx.owner());
  if (!token) return error_page(ctx, 503, "We could not create your calendar address.");
  return Response::redirect("/plan?feed=1#calendar");
}

Response GrowthPages::do_feed_revoke(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  if (!plans_.revoke_feed(ctx.owner()))
    return error_page(ctx, 503, "We could not turn off your calendar address.");
  return Response::redirect("/plan?revoked=1#calendar");
}

Response GrowthPages::calendar_feed(Request& req) {
  std::string token = req.params["token"];
  if (!token.ends_with(".ics")) return Response::text("Not found\n", 404);
  token.resize(token.size() - 4);
  auto calendar = plans_.calendar_for_token(token);
  if (!calendar) {
    if (calendar.error().code == ErrorCode::kNotFound) return Response::text("Not found\n", 404);
    return Response::text("The calendar is not available right now.\n", 503);
  }
  Response res;
  res.body = std::move(*calendar);
  res.set_header("Content-Type", "text/calendar; charset=utf-8");
  res.set_header("Cache-Control", "private, no-store");
  return res;
}

// ---------------------------------------------------------------- progress dashboard

Response GrowthPages::progress_page(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  auto d = progress_.build(ctx.owner());
  if (!d) return error_page(ctx, 503, "We could not gather your progress: " + d.error().message);
  json::array practice_weeks, journal_weeks, drops, feeling_months, top_feelings;
  for (const auto& w : d->practice_per_week)
    practice_weeks.push_back(json::object{{"label", w.label}, {"value", w.value}});
  for (const auto& w : d->journal_per_week)
    journal_weeks.push_back(json::object{{"label", w.label}, {"value", w.value}});
  for (const auto& s : d->drops) {
    drops.push_back(json::object{{"skill_id", s.skill_id},
                                 {"name", s.name},
                                 {"average", one_decimal(s.average)},
                                 {"times", s.times}});
  }
  for (const auto& f : d->top_feelings) top_feelings.push_back(json::value(f));
  for (const auto& m : d->feelings_by_month) {
    json::array cells;
    for (int c : m.count) cells.push_back(json::object{{"count", c}});
    feeling_months.push_back(json::object{{"month", m.month}, {"cells", cells}});
  }
  return render_page(ctx, "progress",
                     {{"title", "Your progress"},
                      {"practices_total", d->practices_total},
                      {"practices_word", d->practices_total == 1 ? "practice" : "practices"},
                      {"entries_total", d->entries_total},
                      {"entries_word", d->entries_total == 1 ? "entry" : "entries"},
                      {"practice_svg", d->practice_svg},
                      {"practice_weeks", practice_weeks},
                      {"journal_svg", d->journal_svg},
                      {"journal_weeks", journal_weeks},
                      {"has_drops", !d->drops.empty()},
                      {"drops_svg", d->drops_svg},
                      {"drops", drops},
                      {"has_feelings", !d->top_feelings.empty()},
                      {"feelings_svg", d->feelings_svg},
                      {"top_feelings", top_feelings},
                      {"feeling_months", feeling_months},
                      {"has_checkins", !d->checkins.empty()},
                      {"checkin_svg", d->checkin_svg},
                      {"has_assessments", !d->assessments.empty()},
                      {"dimensions_svg", d->dimensions_svg}});
}

}  // namespace sb::web
