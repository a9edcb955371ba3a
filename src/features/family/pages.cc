#include "features/family/pages.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "core/dates.h"

namespace sb::web {

namespace json = boost::json;

namespace {

constexpr const char* kGuides[][2] = {
    {"responsive-caregiving", "Responsive caregiving"},
    {"repair", "Repair after a missed moment"},
    {"your-regulation", "Your own calm first"},
    {"ages", "Secure-base behaviour at each age"},
    {"seeking-help", "When to seek help"},
};

json::array guides() {
  json::array out;
  for (const auto& g : kGuides) out.push_back(json::object{{"slug", g[0]}, {"title", g[1]}});
  return out;
}

json::array choices(const std::vector<family::Choice>& among, const std::string& name) {
  json::array out;
  for (const auto& c : among)
    out.push_back(json::object{
        {"id", c.id}, {"words", c.words}, {"name", name}, {"field", name + "-" + c.id}});
  return out;
}

std::vector<std::string> values(const std::multimap<std::string, std::string>& form,
                                const std::string& key) {
  std::vector<std::string> out;
  auto [from, to] = form.equal_range(key);
  for (auto it = from; it != to; ++it) out.push_back(it->second);
  return out;
}

std::string words_of(const std::vector<family::Choice>& among, const std::string& id) {
  const auto* c = family::find_choice(among, id);
  return c ? c->words : id;
}

json::object entry_view(const family::LogEntry& e, int64_t today) {
  std::string did;
  for (const auto& r : e.responses)
    did += (did.empty() ? "" : ", ") + words_of(family::responses(), r);
  std::string line = words_of(family::cues(), e.cue) + " → " + did;
  if (!e.speed.empty()) line += " (" + words_of(family::speeds(), e.speed) + ")";
  line += "; then: " + words_of(family::outcomes(), e.outcome);
  return json::object{{"when", spoken_time(e.at, today)},
                      {"line", line},
                      {"by", e.by},
                      {"note", e.note},
                      {"has_note", !e.note.empty()}};
}

std::string plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string role_words(const std::string& role) {
  return role == "first" ? "first caregiver" : "invited caregiver";
}

}  // namespace

// ------------------------------------------------------------------ the family home

Response FamilyPages::family_home(Ctx& ctx) { return render_home(ctx, nullptr, 200); }

Response FamilyPages::render_home(Ctx& ctx, const Error* error, int status) {
  auto children = family_.children_of(*ctx.visitor.user_id);
  if (!children) return fail(ctx, children.error(), "We could not read your children's profiles.");
  const int64_t today = day_of(clock_.now());
  json::array rows;
  for (const auto& [c, role] : *children) {
    const auto born = parse_date(c.birth_date);
    rows.push_back(
        json::object{{"id", c.public_id},
                     {"name", c.name},
                     {"age", born ? family::age_words(family::age_in_months(*born, today)) : ""},
                     {"role", role_words(role)}});
  }
  json::object view{{"title", "Your family"},
                    {"children", rows},
                    {"has_children", !rows.empty()},
                    {"guides", guides()},
                    {"today", date_of_day(today)}};
  if (error) {
    view["error"] = error->message;
    view["error_" + error->field] = true;
  }
  return render_page(ctx, "family", std::move(view), status);
}

Response FamilyPages::do_add_child(Ctx& ctx) {
  auto id = family_.add_child(*ctx.visitor.user_id, first_value(ctx.form, "name"),
                              first_value(ctx.form, "birth_date"));
  if (!id) {
    if (id.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, id.error(), "We could not save the profile just now.");
    return render_home(ctx, &id.error(), 422);
  }
  return Response::redirect("/family/" + *id + "?added=1");
}

Response FamilyPages::do_join(Ctx& ctx) {
  auto id = family_.join(*ctx.visitor.user_id, first_value(ctx.form, "code"));
  if (!id) {
    if (id.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, id.error(), "We could not use the code just now.");
    return render_home(ctx, &id.error(), 422);
  }
  return Response::redirect("/family/" + *id + "?joined=1");
}

Response FamilyPages::guide(Ctx& ctx) {
  const std::string name = "family-" + ctx.req.params["slug"];
  const std::string* html = content_->page_html(name);
  if (!html) return error_page(ctx, 404, "There is no page at this address.");
  return render_page(ctx, "markdown", {{"title", *content_->page_title(name)}, {"html", *html}});
}

// ------------------------------------------------------------------ one child

Response FamilyPages::child_page(Ctx& ctx) { return render_child(ctx, nullptr, "", 200); }

Response FamilyPages::render_child(Ctx& ctx, const Error* error, const std::string& code,
                                   int status) {
  auto child = family_.child(child_id(ctx));
  if (!child) return fail(ctx, child.error(), "We could not read this profile.");
  auto people = family_.caregivers(child_id(ctx));
  if (!people) return fail(ctx, people.error(), "We could not read this profile.");
  const int64_t now = clock_.now(), today = day_of(now), monday = monday_of(today);
  auto week = family_.entries(child_id(ctx), monday * 86400, now + 1, *ctx.visitor.user_id);
  if (!week) return fail(ctx, week.error(), "We could not read the log.");
  json::array entries;
  for (auto it = week->rbegin(); it != week->rend(); ++it)
    entries.push_back(entry_view(*it, today));
  json::array caregivers;
  for (const auto& p : *people) {
    if (p.removed_at) continue;
    const bool me = p.user_id == *ctx.visitor.user_id;
    caregivers.push_back(
        json::object{{"email", me ? "You" : p.email},
                     {"role", role_words(p.role)},
                     {"id", p.public_id},
                     // The first caregiver may remove others; anyone else may leave.
                     {"removable", p.role != "first" && (is_first(ctx) || me)},
                     {"me", me}});
  }
  const auto born = parse_date(child->birth_date);
  const int months = born ? family::age_in_months(*born, today) : 0;
  const auto* stage = signs_.stage_for(months);
  json::object view{{"title", child->name},
                    {"child", child->public_id},
                    {"name", child->name},
                    {"age", family::age_words(months)},
                    {"born", born ? spoken_date(*born, today) : child->birth_date},
                    {"stage", stage ? stage->title : ""},
                    {"cues", choices(family::cues(), "cue")},
                    {"responses", choices(family::responses(), "response")},
                    {"speeds", choices(family::speeds(), "speed")},
                    {"outcomes", choices(family::outcomes(), "outcome")},
                    {"entries", entries},
                    {"has_entries", !entries.empty()},
                    {"caregivers", caregivers},
                    {"is_first", is_first(ctx)},
                    {"code", code},
                    {"has_code", !code.empty()},
                    {"logged", ctx.req.query.count("logged") > 0},
                    {"added", ctx.req.query.count("added") > 0},
                    {"joined", ctx.req.query.count("joined") > 0},
                    {"removed", ctx.req.query.count("removed") > 0}};
  if (error) view["error"] = error->message;
  return render_page(ctx, "family_child", std::move(view), status);
}

Response FamilyPages::do_log(Ctx& ctx) {
  family::LogEntry e;
  e.cue = first_value(ctx.form, "cue");
  e.responses = values(ctx.form, "response");
  e.speed = first_value(ctx.form, "speed");
  e.outcome = first_value(ctx.form, "outcome");
  e.note = first_value(ctx.form, "note");
  if (auto st = family_.log(child_id(ctx), *ctx.visitor.user_id, e); !st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not save the moment just now.");
    return render_child(ctx, &st.error(), "", 422);
  }
  return Response::redirect("/family/" + ctx.req.params["child"] + "?logged=1#week");
}

Response FamilyPages::do_invite(Ctx& ctx) {
  if (!is_first(ctx))
    return error_page(ctx, 403, "Only the first caregiver of this profile can invite others.");
  auto code = family_.invite(child_id(ctx), *ctx.visitor.user_id);
  if (!code) return fail(ctx, code.error(), "We could not make an invitation just now.");
  return render_child(ctx, nullptr, *code, 200);
}

Response FamilyPages::do_remove(Ctx& ctx) {
  auto people = family_.caregivers(child_id(ctx));
  if (!people) return fail(ctx, people.error(), "We could not read this profile.");
  const std::string target = ctx.req.params["caregiver"];
  for (const auto& p : *people) {
    if (p.public_id != target || p.removed_at) continue;
    const bool me = p.user_id == *ctx.visitor.user_id;
    if (!me && !is_first(ctx))
      return error_page(ctx, 403, "Only the first caregiver can remove someone else.");
    if (auto st = family_.remove_caregiver(child_id(ctx), p.user_id); !st) {
      if (st.error().code == ErrorCode::kNotFound) return error_page(ctx, 404, st.error().message);
      return fail(ctx, st.error(), "We could not change the caregivers just now.");
    }
    return Response::redirect(me ? "/family?left=1"
                                 : "/family/" + ctx.req.params["child"] + "?removed=1");
  }
  return error_page(ctx, 404, "That person is not a caregiver here.");
}

// ------------------------------------------------------------------ the weekly reflection

Response FamilyPages::reflection_page(Ctx& ctx) {
  auto child = family_.child(child_id(ctx));
  if (!child) return fail(ctx, child.error(), "We could not read this profile.");
  const int64_t today = day_of(clock_.now());
  // Any week, by its Monday; this week by default.
  int64_t monday = monday_of(today);
  if (auto asked = parse_date(first_value(ctx.req.query, "week"))) monday = monday_of(*asked);
  auto week =
      family_.entries(child_id(ctx), monday * 86400, (monday + 7) * 86400, *ctx.visitor.user_id);
  if (!week) return fail(ctx, week.error(), "We could not read the log.");
  auto after = family_.entries(child_id(ctx), (monday + 7) * 86400, (monday + 8) * 86400,
                               *ctx.visitor.user_id);
  if (!after) return fail(ctx, after.error(), "We could not read the log.");
  const auto r = family::reflect(*week, *after);
  json::array lines;
  for (const auto& l : r.lines) lines.push_back(json::object{{"line", l}});
  json::array entries;
  for (const auto& e : *week) entries.push_back(entry_view(e, today));
  return render_page(
      ctx, "family_reflection",
      {{"title", "The week with " + child->name},
       {"child", child->public_id},
       {"name", child->name},
       {"week", spoken_date(monday, today)},
       {"lines", lines},
       {"entries", entries},
       {"has_entries", !entries.empty()},
       {"previous", date_of_day(monday - 7)},
       {"next", date_of_day(monday + 7)},
       {"has_next", monday + 7 <= today},
       {"figures",
        fmt::format("In figures: {} logged; upset {}, met with comfort {}; {} "
                    "answered; missed {}, repaired {}.",
                    plural(r.entries, "moment", "moments"), r.distress, r.distress_comforted,
                    plural(r.bids_answered, "bid", "bids") + " of " + std::to_string(r.bids),
                    r.missed, r.repaired)}});
}

// ------------------------------------------------------------------ signs by age

Response FamilyPages::signs_page(Ctx& ctx) {
  auto child = family_.child(child_id(ctx));
  if (!child) return fail(ctx, child.error(), "We could not read this profile.");
  const int64_t today = day_of(clock_.now());
  const auto born = parse_date(child->birth_date);
  const int months = born ? family::age_in_months(*born, today) : 0;
  const auto* stage = signs_.stage_for(months);
  if (!stage) return error_page(ctx, 404, "There are no signs for this age.");
  auto checks = family_.checks(child_id(ctx), *ctx.visitor.user_id);
  if (!checks) return fail(ctx, checks.error(), "We could not read the checklist.");
  const auto trends = family::trends(*stage, *checks);
  json::array signs;
  bool persisting = false;
  for (size_t i = 0; i < stage->signs.size(); ++i) {
    const auto& sign = stage->signs[i];
    const auto& t = trends[i];
    json::array history;
    for (const auto& [day, answer] : t.answers) {
      const auto d = parse_date(day);
      history.push_back(json::object{{"day", d ? short_date(*d) : day},
                                     {"answer", family::answer_words(answer)},
                                     {"class", "answer-" + answer}});
    }
    json::array options;
    for (const char* a : family::kAnswers)
      options.push_back(json::object{{"value", a},
                                     {"words", family::answer_words(a)},
                                     {"field", sign.id + "-" + a},
                                     {"name", sign.id}});
    signs.push_back(json::object{{"id", sign.id},
                                 {"text", sign.text},
                                 {"options", options},
                                 {"history", history},
                                 {"has_history", !history.empty()},
                                 {"direction", t.direction},
                                 {"has_direction", !t.direction.empty()},
                                 {"persisting", t.persisting}});
    persisting = persisting || t.persisting;
  }
  int64_t last = -1;
  for (const auto& c : *checks)
    if (auto d = parse_date(c.checked_on)) last = std::max(last, *d);
  return render_page(ctx, "family_signs",
                     {{"title", "Secure-base signs: " + child->name},
                      {"child", child->public_id},
                      {"name", child->name},
                      {"age", family::age_words(months)},
                      {"stage_title", stage->title},
                      {"stage_about", stage->about},
                      {"signs", signs},
                      {"persisting", persisting},
                      {"saved", ctx.req.query.count("saved") > 0},
                      {"has_last", last >= 0},
                      {"last", last >= 0 ? spoken_date(last, today) : ""},
                      {"next", last >= 0 ? spoken_date(last + 21, today) : ""}});
}

Response FamilyPages::do_signs(Ctx& ctx) {
  auto child = family_.child(child_id(ctx));
  if (!child) return fail(ctx, child.error(), "We could not read this profile.");
  const auto born = parse_date(child->birth_date);
  const auto* stage =
      signs_.stage_for(born ? family::age_in_months(*born, day_of(clock_.now())) : 0);
  if (!stage) return error_page(ctx, 404, "There are no signs for this age.");
  std::map<std::string, std::string> answers;
  for (const auto& sign : stage->signs)
    if (auto v = first_value(ctx.form, sign.id); !v.empty()) answers[sign.id] = v;
  if (auto st = family_.check_signs(child_id(ctx), *ctx.visitor.user_id, *stage, answers); !st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not save the checklist just now.");
    return error_page(ctx, 422, st.error().message);
  }
  return Response::redirect("/family/" + ctx.req.params["child"] + "/signs?saved=1");
}

// ------------------------------------------------------------------ the child's access list

Response FamilyPages::access_page(Ctx& ctx) {
  auto child = family_.child(child_id(ctx));
  if (!child) return fail(ctx, child.error(), "We could not read this profile.");
  auto rows = access_.audit_for_group("child", child_id(ctx));
  if (!rows) return fail(ctx, rows.error(), "We could not read the access list.");
  const int64_t today = day_of(clock_.now());
  json::array list;
  for (const auto& r : *rows)
    list.push_back(json::object{{"when", spoken_time(r.at, today)},
                                {"who", r.actor_user_id == ctx.visitor.user_id ? "You"
                                        : r.actor_user_id                      ? r.actor_label
                                                          : "A former caregiver"},
                                {"as", role_words(r.actor_role)},
                                {"what", r.object}});
  return render_page(ctx, "family_access",
                     {{"title", "Who opened " + child->name + "'s profile"},
                      {"child", child->public_id},
                      {"name", child->name},
                      {"rows", list},
                      {"has_rows", !list.empty()}});
}

}  // namespace sb::web
