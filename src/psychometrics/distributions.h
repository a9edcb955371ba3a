// The few sampling distributions the statistics here need, without a dependency: the normal
// (cdf and quantile), the F distribution (cdf and quantile, through the regularized
// incomplete beta function) and chi-square (upper tail, through the incomplete gamma function).
// Accurate to about 1e-9, far beyond what a confidence bound shows.
#pragma once

namespace sb::psy {

double normal_cdf(double z);
// The z with normal_cdf(z) == p, for 0 < p < 1.
double normal_quantile(double p);
// I_x(a, b), the regularized incomplete beta function, for a, b > 0 and 0 <= x <= 1.
double regularized_beta(double x, double a, double b);
// P(F <= f) for F with (d1, d2) degrees of freedom (real-valued, as Satterthwaite's are).
double f_cdf(double f, double d1, double d2);
// The f with f_cdf(f, d1, d2) == p, for 0 < p < 1.
double f_quantile(double p, double d1, double d2);
// Q(a, x), the regularized upper incomplete gamma function, for a > 0 and x >= 0.
double regularized_gamma_upper(double a, double x);
// P(X >= x) for X chi-square with df degrees of freedom: a test's p-value.
double chi_square_upper(double x, double df);

}  // namespace sb::psy
