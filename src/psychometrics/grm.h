// Samejima's graded response model (logistic), in slope-intercept form:
//   P(X >= k | theta) = 1 / (1 + exp(-(a * theta + c_k))),  k = 1 .. K-1,  c_1 > c_2 > ...
// Thresholds on the theta scale are b_k = -c_k / a. Categories are 0 .. K-1.
#pragma once

#include <cmath>
#include <span>
#include <vector>

namespace sb::psy {

struct GrmItem {
  double a = 1.0;
  std::vector<double> c;  // K-1 intercepts, strictly decreasing

  int categories() const { return static_cast<int>(c.size()) + 1; }
  double threshold(size_t k) const { return -c[k] / a; }
};

// Writes the K category probabilities at theta into `out` (size K).
void category_probabilities(const GrmItem& item, double theta, std::span<double> out);
double category_probability(const GrmItem& item, double theta, int category);
// Fisher information of the item at theta.
double item_information(const GrmItem& item, double theta);
// True when intercepts are finite and strictly decreasing and the slope is positive.
bool is_well_formed(const GrmItem& item);

inline double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace sb::psy
