// Pages of the self-awareness journal.
#include <algorithm>
#include <boost/json.hpp>

#include "core/dates.h"
#include "core/strings.h"
#include "growth/safety.h"
#include "web/growth_pages.h"

namespace sb::web {

namespace json = boost::json;

namespace {

constexpr int kJournalPerPage = 50;

std::string today(const Clock& clock) { return iso8601(clock.now()).substr(0, 10); }

growth::JournalEntry entry_from_form(const std::multimap<std::string, std::string>& form) {
  growth::JournalEntry e;
  e.kind = first_value(form, "kind") == "full" ? "full" : "quick";
  e.occurred_on = first_value(form, "occurred_on");
  e.situation = first_value(form, "situation");
  e.people = first_value(form, "people");
  e.body = first_value(form, "body");
  e.first_thought = first_value(form, "first_thought");
  e.urge = first_value(form, "urge");
  e.action = first_value(form, "action");
  e.my_motive = first_value(form, "my_motive");
  e.their_motive = first_value(form, "their_motive");
  for (const auto& feeling : growth::feelings()) {
    const std::string v = first_value(form, "feeling_" + feeling);
    if (v.empty()) continue;
    try {
      e.emotions[feeling] = std::stoi(v);
    } catch (const std::exception&) {
      e.emotions[feeling] = -1;  // refused by validation with a field error
    }
  }
  const std::string tags = first_value(form, "tags");  // split() returns views into it
  for (auto tag : split(tags, ',')) {
    tag = trim(tag);
    if (!tag.empty()) e.tags.emplace_back(tag);
  }
  return e;
}

json::object entry_view(const growth::JournalEntry& e) {
  json::array emotions;
  for (const auto& [k, v] : e.emotions)
    emotions.push_back(json::object{{"feeling", k}, {"intensity", v}});
  std::string tags;
  for (const auto& t : e.tags) tags += (tags.empty() ? "" : ", ") + t;
  return json::object{{"id", e.public_id},
                      {"occurred_on", e.occurred_on},
                      {"kind", e.kind},
                      {"full", e.kind == "full"},
                      {"situation", e.situation},
                      {"people", e.people},
                      {"emotions", emotions},
                      {"has_emotions", !e.emotions.empty()},
                      {"body", e.body},
                      {"first_thought", e.first_thought},
                      {"urge", e.urge},
                      {"action", e.action},
                      {"my_motive", e.my_motive},
                      {"their_motive", e.their_motive},
                      {"tags", tags}};
}

}  // namespace

Response GrowthPages::render_checkin(Ctx& ctx, const std::map<std::string, int>& answers,
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
  if (history && !history->empty()) {
    json::array rows;
    for (const auto& h : *history) {
      json::array scores;
      for (const auto& area : checkin_form_.areas) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%.1f", h.by_area.at(area.id));
        scores.push_back(json::object{{"area", area.name}, {"score", buf}});
      }
      rows.push_back(json::object{{"week", h.week_start}, {"scores", scores}});
    }
    view["history"] = rows;
    view["has_history"] = true;
    view["chart"] = growth::checkin_chart_svg(checkin_form_, *history);
  }
  return render_page(ctx, "checkin", std::move(view), status);
}

Response GrowthPages::checkin_page(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  return render_checkin(ctx, {}, nullptr, 200);
}

Response GrowthPages::do_checkin(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  std::map<std::string, int> answers;
  for (const auto& area : checkin_form_.areas) {
    for (const auto& item : area.items) {
      try {
        answers[item.id] = std::stoi(first_value(ctx.form, item.id));
      } catch (const std::exception&) {
        // left out: score_checkin names it
      }
    }
  }
  auto st = checkins_.submit(ctx.owner(), answers);
  if (!st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return error_page(ctx, 503, "We could not save your check-in.");
    return render_checkin(ctx, answers, &st.error(), 422);
  }
  return Response::redirect("/checkin?saved=1");
}

Response GrowthPages::skills_list(Ctx& ctx) {
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

Response GrowthPages::render_skill(Ctx& ctx, const growth::Skill& skill, const Error* error,
                                   int status) {
  json::array steps;
  for (const auto& s : skill.steps) steps.push_back(json::value(s));
  json::object view{{"title", skill.name}, {"id", skill.id},
                    {"name", skill.name},  {"when", skill.when},
                    {"steps", steps},      {"has_timer", !skill.pace.empty()},
                    {"pace", skill.pace},  {"logged", ctx.req.query.count("logged") > 0}};
  if (error) {
    view["has_errors"] = true;
    view["error"] = error->message;
  }
  if (ctx.visitor.signed_in()) {
    auto logs = practice_.logs(ctx.owner(), skill.id);
    if (!logs)
      return error_page(ctx, 503, "We could not open your practice log: " + logs.error().message);
    json::array list;
    bool worrying = false;
    for (const auto& l : *logs) {
      list.push_back(json::object{{"date", iso8601(l.practiced_at).substr(0, 10)},
                                  {"before", l.before},
                                  {"after", l.after},
                                  {"note", l.note}});
      worrying = worrying || growth::suggests_crisis(std::string_view(l.note));
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

Response GrowthPages::skill_page(Ctx& ctx) {
  const growth::Skill* skill = skills_.find(ctx.req.params["id"]);
  if (!skill) return error_page(ctx, 404, "There is no such skill.");
  return render_skill(ctx, *skill, nullptr, 200);
}

Response GrowthPages::do_skill_log(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  const growth::Skill* skill = skills_.find(ctx.req.params["id"]);
  if (!skill) return error_page(ctx, 404, "There is no such skill.");
  auto number = [&](const char* field) {
    try {
      return std::stoi(first_value(ctx.form, field));
    } catch (const std::exception&) {
      return -1;
    }
  };
  auto st = practice_.log(ctx.owner(), skill->id, number("before"), number("after"),
                          first_value(ctx.form, "note"));
  if (!st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return error_page(ctx, 503, "We could not save your practice.");
    return render_skill(ctx, *skill, &st.error(), 422);
  }
  return Response::redirect("/skills/" + skill->id + "?logged=1");
}

Response GrowthPages::render_journal_form(Ctx& ctx, const growth::JournalEntry& e,
                                          const Error* error, int status) {
  json::object view = entry_view(e);
  json::array feelings;
  for (const auto& f : growth::feelings()) {
    auto it = e.emotions.find(f);
    feelings.push_back(json::object{
        {"name", f},
        {"field", "feeling_" + f},
        {"value", it == e.emotions.end() ? std::string() : std::to_string(it->second)}});
  }
  view["feelings"] = feelings;
  view["title"] = e.public_id.empty() ? "New journal entry" : "Edit journal entry";
  view["action"] = e.public_id.empty() ? "/journal" : "/journal/" + e.public_id;
  view["editing"] = !e.public_id.empty();
  if (error) {
    view["has_errors"] = true;
    view["error"] = error->message;
  }
  return render_page(ctx, "journal_form", std::move(view), status);
}

Response GrowthPages::journal_list(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  auto q = ctx.req.query.find("q");
  const std::string query = q == ctx.req.query.end() ? "" : q->second;
  auto on = ctx.req.query.find("on");
  const std::string day = on != ctx.req.query.end() && parse_date(on->second) ? on->second : "";
  // One day (from the calendar) is read by date, a search reads everything it searches, and
  // the plain list reads one page: five years of entries on one page would not be calm.
  int page = 0;
  if (auto p = ctx.req.query.find("page"); p != ctx.req.query.end()) {
    try {
      page = std::clamp(std::stoi(p->second) - 1, 0, 100000);
    } catch (const std::exception&) {
      page = 0;
    }
  }
  bool more = false;
  Result<std::vector<growth::JournalEntry>> entries = std::vector<growth::JournalEntry>();
  if (!day.empty()) {
    entries = journal_.between(ctx.owner(), day, day);
  } else if (!query.empty()) {
    entries = journal_.list(ctx.owner(), query);
  } else {
    auto one_page = journal_.page(ctx.owner(), page, kJournalPerPage);
    if (!one_page) {
      entries = one_page.error();
    } else {
      more = one_page->more;
      entries = std::move(one_page->entries);
    }
  }
  if (!entries)
    return error_page(ctx, 503, "We could not open your journal: " + entries.error().message);
  json::array list;
  for (const auto& e : *entries) list.push_back(entry_view(e));
  const bool paging = day.empty() && query.empty();
  return render_page(ctx, "journal_list",
                     {{"title", "Your journal"},
                      {"entries", list},
                      {"has_entries", !list.empty()},
                      {"query", query},
                      {"searching", !query.empty()},
                      {"has_on", !day.empty()},
                      {"on", day},
                      {"pager", paging && (more || page > 0)},
                      {"older", paging && more},
                      {"older_page", page + 2},
                      {"newer", paging && page > 0},
                      {"newer_page", page}});
}

Response GrowthPages::journal_new(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  growth::JournalEntry e;
  auto kind = ctx.req.query.find("kind");
  e.kind = kind != ctx.req.query.end() && kind->second == "full" ? "full" : "quick";
  e.occurred_on = today(clock_);
  return render_journal_form(ctx, e, nullptr, 200);
}

Response GrowthPages::do_journal_create(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  auto e = entry_from_form(ctx.form);
  auto id = journal_.create(ctx.owner(), e);
  if (!id) {
    if (id.error().code != ErrorCode::kInvalidArgument)
      return error_page(ctx, 503, "We could not save your entry.");
    return render_journal_form(ctx, e, &id.error(), 422);
  }
  return Response::redirect("/journal/" + *id + "?saved=1");
}

Response GrowthPages::journal_show(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  auto e = journal_.get(ctx.owner(), ctx.req.params["id"]);
  if (!e) {
    if (e.error().code == ErrorCode::kNotFound)
      return error_page(ctx, 404, "There is no such entry.");
    return error_page(ctx, 503, "We could not open this entry: " + e.error().message);
  }
  json::object view = entry_view(*e);
  view["title"] = "Journal entry";
  view["saved"] = ctx.req.query.count("saved") > 0;
  if (growth::suggests_crisis(*e)) view["crisis_html"] = content_->render("crisis", {});
  return render_page(ctx, "journal_entry", std::move(view));
}

Response GrowthPages::journal_edit(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  auto e = journal_.get(ctx.owner(), ctx.req.params["id"]);
  if (!e)
    return error_page(ctx, e.error().code == ErrorCode::kNotFound ? 404 : 503,
                      "There is no such entry.");
  return render_journal_form(ctx, *e, nullptr, 200);
}

Response GrowthPages::do_journal_update(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  auto e = entry_from_form(ctx.form);
  e.public_id = ctx.req.params["id"];
  auto st = journal_.update(ctx.owner(), e);
  if (!st) {
    if (st.error().code == ErrorCode::kNotFound)
      return error_page(ctx, 404, "There is no such entry.");
    if (st.error().code != ErrorCode::kInvalidArgument)
      return error_page(ctx, 503, "We could not save your entry.");
    return render_journal_form(ctx, e, &st.error(), 422);
  }
  return Response::redirect("/journal/" + e.public_id + "?saved=1");
}

Response GrowthPages::do_journal_delete(Ctx& ctx) {
  if (!ctx.visitor.signed_in()) return require_sign_in(ctx);
  auto st = journal_.remove(ctx.owner(), ctx.req.params["id"]);
  if (!st)
    return error_page(ctx, st.error().code == ErrorCode::kNotFound ? 404 : 503,
                      "There is no such entry.");
  return Response::redirect("/journal");
}

}  // namespace sb::web
