// The four attachment styles: posterior quadrant probabilities around cut points, and the
// Brennan, Clark & Shaver (1998) classification functions.
#pragma once

#include <array>
#include <string>

namespace sb::psy {

enum class Style { kSecure = 0, kPreoccupied = 1, kDismissing = 2, kFearful = 3 };
const char* style_id(Style s);    // "secure", "anxious-preoccupied", ...
const char* style_name(Style s);  // "Secure", "Anxious-preoccupied", ...

struct StyleProbabilities {
  std::array<double, 4> p{};  // indexed by Style
  Style top = Style::kSecure;
  Style runner_up = Style::kSecure;
  // Under 0.6 for the top style: the result lies between the two most likely styles.
  bool between() const { return p[static_cast<size_t>(top)] < 0.6; }
};

// From the quadrant masses [low-low, high0-low1, low0-high1, high-high] of a posterior whose
// dimension 0 is `anxiety_is_dim0 ? anxiety : avoidance`.
StyleProbabilities styles_from_quadrants(const std::array<double, 4>& quadrants,
                                         bool anxiety_is_dim0);

// Brennan et al. (1998) Fisher classification functions on 7-point scale means.
Style brennan_1998(double avoidance7, double anxiety7);
// Maps a mean on a 1..K scale linearly onto 1..7.
double to_seven_point(double mean, int categories);

}  // namespace sb::psy
