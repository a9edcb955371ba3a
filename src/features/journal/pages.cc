#include "features/journal/pages.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <set>

#include <algorithm>
#include <boost/json.hpp>

#include "core/dates.h"
#include "core/numbers.h"
#include "core/safety.h"
#include "core/strings.h"

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
  e.shared = !first_value(form, "shared").empty();
  std::set<std::string> named;
  for (const auto& [k, v] : form)
    if (k == "named") named.insert(v);
  for (const auto& feeling : growth::feelings()) {
    const std::string v = first_value(form, "feeling_" + feeling);
    if (v.empty()) {
      // A chip without a number: the feeling is named, its strength not given.
      if (named.count(feeling)) e.named.push_back(feeling);
      continue;
    }
    // Anything but a whole number is refused by validation with a field error.
    e.emotions[feeling] = static_cast<int>(parse_int_in(v, -1, 1000).value_or(-1));
  }
  // A chip names a feeling from the list; anything else is refused by validation.
  for (const auto& n : named)
    if (std::find(growth::feelings().begin(), growth::feelings().end(), n) ==
        growth::feelings().end())
      e.named.push_back(n);
  const std::string tags = first_value(form, "tags");  // split() returns views into it
  for (auto tag : split(tags, ',')) {
    tag = trim(tag);
    if (!tag.empty()) e.tags.emplace_back(tag);
  }
  return e;
}

json::object entry_view(const growth::JournalEntry& e) {
  json::array emotions, fields, tag_links;
  for (const auto& [k, v] : e.emotions)
    emotions.push_back(json::object{{"feeling", k}, {"intensity", v}, {"rated", true}});
  for (const auto& k : e.named) emotions.push_back(json::object{{"feeling", k}, {"rated", false}});
  std::string tags;
  for (const auto& t : e.tags) {
    tags += (tags.empty() ? "" : ", ") + t;
    tag_links.push_back(json::object{{"tag", t}, {"href", "/journal?q=" + url_encode(t)}});
  }
  // Only what was written: an entry shows no heading over an empty field.
  auto field = [&](const char* label, const std::string& text) {
    if (!trim(text).empty()) fields.push_back(json::object{{"label", label}, {"text", text}});
  };
  field("What happened", e.situation);
  field("Who was involved", e.people);
  field("In my body", e.body);
  field("First thought", e.first_thought);
  field("Urge", e.urge);
  field("What I did", e.action);
  field("What drove me", e.my_motive);
  field("What might have driven them", e.their_motive);
  const auto day = parse_date(e.occurred_on);
  json::object view{{"id", e.public_id},
                    {"occurred_on", e.occurred_on},
                    {"date_spoken", day ? spoken_date(*day) : e.occurred_on},
                    {"kind", e.kind},
                    {"full", e.kind == "full"},
                    {"situation", e.situation},
                    {"has_situation", !trim(e.situation).empty()},
                    {"people", e.people},
                    {"emotions", emotions},
                    {"has_emotions", !emotions.empty()},
                    {"fields", fields},
                    {"body", e.body},
                    {"first_thought", e.first_thought},
                    {"urge", e.urge},
                    {"action", e.action},
                    {"my_motive", e.my_motive},
                    {"their_motive", e.their_motive},
                    {"tags", tags},
                    {"tag_links", tag_links},
                    {"has_tags", !tag_links.empty()},
                    {"shared", e.shared}};
  if (e.has_mood()) {
    view["mood"] = growth::mood_words(e.pleasant, e.energy);
    view["mood_value"] = fmt::format("{}-{}", e.pleasant, e.energy);
  }
  return view;
}

std::string month_name(const std::string& yyyy_mm) {
  return std::string(kMonthNames[std::stoi(yyyy_mm.substr(5, 2)) - 1]) + " " + yyyy_mm.substr(0, 4);
}

std::string shift_month(const std::string& yyyy_mm, int by) {
  int y = std::stoi(yyyy_mm.substr(0, 4)), m = std::stoi(yyyy_mm.substr(5, 2)) - 1 + by;
  y += m >= 0 ? m / 12 : (m - 11) / 12;
  m = ((m % 12) + 12) % 12;
  return fmt::format("{:04d}-{:02d}", y, m + 1);
}

// A day's mood: the mean of its checks, rounded to a square of the grid.
using DayMoods = std::map<int64_t, std::pair<int, int>>;

DayMoods moods_by_day(const std::vector<growth::MoodCheck>& checks) {
  std::map<int64_t, std::array<int, 3>> sums;  // pleasant, energy, count
  for (const auto& m : checks) {
    auto& s = sums[*parse_date(m.occurred_on)];
    s[0] += m.pleasant;
    s[1] += m.energy;
    ++s[2];
  }
  DayMoods out;
  for (const auto& [day, s] : sums)
    out[day] = {static_cast<int>(std::lround(static_cast<double>(s[0]) / s[2])),
                static_cast<int>(std::lround(static_cast<double>(s[1]) / s[2]))};
  return out;
}

// A year of moods: a column a week, a row a weekday (Monday on top), each day coloured by its
// mood; days without a check are outlined. Drawn here, like every chart, as SVG.
std::string mood_year_svg(int year, const DayMoods& moods) {
  constexpr int kPitch = 13, kCell = 11, kLeft = 30, kTop = 18;
  const int64_t first = days_from_civil(year, 1, 1), last = days_from_civil(year, 12, 31);
  const int64_t first_monday = monday_of(first);
  const int64_t weeks = (last - first_monday) / 7 + 1;
  const int width = kLeft + static_cast<int>(weeks) * kPitch, height = kTop + 7 * kPitch;
  std::map<std::pair<int, int>, int> most;  // how often each square was a day's mood
  for (const auto& [day, m] : moods)
    if (day >= first && day <= last) ++most[m];
  std::string summary = fmt::format("Moods in {}: no mood checks yet.", year);
  if (!most.empty()) {
    const auto top = std::max_element(
        most.begin(), most.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    int days = 0;
    for (const auto& [square, n] : most) days += n;
    summary = fmt::format("Moods in {}: {} {} with a mood check, most often {}.", year, days,
                          days == 1 ? "day" : "days",
                          growth::mood_words(top->first.first, top->first.second));
  }
  std::string svg = fmt::format(
      R"(<svg class="mood-year" viewBox="0 0 {} {}" role="img" aria-labelledby="mood-year-title" xmlns="http://www.w3.org/2000/svg"><title id="mood-year-title">{}</title>)",
      width, height, escape_html(summary));
  for (int month = 1; month <= 12; ++month) {
    const int64_t day = days_from_civil(year, static_cast<unsigned>(month), 1);
    svg += fmt::format(R"(<text x="{}" y="12" class="axis-label">{}</text>)",
                       kLeft + (day - first_monday) / 7 * kPitch,
                       std::string(kMonthNames[month - 1]).substr(0, 3));
  }
  for (int row : {0, 2, 4})
    svg +=
        fmt::format(R"(<text x="0" y="{}" class="axis-label">{}</text>)",
                    kTop + row * kPitch + kCell - 1, std::string(kWeekdayNames[row]).substr(0, 3));
  for (int64_t day = first; day <= last; ++day) {
    const int64_t x = kLeft + (day - first_monday) / 7 * kPitch;
    const int64_t y = kTop + weekday_of(day) * kPitch;
    const auto m = moods.find(day);
    if (m == moods.end()) {
      svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" rx="2" class="no-mood"/>)",
                         x, y, kCell, kCell);
    } else {
      const auto [p, e] = m->second;
      svg += fmt::format(
          R"(<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{}"><title>{}: {}</title></rect>)",
          x, y, kCell, kCell, growth::mood_colour(p, e), date_of_day(day),
          growth::mood_words(p, e));
    }
  }
  return svg + "</svg>";
}

json::array month_grid_view(int64_t first, int64_t next_first, int64_t today,
                            const std::map<int64_t, int>& per_day, const DayMoods& moods) {
  json::array weeks;
  for (int64_t monday = monday_of(first); monday < next_first; monday += 7) {
    json::array days;
    for (int64_t day = monday; day < monday + 7; ++day) {
      json::object cell{{"in_month", day >= first && day < next_first}, {"today", day == today}};
      if (day >= first && day < next_first) {
        auto found = per_day.find(day);
        const int count = found == per_day.end() ? 0 : found->second;
        cell["day"] = day - first + 1;
        cell["date"] = date_of_day(day);
        if (count) cell["count"] = count;
        cell["entries_word"] = count == 1 ? "entry" : "entries";
        if (auto m = moods.find(day); m != moods.end()) {
          cell["mood"] = fmt::format("{}-{}", m->second.first, m->second.second);
          cell["mood_words"] = growth::mood_words(m->second.first, m->second.second);
        }
      }
      days.push_back(cell);
    }
    weeks.push_back(json::object{{"days", days}});
  }
  return weeks;
}

// The grid's answer, "pleasant-energy" such as "4-2".
std::optional<std::pair<int, int>> parse_mood(const std::string& v) {
  if (v.size() != 3 || v[1] != '-') return std::nullopt;
  const int p = v[0] - '0', e = v[2] - '0';
  if (p < 1 || p > growth::kMoodSteps || e < 1 || e > growth::kMoodSteps) return std::nullopt;
  return std::pair{p, e};
}

}  // namespace

json::array mood_grid_view() {
  // Rows from energised (top) to calm, columns from unpleasant to pleasant.
  json::array rows;
  for (int e = growth::kMoodSteps; e >= 1; --e) {
    json::array cells;
    for (int p = 1; p <= growth::kMoodSteps; ++p)
      cells.push_back(json::object{{"value", std::to_string(p) + "-" + std::to_string(e)},
                                   {"words", growth::mood_words(p, e)}});
    rows.push_back(json::object{{"cells", cells}});
  }
  return rows;
}

Response JournalPages::do_mood_create(Ctx& ctx) {
  const auto mood = parse_mood(first_value(ctx.form, "mood"));
  if (!mood) return error_page(ctx, 422, "Choose one square of the mood grid.");
  growth::JournalEntry e;
  e.occurred_on = today(clock_);
  e.pleasant = mood->first;
  e.energy = mood->second;
  auto id = journal_.create(ctx.owner(), e);
  if (!id) return fail(ctx, id.error(), "We could not save your mood just now.");
  return Response::redirect("/mood/" + *id);
}

Response JournalPages::mood_details(Ctx& ctx) {
  auto e = journal_.get(ctx.owner(), ctx.req.params["id"]);
  if (!e) return fail(ctx, e.error());
  if (!e->has_mood()) return error_page(ctx, 404, "There is no such mood check.");
  json::array chips;
  for (const auto& f : growth::feelings()) {
    const bool chosen = std::find(e->named.begin(), e->named.end(), f) != e->named.end();
    chips.push_back(json::object{{"name", f}, {"chosen", chosen}});
  }
  return render_page(ctx, "mood_details",
                     {{"title", "Mood saved"},
                      {"id", e->public_id},
                      {"words", growth::mood_words(e->pleasant, e->energy)},
                      {"value", std::to_string(e->pleasant) + "-" + std::to_string(e->energy)},
                      {"chips", chips},
                      {"note", e->situation}});
}

Response JournalPages::do_mood_details(Ctx& ctx) {
  auto e = journal_.get(ctx.owner(), ctx.req.params["id"]);
  if (!e) return fail(ctx, e.error());
  if (!e->has_mood()) return error_page(ctx, 404, "There is no such mood check.");
  e->named.clear();
  for (const auto& [k, v] : ctx.form)
    if (k == "feeling") e->named.push_back(v);
  e->situation = first_value(ctx.form, "note");
  if (auto st = journal_.update(ctx.owner(), *e); !st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not save your mood just now.");
    return error_page(ctx, 422, st.error().message);
  }
  return Response::redirect("/today?mood=saved");
}

Response JournalPages::journal_list(Ctx& ctx) {
  auto q = ctx.req.query.find("q");
  const std::string query = q == ctx.req.query.end() ? "" : q->second;
  auto on = ctx.req.query.find("on");
  const std::string day = on != ctx.req.query.end() && parse_date(on->second) ? on->second : "";
  // One day (from the calendar) is read by date, a search reads everything it searches, and
  // the plain list reads one page: five years of entries on one page would not be calm.
  int page = 0;
  if (auto p = ctx.req.query.find("page"); p != ctx.req.query.end()) {
    // Anything but a page number shows the first page.
    page = static_cast<int>(parse_int_in(p->second, 1, 100001).value_or(1) - 1);
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
  if (!entries) return fail(ctx, entries.error(), "We could not open your journal just now.");
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

Response JournalPages::journal_new(Ctx& ctx) {
  growth::JournalEntry e;
  auto kind = ctx.req.query.find("kind");
  e.kind = kind != ctx.req.query.end() && kind->second == "full" ? "full" : "quick";
  e.occurred_on = today(clock_);
  return render_journal_form(ctx, e, nullptr, 200);
}

Response JournalPages::do_journal_create(Ctx& ctx) {
  auto e = entry_from_form(ctx.form);
  auto id = journal_.create(ctx.owner(), e);
  if (!id) {
    if (id.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, id.error(), "We could not save your entry.");
    return render_journal_form(ctx, e, &id.error(), 422);
  }
  return Response::redirect("/journal/" + *id + "?saved=1");
}

Response JournalPages::journal_show(Ctx& ctx) {
  auto e = journal_.get(ctx.owner(), ctx.req.params["id"]);
  if (!e) {
    return fail(ctx, e.error(), "We could not open this entry just now.");
  }
  json::object view = entry_view(*e);
  view["title"] = "Journal entry";
  view["saved"] = ctx.req.query.count("saved") > 0;
  if (growth::suggests_crisis(*e)) view["crisis_html"] = content_->render("crisis", {});
  return render_page(ctx, "journal_entry", std::move(view));
}

Response JournalPages::journal_edit(Ctx& ctx) {
  auto e = journal_.get(ctx.owner(), ctx.req.params["id"]);
  if (!e) return fail(ctx, e.error());
  return render_journal_form(ctx, *e, nullptr, 200);
}

Response JournalPages::do_journal_update(Ctx& ctx) {
  auto e = entry_from_form(ctx.form);
  e.public_id = ctx.req.params["id"];
  auto st = journal_.update(ctx.owner(), e);
  if (!st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not save your entry.");
    return render_journal_form(ctx, e, &st.error(), 422);
  }
  return Response::redirect("/journal/" + e.public_id + "?saved=1");
}

Response JournalPages::do_journal_delete(Ctx& ctx) {
  auto st = journal_.remove(ctx.owner(), ctx.req.params["id"]);
  if (!st) return fail(ctx, st.error());
  return Response::redirect("/journal");
}

Response JournalPages::render_journal_form(Ctx& ctx, const growth::JournalEntry& e,
                                           const Error* error, int status) {
  json::object view = entry_view(e);
  json::array feelings;
  for (const auto& f : growth::feelings()) {
    auto it = e.emotions.find(f);
    const bool named = std::find(e.named.begin(), e.named.end(), f) != e.named.end();
    feelings.push_back(json::object{
        {"name", f},
        {"field", "feeling_" + f},
        {"chosen", named || it != e.emotions.end()},
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

Response JournalPages::journal_calendar(Ctx& ctx) {
  const int64_t today = day_of(clock_.now());
  std::string month = date_of_day(today).substr(0, 7);
  if (auto m = ctx.req.query.find("month"); m != ctx.req.query.end()) {
    // The months either side must be valid too, for the previous and next links.
    if (!parse_date(m->second + "-01") || m->second < "1900-02" || m->second > "9999-11")
      return error_page(ctx, 400, "Please give the month as YYYY-MM.");
    month = m->second;
  }
  const int64_t first = *parse_date(month + "-01");
  const int64_t next_first = *parse_date(shift_month(month, 1) + "-01");
  auto dates = journal_.dates(ctx.owner(), date_of_day(first), date_of_day(next_first - 1));
  if (!dates) return fail(ctx, dates.error(), "We could not open your journal just now.");
  std::map<int64_t, int> per_day;
  for (const auto& d : *dates) ++per_day[*parse_date(d)];
  json::array weekdays;
  for (const char* name : kWeekdayNames)
    weekdays.push_back(json::object{{"name", name}, {"short", std::string(name).substr(0, 3)}});
  const auto total = static_cast<int64_t>(dates->size());
  const int year = std::stoi(month.substr(0, 4));
  auto moods = journal_.moods(ctx.owner(), fmt::format("{:04d}-01-01", year),
                              fmt::format("{:04d}-12-31", year));
  if (!moods) return fail(ctx, moods.error(), "We could not open your journal just now.");
  const DayMoods by_day = moods_by_day(*moods);
  return render_page(ctx, "journal_calendar",
                     {{"title", "Journal calendar"},
                      {"month_name", month_name(month)},
                      {"previous", shift_month(month, -1)},
                      {"previous_name", month_name(shift_month(month, -1))},
                      {"next", shift_month(month, 1)},
                      {"next_name", month_name(shift_month(month, 1))},
                      {"weekdays", weekdays},
                      {"weeks", month_grid_view(first, next_first, today, per_day, by_day)},
                      {"year", year},
                      {"mood_year", mood_year_svg(year, by_day)},
                      {"month_total", total},
                      {"month_total_word", total == 1 ? "entry" : "entries"}});
}

}  // namespace sb::web
