#include "features/today/pages.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "core/dates.h"
#include "core/strings.h"
#include "features/journal/pages.h"

namespace sb::web {

namespace json = boost::json;

namespace {

// The first words of a longer text, for a one-line reminder.
std::string first_words(const std::string& text, size_t at_most) {
  std::string line(trim(text));
  std::replace(line.begin(), line.end(), '\n', ' ');
  return shorten_utf8(line, at_most);
}

}  // namespace

Response TodayPages::today_page(Ctx& ctx) {
  auto t = today_.build(ctx.owner());
  if (!t) return fail(ctx, t.error(), "We could not gather your day just now.");
  json::array planned, waiting, moods;
  for (const auto& p : t->planned)
    planned.push_back(json::object{
        {"skill_id", p.skill_id},
        {"name", p.name},
        {"today", p.reminder_today},
        {"progress", fmt::format("{} of {} this week", p.done_this_week, p.per_week)}});
  for (const auto& w : t->waiting)
    waiting.push_back(json::object{{"id", w.public_id},
                                   {"when", spoken_date(*parse_date(w.occurred_on))},
                                   {"what", first_words(w.happened, 80)}});
  for (const auto& m : t->moods_today)
    moods.push_back(json::object{{"words", growth::mood_words(m.pleasant, m.energy)},
                                 {"value", fmt::format("{}-{}", m.pleasant, m.energy)}});
  json::object view{{"title", "Today"},
                    {"date", spoken_date(t->day)},
                    {"grid", mood_grid_view()},
                    {"mood_saved", ctx.req.query.count("mood") > 0},
                    {"welcome", ctx.req.query.count("welcome") > 0},
                    {"moods", moods},
                    {"has_moods", !moods.empty()},
                    {"has_plan", t->has_plan},
                    {"planned", planned},
                    {"has_planned", !planned.empty()},
                    {"waiting", waiting},
                    {"has_waiting", !waiting.empty()},
                    {"more_waiting", t->waiting_total > static_cast<int>(t->waiting.size())},
                    {"checkin_done", t->checkin_done_this_week},
                    {"checkin_day", t->checkin_day_today}};
  // What a therapist asked for and is waiting for (docs/CARE.md, "Requested measures").
  auto pending = care_.pending_for_client(*ctx.visitor.user_id,
                                          t->latest ? day_of(t->latest->completed_at) : -1,
                                          t->checkin_done_this_week ? monday_of(t->day) : -1);
  if (!pending) return fail(ctx, pending.error(), "We could not gather your day just now.");
  json::array asked;
  for (const auto& p : *pending)
    asked.push_back(
        json::object{{"what", p.what}, {"who", p.who}, {"href", p.href}, {"overdue", p.overdue}});
  view["asked"] = asked;
  view["has_asked"] = !asked.empty();
  if (t->latest) {
    view["latest"] = json::object{{"id", t->latest->public_id},
                                  {"style", t->latest->style},
                                  {"percent", t->latest->percent},
                                  {"when", spoken_date(day_of(t->latest->completed_at))}};
  }
  return render_page(ctx, "today", std::move(view));
}

}  // namespace sb::web
