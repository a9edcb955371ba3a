#include "psychometrics/classify.h"

#include <algorithm>

namespace sb::psy {

const char* style_id(Style s) {
  switch (s) {
    case Style::kSecure:
      return "secure";
    case Style::kPreoccupied:
      return "anxious-preoccupied";
    case Style::kDismissing:
      return "avoidant-dismissive";
    case Style::kFearful:
      return "fearful-avoidant";
  }
  return "secure";
}

const char* style_name(Style s) {
  switch (s) {
    case Style::kSecure:
      return "Secure";
    case Style::kPreoccupied:
      return "Anxious-preoccupied";
    case Style::kDismissing:
      return "Avoidant-dismissive";
    case Style::kFearful:
      return "Fearful-avoidant";
  }
  return "Secure";
}

StyleProbabilities styles_from_quadrants(const std::array<double, 4>& q, bool anxiety_is_dim0) {
  StyleProbabilities out;
  // q: [low0 low1, high0 low1, low0 high1, high0 high1]
  const double high_anx_low_av = anxiety_is_dim0 ? q[1] : q[2];
  const double low_anx_high_av = anxiety_is_dim0 ? q[2] : q[1];
  out.p = {q[0], high_anx_low_av, low_anx_high_av, q[3]};
  std::array<size_t, 4> order = {0, 1, 2, 3};
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return out.p[a] > out.p[b]; });
  out.top = static_cast<Style>(order[0]);
  out.runner_up = static_cast<Style>(order[1]);
  return out;
}

Style brennan_1998(double A, double X) {
  // Coefficients as published (see docs/VALIDATION.md for the source).
  const std::array<double, 4> f = {
      3.2893296 * A + 5.4725318 * X - 11.5307833,  // secure
      3.9246754 * A + 9.7102446 * X - 28.4573220,  // preoccupied
      7.3654621 * A + 4.9392039 * X - 22.2281088,  // dismissing
      7.2371075 * A + 8.1776448 * X - 32.3553266,  // fearful
  };
  return static_cast<Style>(std::max_element(f.begin(), f.end()) - f.begin());
}

double to_seven_point(double mean, int categories) {
  return 1.0 + (mean - 1.0) * 6.0 / (categories - 1);
}

}  // namespace sb::psy
