#include "features/assessment/charts.h"

#include <fmt/format.h>

#include <cmath>

#include "core/dates.h"
#include "core/strings.h"

namespace sb::assessment {
namespace {

constexpr double kRange = 3.0;  // theta shown from -3 to 3
constexpr double kLeft = 56, kTop = 16, kSize = 328;
constexpr double kChi2_50 = 1.3862944, kChi2_90 = 4.6051702;  // chi-square, 2 df

double px_x(double avoidance) {
  return kLeft + (std::clamp(avoidance, -kRange, kRange) + kRange) / (2 * kRange) * kSize;
}
double px_y(double anxiety) {
  return kTop + kSize - (std::clamp(anxiety, -kRange, kRange) + kRange) / (2 * kRange) * kSize;
}

// An ellipse holding `chi2` of a bivariate normal with variances vx, vy and covariance c.
std::string ellipse(double cx, double cy, double vx, double vy, double c, double chi2,
                    const std::string& attrs) {
  const double mean = (vx + vy) / 2, diff = (vx - vy) / 2;
  const double root = std::sqrt(diff * diff + c * c);
  const double l1 = mean + root, l2 = std::max(mean - root, 1e-9);
  const double angle = 0.5 * std::atan2(2 * c, vx - vy) * 180.0 / M_PI;
  const double scale = kSize / (2 * kRange);
  // SVG's y axis points down, so the rotation runs the other way.
  return fmt::format(
      R"~(<ellipse cx="{:.1f}" cy="{:.1f}" rx="{:.1f}" ry="{:.1f}" transform="rotate({:.1f} {:.1f} {:.1f})" {}/>)~",
      cx, cy, std::sqrt(l1 * chi2) * scale, std::sqrt(l2 * chi2) * scale, -angle, cx, cy, attrs);
}

std::string text(double x, double y, const std::string& s, const std::string& attrs = "") {
  return fmt::format(R"(<text x="{:.1f}" y="{:.1f}" {}>{}</text>)", x, y, attrs, s);
}

}  // namespace

std::string attachment_map_svg(const AssessmentResult& r, const psy::Instrument& ins) {
  const auto& rule = *ins.classification;
  const double cx = px_x(rule.cut_avoidance), cy = px_y(rule.cut_anxiety);
  const double right = kLeft + kSize, bottom = kTop + kSize;
  std::string svg = fmt::format(
      R"(<svg class="attachment-map" viewBox="0 0 400 400" role="img" aria-labelledby="map-title map-desc" xmlns="http://www.w3.org/2000/svg">)"
      R"(<title id="map-title">Your attachment map</title>)"
      R"(<desc id="map-desc">Avoidance runs from left (low) to right (high); anxiety runs from bottom (low) to top (high). )"
      R"(Your estimate is at avoidance {:.2f}, anxiety {:.2f}, in the {} region.</desc>)",
      r.avoidance.theta, r.anxiety.theta, to_lower(psy::style_name(r.top)));
  // Everything of the person and the norms stays inside the plot frame.
  svg += fmt::format(
      R"(<defs><clipPath id="map-plot"><rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}"/></clipPath></defs>)",
      kLeft, kTop, kSize, kSize);
  // Regions: secure bottom-left, preoccupied top-left, dismissing bottom-right, fearful top-right.
  svg += fmt::format(
      R"(<rect x="{0:.1f}" y="{1:.1f}" width="{2:.1f}" height="{3:.1f}" fill="#e3f1e6"/>)", kLeft,
      cy, cx - kLeft, bottom - cy);
  svg += fmt::format(
      R"(<rect x="{0:.1f}" y="{1:.1f}" width="{2:.1f}" height="{3:.1f}" fill="#fbeed6"/>)", kLeft,
      kTop, cx - kLeft, cy - kTop);
  svg += fmt::format(
      R"(<rect x="{0:.1f}" y="{1:.1f}" width="{2:.1f}" height="{3:.1f}" fill="#dfeaf5"/>)", cx, cy,
      right - cx, bottom - cy);
  svg += fmt::format(
      R"(<rect x="{0:.1f}" y="{1:.1f}" width="{2:.1f}" height="{3:.1f}" fill="#ece3f3"/>)", cx,
      kTop, right - cx, cy - kTop);
  svg += fmt::format(
      R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#6b7780" stroke-width="1"/>)",
      cx, kTop, bottom);
  svg += fmt::format(
      R"(<line x1="{1:.1f}" y1="{0:.1f}" x2="{2:.1f}" y2="{0:.1f}" stroke="#6b7780" stroke-width="1"/>)",
      cy, kLeft, right);
  svg += fmt::format(
      R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="none" stroke="#1f2a33"/>)",
      kLeft, kTop, kSize, kSize);
  const std::string label = R"(font-size="13" font-weight="600" fill="#1f2a33")";
  svg += text(kLeft + 8, bottom - 10, "Secure", label);
  svg += text(kLeft + 8, kTop + 20, "Anxious-preoccupied", label);
  svg += text(right - 8, bottom - 10, "Avoidant-dismissive", label + R"( text-anchor="end")");
  svg += text(right - 8, kTop + 20, "Fearful-avoidant", label + R"( text-anchor="end")");
  svg += R"~(<g clip-path="url(#map-plot)">)~";
  // Where half of people fall, from the norms.
  const auto* an = ins.dimensions[ins.dimension_index(rule.anxiety)].norms
                       ? &*ins.dimensions[ins.dimension_index(rule.anxiety)].norms
                       : nullptr;
  const auto* av = ins.dimensions[ins.dimension_index(rule.avoidance)].norms
                       ? &*ins.dimensions[ins.dimension_index(rule.avoidance)].norms
                       : nullptr;
  if (an && av) {
    const double c = ins.correlation * an->theta_sd * av->theta_sd;
    svg += ellipse(px_x(av->theta_mean), px_y(an->theta_mean), av->theta_sd * av->theta_sd,
                   an->theta_sd * an->theta_sd, c, kChi2_50,
                   R"(fill="none" stroke="#46535e" stroke-width="1.5" stroke-dasharray="5 4")");
  }
  // The person: 90% and 50% posterior regions, then the point.
  const double x = px_x(r.avoidance.theta), y = px_y(r.anxiety.theta);
  const double vx = r.avoidance.se * r.avoidance.se, vy = r.anxiety.se * r.anxiety.se;
  svg += ellipse(x, y, vx, vy, r.covariance, kChi2_90,
                 R"(fill="#1d5e7a" fill-opacity="0.12" stroke="#1d5e7a" stroke-width="1")");
  svg += ellipse(x, y, vx, vy, r.covariance, kChi2_50,
                 R"(fill="#1d5e7a" fill-opacity="0.25" stroke="#1d5e7a" stroke-width="1.5")");
  svg += fmt::format(
      R"(<circle cx="{:.1f}" cy="{:.1f}" r="6" fill="#134357" stroke="#ffffff" stroke-width="2"/>)",
      x, y);
  svg += "</g>";
  // Axes.
  const std::string axis = R"(font-size="13" fill="#1f2a33")";
  svg += text(kLeft + kSize / 2, 392, "Avoidance (low → high)", axis + R"( text-anchor="middle")");
  svg += fmt::format(
      R"~(<text x="18" y="{:.1f}" {} text-anchor="middle" transform="rotate(-90 18 {:.1f})">Anxiety (low → high)</text>)~",
      kTop + kSize / 2, axis, kTop + kSize / 2);
  svg += "</svg>";
  return svg;
}

std::string history_chart_svg(const std::vector<HistoryEntry>& h) {
  const double left = 48, top = 16, width = 520, height = 220;
  std::string svg =
      R"(<svg class="history-chart" viewBox="0 0 600 290" role="img" aria-labelledby="hist-title hist-desc" xmlns="http://www.w3.org/2000/svg">)"
      R"(<title id="hist-title">Your attachment dimensions over time</title>)"
      R"(<desc id="hist-desc">Anxiety (orange circles) and avoidance (blue squares) for each completed assessment, )"
      R"(oldest on the left, with bars showing the 90% uncertainty range.</desc>)";
  auto py = [&](double theta) {
    return top + height - (std::clamp(theta, -kRange, kRange) + kRange) / (2 * kRange) * height;
  };
  for (int t = -3; t <= 3; ++t) {
    svg += fmt::format(
        R"(<line x1="{:.0f}" y1="{:.1f}" x2="{:.0f}" y2="{:.1f}" stroke="{}" stroke-width="1"/>)",
        left, py(t), left + width, py(t), t == 0 ? "#6b7780" : "#d5d9dc");
    svg += text(left - 8, py(t) + 4, fmt::format("{:+d}", t),
                R"(font-size="12" fill="#1f2a33" text-anchor="end")");
  }
  const size_t n = h.size();
  auto px = [&](size_t i) {
    return n <= 1 ? left + width / 2
                  : left + 20 + (width - 40) * static_cast<double>(i) / static_cast<double>(n - 1);
  };
  auto year_of = [](int64_t day) { return std::stoi(date_of_day(day).substr(0, 4)); };
  const bool span_years = n > 1 && year_of(day_of(h.front().result.completed_at)) !=
                                       year_of(day_of(h.back().result.completed_at));
  std::string anx_line, av_line;
  for (size_t i = 0; i < n; ++i) {
    const auto& r = h[i].result;
    const double x = px(i);
    const double za = 1.645;
    svg += fmt::format(
        R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#a85a00" stroke-width="2"/>)",
        x - 5, py(r.anxiety.theta - za * r.anxiety.se), py(r.anxiety.theta + za * r.anxiety.se));
    svg += fmt::format(
        R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#1d5e7a" stroke-width="2"/>)",
        x + 5, py(r.avoidance.theta - za * r.avoidance.se),
        py(r.avoidance.theta + za * r.avoidance.se));
    svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="5" fill="#a85a00"/>)", x - 5,
                       py(r.anxiety.theta));
    svg += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="10" height="10" fill="#1d5e7a"/>)", x,
                       py(r.avoidance.theta) - 5);
    anx_line += fmt::format("{}{:.1f},{:.1f}", i ? " " : "", x - 5, py(r.anxiety.theta));
    av_line += fmt::format("{}{:.1f},{:.1f}", i ? " " : "", x + 5, py(r.avoidance.theta));
    // "30 Nov"; with the year when the results span more than one.
    const int64_t day = day_of(r.completed_at);
    svg += text(x, top + height + 18,
                span_years ? short_date(day) + " " + std::to_string(year_of(day)) : short_date(day),
                R"(font-size="11" fill="#1f2a33" text-anchor="middle")");
  }
  if (n > 1) {
    svg += fmt::format(R"(<polyline points="{}" fill="none" stroke="#a85a00" stroke-width="1.5"/>)",
                       anx_line);
    svg += fmt::format(
        R"(<polyline points="{}" fill="none" stroke="#1d5e7a" stroke-width="1.5" stroke-dasharray="4 3"/>)",
        av_line);
  }
  svg += text(left, 280, "● Anxiety", R"(font-size="13" fill="#a85a00")");
  svg += text(left + 100, 280, "■ Avoidance", R"(font-size="13" fill="#1d5e7a")");
  svg += "</svg>";
  return svg;
}

}  // namespace sb::assessment
