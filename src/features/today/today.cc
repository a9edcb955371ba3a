#include "features/today/today.h"

#include <algorithm>
#include <cmath>

#include "core/dates.h"
#include "psychometrics/classify.h"

namespace sb::today {

namespace {

constexpr size_t kWaitingShown = 3;

}  // namespace

Status Today::add_plan(const Owner& owner, TodayView& view) {
  auto plan = plans_.get(owner);
  if (!plan) return plan.error();
  if (!*plan || (*plan)->items.empty()) return ok_status();
  view.has_plan = true;
  const int weekday = weekday_of(view.day);
  view.checkin_day_today = (*plan)->checkin_day == weekday;
  auto practices = practice_.summaries(owner);
  if (!practices) return practices.error();
  const int64_t monday = monday_of(view.day);
  for (const auto& item : (*plan)->items) {
    const auto* skill = library_.find(item.skill_id);
    if (!skill) continue;
    PlannedSkill p{item.skill_id, skill->name, 0, item.times_per_week,
                   (item.days & (1u << weekday)) != 0};
    for (const auto& done : *practices)
      if (done.skill_id == item.skill_id && day_of(done.practiced_at) >= monday) ++p.done_this_week;
    // Today: what the plan names for today, and what the week still asks for.
    if (p.reminder_today || p.done_this_week < p.per_week) view.planned.push_back(p);
  }
  std::stable_sort(view.planned.begin(), view.planned.end(),
                   [](const PlannedSkill& a, const PlannedSkill& b) {
                     return a.reminder_today > b.reminder_today;
                   });
  return ok_status();
}

Result<TodayView> Today::build(const Owner& owner) {
  TodayView view;
  view.day = day_of(clock_.now());
  if (auto st = add_plan(owner, view); !st) return st.error();

  auto exercises = reconsider_.list(owner);  // newest first
  if (!exercises) return exercises.error();
  for (const auto& r : *exercises) {
    if (r.followed_up) continue;
    ++view.waiting_total;
    if (view.waiting.size() < kWaitingShown)
      view.waiting.push_back({r.public_id, r.occurred_on, r.happened});
  }

  auto checkins = checkins_.history(owner);
  if (!checkins) return checkins.error();
  const std::string this_week = date_of_day(monday_of(view.day));
  view.checkin_done_this_week =
      std::any_of(checkins->begin(), checkins->end(),
                  [&](const growth::CheckinScores& c) { return c.week_start == this_week; });

  auto history = assessments_.history(owner);
  if (!history) return history.error();
  for (const auto& h : *history) {
    const auto& r = h.result;
    if (view.latest && view.latest->completed_at >= r.completed_at) continue;
    const auto top = static_cast<size_t>(r.top);
    view.latest =
        LatestResult{r.public_id, psy::style_name(r.top),
                     static_cast<int>(std::lround(100 * r.style_probability[top])), r.completed_at};
  }

  const std::string today = date_of_day(view.day);
  auto moods = journal_.moods(owner, today, today);
  if (!moods) return moods.error();
  view.moods_today = std::move(*moods);
  return view;
}

}  // namespace sb::today
