#include "psychometrics/reliability.h"

#include <algorithm>
#include <cmath>

#include "psychometrics/bifactor.h"

namespace sb::psy {
namespace {

std::vector<std::vector<double>> complete_cases(const ResponseMatrix& data,
                                                const std::vector<size_t>& columns) {
  std::vector<std::vector<double>> rows;
  for (size_t r = 0; r < data.rows; ++r) {
    std::vector<double> row;
    for (size_t c : columns) {
      if (data.at(r, c) == kMissing) break;
      row.push_back(data.at(r, c));
    }
    if (row.size() == columns.size()) rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<double> covariance_matrix(const std::vector<std::vector<double>>& rows, size_t k) {
  std::vector<double> mean(k, 0.0), cov(k * k, 0.0);
  for (const auto& r : rows)
    for (size_t i = 0; i < k; ++i) mean[i] += r[i];
  for (auto& m : mean) m /= static_cast<double>(rows.size());
  for (const auto& r : rows)
    for (size_t i = 0; i < k; ++i)
      for (size_t j = i; j < k; ++j) cov[i * k + j] += (r[i] - mean[i]) * (r[j] - mean[j]);
  const double n1 = static_cast<double>(rows.size()) - 1;
  for (size_t i = 0; i < k; ++i)
    for (size_t j = i; j < k; ++j) cov[j * k + i] = cov[i * k + j] /= n1;
  return cov;
}

}  // namespace

double cronbach_alpha(const ResponseMatrix& data, const std::vector<size_t>& columns) {
  const auto rows = complete_cases(data, columns);
  const size_t k = columns.size();
  if (rows.size() < 2 || k < 2) return NAN;
  const auto cov = covariance_matrix(rows, k);
  double item_var = 0, total_var = 0;
  for (size_t i = 0; i < k; ++i) {
    item_var += cov[i * k + i];
    for (size_t j = 0; j < k; ++j) total_var += cov[i * k + j];
  }
  return static_cast<double>(k) / (k - 1) * (1 - item_var / total_var);
}

std::vector<double> item_rest_correlations(const ResponseMatrix& data,
                                           const std::vector<size_t>& columns) {
  const auto rows = complete_cases(data, columns);
  std::vector<double> out;
  for (size_t i = 0; i < columns.size(); ++i) {
    std::vector<double> x, rest;
    for (const auto& r : rows) {
      double s = 0;
      for (size_t j = 0; j < r.size(); ++j) s += j == i ? 0 : r[j];
      x.push_back(r[i]);
      rest.push_back(s);
    }
    out.push_back(pearson(x, rest));
  }
  return out;
}

double mcdonald_omega(const ResponseMatrix& data, const std::vector<size_t>& columns) {
  const auto rows = complete_cases(data, columns);
  const size_t k = columns.size();
  if (rows.size() < 3 || k < 3) return NAN;
  auto R = covariance_matrix(rows, k);
  std::vector<double> sd(k);
  for (size_t i = 0; i < k; ++i) sd[i] = std::sqrt(R[i * k + i]);
  for (size_t i = 0; i < k; ++i)
    for (size_t j = 0; j < k; ++j) R[i * k + j] /= sd[i] * sd[j];
  // Principal-axis factoring, one factor: iterate communalities on the reduced matrix,
  // taking its leading eigenpair by power iteration.
  std::vector<double> h2(k), lambda(k, 1.0 / std::sqrt(static_cast<double>(k)));
  for (size_t i = 0; i < k; ++i) {
    double best = 0;
    for (size_t j = 0; j < k; ++j)
      if (j != i) best = std::max(best, std::abs(R[i * k + j]));
    h2[i] = best;
  }
  std::vector<double> v(k, 1.0), w(k);
  for (int outer = 0; outer < 200; ++outer) {
    for (int it = 0; it < 100; ++it) {
      for (size_t i = 0; i < k; ++i) {
        double s = 0;
        for (size_t j = 0; j < k; ++j) s += (i == j ? h2[i] : R[i * k + j]) * v[j];
        w[i] = s;
      }
      double norm = 0;
      for (double x : w) norm += x * x;
      norm = std::sqrt(norm);
      for (size_t i = 0; i < k; ++i) v[i] = w[i] / norm;
    }
    double eigen = 0;
    for (size_t i = 0; i < k; ++i) {
      double s = 0;
      for (size_t j = 0; j < k; ++j) s += (i == j ? h2[i] : R[i * k + j]) * v[j];
      eigen += v[i] * s;
    }
    double change = 0;
    for (size_t i = 0; i < k; ++i) {
      lambda[i] = std::sqrt(std::max(eigen, 0.0)) * v[i];
      const double next = std::min(lambda[i] * lambda[i], 0.999);
      change = std::max(change, std::abs(next - h2[i]));
      h2[i] = next;
    }
    if (change < 1e-7) break;
  }
  double sum = 0, unique = 0;
  for (size_t i = 0; i < k; ++i) {
    sum += std::abs(lambda[i]);
    unique += 1 - lambda[i] * lambda[i];
  }
  return sum * sum / (sum * sum + unique);
}

double marginal_reliability(const std::vector<Estimate>& estimates) {
  if (estimates.size() < 2) return NAN;
  double m = 0, v = 0, e = 0;
  for (const auto& x : estimates) m += x.theta;
  m /= static_cast<double>(estimates.size());
  for (const auto& x : estimates) {
    v += (x.theta - m) * (x.theta - m);
    e += x.se * x.se;
  }
  v /= static_cast<double>(estimates.size() - 1);
  e /= static_cast<double>(estimates.size());
  return v / (v + e);
}

std::vector<double> test_information(const Model& model, int dimension,
                                     const std::vector<double>& thetas) {
  std::vector<double> out;
  for (double t : thetas) {
    double s = 0;
    for (size_t j : model.items_of(dimension)) {
      // An item of a facet: its curve with the facet's trait integrated out.
      const int facet = model.facet_of(j);
      s += item_information(
          facet < 0 ? model.items[j] : marginal_item(model.items[j], model.specific_slope[j]), t);
    }
    out.push_back(s);
  }
  return out;
}

std::vector<std::pair<double, double>> percentile_table(std::vector<double> sample,
                                                        const std::vector<double>& points) {
  std::sort(sample.begin(), sample.end());
  std::vector<std::pair<double, double>> out;
  const double n = static_cast<double>(sample.size());
  for (double p : points) {
    // Mid-rank percentile: below plus half of ties.
    const auto lo = std::lower_bound(sample.begin(), sample.end(), p - 1e-9);
    const auto hi = std::upper_bound(sample.begin(), sample.end(), p + 1e-9);
    const double below = static_cast<double>(lo - sample.begin());
    const double ties = static_cast<double>(hi - lo);
    out.emplace_back(p, 100.0 * (below + ties / 2) / n);
  }
  return out;
}

double lookup_percentile(const std::vector<std::pair<double, double>>& table, double x) {
  if (table.empty()) return NAN;
  if (x <= table.front().first) return table.front().second;
  if (x >= table.back().first) return table.back().second;
  for (size_t i = 1; i < table.size(); ++i) {
    if (x <= table[i].first) {
      const auto& [x0, y0] = table[i - 1];
      const auto& [x1, y1] = table[i];
      return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
    }
  }
  return table.back().second;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const size_t n = std::min(x.size(), y.size());
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace sb::psy
