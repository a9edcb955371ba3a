#include "features/checkin/pages.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "core/dates.h"
#include "core/numbers.h"
#include "core/safety.h"
#include "core/strings.h"

namespace sb::web {

namespace json = boost::json;

Response CheckinPages::checkin_page(Ctx& ctx) { return render_checkin(ctx, {}, nullptr, 200); }

Response CheckinPages::do_checkin(Ctx& ctx) {
  std::map<std::string, int> answers;
  for (const auto& area : checkin_form_.areas) {
    for (const auto& item : area.items) {
      // Left out when it is not a whole number: score_checkin names what is missing.
      if (auto v = parse_int_in(first_value(ctx.form, item.id), -1000, 1000))
        answers[item.id] = static_cast<int>(*v);
    }
  }
  auto st = checkins_.submit(ctx.owner(), answers);
  if (!st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not save your check-in.");
    return render_checkin(ctx, answers, &st.error(), 422);
  }
  return Response::redirect("/checkin?saved=1");
}

Response CheckinPages::render_checkin(Ctx& ctx, const std::map<std::string, int>& answers,
                                      const Error* error, int status) {
  json::array areas;
  for (const auto& area : checkin_form_.areas) {
    json::array items;
    for (const auto& item : area.items) {
      json::array options;
      auto given = answers.find(item.id);
      for (size_t v = 1; v <= checkin_form_.scale.size(); ++v) {
        options.push_back(json::object{
            {"value", v},
            {"label", checkin_form_.scale[v - 1]},
            {"input_id", item.id + "-" + std::to_string(v)},
            {"checked", given != answers.end() && given->second == static_cast<int>(v)}});
      }
      items.push_back(json::object{{"id", item.id}, {"text", item.text}, {"options", options}});
    }
    areas.push_back(json::object{{"name", area.name}, {"items", items}});
  }
  json::object view{
      {"title", "Weekly check-in"}, {"areas", areas}, {"saved", ctx.req.query.count("saved") > 0}};
  if (error) {
    view["has_errors"] = true;
    view["error"] = error->message;
  }
  auto history = checkins_.history(ctx.owner());
  // Without its history the page would suggest the past check-ins are gone: say it failed.
  if (!history)
    return fail(ctx, history.error(), "We could not read your past check-ins just now.");
  if (!history->empty()) {
    json::array rows;
    for (const auto& h : *history) {
      json::array scores;
      for (const auto& area : checkin_form_.areas) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%.1f", h.by_area.at(area.id));
        scores.push_back(json::object{{"area", area.name}, {"score", buf}});
      }
      // "Week of Monday 30 November: Accepting emotions 3.0 of 5, ..." with no stray punctuation.
      std::string line;
      for (const auto& sc : scores) {
        const auto& o = sc.as_object();
        line += (line.empty() ? "" : ", ") + std::string(o.at("area").as_string()) + " " +
                std::string(o.at("score").as_string()) + " of 5";
      }
      const auto monday = parse_date(h.week_start);
      rows.push_back(json::object{{"week", monday ? spoken_date(*monday) : h.week_start},
                                  {"scores", scores},
                                  {"line", line}});
    }
    view["history"] = rows;
    view["has_history"] = true;
    view["chart"] = growth::checkin_chart_svg(checkin_form_, *history);
  }
  return render_page(ctx, "checkin", std::move(view), status);
}

}  // namespace sb::web
