#include "psychometrics/agreement.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "psychometrics/distributions.h"

namespace sb::psy {
namespace {

Error invalid(const std::string& message) {
  return Error{ErrorCode::kInvalidArgument, message, ""};
}

Status check_square(const Matrix& m, const char* what) {
  if (m.size() < 2) return invalid(std::string(what) + " needs at least two categories");
  for (const auto& row : m)
    if (row.size() != m.size()) return invalid(std::string(what) + " must be square");
  return ok_status();
}

}  // namespace

Matrix linear_weights(int k) {
  Matrix w(k, std::vector<double>(k));
  for (int i = 0; i < k; ++i)
    for (int j = 0; j < k; ++j) w[i][j] = 1.0 - std::abs(i - j) / static_cast<double>(k - 1);
  return w;
}

Matrix quadratic_weights(int k) {
  Matrix w(k, std::vector<double>(k));
  const double span = static_cast<double>(k - 1) * (k - 1);
  for (int i = 0; i < k; ++i)
    for (int j = 0; j < k; ++j) w[i][j] = 1.0 - (i - j) * (i - j) / span;
  return w;
}

Result<Matrix> agreement_table(const std::vector<std::pair<int, int>>& pairs, int k) {
  if (k < 2) return invalid("at least two categories");
  Matrix t(k, std::vector<double>(k, 0.0));
  for (const auto& [a, b] : pairs) {
    if (a < 0 || a >= k || b < 0 || b >= k) return invalid("a rating outside the categories");
    t[a][b] += 1;
  }
  return t;
}

Result<Agreement> weighted_kappa(const Matrix& table, const Matrix& weights, double confidence) {
  if (auto st = check_square(table, "the table"); !st) return st.error();
  if (auto st = check_square(weights, "the weights"); !st) return st.error();
  if (weights.size() != table.size()) return invalid("weights and table differ in size");
  const size_t k = table.size();
  double n = 0;
  for (const auto& row : table)
    for (double c : row) {
      if (c < 0) return invalid("a negative count");
      n += c;
    }
  if (n <= 0) return invalid("no subjects");
  std::vector<double> rows(k, 0), cols(k, 0);
  for (size_t i = 0; i < k; ++i)
    for (size_t j = 0; j < k; ++j) {
      rows[i] += table[i][j] / n;
      cols[j] += table[i][j] / n;
    }
  Agreement a;
  a.n = static_cast<int>(std::lround(n));
  for (size_t i = 0; i < k; ++i)
    for (size_t j = 0; j < k; ++j) {
      a.observed += weights[i][j] * table[i][j] / n;
      a.expected += weights[i][j] * rows[i] * cols[j];
    }
  if (a.expected >= 1) return invalid("chance agreement is complete: kappa is undefined");
  a.value = (a.observed - a.expected) / (1 - a.expected);
  // Fleiss, Cohen & Everitt (1969): the variance when kappa is not zero.
  std::vector<double> row_mean(k, 0), col_mean(k, 0);
  for (size_t i = 0; i < k; ++i)
    for (size_t j = 0; j < k; ++j) {
      row_mean[i] += cols[j] * weights[i][j];
      col_mean[j] += rows[i] * weights[i][j];
    }
  double sum = 0;
  for (size_t i = 0; i < k; ++i)
    for (size_t j = 0; j < k; ++j) {
      const double d = weights[i][j] - (row_mean[i] + col_mean[j]) * (1 - a.value);
      sum += table[i][j] / n * d * d;
    }
  const double lead = a.value - a.expected * (1 - a.value);
  const double variance = (sum - lead * lead) / (n * (1 - a.expected) * (1 - a.expected));
  a.se = std::sqrt(std::max(variance, 0.0));
  const double z = normal_quantile(0.5 + confidence / 2);
  a.lower = a.value - z * a.se;
  a.upper = a.value + z * a.se;
  return a;
}

Result<Agreement> cohen_kappa(const Matrix& table, double confidence) {
  if (auto st = check_square(table, "the table"); !st) return st.error();
  Matrix identity(table.size(), std::vector<double>(table.size(), 0.0));
  for (size_t i = 0; i < table.size(); ++i) identity[i][i] = 1;
  return weighted_kappa(table, identity, confidence);
}

Result<Agreement> icc_2_1(const Matrix& ratings, double confidence) {
  const size_t n = ratings.size();
  if (n < 2) return invalid("the ICC needs at least two subjects");
  const size_t k = ratings[0].size();
  if (k < 2) return invalid("the ICC needs at least two raters");
  for (const auto& row : ratings)
    if (row.size() != k) return invalid("every subject needs a rating from every rater");
  // Two-way analysis of variance: subjects (rows), raters (columns), residual.
  double grand = 0;
  std::vector<double> row_means(n, 0), col_means(k, 0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < k; ++j) {
      grand += ratings[i][j];
      row_means[i] += ratings[i][j] / static_cast<double>(k);
      col_means[j] += ratings[i][j] / static_cast<double>(n);
    }
  grand /= static_cast<double>(n * k);
  double ss_rows = 0, ss_cols = 0, ss_total = 0;
  for (size_t i = 0; i < n; ++i) ss_rows += k * (row_means[i] - grand) * (row_means[i] - grand);
  for (size_t j = 0; j < k; ++j) ss_cols += n * (col_means[j] - grand) * (col_means[j] - grand);
  for (const auto& row : ratings)
    for (double x : row) ss_total += (x - grand) * (x - grand);
  const double dn = static_cast<double>(n), dk = static_cast<double>(k);
  const double bms = ss_rows / (dn - 1), jms = ss_cols / (dk - 1);
  const double ems = (ss_total - ss_rows - ss_cols) / ((dn - 1) * (dk - 1));
  const double denominator = bms + (dk - 1) * ems + dk * (jms - ems) / dn;
  if (ss_total <= 1e-12 * std::max(1.0, grand * grand) || denominator <= 0)
    return invalid("the ratings do not vary: the ICC is undefined");
  Agreement a;
  a.n = static_cast<int>(n);
  a.value = (bms - ems) / denominator;
  // McGraw & Wong (1996), case 2A: Satterthwaite's degrees of freedom for the denominator.
  const double r = a.value;
  const double ca = dk * r / (dn * (1 - r));
  const double cb = 1 + dk * r * (dn - 1) / (dn * (1 - r));
  const double v =
      (ca * jms + cb * ems) * (ca * jms + cb * ems) /
      ((ca * jms) * (ca * jms) / (dk - 1) + (cb * ems) * (cb * ems) / ((dn - 1) * (dk - 1)));
  const double tail = 0.5 + confidence / 2;
  const double f_up = f_quantile(tail, dn - 1, v), f_down = f_quantile(tail, v, dn - 1);
  a.lower = dn * (bms - f_up * ems) / (f_up * (dk * jms + (dk * dn - dk - dn) * ems) + dn * bms);
  a.upper = dn * (f_down * bms - ems) / (dk * jms + (dk * dn - dk - dn) * ems + dn * f_down * bms);
  return a;
}

}  // namespace sb::psy
