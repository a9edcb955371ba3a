#include "features/progress/dashboard.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/dates.h"
#include "core/strings.h"
#include "features/assessment/charts.h"

namespace sb::progress {

namespace {

constexpr const char* kInk = "#1f2a33";
constexpr const char* kGrid = "#d5d9dc";
constexpr const char* kBar = "#1d5e7a";

std::string escape(const std::string& s) { return escape_html(s); }

std::string open_svg(const std::string& id, const std::string& title, int height) {
  return fmt::format(
      R"(<svg class="progress-chart" viewBox="0 0 600 {}" role="img" aria-labelledby="{}-title" xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title>)",
      height, id, id, escape(title));
}

// A step for the value axis that gives four or five gridlines.
double nice_step(double max) {
  for (double step : {1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0}) {
    if (max / step <= 5) return step;
  }
  return 1000.0;
}

std::vector<int64_t> last_mondays(int64_t now, int weeks) {
  std::vector<int64_t> out;
  const int64_t this_week = monday_of(day_of(now));
  for (int i = weeks - 1; i >= 0; --i) out.push_back(this_week - 7 * i);
  return out;
}

std::vector<Count> bucket_by_week(const std::vector<int64_t>& mondays,
                                  const std::vector<int64_t>& days) {
  std::vector<Count> out;
  out.reserve(mondays.size());
  for (int64_t m : mondays) out.push_back({date_of_day(m), 0});
  for (int64_t d : days) {
    const int64_t week = monday_of(d);
    if (week < mondays.front() || week > mondays.back()) continue;
    out[static_cast<size_t>((week - mondays.front()) / 7)].value += 1;
  }
  return out;
}

std::string month_of(const std::string& date) { return date.substr(0, 7); }

std::vector<std::string> last_months(int64_t now, int months) {
  const std::string today = date_of_day(day_of(now));
  int y = std::stoi(today.substr(0, 4)), m = std::stoi(today.substr(5, 2));
  std::vector<std::string> out(static_cast<size_t>(months));
  for (int i = months - 1; i >= 0; --i) {
    out[static_cast<size_t>(i)] = fmt::format("{:04d}-{:02d}", y, m);
    if (--m == 0) {
      m = 12;
      --y;
    }
  }
  return out;
}

void add_feelings(Dashboard& d, const std::vector<growth::JournalEntry>& entries,
                  const std::vector<std::string>& months) {
  std::map<std::string, int> named;
  for (const auto& e : entries) {
    for (const auto& [feeling, _] : e.emotions) ++named[feeling];
    for (const auto& feeling : e.named) ++named[feeling];  // chosen as a chip, no strength
  }
  std::vector<std::pair<std::string, int>> ranked(named.begin(), named.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  for (size_t i = 0; i < ranked.size() && i < kTopFeelings; ++i)
    d.top_feelings.push_back(ranked[i].first);
  const size_t k = d.top_feelings.size();
  for (const auto& m : months)
    d.feelings_by_month.push_back({m, std::vector<int>(k), std::vector<double>(k)});
  std::map<std::string, size_t> month_index;
  for (size_t i = 0; i < months.size(); ++i) month_index[months[i]] = i;
  // Counts include feelings chosen as chips without a strength; means only those with one.
  std::vector<std::vector<int>> rated(months.size(), std::vector<int>(k));
  for (const auto& e : entries) {
    auto mi = month_index.find(month_of(e.occurred_on));
    if (mi == month_index.end()) continue;
    auto& month = d.feelings_by_month[mi->second];
    for (size_t f = 0; f < k; ++f) {
      const std::string& feeling = d.top_feelings[f];
      if (auto it = e.emotions.find(feeling); it != e.emotions.end()) {
        ++month.count[f];
        ++rated[mi->second][f];
        month.mean[f] += it->second;
      } else if (std::find(e.named.begin(), e.named.end(), feeling) != e.named.end()) {
        ++month.count[f];
      }
    }
  }
  for (size_t m = 0; m < d.feelings_by_month.size(); ++m) {
    auto& month = d.feelings_by_month[m];
    for (size_t f = 0; f < k; ++f) {
      if (rated[m][f]) month.mean[f] /= rated[m][f];
    }
  }
}

}  // namespace

std::string weekly_bars_svg(const std::string& id, const std::string& title,
                            const std::vector<Count>& weeks) {
  const double left = 44, top = 12, width = 540, height = 170;
  double max = 1;
  for (const auto& w : weeks) max = std::max(max, w.value);
  const double step = nice_step(max);
  const double axis_max = step * std::ceil(max / step);
  std::string svg = open_svg(id, title, 220);
  auto py = [&](double v) { return top + height - v / axis_max * height; };
  for (double v = 0; v <= axis_max + 1e-9; v += step) {
    svg += fmt::format(R"(<line x1="{:.0f}" y1="{:.1f}" x2="{:.0f}" y2="{:.1f}" stroke="{}"/>)",
                       left, py(v), left + width, py(v), kGrid);
    svg += fmt::format(
        R"(<text x="{:.0f}" y="{:.1f}" font-size="12" fill="{}" text-anchor="end">{:g}</text>)",
        left - 6, py(v) + 4, kInk, v);
  }
  const double slot = width / static_cast<double>(std::max<size_t>(weeks.size(), 1));
  const size_t every = std::max<size_t>(1, (weeks.size() + 5) / 6);
  for (size_t i = 0; i < weeks.size(); ++i) {
    const double x = left + slot * static_cast<double>(i);
    if (weeks[i].value > 0) {
      svg += fmt::format(
          R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"><title>Week of {}: {:g}</title></rect>)",
          x + slot * 0.15, py(weeks[i].value), slot * 0.7, height - (py(weeks[i].value) - top),
          kBar, spoken_date(*parse_date(weeks[i].label)), weeks[i].value);
    }
    if ((weeks.size() - 1 - i) % every == 0) {
      svg += fmt::format(
          R"(<text x="{:.1f}" y="{:.0f}" font-size="11" fill="{}" text-anchor="middle">{}</text>)",
          x + slot / 2, top + height + 18, kInk, short_date(*parse_date(weeks[i].label)));
    }
  }
  svg += fmt::format(R"(<text x="{:.0f}" y="212" font-size="11" fill="{}">Week starting</text>)",
                     left, kInk);
  return svg + "</svg>";
}

std::string drops_svg(const std::vector<SkillDrop>& drops) {
  const double left = 190, width = 360, row = 26;
  const int height = static_cast<int>(row * static_cast<double>(drops.size()) + 40);
  std::string svg =
      open_svg("drops", "Average drop in distress (0-10) after practising each skill", height);
  double lo = 0, hi = 1;
  for (const auto& d : drops) {
    lo = std::min(lo, d.average);
    hi = std::max(hi, d.average);
  }
  auto px = [&](double v) { return left + (v - lo) / (hi - lo) * width; };
  svg += fmt::format(R"(<line x1="{:.1f}" y1="4" x2="{:.1f}" y2="{}" stroke="{}"/>)", px(0), px(0),
                     height - 30, kInk);
  for (size_t i = 0; i < drops.size(); ++i) {
    const auto& d = drops[i];
    const double y = 8 + row * static_cast<double>(i);
    const double x0 = std::min(px(0), px(d.average)), x1 = std::max(px(0), px(d.average));
    svg += fmt::format(
        R"(<text x="{:.0f}" y="{:.1f}" font-size="12" fill="{}" text-anchor="end">{}</text>)",
        left - 8, y + 13, kInk, escape(d.name));
    svg += fmt::format(
        R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="16" fill="{}"><title>{}: {:.1f} on average over {} practices</title></rect>)",
        x0, y, std::max(x1 - x0, 1.0), d.average >= 0 ? "#2f7a47" : "#a85a00", escape(d.name),
        d.average, d.times);
    svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" font-size="12" fill="{}">{:.1f}</text>)",
                       x1 + 6, y + 13, kInk, d.average);
  }
  svg += fmt::format(
      R"(<text x="{:.0f}" y="{}" font-size="11" fill="{}">Points of distress less after practice</text>)",
      left, height - 8, kInk);
  return svg + "</svg>";
}

std::string feelings_svg(const std::vector<std::string>& feelings,
                         const std::vector<FeelingMonth>& months) {
  const double left = 110, top = 8, cell_w = 38, cell_h = 26;
  const int height = static_cast<int>(top + cell_h * static_cast<double>(feelings.size()) + 36);
  std::string svg = open_svg(
      "feelings", "How often each feeling appeared in your journal, month by month", height);
  int max = 1;
  for (const auto& m : months) {
    for (int c : m.count) max = std::max(max, c);
  }
  for (size_t f = 0; f < feelings.size(); ++f) {
    const double y = top + cell_h * static_cast<double>(f);
    svg += fmt::format(
        R"(<text x="{:.0f}" y="{:.1f}" font-size="12" fill="{}" text-anchor="end">{}</text>)",
        left - 8, y + 17, kInk, escape(feelings[f]));
    for (size_t m = 0; m < months.size(); ++m) {
      const int c = months[m].count[f];
      const double x = left + cell_w * static_cast<double>(m);
      svg += fmt::format(
          R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}" fill-opacity="{:.2f}" stroke="#ffffff"><title>{} in {}: {} entries, mean intensity {:.1f}</title></rect>)",
          x, y, cell_w, cell_h, kBar, c == 0 ? 0.05 : 0.15 + 0.85 * c / max, escape(feelings[f]),
          months[m].month, c, months[m].mean[f]);
      if (c > 0) {
        svg += fmt::format(
            R"(<text x="{:.1f}" y="{:.1f}" font-size="11" fill="{}" text-anchor="middle">{}</text>)",
            x + cell_w / 2, y + 17, 0.15 + 0.85 * c / max > 0.55 ? "#ffffff" : kInk, c);
      }
    }
  }
  const double base = top + cell_h * static_cast<double>(feelings.size()) + 16;
  for (size_t m = 0; m < months.size(); m += 2) {
    svg += fmt::format(
        R"(<text x="{:.1f}" y="{:.0f}" font-size="11" fill="{}" text-anchor="middle">{}</text>)",
        left + cell_w * (static_cast<double>(m) + 0.5), base, kInk, months[m].month.substr(2));
  }
  return svg + "</svg>";
}

Result<Dashboard> Progress::build(const Owner& owner) {
  Dashboard d;
  const int64_t now = clock_.now();
  const auto mondays = last_mondays(now, kWeeks);

  auto practices = practice_.summaries(owner);
  if (!practices) return practices.error();
  std::vector<int64_t> practice_days;
  practice_days.reserve(practices->size());
  for (const auto& p : *practices) practice_days.push_back(day_of(p.practiced_at));
  d.practice_per_week = bucket_by_week(mondays, practice_days);
  d.practices_total = static_cast<int>(practices->size());
  std::map<std::string, int> times;
  for (const auto& p : *practices) ++times[p.skill_id];
  for (const auto& [skill_id, average] : growth::average_drop_per_skill(*practices)) {
    const growth::Skill* skill = skills_.find(skill_id);
    d.drops.push_back({skill_id, skill ? skill->name : skill_id, average, times[skill_id]});
  }
  std::stable_sort(d.drops.begin(), d.drops.end(),
                   [](const auto& a, const auto& b) { return a.average > b.average; });

  // Feelings live inside the sealed text, so the last twelve months of entries are decrypted
  // once; journal activity (26 weeks) is counted from the same entries.
  const std::string today = date_of_day(day_of(now));
  const auto months = last_months(now, kMonths);
  auto entries = journal_.between(owner, months.front() + "-01", today);
  if (!entries) return entries.error();
  std::vector<int64_t> entry_days;
  for (const auto& e : *entries) {
    auto day = parse_date(e.occurred_on);
    if (day && *day >= mondays.front()) entry_days.push_back(*day);
  }
  d.journal_per_week = bucket_by_week(mondays, entry_days);
  d.entries_total = static_cast<int>(entry_days.size());
  add_feelings(d, *entries, months);

  auto checkins = checkins_.history(owner);
  if (!checkins) return checkins.error();
  d.checkins = std::move(*checkins);
  auto history = assessments_.history(owner);
  if (!history) return history.error();
  d.assessments = std::move(*history);

  d.practice_svg = weekly_bars_svg("practice", "Practices logged per week", d.practice_per_week);
  d.journal_svg = weekly_bars_svg("journal", "Journal entries per week", d.journal_per_week);
  if (!d.drops.empty()) d.drops_svg = drops_svg(d.drops);
  if (!d.top_feelings.empty()) d.feelings_svg = feelings_svg(d.top_feelings, d.feelings_by_month);
  if (!d.checkins.empty()) d.checkin_svg = growth::checkin_chart_svg(form_, d.checkins);
  if (!d.assessments.empty()) d.dimensions_svg = assessment::history_chart_svg(d.assessments);
  return d;
}

}  // namespace sb::progress
