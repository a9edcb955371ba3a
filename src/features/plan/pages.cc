#include "features/plan/pages.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "core/dates.h"
#include "core/numbers.h"
#include "core/safety.h"
#include "core/strings.h"
#include "web/error_policy.h"

namespace sb::web {

namespace json = boost::json;

namespace {

json::array days_view(const std::string& prefix, unsigned checked_days) {
  json::array days;
  for (int d = 0; d < 7; ++d) {
    days.push_back(json::object{{"field", prefix + std::to_string(d)},
                                {"short", std::string(growth::kWeekdayNames[d]).substr(0, 3)},
                                {"long", growth::kWeekdayNames[d]},
                                {"checked", (checked_days & (1u << d)) != 0}});
  }
  return days;
}

// The practices in the plan, each with its own fields, in the plan's order.
json::array chosen_view(const growth::SkillLibrary& library,
                        const std::optional<growth::WeeklyPlan>& plan) {
  json::array chosen;
  if (!plan) return chosen;
  for (const auto& item : plan->items) {
    const growth::Skill* skill = library.find(item.skill_id);
    if (!skill) continue;
    chosen.push_back(json::object{{"id", skill->id},
                                  {"name", skill->name},
                                  {"times", item.times_per_week},
                                  {"days", days_view("day_" + skill->id + "_", item.days)},
                                  {"time", item.time}});
  }
  return chosen;
}

// The skills not yet in the plan, for the "add a skill" picker.
json::array available_view(const growth::SkillLibrary& library,
                           const std::optional<growth::WeeklyPlan>& plan,
                           const std::string& selected) {
  json::array available;
  for (const auto& s : library.skills()) {
    const bool in_plan = plan && std::any_of(plan->items.begin(), plan->items.end(),
                                             [&](const auto& i) { return i.skill_id == s.id; });
    if (in_plan) continue;
    available.push_back(
        json::object{{"id", s.id}, {"name", s.name}, {"selected", s.id == selected}});
  }
  return available;
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

void add_streak_view(const growth::Streak& streak, json::object& view) {
  json::array recent;
  for (const auto& w : streak.recent) {
    recent.push_back(
        json::object{{"week_start", "Week of " + short_date(*parse_date(w.week_start))},
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

Response PlanPages::plan_page(Ctx& ctx) {
  auto plan = plans_.get(ctx.owner());
  if (!plan) return fail(ctx, plan.error(), "We could not open your plan just now.");
  return render_plan(ctx, *plan, nullptr, 200);
}

Response PlanPages::do_plan_save(Ctx& ctx) {
  growth::WeeklyPlan plan;
  for (const auto& s : skills_.skills()) {
    if (first_value(ctx.form, "include_" + s.id).empty() ||
        !first_value(ctx.form, "remove_" + s.id).empty())
      continue;
    growth::PlanItem item;
    item.skill_id = s.id;
    // Not a whole number: 0, which the plan refuses with a field error.
    item.times_per_week =
        static_cast<int>(parse_int_in(first_value(ctx.form, "times_" + s.id), 0, 1000).value_or(0));
    for (int d = 0; d < 7; ++d) {
      if (!first_value(ctx.form, "day_" + s.id + "_" + std::to_string(d)).empty())
        item.days |= 1u << d;
    }
    item.time = first_value(ctx.form, "time_" + s.id);
    if (item.time.empty()) item.time = "19:00";
    plan.items.push_back(item);
  }
  // No field: no reminder. Anything but -1..6 is kept out of range, so the plan refuses it.
  const std::string day = first_value(ctx.form, "checkin_day");
  plan.checkin_day =
      day.empty() ? -1 : static_cast<int>(parse_int_in(day, -1, 6).value_or(growth::kNoSuchDay));
  auto st = plans_.save(ctx.owner(), plan);
  if (!st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not save your plan.");
    return render_plan(ctx, plan, &st.error(), 422);
  }
  return Response::redirect("/plan?saved=1");
}

Response PlanPages::do_plan_add(Ctx& ctx) {
  auto current = plans_.get(ctx.owner());
  if (!current) return fail(ctx, current.error(), "We could not open your plan just now.");
  growth::WeeklyPlan plan = current->value_or(growth::WeeklyPlan{});
  const std::string skill_id = first_value(ctx.form, "skill");
  const growth::Skill* skill = skills_.find(skill_id);
  Error problem{ErrorCode::kInvalidArgument, "", "skill"};
  if (!skill) {
    problem.message = "Choose a skill to add.";
  } else if (std::any_of(plan.items.begin(), plan.items.end(),
                         [&](const auto& i) { return i.skill_id == skill_id; })) {
    problem.message = skill->name + " is already in your plan.";
  }
  if (!problem.message.empty()) return render_plan(ctx, *current, &problem, 422);
  growth::PlanItem item;
  item.skill_id = skill_id;
  item.times_per_week =
      static_cast<int>(parse_int_in(first_value(ctx.form, "times"), 0, 1000).value_or(0));
  for (int d = 0; d < 7; ++d)
    if (!first_value(ctx.form, "day_new_" + std::to_string(d)).empty()) item.days |= 1u << d;
  item.time = first_value(ctx.form, "time");
  if (item.time.empty()) item.time = "19:00";
  plan.items.push_back(item);
  if (auto st = plans_.save(ctx.owner(), plan); !st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not save your plan.");
    return render_plan(ctx, *current, &st.error(), 422);
  }
  return Response::redirect("/plan?added=1");
}

Response PlanPages::render_plan(Ctx& ctx, const std::optional<growth::WeeklyPlan>& plan,
                                const Error* error, int status) {
  const auto available = available_view(skills_, plan, first_value(ctx.form, "skill"));
  json::object view{{"title", "Your weekly plan"},
                    {"chosen", chosen_view(skills_, plan)},
                    {"available", available},
                    {"can_add", !available.empty()},
                    {"new_days", days_view("day_new_", 0)},
                    {"added", ctx.req.query.count("added") > 0},
                    {"checkin_days", checkin_days_view(plan)},
                    {"has_plan", plan && !plan->items.empty()},
                    {"saved", ctx.req.query.count("saved") > 0},
                    {"feed_changed", ctx.req.query.count("feed") > 0},
                    {"feed_revoked", ctx.req.query.count("revoked") > 0}};
  if (plan && !plan->items.empty() && plan->started_at > 0) {
    auto streak = plans_.streak(ctx.owner(), *plan);
    if (!streak) return fail(ctx, streak.error(), "We could not read your practice log just now.");
    add_streak_view(*streak, view);
  }
  auto token = plans_.feed_token(ctx.owner());
  if (!token) return fail(ctx, token.error(), "We could not read your calendar settings just now.");
  if (*token) {
    view["has_feed"] = true;
    const std::string url = kit_.public_base(ctx.req) + "/calendar/" + **token + ".ics";
    view["feed_url"] = url;
    // The same address for a calendar app to subscribe to: webcal: is http(s) for calendars.
    view["feed_webcal"] = "webcal" + url.substr(url.find(':'));
  }
  if (error) {
    view["has_errors"] = true;
    view["error"] = error->message;
  }
  return render_page(ctx, "plan", std::move(view), status);
}

Response PlanPages::do_feed_create(Ctx& ctx) {
  auto token = plans_.create_feed(ctx.owner());
  if (!token) return fail(ctx, token.error(), "We could not create your calendar address.");
  return Response::redirect("/plan?feed=1#calendar");
}

Response PlanPages::do_feed_revoke(Ctx& ctx) {
  if (auto st = plans_.revoke_feed(ctx.owner()); !st)
    return fail(ctx, st.error(), "We could not turn off your calendar address.");
  return Response::redirect("/plan?revoked=1#calendar");
}

Response PlanPages::calendar_feed(Request& req) {
  std::string token = req.params["token"];
  if (!token.ends_with(".ics")) return Response::text("Not found\n", 404);
  token.resize(token.size() - 4);
  auto calendar = plans_.calendar_for_token(token);
  if (!calendar) {
    if (calendar.error().code == ErrorCode::kNotFound) return Response::text("Not found\n", 404);
    return plain_failure(req, calendar.error());
  }
  Response res;
  res.body = std::move(*calendar);
  res.set_header("Content-Type", "text/calendar; charset=utf-8");
  res.set_header("Cache-Control", "private, no-store");
  return res;
}

}  // namespace sb::web
