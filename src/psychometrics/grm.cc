#include "psychometrics/grm.h"

#include <cmath>

namespace sb::psy {

namespace {
// Cumulative probability P(X >= k); k = 0 gives 1 and k = K gives 0.
inline double cumulative(const GrmItem& item, double theta, size_t k) {
  if (k == 0) return 1.0;
  if (k > item.c.size()) return 0.0;
  return logistic(item.a * theta + item.c[k - 1]);
}
}  // namespace

void category_probabilities(const GrmItem& item, double theta, std::span<double> out) {
  double upper = 1.0;
  const size_t K = item.c.size() + 1;
  for (size_t k = 0; k < K; ++k) {
    const double lower = cumulative(item, theta, k + 1);
    // Floor keeps log-likelihoods finite far out in the tails.
    out[k] = std::max(upper - lower, 1e-300);
    upper = lower;
  }
}

double category_probability(const GrmItem& item, double theta, int category) {
  const auto k = static_cast<size_t>(category);
  return std::max(cumulative(item, theta, k) - cumulative(item, theta, k + 1), 1e-300);
}

double item_information(const GrmItem& item, double theta) {
  // I(theta) = sum_k (dP_k/dtheta)^2 / P_k with dP*_k/dtheta = a P*_k (1 - P*_k).
  double info = 0.0;
  double upper = 1.0, upper_w = 0.0;
  const size_t K = item.c.size() + 1;
  for (size_t k = 0; k < K; ++k) {
    const double lower = cumulative(item, theta, k + 1);
    const double lower_w = lower * (1.0 - lower);
    const double p = std::max(upper - lower, 1e-300);
    const double dp = item.a * (upper_w - lower_w);
    info += dp * dp / p;
    upper = lower;
    upper_w = lower_w;
  }
  return info;
}

bool is_well_formed(const GrmItem& item) {
  if (!(item.a > 0.0) || !std::isfinite(item.a) || item.c.empty()) return false;
  for (size_t k = 0; k < item.c.size(); ++k) {
    if (!std::isfinite(item.c[k])) return false;
    if (k > 0 && !(item.c[k] < item.c[k - 1])) return false;
  }
  return true;
}

}  // namespace sb::psy
