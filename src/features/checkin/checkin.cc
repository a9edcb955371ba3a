#include "features/checkin/checkin.h"

#include "core/dates.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "core/strings.h"
#include "features/checkin/checkin_repo.h"

namespace sb::growth {

namespace json = boost::json;

Result<CheckinForm> CheckinForm::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{ErrorCode::kNotFound, "cannot read the check-in file " + path, "checkin"};
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  auto doc = json::parse(ss.str(), ec);
  if (ec) return invalid("checkin", path + " is not valid JSON");
  CheckinForm f;
  try {
    for (const auto& l : doc.at("scale").as_array()) f.scale.emplace_back(l.as_string());
    for (const auto& a : doc.at("areas").as_array()) {
      CheckinArea area{
          json::value_to<std::string>(a.at("id")), json::value_to<std::string>(a.at("name")), {}};
      for (const auto& i : a.at("items").as_array()) {
        const auto& o = i.as_object();
        area.items.push_back({json::value_to<std::string>(o.at("id")),
                              json::value_to<std::string>(o.at("text")),
                              o.contains("reverse") && o.at("reverse").as_bool()});
      }
      f.areas.push_back(std::move(area));
    }
  } catch (const std::exception& e) {
    return invalid("checkin", path + ": " + e.what());
  }
  return f;
}

std::string week_start_of(int64_t unix_seconds) {
  return date_of_day(monday_of(day_of(unix_seconds)));
}

Result<std::map<std::string, double>> score_checkin(const CheckinForm& form,
                                                    const std::map<std::string, int>& answers) {
  const int top = static_cast<int>(form.scale.size());
  std::map<std::string, double> scores;
  for (const auto& area : form.areas) {
    double sum = 0;
    for (const auto& item : area.items) {
      auto it = answers.find(item.id);
      if (it == answers.end() || it->second < 1 || it->second > top) {
        return invalid(item.id, "Please answer every statement.");
      }
      sum += item.reverse ? top + 1 - it->second : it->second;
    }
    scores[area.id] = sum / static_cast<double>(area.items.size());
  }
  return scores;
}

Status Checkins::submit(const Owner& owner, const std::map<std::string, int>& answers) {
  if (!owner.user_id) return Error{ErrorCode::kUnauthenticated, "please sign in first", ""};
  auto scores = score_checkin(form_, answers);
  if (!scores) return scores.error();
  std::string encoded;
  for (const auto& area : form_.areas) {
    for (const auto& item : area.items) {
      if (!encoded.empty()) encoded += ',';
      encoded += item.id + "=" + std::to_string(answers.at(item.id));
    }
  }
  store::CheckinRepo repo(db_);
  return repo.save(*owner.user_id, {week_start_of(clock_.now()), clock_.now(), encoded});
}

Result<std::map<int64_t, std::string>> Checkins::latest_weeks(
    const std::vector<int64_t>& user_ids) {
  store::CheckinRepo repo(db_);
  return repo.latest_weeks(user_ids);
}

Result<std::vector<CheckinScores>> Checkins::history(const Owner& owner) {
  std::vector<CheckinScores> out;
  if (!owner.user_id) return out;
  store::CheckinRepo repo(db_);
  auto rows = repo.for_user(*owner.user_id);
  if (!rows) return rows.error();
  for (const auto& r : *rows) {
    std::map<std::string, int> answers;
    for (auto pair : split(r.answers, ',')) {
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      answers[std::string(pair.substr(0, eq))] = std::stoi(std::string(pair.substr(eq + 1)));
    }
    auto scores = score_checkin(form_, answers);
    if (scores) out.push_back({r.week_start, *scores});
  }
  return out;
}

std::string checkin_chart_svg(const CheckinForm& form, const std::vector<CheckinScores>& history) {
  const double left = 48, top = 16, width = 520, height = 200;
  static const char* colours[] = {"#1d5e7a", "#a85a00", "#2f7a47"};
  std::string svg =
      R"(<svg class="history-chart" viewBox="0 0 600 310" role="img" aria-labelledby="checkin-title" xmlns="http://www.w3.org/2000/svg">)"
      R"(<title id="checkin-title">Your weekly check-in scores by area, from 1 (low) to 5 (high)</title>)";
  auto py = [&](double v) { return top + height - (v - 1) / 4 * height; };
  for (int v = 1; v <= 5; ++v) {
    svg +=
        fmt::format(R"(<line x1="{:.0f}" y1="{:.1f}" x2="{:.0f}" y2="{:.1f}" stroke="#d5d9dc"/>)",
                    left, py(v), left + width, py(v));
    svg += fmt::format(
        R"(<text x="{:.0f}" y="{:.1f}" font-size="12" fill="#1f2a33" text-anchor="end">{}</text>)",
        left - 8, py(v) + 4, v);
  }
  const size_t n = history.size();
  auto px = [&](size_t i) {
    return n <= 1 ? left + width / 2
                  : left + 20 + (width - 40) * static_cast<double>(i) / static_cast<double>(n - 1);
  };
  for (size_t a = 0; a < form.areas.size() && a < 3; ++a) {
    std::string points;
    for (size_t i = 0; i < n; ++i) {
      const double v = history[i].by_area.at(form.areas[a].id);
      points += fmt::format("{}{:.1f},{:.1f}", i ? " " : "", px(i), py(v));
      if (n <= 60)
        svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="4" fill="{}"/>)", px(i), py(v),
                           colours[a]);
    }
    if (n > 1)
      svg += fmt::format(R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>)",
                         points, colours[a]);
    // One legend line per area: long area names never run into each other.
    svg += fmt::format(R"(<text x="{:.0f}" y="{:.0f}" font-size="12" fill="{}">● {}</text>)", left,
                       262.0 + 18.0 * static_cast<double>(a), colours[a], form.areas[a].name);
  }
  // Years of weekly check-ins would overlap: label at most eight weeks, always the latest.
  const size_t every = std::max<size_t>(1, (n + 7) / 8);
  for (size_t i = 0; i < n; ++i) {
    if ((n - 1 - i) % every != 0) continue;
    svg += fmt::format(
        R"(<text x="{:.1f}" y="{:.0f}" font-size="11" fill="#1f2a33" text-anchor="middle">{}</text>)",
        px(i), top + height + 18,
        parse_date(history[i].week_start) ? short_date(*parse_date(history[i].week_start))
                                          : history[i].week_start);
  }
  return svg + "</svg>";
}

}  // namespace sb::growth
