#include "features/clinician/timeline.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/dates.h"

namespace sb::care {
namespace {

constexpr double kLeft = 56, kWidth = 560;
// Panels from top to bottom: the dimensions, the check-in areas, the notes lane, the months.
constexpr double kDimTop = 28, kDimHeight = 140;
constexpr double kAreaTop = 214, kAreaHeight = 100;
constexpr double kNotesY = 342, kMonthsY = 370;
constexpr double kLegendY = 398, kHeight = 468;
constexpr const char* kAnxiety = "#a85a00";
constexpr const char* kAvoidance = "#1d5e7a";
constexpr const char* kAreaColours[] = {"#5b3f8c", "#2f7a47", "#7a2f4f"};
constexpr const char* kInk = "#1f2a33";

std::string text(double x, double y, const std::string& s, const std::string& attrs) {
  return fmt::format(R"(<text x="{:.1f}" y="{:.1f}" {}>{}</text>)", x, y, attrs, s);
}

std::string rule(double y, const char* colour) {
  return fmt::format(R"(<line x1="{:.0f}" y1="{:.1f}" x2="{:.0f}" y2="{:.1f}" stroke="{}"/>)",
                     kLeft, y, kLeft + kWidth, y, colour);
}

double dim_y(double theta) {
  return kDimTop + kDimHeight - (std::clamp(theta, -3.0, 3.0) + 3.0) / 6.0 * kDimHeight;
}
double area_y(double v) {
  return kAreaTop + kAreaHeight - (std::clamp(v, 1.0, 5.0) - 1.0) / 4.0 * kAreaHeight;
}

int64_t first_of_month(int64_t day) {
  const std::string d = date_of_day(day);
  return days_from_civil(std::stoi(d.substr(0, 4)),
                         static_cast<unsigned>(std::stoi(d.substr(5, 2))), 1);
}
int64_t next_month(int64_t first) { return first_of_month(first + 31); }

// A panel's words when it has nothing to draw.
std::string empty_panel(double top, double height, bool shared) {
  return text(kLeft + kWidth / 2, top + height / 2 + 5, shared ? "None yet" : "Not shared with you",
              fmt::format(R"(font-size="13" fill="{}" text-anchor="middle")", kInk));
}

std::string dimensions_panel(const TimelineInput& in, const TimeAxis& axis) {
  std::string svg = text(kLeft, kDimTop - 10, "Attachment scores (−3 to +3)",
                         fmt::format(R"(font-size="13" font-weight="bold" fill="{}")", kInk));
  for (int t = -3; t <= 3; t += 3) {
    svg += rule(dim_y(t), t == 0 ? "#6b7780" : "#d5d9dc");
    svg += text(kLeft - 8, dim_y(t) + 4, t == 0 ? "0" : fmt::format("{:+d}", t),
                fmt::format(R"(font-size="12" fill="{}" text-anchor="end")", kInk));
  }
  if (in.results.empty()) return svg + empty_panel(kDimTop, kDimHeight, in.results_shared);
  std::string anx, av;
  for (const auto& r : in.results) {
    const double x = axis.x(r.day);
    anx += fmt::format("{}{:.1f},{:.1f}", anx.empty() ? "" : " ", x, dim_y(r.anxiety));
    av += fmt::format("{}{:.1f},{:.1f}", av.empty() ? "" : " ", x, dim_y(r.avoidance));
  }
  if (in.results.size() > 1) {
    svg += fmt::format(R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="1.5"/>)", anx,
                       kAnxiety);
    svg += fmt::format(
        R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="1.5" stroke-dasharray="4 3"/>)",
        av, kAvoidance);
  }
  for (const auto& r : in.results) {
    const double x = axis.x(r.day);
    svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="4" fill="{}"/>)", x, dim_y(r.anxiety),
                       kAnxiety);
    svg += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="8" height="8" fill="{}"/>)", x - 4,
                       dim_y(r.avoidance) - 4, kAvoidance);
    // A ring marks a reliable change from the result before.
    if (r.anxiety_changed)
      svg += fmt::format(
          R"(<circle class="changed" cx="{:.1f}" cy="{:.1f}" r="8" fill="none" stroke="{}" stroke-width="2"/>)",
          x, dim_y(r.anxiety), kInk);
    if (r.avoidance_changed)
      svg += fmt::format(
          R"(<circle class="changed" cx="{:.1f}" cy="{:.1f}" r="8" fill="none" stroke="{}" stroke-width="2"/>)",
          x, dim_y(r.avoidance), kInk);
  }
  return svg;
}

std::string areas_panel(const TimelineInput& in, const TimeAxis& axis) {
  std::string svg = text(kLeft, kAreaTop - 10, "Weekly check-in by area (1 to 5)",
                         fmt::format(R"(font-size="13" font-weight="bold" fill="{}")", kInk));
  for (int v = 1; v <= 5; v += 2) {
    svg += rule(area_y(v), "#d5d9dc");
    svg += text(kLeft - 8, area_y(v) + 4, std::to_string(v),
                fmt::format(R"(font-size="12" fill="{}" text-anchor="end")", kInk));
  }
  if (in.checkins.empty()) return svg + empty_panel(kAreaTop, kAreaHeight, in.checkins_shared);
  const size_t areas = std::min<size_t>(in.area_names.size(), 3);
  for (size_t a = 0; a < areas; ++a) {
    std::string points;
    for (const auto& c : in.checkins) {
      if (a >= c.by_area.size()) continue;
      points += fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", axis.x(c.day),
                            area_y(c.by_area[a]));
    }
    svg += fmt::format(R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>)",
                       points, kAreaColours[a]);
    // A lone week would be an invisible line: mark each week while there are few.
    if (in.checkins.size() <= 26)
      for (const auto& c : in.checkins)
        if (a < c.by_area.size())
          svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3" fill="{}"/>)", axis.x(c.day),
                             area_y(c.by_area[a]), kAreaColours[a]);
  }
  return svg;
}

std::string notes_lane(const TimelineInput& in, const TimeAxis& axis) {
  std::string svg = text(kLeft - 8, kNotesY + 4, "Notes",
                         fmt::format(R"(font-size="12" fill="{}" text-anchor="end")", kInk));
  svg += rule(kNotesY, "#d5d9dc");
  for (const int64_t day : in.note_days) {
    const double x = axis.x(day);
    svg += fmt::format(R"(<path class="note" d="M{:.1f} {:.1f}l6 6l-6 6l-6 -6z" fill="{}"/>)", x,
                       kNotesY - 6, kInk);
  }
  return svg;
}

std::string months(const TimeAxis& axis) {
  const int64_t span = axis.last - axis.first;
  // About eight labels at most, on whole months, quarters or years.
  const int step = span > 3 * 365 ? 12 : span > 700 ? 6 : span > 240 ? 3 : 1;
  std::string svg;
  int counter = 0;
  for (int64_t m = next_month(axis.first); m <= axis.last; m = next_month(m)) {
    const std::string d = date_of_day(m);
    const int month = std::stoi(d.substr(5, 2));
    if ((month - 1) % step != 0) continue;
    const double x = axis.x(m);
    svg += fmt::format(
        R"(<line x1="{0:.1f}" y1="{1:.0f}" x2="{0:.1f}" y2="{2:.0f}" stroke="#eef0f2"/>)", x,
        kDimTop, kNotesY + 8);
    const std::string label =
        month == 1 || counter == 0 ? short_month(m) + " " + d.substr(0, 4) : short_month(m);
    svg += text(x, kMonthsY, label,
                fmt::format(R"(font-size="11" fill="{}" text-anchor="middle")", kInk));
    ++counter;
  }
  return svg;
}

std::string legend(const TimelineInput& in) {
  std::string svg =
      text(kLeft, kLegendY, "● Anxiety", fmt::format(R"(font-size="12" fill="{}")", kAnxiety));
  svg += text(kLeft + 90, kLegendY, "■ Avoidance",
              fmt::format(R"(font-size="12" fill="{}")", kAvoidance));
  svg += text(kLeft + 200, kLegendY, "◯ reliable change",
              fmt::format(R"(font-size="12" fill="{}")", kInk));
  svg +=
      text(kLeft + 350, kLegendY, "◆ your note", fmt::format(R"(font-size="12" fill="{}")", kInk));
  // One line per area: long area names never run into each other.
  for (size_t a = 0; a < in.area_names.size() && a < 3; ++a)
    svg += text(kLeft, kLegendY + 20 + 18 * static_cast<double>(a), "— " + in.area_names[a],
                fmt::format(R"(font-size="12" fill="{}")", kAreaColours[a]));
  return svg;
}

}  // namespace

double TimeAxis::x(int64_t day) const {
  return left + width * static_cast<double>(day - first) / static_cast<double>(last - first);
}

TimeAxis time_axis(const TimelineInput& in, double left, double width) {
  std::vector<int64_t> days = in.note_days;
  for (const auto& r : in.results) days.push_back(r.day);
  for (const auto& c : in.checkins) days.push_back(c.day);
  if (in.last_session) days.push_back(*in.last_session);
  TimeAxis axis{0, 1, left, width};
  if (days.empty()) return axis;
  const auto [lo, hi] = std::minmax_element(days.begin(), days.end());
  axis.first = *lo - 7;
  axis.last = *hi + 7;
  if (*hi - *lo < 14) {  // a single day or week in the middle of a month
    axis.first = *lo - 15;
    axis.last = *hi + 15;
  }
  return axis;
}

std::string timeline_svg(const TimelineInput& in) {
  const TimeAxis axis = time_axis(in, kLeft, kWidth);
  std::string svg =
      fmt::format(
          R"(<svg class="timeline-chart" viewBox="0 0 640 {:.0f}" role="img" aria-labelledby="timeline-title timeline-desc" xmlns="http://www.w3.org/2000/svg">)",
          kHeight) +
      std::string(
          R"(<title id="timeline-title">Timeline of shared measures and your notes</title>)"
          R"(<desc id="timeline-desc">On one time axis, oldest on the left: the attachment scores, the weekly )"
          R"(check-in areas, and a mark for each of your notes. The list below the chart holds the same events.</desc>)") +
      // Its own paper: the colours read the same on the light and the dark theme.
      fmt::format(R"(<rect width="640" height="{:.0f}" rx="8" fill="#ffffff"/>)", kHeight);
  svg += months(axis);
  svg += dimensions_panel(in, axis);
  svg += areas_panel(in, axis);
  svg += notes_lane(in, axis);
  if (in.last_session) {
    const double x = axis.x(*in.last_session);
    svg += fmt::format(
        R"(<line class="session" x1="{0:.1f}" y1="{1:.0f}" x2="{0:.1f}" y2="{2:.0f}" stroke="{3}" stroke-width="1.5" stroke-dasharray="2 3"/>)",
        x, kDimTop - 4, kNotesY + 8, kInk);
    svg += text(x, kDimTop - 16 + 0.0, "last session",
                fmt::format(R"(font-size="11" fill="{}" text-anchor="{}")", kInk,
                            x > kLeft + kWidth - 60 ? "end" : "middle"));
  }
  svg += legend(in);
  return svg + "</svg>";
}

std::vector<TimelineEvent> timeline_events(const TimelineInput& in) {
  std::vector<TimelineEvent> out;
  using K = TimelineEvent::Kind;
  for (size_t i = 0; i < in.note_days.size(); ++i) out.push_back({in.note_days[i], K::kNote, i});
  for (size_t i = 0; i < in.results.size(); ++i) out.push_back({in.results[i].day, K::kResult, i});
  for (size_t i = 0; i < in.checkins.size(); ++i)
    out.push_back({in.checkins[i].day, K::kCheckin, i});
  if (in.last_session) out.push_back({*in.last_session, K::kSession, 0});
  // Newest day first; within a day notes, results, check-ins, the session; then later entries
  // (newer, as the inputs are oldest first) before earlier ones.
  std::stable_sort(out.begin(), out.end(), [](const TimelineEvent& a, const TimelineEvent& b) {
    if (a.day != b.day) return a.day > b.day;
    if (a.kind != b.kind) return static_cast<int>(a.kind) < static_cast<int>(b.kind);
    return a.index > b.index;
  });
  return out;
}

}  // namespace sb::care
