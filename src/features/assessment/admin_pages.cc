// Administrators' pages of the questionnaire: answers collected against the recalibration rule,
// calibrations running in the background, a calibration's report beside the current version,
// and publishing it as the next version.
#include <fmt/format.h>

#include <boost/json.hpp>

#include "core/dates.h"
#include "core/numbers.h"
#include "features/assessment/pages.h"

namespace sb::web {
namespace {

namespace json = boost::json;

constexpr const char* kBase = "/admin/questionnaire";

std::string calibration_href(int64_t id) {
  return std::string(kBase) + "/calibrations/" + std::to_string(id);
}

std::string status_words(const store::CalibrationRecord& c) {
  if (c.status == "queued") return "Waiting for a server to start it";
  if (c.status == "running") return fmt::format("Running: {} ({}%)", c.stage, c.progress);
  if (c.status == "done") return "Finished: ready to review";
  if (c.status == "published") return "Published as version " + c.published_version;
  return "Did not finish";
}

std::string number(const json::value& v, const char* format = "{:.2f}") {
  return fmt::format(fmt::runtime(format), v.to_number<double>());
}

// "1.20", or "1.20 (facet 0.80)" for an item that also loads on its facet's own trait.
std::string slopes(const json::object& item, const char* which, const char* specific) {
  std::string out = number(item.at(which).at("a"));
  if (const auto* s = item.if_contains(specific)) out += " (facet " + number(*s) + ")";
  return out;
}

// "-1.92 to 2.35": the item's lowest and highest threshold.
std::string threshold_range(const json::value& item) {
  const auto& b = item.at("b").as_array();
  if (b.empty()) return "";
  return number(b.front()) + " to " + number(b.back());
}

json::object dimension_view(const json::object& d) {
  json::array information;
  const auto& thetas = d.at("thetas").as_array();
  for (size_t i = 0; i < thetas.size(); ++i) {
    information.push_back(
        json::object{{"theta", number(thetas[i], "{:+.0f}")},
                     {"current", number(d.at("information_current").as_array()[i], "{:.1f}")},
                     {"proposed", number(d.at("information_proposed").as_array()[i], "{:.1f}")}});
  }
  json::object view{
      {"name", d.at("name")},
      {"items_recalibrated", d.at("items_recalibrated")},
      {"link", fmt::format("θ current = {:.3f} × θ new {:+.3f}", d.at("link_A").to_number<double>(),
                           d.at("link_B").to_number<double>())},
      {"reliability_current", number(d.at("reliability_current"))},
      {"reliability_proposed", number(d.at("reliability_proposed"))},
      {"information", information},
      {"complete_sets", d.at("complete_sets")},
      {"has_fit", d.contains("fit")}};
  view["has_facets"] = d.contains("facets");
  if (const auto* facets = d.if_contains("facets")) {
    const auto& f = facets->as_object();
    const double one = f.at("bic_one_trait").to_number<double>();
    const double bi = f.at("bic_bifactor").to_number<double>();
    view["facets"] = json::object{
        {"count", f.at("facets")},
        {"favoured", bi < one ? "the bifactor model: items of a facet share more than the "
                                "scale explains, and one trait overstates the score's precision"
                              : "one trait: the facets add nothing the scale does not explain"},
        {"bic_one_trait", number(f.at("bic_one_trait"), "{:.1f}")},
        {"bic_bifactor", number(f.at("bic_bifactor"), "{:.1f}")},
        // Reports written before versions could carry a bifactor model have no "adopted".
        {"adopted", f.contains("adopted") && f.at("adopted").as_bool()}};
  }
  if (const auto* fit = d.if_contains("fit")) {
    const auto& f = fit->as_object();
    view["fit"] = json::object{
        {"m2", fmt::format("{:.1f} on {} df (p = {:.3f})", f.at("m2").to_number<double>(),
                           f.at("df").to_number<int>(), f.at("p").to_number<double>())},
        {"rmsea", number(f.at("rmsea"), "{:.3f}")},
        {"srmsr", number(f.at("srmsr"), "{:.3f}")},
        {"cfi", number(f.at("cfi"), "{:.3f}")},
        {"tli", number(f.at("tli"), "{:.3f}")}};
  }
  return view;
}

json::object report_view(const std::string& report_json) {
  boost::system::error_code ec;
  auto parsed = json::parse(report_json, ec);
  if (ec || !parsed.is_object()) return {};
  const auto& r = parsed.as_object();
  json::array dimensions, items;
  for (const auto& d : r.at("dimensions").as_array())
    dimensions.push_back(dimension_view(d.as_object()));
  for (const auto& v : r.at("items").as_array()) {
    const auto& i = v.as_object();
    json::object row{{"id", i.at("id")},
                     {"answers", i.at("answers")},
                     {"recalibrated", i.at("recalibrated")},
                     {"slope_current", slopes(i, "current", "specific_current")},
                     {"slope_proposed", slopes(i, "proposed", "specific_proposed")},
                     {"thresholds_current", threshold_range(i.at("current"))},
                     {"thresholds_proposed", threshold_range(i.at("proposed"))},
                     {"item_fit", false}};
    if (const auto* fit = i.if_contains("fit")) {
      row["item_fit"] = json::object{
          {"statistic", fmt::format("S-X² {:.1f} on {} df,", fit->at("sx2").to_number<double>(),
                                    fit->at("df").to_number<int>())},
          {"p", fmt::format("p = {:.3f}", fit->at("p").to_number<double>())}};
    }
    items.push_back(std::move(row));
  }
  return {{"response_sets", r.at("response_sets")},
          {"correlation_current", number(r.at("correlation_current"))},
          {"correlation_proposed", number(r.at("correlation_proposed"))},
          {"converged", r.at("converged")},
          {"dimensions", dimensions},
          {"items", items}};
}

}  // namespace

Response AssessmentPages::admin_questionnaire(Ctx& ctx) {
  auto status = recalibrations_->status();
  if (!status) return fail(ctx, status.error(), "We could not count the answers just now.");
  json::array items, recent, versions;
  for (const auto& i : status->items) {
    items.push_back(json::object{{"id", i.id},
                                 {"dimension", i.dimension},
                                 {"text", i.text},
                                 {"answers", i.readiness.answers},
                                 {"fewest", i.readiness.fewest_in_a_category},
                                 {"ready", i.readiness.ready}});
  }
  bool active = false;
  for (const auto& c : status->recent) {
    active = active || c.status == "queued" || c.status == "running";
    recent.push_back(
        json::object{{"href", calibration_href(c.id)},
                     {"number", c.id},
                     {"requested", spoken_date(day_of(c.requested_at), day_of(clock_.now()))},
                     {"status", status_words(c)},
                     {"running", c.status == "running" || c.status == "queued"},
                     {"progress", c.progress}});
  }
  for (const auto& v : status->versions) {
    versions.push_back(
        json::object{{"version", v.version},
                     {"published", spoken_date(day_of(v.published_at), day_of(clock_.now()))},
                     {"calibrated_here", v.calibration_id.has_value()},
                     {"href", v.calibration_id ? calibration_href(*v.calibration_id) : ""}});
  }
  const auto& rule = status->rule;
  json::object view{
      {"title", "Questionnaire and recalibration"},
      {"version", status->current_version},
      {"provisional", status->current_provisional},
      {"response_sets", status->response_sets},
      {"rule_answers", rule.min_answers},
      {"rule_per_category", rule.min_per_category},
      {"rule_items", rule.min_items_per_dimension},
      {"ready_items", status->ready_items},
      {"item_count", status->items.size()},
      {"items", items},
      {"can_start", status->can_start.ok() && !active},
      {"why_not", status->can_start.ok() ? std::string() : status->can_start.error().message},
      {"active", active},
      {"has_recent", !recent.empty()},
      {"recent", recent},
      {"has_versions", !versions.empty()},
      {"versions", versions}};
  const std::string done = first_value(ctx.req.query, "done");
  if (done == "started") view["notice"] = "The calibration is queued; a server starts it shortly.";
  return render_page(ctx, "admin_questionnaire", std::move(view));
}

Response AssessmentPages::do_start_calibration(Ctx& ctx) {
  auto id = recalibrations_->start();
  if (!id) {
    if (id.error().code == ErrorCode::kConflict) return error_page(ctx, 409, id.error().message);
    return fail(ctx, id.error(), "We could not queue the calibration just now.");
  }
  return Response::redirect(std::string(kBase) + "?done=started");
}

Response AssessmentPages::admin_calibration(Ctx& ctx) {
  auto id = parse_int_in(ctx.req.params["calibration"], 1, INT64_MAX);
  if (!id) return error_page(ctx, 404, "There is no such calibration.");
  auto c = recalibrations_->find(*id);
  if (!c) return fail(ctx, c.error(), "We could not open the calibration just now.");
  json::object view{{"title", fmt::format("Calibration {}", c->id)},
                    {"number", c->id},
                    {"base_version", c->base_version},
                    {"status", status_words(*c)},
                    {"running", c->status == "running" || c->status == "queued"},
                    {"progress", c->progress},
                    {"failed", c->status == "failed"},
                    {"error", c->error},
                    {"has_report", !c->report_json.empty()},
                    {"can_publish", c->status == "done"},
                    {"next_version", assessment::next_version(c->base_version, c->id)},
                    {"self", calibration_href(c->id)},
                    {"action", calibration_href(c->id) + "/publish"}};
  if (!c->report_json.empty()) view["report"] = report_view(c->report_json);
  const std::string done = first_value(ctx.req.query, "done");
  if (done == "published")
    view["notice"] = "Published: new assessments use version " + c->published_version + ".";
  return render_page(ctx, "admin_calibration", std::move(view));
}

Response AssessmentPages::do_publish_calibration(Ctx& ctx) {
  auto id = parse_int_in(ctx.req.params["calibration"], 1, INT64_MAX);
  if (!id) return error_page(ctx, 404, "There is no such calibration.");
  auto version = recalibrations_->publish(*id);
  if (!version) {
    if (version.error().code == ErrorCode::kConflict)
      return error_page(ctx, 409, version.error().message);
    return fail(ctx, version.error(), "We could not publish the calibration just now.");
  }
  return Response::redirect(calibration_href(*id) + "?done=published");
}

}  // namespace sb::web
