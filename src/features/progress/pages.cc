#include "features/progress/pages.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "core/dates.h"
#include "core/numbers.h"
#include "core/safety.h"
#include "core/strings.h"

namespace sb::web {

namespace json = boost::json;

namespace {

std::string one_decimal(double v) { return fmt::format("{:.1f}", v); }

}  // namespace

Response ProgressPages::progress_page(Ctx& ctx) {
  auto d = progress_.build(ctx.owner());
  if (!d) return fail(ctx, d.error(), "We could not gather your progress just now.");
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
