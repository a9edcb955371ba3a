#include "psychometrics/distributions.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sb::psy {

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double normal_quantile(double p) {
  if (p <= 0) return -std::numeric_limits<double>::infinity();
  if (p >= 1) return std::numeric_limits<double>::infinity();
  // Start from a logistic guess and polish with Newton steps on the exact cdf (erfc is exact to
  // machine precision, so a few steps reach it).
  double z = std::log(p / (1 - p)) / 1.702;
  for (int i = 0; i < 60; ++i) {
    const double density = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
    const double step = (normal_cdf(z) - p) / std::max(density, 1e-300);
    z -= std::clamp(step, -1.0, 1.0);
    if (std::abs(step) < 1e-13) break;
  }
  return z;
}

namespace {

// The continued fraction of the incomplete beta function (evaluated by the modified Lentz
// method), valid for x < (a + 1) / (a + b + 2).
double beta_fraction(double x, double a, double b) {
  constexpr double kTiny = 1e-300, kEpsilon = 1e-15;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::abs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 500; ++m) {
    const double m2 = 2.0 * m;
    // The even step, then the odd step of the fraction.
    double term = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + term * d;
    c = 1 + term / c;
    if (std::abs(d) < kTiny) d = kTiny;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    term = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + term * d;
    c = 1 + term / c;
    if (std::abs(d) < kTiny) d = kTiny;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double change = d * c;
    h *= change;
    if (std::abs(change - 1) < kEpsilon) break;
  }
  return h;
}

// log Gamma without the global sign that std::lgamma writes (so it is safe on request threads).
double log_gamma(double x) {
  int sign = 0;
  return ::lgamma_r(x, &sign);
}

}  // namespace

double regularized_beta(double x, double a, double b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front =
      log_gamma(a + b) - log_gamma(a) - log_gamma(b) + a * std::log(x) + b * std::log1p(-x);
  // The fraction converges quickly on one side of the mean; use the symmetry on the other.
  if (x < (a + 1) / (a + b + 2)) return std::exp(log_front) * beta_fraction(x, a, b) / a;
  return 1 - std::exp(log_front) * beta_fraction(1 - x, b, a) / b;
}

double f_cdf(double f, double d1, double d2) {
  if (f <= 0) return 0;
  return regularized_beta(d1 * f / (d1 * f + d2), d1 / 2, d2 / 2);
}

double f_quantile(double p, double d1, double d2) {
  if (p <= 0) return 0;
  if (p >= 1) return std::numeric_limits<double>::infinity();
  // Bisection on the monotone cdf, after bracketing from above.
  double lo = 0, hi = 1;
  while (f_cdf(hi, d1, d2) < p && hi < 1e12) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * std::max(1.0, hi); ++i) {
    const double mid = 0.5 * (lo + hi);
    (f_cdf(mid, d1, d2) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double regularized_gamma_upper(double a, double x) {
  if (x <= 0) return 1;
  const double log_front = a * std::log(x) - x - log_gamma(a);
  if (x < a + 1) {
    // The series of the lower function P(a, x) converges fast below the mean.
    double term = 1 / a, sum = term;
    for (int n = 1; n < 1000 && std::abs(term) > std::abs(sum) * 1e-16; ++n) {
      term *= x / (a + n);
      sum += term;
    }
    return std::max(0.0, 1 - sum * std::exp(log_front));
  }
  // Above it, the continued fraction of Q(a, x) by the modified Lentz method.
  constexpr double kTiny = 1e-300;
  double b = x + 1 - a, c = 1 / kTiny, d = 1 / b, h = d;
  for (int i = 1; i < 1000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::abs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double change = d * c;
    h *= change;
    if (std::abs(change - 1) < 1e-16) break;
  }
  return std::exp(log_front) * h;
}

double chi_square_upper(double x, double df) {
  if (df <= 0) return NAN;
  return regularized_gamma_upper(df / 2, x / 2);
}

}  // namespace sb::psy
