// Pages of the attachment assessment: start, one question at a time, result, history, exports.
#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>

#include "core/dates.h"
#include "core/numbers.h"
#include "core/strings.h"
#include "features/assessment/charts.h"
#include "features/assessment/pages.h"

namespace sb::web {

namespace json = boost::json;

namespace {

int to_int(const std::string& s, int fallback) {
  return static_cast<int>(parse_int_in(s, -1'000'000, 1'000'000).value_or(fallback));
}

std::string percent(double p) {
  if (p > 0.99) return "over 99%";
  if (p < 0.01) return "under 1%";
  return fmt::format("{:.0f}%", 100 * p);
}

std::string ordinal_percentile(double p) {
  if (std::isnan(p) || p < 0) return "not available";
  const int v = static_cast<int>(std::lround(std::clamp(p, 1.0, 99.0)));
  return fmt::format("higher than about {} in 100 people", v);  // clamped: never "0" or "100"
}

// What a score means, in plain words beside the number. The bands are the scale's own: 0 is
// typical and most people lie between -2 and +2; the estimate's uncertainty is said with it.
std::string plain_words(double theta, const char* more, const char* less, const char* same) {
  if (theta >= 1) return fmt::format("Well above typical: {}.", more);
  if (theta >= 0.5) return fmt::format("Above typical: {}.", more);
  if (theta > -0.5) return fmt::format("About typical: {}.", same);
  if (theta > -1) return fmt::format("Below typical: {}.", less);
  return fmt::format("Well below typical: {}.", less);
}

std::string anxiety_words(double theta) {
  return plain_words(theta, "you worry more than most people that closeness could be lost",
                     "you worry less than most people that closeness could be lost",
                     "you worry about losing closeness about as much as most people");
}

std::string avoidance_words(double theta) {
  return plain_words(theta, "you keep more distance from others than most people do",
                     "you are more at ease with closeness and depending on others than most",
                     "you keep about as much distance from others as most people do");
}

std::string style_page(psy::Style s) {
  switch (s) {
    case psy::Style::kSecure:
      return "style-secure";
    case psy::Style::kPreoccupied:
      return "style-anxious-preoccupied";
    case psy::Style::kDismissing:
      return "style-avoidant-dismissive";
    case psy::Style::kFearful:
      return "style-fearful-avoidant";
  }
  return "style-secure";
}

// The directory, filtered for what this pattern most often brings people to therapy with.
std::string directory_link(psy::Style s) {
  switch (s) {
    case psy::Style::kSecure:
    case psy::Style::kPreoccupied:
      return "/therapists?attachment=1&concern=relationships";
    case psy::Style::kDismissing:
      return "/therapists?attachment=1&concern=attachment";
    case psy::Style::kFearful:
      return "/therapists?attachment=1&concern=trauma";
  }
  return "/therapists?attachment=1";
}

std::string change_sentence(const std::string& dimension, const psy::ReliableChange& c) {
  const std::string direction = c.difference < 0 ? "went down" : "went up";
  if (c.reliable) {
    return fmt::format(
        "Your {} score {} by {:.2f}; that is more than measurement uncertainty alone would explain "
        "(reliable change index {:.1f}), so it is likely a real change.",
        dimension, direction, std::abs(c.difference), c.rci);
  }
  return fmt::format(
      "Your {} score {} by {:.2f}; a change this size can come from measurement uncertainty alone "
      "(reliable change index {:.1f}), so it may not be a real change yet.",
      dimension, direction, std::abs(c.difference), c.rci);
}

}  // namespace

Response AssessmentPages::assessment_start_page(Ctx& ctx) {
  // Showing the page writes nothing; a visitor's session begins when they start.
  auto ids = assessments_->unfinished(ctx.owner());
  if (!ids) return fail(ctx, ids.error(), "We could not look for your unfinished assessments.");
  json::array unfinished;
  for (const auto& id : *ids) unfinished.push_back(json::object{{"id", id}});
  auto bank = assessments_->current_bank();
  if (!bank) return fail(ctx, bank.error(), "We could not load the questionnaire just now.");
  json::object view{{"title", "Your attachment assessment"},
                    {"has_unfinished", !unfinished.empty()},
                    {"unfinished", unfinished},
                    {"provisional", (*bank)->provisional()}};
  return render_page(ctx, "assessment_start", std::move(view));
}

Response AssessmentPages::do_assessment_start(Ctx& ctx) {
  if (!ensure_session(ctx))
    return fail(ctx, Error{ErrorCode::kUnavailable, "could not start a session", ""});
  const bool consent = first_value(ctx.form, "consent") == "yes";
  auto id = assessments_->start(ctx.owner(), consent);
  if (!id)
    return fail(ctx, id.error(), "We could not start the assessment just now. Please try again.");
  return Response::redirect("/assessment/" + *id);
}

Response AssessmentPages::render_question(Ctx& ctx, const assessment::Question& q,
                                          std::optional<int> selected, const std::string& error,
                                          int status) {
  json::array options;
  for (size_t i = 0; i < q.labels.size(); ++i) {
    const int value = static_cast<int>(i) + 1;
    options.push_back(json::object{{"value", value},
                                   {"label", q.labels[i]},
                                   {"input_id", fmt::format("answer-{}", value)},
                                   {"checked", selected && *selected == value},
                                   // Focus starts on the answers (the chosen one, or the
                                   // first): a keyboard answers without tabbing through the
                                   // header, and a screen reader reads the question first.
                                   {"focus", selected ? *selected == value : i == 0}});
  }
  json::object view{{"title", fmt::format("Question {}", q.position + 1)},
                    {"id", q.public_id},
                    {"position", q.position},
                    {"number", q.position + 1},
                    {"max", q.max_items},
                    {"item", q.item_id},
                    {"text", q.text},
                    {"options", options},
                    {"can_go_back", q.position > 0},
                    {"back_position", q.position - 1},
                    {"error", error},
                    {"has_error", !error.empty()}};
  return render_page(ctx, "assessment_question", std::move(view), status);
}

Response AssessmentPages::assessment_question(Ctx& ctx) {
  const std::string& id = ctx.req.params["id"];
  auto step = assessments_->current(ctx.owner(), id);
  if (!step) return fail(ctx, step.error(), "We could not load your assessment just now.");
  if (step->completed) return Response::redirect("/assessment/" + id + "/result");
  std::optional<int> was;
  if (auto it = ctx.req.query.find("was"); it != ctx.req.query.end()) was = to_int(it->second, 0);
  return render_question(ctx, *step->question, was, "", 200);
}

Response AssessmentPages::do_assessment_answer(Ctx& ctx) {
  const std::string& id = ctx.req.params["id"];
  const int position = to_int(first_value(ctx.form, "position"), -1);
  const int value = to_int(first_value(ctx.form, "answer"), 0);
  auto st = assessments_->answer(ctx.owner(), id, position, first_value(ctx.form, "item"), value);
  if (st) return Response::redirect("/assessment/" + id);
  const auto& e = st.error();
  if (e.code != ErrorCode::kInvalidArgument && e.code != ErrorCode::kConflict)
    return fail(ctx, e, "We could not save that answer just now.");
  // Show the question that is current now, with what went wrong; nothing was stored.
  auto step = assessments_->current(ctx.owner(), id);
  // Someone else's assessment (or none) is a 404 here too, whatever was wrong with the answer.
  if (!step) return fail(ctx, step.error(), "We could not load your assessment just now.");
  if (step->completed) return Response::redirect("/assessment/" + id + "/result");
  return render_question(ctx, *step->question, std::nullopt, e.message,
                         e.code == ErrorCode::kConflict ? 409 : 422);
}

Response AssessmentPages::do_assessment_back(Ctx& ctx) {
  const std::string& id = ctx.req.params["id"];
  auto was = assessments_->back(ctx.owner(), id, to_int(first_value(ctx.form, "position"), -1));
  if (!was) {
    if (was.error().code == ErrorCode::kNotFound) return fail(ctx, was.error());
    return Response::redirect("/assessment/" + id);
  }
  return Response::redirect("/assessment/" + id + "?was=" + std::to_string(*was));
}

Response AssessmentPages::assessment_result(Ctx& ctx) {
  const std::string& id = ctx.req.params["id"];
  auto r = assessments_->result(ctx.owner(), id);
  if (!r) {
    if (r.error().code == ErrorCode::kConflict) return Response::redirect("/assessment/" + id);
    return fail(ctx, r.error(), "We could not load your result just now.");
  }
  const psy::Style top = r->top, second = r->runner_up;
  const double p_top = r->style_probability[static_cast<size_t>(top)];
  const double p_second = r->style_probability[static_cast<size_t>(second)];
  const std::string* about = content_->page_html(style_page(top));
  json::array probabilities;
  for (size_t k = 0; k < 4; ++k) {
    probabilities.push_back(json::object{{"name", psy::style_name(static_cast<psy::Style>(k))},
                                         {"percent", percent(r->style_probability[k])}});
  }
  const auto bank = assessments_->bank(r->instrument_version);
  const size_t items_total = bank->instrument.items.size();
  const size_t provisional_items = bank->provisional_items();
  json::object view{
      {"title", "Your result"},
      {"id", id},
      {"style", psy::style_name(top)},
      {"style_percent", percent(p_top)},
      {"runner_up", psy::style_name(second)},
      {"runner_up_percent", percent(p_second)},
      {"between", r->between},
      {"probabilities", probabilities},
      {"anxiety_theta", fmt::format("{:+.2f}", r->anxiety.theta)},
      {"anxiety_se", fmt::format("{:.2f}", r->anxiety.se)},
      {"anxiety_percentile", ordinal_percentile(r->anxiety.percentile)},
      {"anxiety_words", anxiety_words(r->anxiety.theta)},
      {"avoidance_theta", fmt::format("{:+.2f}", r->avoidance.theta)},
      {"avoidance_se", fmt::format("{:.2f}", r->avoidance.se)},
      {"avoidance_percentile", ordinal_percentile(r->avoidance.percentile)},
      {"avoidance_words", avoidance_words(r->avoidance.theta)},
      {"items", r->items_answered},
      {"map", assessment::attachment_map_svg(*r, bank->instrument)},
      {"about", about ? *about : ""},
      {"directory_href", directory_link(top)},
      {"provisional", r->provisional},
      {"partly_calibrated", provisional_items > 0 && provisional_items < items_total},
      {"calibrated_items", items_total - provisional_items},
      {"provisional_items", provisional_items},
      {"items_total", items_total},
      {"version", r->instrument_version},
      {"date", spoken_date(day_of(r->completed_at), day_of(clock_.now()))},
  };
  return render_page(ctx, "assessment_result", std::move(view));
}

Response AssessmentPages::assessment_history(Ctx& ctx) {
  auto h = assessments_->history(ctx.owner());
  if (!h) return fail(ctx, h.error(), "We could not load your history just now.");
  json::array rows;
  for (const auto& e : *h) {
    json::object row{
        {"id", e.result.public_id},
        {"date", spoken_date(day_of(e.result.completed_at), day_of(clock_.now()))},
        {"style", psy::style_name(e.result.top)},
        {"anxiety", fmt::format("{:+.2f} ± {:.2f}", e.result.anxiety.theta, e.result.anxiety.se)},
        {"avoidance",
         fmt::format("{:+.2f} ± {:.2f}", e.result.avoidance.theta, e.result.avoidance.se)}};
    json::array changes;
    if (e.anxiety_change)
      changes.push_back(json::value(change_sentence("anxiety", *e.anxiety_change)));
    if (e.avoidance_change)
      changes.push_back(json::value(change_sentence("avoidance", *e.avoidance_change)));
    row["changes"] = changes;
    rows.push_back(row);
  }
  json::object view{{"title", "Your assessments over time"},
                    {"has_history", !h->empty()},
                    {"rows", rows},
                    {"chart", h->empty() ? "" : assessment::history_chart_svg(*h)}};
  return render_page(ctx, "assessment_history", std::move(view));
}

Response AssessmentPages::assessment_export_json(Ctx& ctx) {
  auto doc = assessments_->export_json(ctx.owner());
  if (!doc) return fail(ctx, doc.error(), "We could not prepare your export just now.");
  auto res = Response::json(*doc);
  res.set_header("Content-Disposition", "attachment; filename=\"securebase-assessments.json\"");
  return res;
}

Response AssessmentPages::assessment_export_csv(Ctx& ctx) {
  auto doc = assessments_->export_csv(ctx.owner());
  if (!doc) return fail(ctx, doc.error(), "We could not prepare your export just now.");
  Response res;
  res.body = *doc;
  res.set_header("Content-Type", "text/csv; charset=utf-8");
  res.set_header("Cache-Control", "no-store");
  res.set_header("Content-Disposition", "attachment; filename=\"securebase-assessments.csv\"");
  return res;
}

Response AssessmentPages::assessment_export_fhir(Ctx& ctx) {
  auto doc = assessments_->export_fhir(ctx.owner());
  if (!doc) return fail(ctx, doc.error(), "We could not prepare your export just now.");
  auto res = Response::json(*doc);
  res.set_header("Content-Type", "application/fhir+json");
  res.set_header("Content-Disposition",
                 "attachment; filename=\"securebase-assessments.fhir.json\"");
  return res;
}

}  // namespace sb::web
