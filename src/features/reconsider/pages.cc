#include "features/reconsider/pages.h"

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

constexpr int kAlternativeRows = 3;

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

}  // namespace

Response ReconsiderPages::reconsider_list(Ctx& ctx) {
  auto all = reconsider_.list(ctx.owner());
  if (!all) return fail(ctx, all.error(), "We could not open your exercises just now.");
  const auto summary = growth::summarise(*all);
  json::array recurring;
  for (const auto& r : summary.recurring)
    recurring.push_back(json::object{{"interpretation", r.interpretation}, {"count", r.count}});
  json::array items;
  for (const auto& r : *all) {
    const std::string happened = shorten_utf8(r.happened, 120);
    items.push_back(json::object{{"id", r.public_id},
                                 {"occurred_on", said_date(r.occurred_on, clock_.now())},
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

Response ReconsiderPages::reconsider_new(Ctx& ctx) {
  growth::Reconsideration r;
  r.occurred_on = date_of_day(day_of(clock_.now()));
  r.first_id = "";
  return render_reconsider_form(ctx, r, nullptr, 200);
}

Response ReconsiderPages::do_reconsider_create(Ctx& ctx) {
  auto r = reconsideration_from_form(ctx.form);
  auto id = reconsider_.create(ctx.owner(), r);
  if (!id) {
    if (id.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, id.error(), "We could not save your exercise.");
    return render_reconsider_form(ctx, r, &id.error(), 422);
  }
  return Response::redirect("/reconsider/" + *id + "?saved=1");
}

Response ReconsiderPages::reconsider_show(Ctx& ctx) {
  auto r = reconsider_.get(ctx.owner(), ctx.req.params["id"]);
  if (!r) {
    return fail(ctx, r.error(), "We could not open this exercise just now.");
  }
  return render_reconsider(ctx, *r, nullptr, 200);
}

Response ReconsiderPages::reconsider_edit(Ctx& ctx) {
  auto r = reconsider_.get(ctx.owner(), ctx.req.params["id"]);
  if (!r) return fail(ctx, r.error());
  return render_reconsider_form(ctx, *r, nullptr, 200);
}

Response ReconsiderPages::do_reconsider_update(Ctx& ctx) {
  auto r = reconsideration_from_form(ctx.form);
  r.public_id = ctx.req.params["id"];
  auto st = reconsider_.update(ctx.owner(), r);
  if (!st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not save your changes.");
    return render_reconsider_form(ctx, r, &st.error(), 422);
  }
  return Response::redirect("/reconsider/" + r.public_id + "?edited=1");
}

Response ReconsiderPages::do_reconsider_follow_up(Ctx& ctx) {
  const std::string id = ctx.req.params["id"];
  const std::string how = first_value(ctx.form, "how_it_went");
  auto st = reconsider_.follow_up(ctx.owner(), id, how, first_value(ctx.form, "outcome"));
  if (!st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not save your follow-up.");
    auto r = reconsider_.get(ctx.owner(), id);
    if (!r) return fail(ctx, r.error(), "We could not open this exercise.");
    r->how_it_went = how;
    return render_reconsider(ctx, *r, &st.error(), 422);
  }
  return Response::redirect("/reconsider/" + id + "?followed=1");
}

Response ReconsiderPages::do_reconsider_delete(Ctx& ctx) {
  auto st = reconsider_.remove(ctx.owner(), ctx.req.params["id"]);
  if (!st) return fail(ctx, st.error());
  return Response::redirect("/reconsider");
}

Response ReconsiderPages::render_reconsider_form(Ctx& ctx, const growth::Reconsideration& r,
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

Response ReconsiderPages::render_reconsider(Ctx& ctx, const growth::Reconsideration& r,
                                            const Error* error, int status) {
  json::array alternatives;
  for (const auto& a : r.alternatives)
    alternatives.push_back(json::object{{"text", a.text}, {"support", a.support}});
  json::array outcomes;
  for (const char* o : growth::kOutcomes)
    outcomes.push_back(json::object{{"value", o}, {"label", outcome_label(o)}});
  json::object view{{"title", "Pause and reconsider"},
                    {"id", r.public_id},
                    {"occurred_on", said_date(r.occurred_on, clock_.now())},
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

}  // namespace sb::web
