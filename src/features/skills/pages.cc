#include "features/skills/pages.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "core/dates.h"
#include "core/numbers.h"
#include "core/safety.h"
#include "core/strings.h"

namespace sb::web {

namespace json = boost::json;

Response SkillsPages::skills_list(Ctx& ctx) {
  json::array groups;
  for (const auto& g : skills_.groups()) {
    json::array list;
    for (const auto& s : skills_.skills()) {
      if (s.group == g.id)
        list.push_back(json::object{{"id", s.id}, {"name", s.name}, {"when", s.when}});
    }
    groups.push_back(json::object{{"name", g.name}, {"skills", list}});
  }
  return render_page(ctx, "skills", {{"title", "Emotion-regulation skills"}, {"groups", groups}});
}

Response SkillsPages::skill_page(Ctx& ctx) {
  const growth::Skill* skill = skills_.find(ctx.req.params["id"]);
  if (!skill) return error_page(ctx, 404, "There is no such skill.");
  return render_skill(ctx, *skill, nullptr, 200);
}

Response SkillsPages::do_skill_log(Ctx& ctx) {
  const growth::Skill* skill = skills_.find(ctx.req.params["id"]);
  if (!skill) return error_page(ctx, 404, "There is no such skill.");
  // Not a whole number: -1, which the log refuses with a field error.
  auto number = [&](const char* field) {
    return static_cast<int>(parse_int_in(first_value(ctx.form, field), -1, 1000).value_or(-1));
  };
  auto st = practice_.log(ctx.owner(), skill->id, number("before"), number("after"),
                          first_value(ctx.form, "note"));
  if (!st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not save your practice.");
    return render_skill(ctx, *skill, &st.error(), 422);
  }
  return Response::redirect("/skills/" + skill->id + "?logged=1");
}

namespace {

// "in for 4 counts, out for 6": a pace as the guide says it.
std::string pace_words(const std::string& pace) {
  if (pace == "4-6") return "in for 4 counts, out for 6";
  if (pace == "4-4-4-4") return "in for 4, hold for 4, out for 4, hold for 4";
  return pace + " counts";
}

}  // namespace

Response SkillsPages::render_skill(Ctx& ctx, const growth::Skill& skill, const Error* error,
                                   int status) {
  json::array steps;
  for (const auto& s : skill.steps) steps.push_back(json::value(s));
  json::array ticks;
  for (int i = 0; i <= 10; ++i) ticks.push_back(i);
  // The sliders keep what was sent when the log is refused; else they start in the middle.
  auto slider = [&](const char* field) {
    return parse_int_in(first_value(ctx.form, field), 0, 10).value_or(5);
  };
  json::object view{{"title", skill.name},      {"id", skill.id},
                    {"name", skill.name},       {"when", skill.when},
                    {"steps", steps},           {"has_timer", !skill.pace.empty()},
                    {"pace", skill.pace},       {"pace_words", pace_words(skill.pace)},
                    {"ticks", ticks},           {"before", slider("before")},
                    {"after", slider("after")}, {"logged", ctx.req.query.count("logged") > 0}};
  if (error) {
    view["has_errors"] = true;
    view["error"] = error->message;
  }
  if (ctx.visitor.signed_in()) {
    auto logs = practice_.logs(ctx.owner(), skill.id);
    if (!logs) return fail(ctx, logs.error(), "We could not open your practice log just now.");
    json::array list;
    bool worrying = false;
    const int64_t today = day_of(clock_.now());
    for (const auto& l : *logs) {
      list.push_back(json::object{{"date", spoken_date(day_of(l.practiced_at), today)},
                                  {"before", l.before},
                                  {"after", l.after},
                                  {"note", l.note},
                                  {"has_note", !l.note.empty()}});
      worrying = worrying || sb::suggests_crisis(std::string_view(l.note));
    }
    view["logs"] = list;
    view["has_logs"] = !list.empty();
    // Help stands beside a worrying note whenever it is shown, as beside a journal entry.
    if (worrying) view["crisis_html"] = content_->render("crisis", {});
    const auto drops = growth::average_drop_per_skill(*logs);
    if (auto it = drops.find(skill.id); it != drops.end()) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1f", it->second);
      view["average_drop"] = buf;
    }
  }
  return render_page(ctx, "skill", std::move(view), status);
}

}  // namespace sb::web
