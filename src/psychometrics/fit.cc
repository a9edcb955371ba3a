#include "psychometrics/fit.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "psychometrics/distributions.h"
#include "psychometrics/linalg.h"
#include "psychometrics/scoring.h"

namespace sb::psy {
namespace {

// The latent space as weighted points: a normal quadrature on one dimension, a grid with the
// correlated bivariate normal prior on two.
struct Grid {
  std::vector<double> t0, t1, weight;
  size_t size() const { return weight.size(); }
  double at(size_t p, int dimension) const { return dimension == 0 ? t0[p] : t1[p]; }
};

Grid latent_grid(const Model& model, int points) {
  Grid g;
  if (model.dimensions == 1) {
    const auto q = Quadrature::normal(points, 6.0);
    g.t0 = g.t1 = q.nodes;
    g.weight = q.weights;
    return g;
  }
  const auto q = Quadrature::normal(std::min(points, 31), 5.0);
  for (double x : q.nodes) {
    for (double y : q.nodes) {
      g.t0.push_back(x);
      g.t1.push_back(y);
    }
  }
  g.weight = bivariate_prior(q.nodes, model.correlation);
  return g;
}

// Per item and point: category probabilities and the logistic slopes W_k = P*_k (1 - P*_k) of
// the cumulative boundaries, the pieces of every expectation and derivative below.
struct Conditional {
  size_t items = 0, K = 0, P = 0;
  std::vector<double> prob;   // [item][k][p]
  std::vector<double> slope;  // [item][k][p], k = 1 .. K-1 (k = 0 unused)
  std::vector<double> theta;  // [item][p], the item's own coordinate

  const double* probability(size_t j, size_t k) const { return prob.data() + (j * K + k) * P; }
  // E[g(X_j) | point p] for a function g given by its value at each category.
  double expect(size_t j, const std::vector<double>& g, size_t p) const {
    double e = 0;
    for (size_t k = 0; k < K; ++k) e += g[k] * prob[(j * K + k) * P + p];
    return e;
  }
  // d E[g(X_j) | p] / d parameter (0: a, k: c_k): P*_k enters P_k with + and P_{k-1} with -.
  double derivative(size_t j, const std::vector<double>& g, size_t param, size_t p) const {
    if (param > 0) return (g[param] - g[param - 1]) * slope[(j * K + param) * P + p];
    double d = 0;
    for (size_t k = 1; k < K; ++k) d += (g[k] - g[k - 1]) * slope[(j * K + k) * P + p];
    return d * theta[j * P + p];
  }
};

Conditional conditional_terms(const Model& model, const Grid& grid) {
  Conditional c;
  c.items = model.size();
  c.K = static_cast<size_t>(model.categories);
  c.P = grid.size();
  c.prob.resize(c.items * c.K * c.P);
  c.slope.assign(c.items * c.K * c.P, 0.0);
  c.theta.resize(c.items * c.P);
  std::vector<double> probs(c.K);
  for (size_t j = 0; j < c.items; ++j) {
    const auto& item = model.items[j];
    for (size_t p = 0; p < c.P; ++p) {
      const double theta = grid.at(p, model.dimension[j]);
      c.theta[j * c.P + p] = theta;
      category_probabilities(item, theta, probs);
      for (size_t k = 0; k < c.K; ++k) c.prob[(j * c.K + k) * c.P + p] = probs[k];
      for (size_t k = 1; k < c.K; ++k) {
        const double star = logistic(item.a * theta + item.c[k - 1]);
        c.slope[(j * c.K + k) * c.P + p] = star * (1 - star);
      }
    }
  }
  return c;
}

// A moment is the expectation of a product of item functions g(X_i), each given by its value
// at each category. M2* (Cai & Hansen 2013) keeps every univariate margin (the indicators of
// categories 1 .. K-1) and reduces the bivariate ones to the cross-products E[X_i X_j].
struct Factor {
  size_t item;
  std::vector<double> g;
};
using Moment = std::vector<Factor>;

std::vector<double> answer_values(size_t K, int power) {
  std::vector<double> g(K);
  for (size_t k = 0; k < K; ++k) g[k] = std::pow(static_cast<double>(k), power);
  return g;
}

std::vector<Moment> m2_moments(size_t n, size_t K) {
  std::vector<Moment> ms;
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 1; k < K; ++k) {
      std::vector<double> indicator(K, 0.0);
      indicator[k] = 1.0;
      ms.push_back({{i, indicator}});
    }
  }
  const auto x = answer_values(K, 1);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) ms.push_back({{i, x}, {j, x}});
  }
  return ms;
}

// The product of two moments: factors on the same item multiply category by category.
Moment product(const Moment& a, const Moment& b) {
  Moment out = a;
  for (const auto& f : b) {
    auto same =
        std::find_if(out.begin(), out.end(), [&](const Factor& o) { return o.item == f.item; });
    if (same == out.end()) {
      out.push_back(f);
      continue;
    }
    for (size_t k = 0; k < f.g.size(); ++k) same->g[k] *= f.g[k];
  }
  return out;
}

bool share_an_item(const Moment& a, const Moment& b) {
  for (const auto& f : a) {
    for (const auto& o : b) {
      if (f.item == o.item) return true;
    }
  }
  return false;
}

// The moment's conditional value at every point (answers are independent given the point).
std::vector<double> conditional_values(const Conditional& c, const Moment& m) {
  std::vector<double> v(c.P, 1.0);
  for (const auto& f : m) {
    for (size_t p = 0; p < c.P; ++p) v[p] *= c.expect(f.item, f.g, p);
  }
  return v;
}

double weighted_sum(const std::vector<double>& w, const std::vector<double>& v) {
  double s = 0;
  for (size_t p = 0; p < w.size(); ++p) s += w[p] * v[p];
  return s;
}

double observed_moment(const ResponseMatrix& x, const Moment& m) {
  double sum = 0;
  for (size_t r = 0; r < x.rows; ++r) {
    double v = 1;
    for (const auto& f : m) v *= f.g[static_cast<size_t>(x.at(r, f.item))];
    sum += v;
  }
  return sum / static_cast<double>(x.rows);
}

struct M2Result {
  double m2 = 0;
  int df = 0;
};

// The moments' covariance for one respondent under the model (Xi).
std::vector<double> moment_covariance(const Conditional& c, const Grid& grid,
                                      const std::vector<Moment>& ms,
                                      const std::vector<std::vector<double>>& values,
                                      const std::vector<double>& pi) {
  const size_t s = ms.size();
  std::vector<double> xi(s * s);
  for (size_t a = 0; a < s; ++a) {
    for (size_t b = a; b < s; ++b) {
      double joint;
      if (share_an_item(ms[a], ms[b])) {
        joint = weighted_sum(grid.weight, conditional_values(c, product(ms[a], ms[b])));
      } else {
        joint = 0;
        const double* va = values[a].data();
        const double* vb = values[b].data();
        for (size_t p = 0; p < c.P; ++p) joint += grid.weight[p] * va[p] * vb[p];
      }
      xi[a * s + b] = xi[b * s + a] = joint - pi[a] * pi[b];
    }
  }
  return xi;
}

// N e' C2 e with C2 = Xi^-1 - Xi^-1 D (D' Xi^-1 D)^-1 D' Xi^-1: the moment residuals with the
// directions the estimated parameters can absorb projected out.
Result<M2Result> m2_statistic(const Model& model, const Grid& grid, const ResponseMatrix& x,
                              bool slopes_free, bool correlation_free) {
  const Conditional c = conditional_terms(model, grid);
  const auto ms = m2_moments(model.size(), c.K);
  const size_t s = ms.size();
  std::vector<std::vector<double>> values;
  std::vector<double> pi(s), e(s);
  for (size_t m = 0; m < s; ++m) {
    values.push_back(conditional_values(c, ms[m]));
    pi[m] = weighted_sum(grid.weight, values[m]);
    e[m] = observed_moment(x, ms[m]) - pi[m];
  }
  auto xi = moment_covariance(c, grid, ms, values, pi);
  // The Jacobian of the moments by the free parameters.
  const size_t K = c.K, first_param = slopes_free ? 0 : 1;
  const size_t per_item = K - first_param;
  const size_t q = model.size() * per_item + (correlation_free ? 1 : 0);
  if (q >= s) return invalid("items", "too few items for a limited-information test");
  std::vector<double> delta(s * q, 0.0);
  for (size_t m = 0; m < s; ++m) {
    for (size_t f = 0; f < ms[m].size(); ++f) {
      const Factor& factor = ms[m][f];
      const Factor* other = ms[m].size() > 1 ? &ms[m][1 - f] : nullptr;
      for (size_t param = first_param; param < K; ++param) {
        double sum = 0;
        for (size_t p = 0; p < c.P; ++p) {
          const double rest = other ? c.expect(other->item, other->g, p) : 1.0;
          sum += grid.weight[p] * c.derivative(factor.item, factor.g, param, p) * rest;
        }
        delta[m * q + factor.item * per_item + param - first_param] = sum;
      }
    }
  }
  if (correlation_free) {
    const auto Q = static_cast<size_t>(std::lround(std::sqrt(static_cast<double>(grid.size()))));
    const std::vector<double> nodes(grid.t1.begin(), grid.t1.begin() + static_cast<long>(Q));
    const double h = 1e-4;
    const auto up = bivariate_prior(nodes, model.correlation + h);
    const auto down = bivariate_prior(nodes, model.correlation - h);
    for (size_t m = 0; m < s; ++m) {
      delta[m * q + q - 1] =
          (weighted_sum(up, values[m]) - weighted_sum(down, values[m])) / (2 * h);
    }
  }
  if (!cholesky(xi, s)) return invalid("data", "the moments' covariance is singular");
  std::vector<double> y = e;
  cholesky_solve(xi, s, y.data());
  std::vector<double> z(s * q), column(s);  // Xi^-1 D, column by column
  for (size_t j = 0; j < q; ++j) {
    for (size_t m = 0; m < s; ++m) column[m] = delta[m * q + j];
    cholesky_solve(xi, s, column.data());
    for (size_t m = 0; m < s; ++m) z[m * q + j] = column[m];
  }
  std::vector<double> info(q * q, 0.0), g(q, 0.0);
  for (size_t m = 0; m < s; ++m) {
    for (size_t i = 0; i < q; ++i) {
      g[i] += delta[m * q + i] * y[m];
      for (size_t j = 0; j < q; ++j) info[i * q + j] += delta[m * q + i] * z[m * q + j];
    }
  }
  std::vector<double> h = g;
  if (!solve_spd(info, h, q)) return invalid("model", "the parameters are not identified");
  double quadratic = 0;
  for (size_t m = 0; m < s; ++m) quadratic += e[m] * y[m];
  for (size_t i = 0; i < q; ++i) quadratic -= g[i] * h[i];
  return M2Result{static_cast<double>(x.rows) * quadratic, static_cast<int>(s - q)};
}

// The independence model: no slopes, each item's intercepts from its observed proportions.
Model independence_model(const Model& model, const ResponseMatrix& x) {
  Model m = model;
  m.correlation = 0;
  const size_t K = static_cast<size_t>(model.categories);
  for (size_t j = 0; j < model.size(); ++j) {
    std::vector<double> at_least(K, 0.0);
    for (size_t r = 0; r < x.rows; ++r) {
      for (size_t k = 1; k <= static_cast<size_t>(x.at(r, j)); ++k) at_least[k] += 1;
    }
    auto& item = m.items[j];
    item.a = 0;
    for (size_t k = 1; k < K; ++k) {
      const double share = std::clamp(at_least[k] / static_cast<double>(x.rows), 1e-6, 1 - 1e-6);
      item.c[k - 1] = std::log(share / (1 - share));
    }
  }
  return m;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n;
  const double mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

std::vector<double> column_values(const ResponseMatrix& x, size_t j) {
  std::vector<double> v(x.rows);
  for (size_t r = 0; r < x.rows; ++r) v[r] = x.at(r, j);
  return v;
}

double srmsr(const Model& model, const Grid& grid, const ResponseMatrix& x) {
  const Conditional c = conditional_terms(model, grid);
  const size_t n = model.size();
  const auto first = answer_values(c.K, 1), second = answer_values(c.K, 2);
  std::vector<std::vector<double>> columns, mean_at;
  std::vector<double> mean(n), sd(n);
  for (size_t j = 0; j < n; ++j) {
    columns.push_back(column_values(x, j));
    mean_at.push_back(conditional_values(c, {{j, first}}));
    mean[j] = weighted_sum(grid.weight, mean_at[j]);
    sd[j] = std::sqrt(weighted_sum(grid.weight, conditional_values(c, {{j, second}})) -
                      mean[j] * mean[j]);
  }
  double sum = 0;
  size_t pairs = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      double cross = 0;
      for (size_t p = 0; p < c.P; ++p) cross += grid.weight[p] * mean_at[i][p] * mean_at[j][p];
      const double implied = (cross - mean[i] * mean[j]) / (sd[i] * sd[j]);
      const double residual = pearson(columns[i], columns[j]) - implied;
      sum += residual * residual;
      ++pairs;
    }
  }
  return pairs ? std::sqrt(sum / static_cast<double>(pairs)) : 0.0;
}

Status check_inputs(const Model& model, const ResponseMatrix& x) {
  if (model.size() != x.cols) return invalid("data", "one column per item is needed");
  if (x.rows < 10) return invalid("data", "fewer than 10 complete answer sets");
  for (int8_t v : x.data) {
    if (v < 0 || v >= model.categories)
      return invalid("data", "fit statistics need complete answers in range");
  }
  return ok_status();
}

constexpr size_t kNone = static_cast<size_t>(-1);

// Lord & Wingersky's recursion: the summed-score distribution at each quadrature node, over all
// items but `skip`. Returns [score][node].
std::vector<double> score_distribution(const Conditional& c, size_t skip, size_t* max_score) {
  const size_t K = c.K, Q = c.P;
  size_t top = 0;
  std::vector<double> f(Q, 1.0), next;
  for (size_t j = 0; j < c.items; ++j) {
    if (j == skip) continue;
    next.assign((top + K) * Q, 0.0);
    for (size_t s = 0; s <= top; ++s) {
      for (size_t k = 0; k < K; ++k) {
        const double* p = c.probability(j, k);
        double* out = next.data() + (s + k) * Q;
        const double* in = f.data() + s * Q;
        for (size_t q = 0; q < Q; ++q) out[q] += in[q] * p[q];
      }
    }
    top += K - 1;
    f.swap(next);
  }
  *max_score = top;
  return f;
}

// Pearson X2 over one score group's categories, adjacent cells merged until each expects at
// least `min_expected` answers. Adds the cells kept, less one, to *cells.
double collapsed_x2(const std::vector<double>& observed, const std::vector<double>& expected,
                    double min_expected, int* cells) {
  std::vector<std::pair<double, double>> kept;  // (observed, expected)
  double o = 0, e = 0;
  for (size_t k = 0; k < observed.size(); ++k) {
    o += observed[k];
    e += expected[k];
    if (e >= min_expected) {
      kept.emplace_back(o, e);
      o = e = 0;
    }
  }
  if (kept.empty()) return 0.0;
  kept.back().first += o;
  kept.back().second += e;
  double x2 = 0;
  for (const auto& [ko, ke] : kept) x2 += (ko - ke) * (ko - ke) / ke;
  *cells += static_cast<int>(kept.size()) - 1;
  return x2;
}

// Each answer minus its expected value at the person's EAP estimates: [item][row], NaN where
// the person did not answer.
std::vector<std::vector<double>> eap_residuals(const Model& model, const ResponseMatrix& x) {
  const Scorer scorer(model);
  const size_t K = static_cast<size_t>(model.categories);
  std::vector<std::vector<double>> residual(
      model.size(), std::vector<double>(x.rows, std::numeric_limits<double>::quiet_NaN()));
  std::vector<double> probs(K);
  for (size_t r = 0; r < x.rows; ++r) {
    const auto est = scorer.eap(x.row(r));
    for (size_t j = 0; j < model.size(); ++j) {
      if (x.at(r, j) == kMissing) continue;
      category_probabilities(model.items[j], est[static_cast<size_t>(model.dimension[j])].theta,
                             probs);
      double expected = 0;
      for (size_t k = 0; k < K; ++k) expected += static_cast<double>(k) * probs[k];
      residual[j][r] = x.at(r, j) - expected;
    }
  }
  return residual;
}

}  // namespace

Model submodel(const Model& model, const std::vector<size_t>& columns) {
  Model m;
  m.categories = model.categories;
  m.dimensions = model.dimensions;
  m.correlation = model.correlation;
  for (size_t c : columns) {
    m.items.push_back(model.items[c]);
    m.dimension.push_back(model.dimension[c]);
  }
  const bool one = std::all_of(m.dimension.begin(), m.dimension.end(),
                               [&](int d) { return d == m.dimension.front(); });
  if (one && !m.dimension.empty()) {
    m.dimensions = 1;
    m.correlation = 0;
    std::fill(m.dimension.begin(), m.dimension.end(), 0);
  }
  return m;
}

ResponseMatrix complete_cases(const ResponseMatrix& data, const std::vector<size_t>& columns) {
  ResponseMatrix out;
  out.cols = columns.size();
  for (size_t r = 0; r < data.rows; ++r) {
    const bool complete = std::all_of(columns.begin(), columns.end(),
                                      [&](size_t c) { return data.at(r, c) != kMissing; });
    if (!complete) continue;
    for (size_t c : columns) out.data.push_back(data.at(r, c));
    ++out.rows;
  }
  return out;
}

Result<std::vector<ItemFit>> sx2_item_fit(const Model& model, const ResponseMatrix& x,
                                          const FitOptions& options) {
  if (auto st = check_inputs(model, x); !st) return st.error();
  if (model.dimensions != 1) return invalid("model", "S-X2 sums the scores of one dimension");
  const Grid grid = latent_grid(model, options.quadrature_points);
  const Conditional c = conditional_terms(model, grid);
  const size_t K = c.K, Q = c.P;
  size_t top = 0;
  const auto full = score_distribution(c, kNone, &top);
  std::vector<double> group_size(top + 1, 0.0), marginal(top + 1, 0.0);
  std::vector<size_t> total(x.rows);
  for (size_t r = 0; r < x.rows; ++r) {
    const auto row = x.row(r);
    total[r] = static_cast<size_t>(std::accumulate(row.begin(), row.end(), 0));
    group_size[total[r]] += 1;
  }
  for (size_t s = 0; s <= top; ++s) {
    for (size_t q = 0; q < Q; ++q) marginal[s] += grid.weight[q] * full[s * Q + q];
  }
  std::vector<ItemFit> out;
  for (size_t j = 0; j < model.size(); ++j) {
    size_t rest_top = 0;
    const auto rest = score_distribution(c, j, &rest_top);
    std::vector<double> observed((top + 1) * K, 0.0);
    for (size_t r = 0; r < x.rows; ++r)
      observed[total[r] * K + static_cast<size_t>(x.at(r, j))] += 1;
    ItemFit fit;
    for (size_t s = 0; s <= top; ++s) {
      if (group_size[s] == 0 || marginal[s] <= 0) continue;
      std::vector<double> o, e;
      for (size_t k = 0; k < K; ++k) {
        if (k > s || s - k > rest_top) continue;  // that category cannot give this score
        const double* p = c.probability(j, k);
        const double* f = rest.data() + (s - k) * Q;
        double joint = 0;
        for (size_t q = 0; q < Q; ++q) joint += grid.weight[q] * p[q] * f[q];
        o.push_back(observed[s * K + k]);
        e.push_back(group_size[s] * joint / marginal[s]);
      }
      fit.sx2 += collapsed_x2(o, e, options.min_expected, &fit.df);
    }
    if (options.estimated) fit.df -= static_cast<int>(K);
    fit.p = fit.df > 0 ? chi_square_upper(fit.sx2, fit.df) : NAN;
    fit.rmsea = fit.df > 0
                    ? std::sqrt(std::max(
                          0.0, (fit.sx2 - fit.df) / (fit.df * (static_cast<double>(x.rows) - 1))))
                    : NAN;
    out.push_back(fit);
  }
  return out;
}

Result<ModelFit> m2_fit(const Model& model, const ResponseMatrix& x, const FitOptions& options) {
  if (auto st = check_inputs(model, x); !st) return st.error();
  const Grid grid = latent_grid(model, options.quadrature_points);
  const bool two = model.dimensions == 2;
  auto fitted = m2_statistic(model, grid, x, true, two);
  if (!fitted) return fitted.error();
  const Model baseline_model = independence_model(model, x);
  auto baseline = m2_statistic(baseline_model, grid, x, false, false);
  if (!baseline) return baseline.error();
  ModelFit fit;
  fit.persons = x.rows;
  fit.moments = model.size() * static_cast<size_t>(model.categories - 1) +
                model.size() * (model.size() - 1) / 2;
  fit.m2 = fitted->m2;
  fit.df = options.estimated ? fitted->df : static_cast<int>(fit.moments);
  fit.p = chi_square_upper(fit.m2, fit.df);
  const double n = static_cast<double>(x.rows);
  fit.rmsea = std::sqrt(std::max(0.0, (fit.m2 - fit.df) / (n * fit.df)));
  fit.srmsr = srmsr(model, grid, x);
  fit.baseline_m2 = baseline->m2;
  fit.baseline_df = baseline->df;
  const double excess = std::max(0.0, fit.m2 - fit.df);
  const double baseline_excess = std::max(0.0, fit.baseline_m2 - fit.baseline_df);
  fit.cfi =
      std::max(excess, baseline_excess) > 0 ? 1 - excess / std::max(excess, baseline_excess) : 1.0;
  const double ratio0 = fit.baseline_m2 / fit.baseline_df;
  fit.tli = ratio0 > 1 ? (ratio0 - fit.m2 / fit.df) / (ratio0 - 1) : 1.0;
  return fit;
}

Result<std::vector<PairDependence>> local_dependence(const Model& model, const ResponseMatrix& x,
                                                     const FitOptions& options) {
  if (auto st = check_inputs(model, x); !st) return st.error();
  const Grid grid = latent_grid(model, options.quadrature_points);
  const Conditional c = conditional_terms(model, grid);
  const size_t K = c.K, n = model.size();
  const auto residual = eap_residuals(model, x);
  std::vector<PairDependence> out;
  const double N = static_cast<double>(x.rows);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      std::vector<double> observed(K * K, 0.0);
      for (size_t r = 0; r < x.rows; ++r)
        observed[static_cast<size_t>(x.at(r, i)) * K + static_cast<size_t>(x.at(r, j))] += 1;
      PairDependence d;
      d.first = i;
      d.second = j;
      double observed_cross = 0, expected_cross = 0;
      for (size_t k = 0; k < K; ++k) {
        for (size_t l = 0; l < K; ++l) {
          const double* pk = c.probability(i, k);
          const double* pl = c.probability(j, l);
          double e = 0;
          for (size_t p = 0; p < c.P; ++p) e += grid.weight[p] * pk[p] * pl[p];
          e *= N;
          d.ld_x2 += (observed[k * K + l] - e) * (observed[k * K + l] - e) / std::max(e, 1e-12);
          observed_cross += static_cast<double>(k * l) * observed[k * K + l];
          expected_cross += static_cast<double>(k * l) * e;
        }
      }
      d.df = static_cast<int>((K - 1) * (K - 1));
      d.p = chi_square_upper(d.ld_x2, d.df);
      const double sign = observed_cross >= expected_cross ? 1.0 : -1.0;
      d.standardized = sign * (d.ld_x2 - d.df) / std::sqrt(2.0 * d.df);
      d.q3 = pearson(residual[i], residual[j]);
      out.push_back(d);
    }
  }
  return out;
}

std::vector<ResidualCorrelation> residual_correlations(const Model& model,
                                                       const ResponseMatrix& data,
                                                       size_t min_people, double min_q3) {
  std::vector<ResidualCorrelation> out;
  if (data.cols != model.size()) return out;
  const auto residual = eap_residuals(model, data);
  std::vector<double> a, b;
  for (size_t i = 0; i < model.size(); ++i) {
    for (size_t j = i + 1; j < model.size(); ++j) {
      if (model.dimension[i] != model.dimension[j]) continue;
      a.clear();
      b.clear();
      for (size_t r = 0; r < data.rows; ++r) {
        if (std::isnan(residual[i][r]) || std::isnan(residual[j][r])) continue;
        a.push_back(residual[i][r]);
        b.push_back(residual[j][r]);
      }
      if (a.size() < min_people) continue;
      const double q3 = pearson(a, b);
      if (q3 >= min_q3) out.push_back({i, j, q3});
    }
  }
  return out;
}

std::vector<double> benjamini_hochberg(const std::vector<double>& p) {
  const size_t m = p.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
  std::vector<double> adjusted(m);
  double running = 1.0;
  for (size_t rank = m; rank-- > 0;) {
    const size_t i = order[rank];
    running = std::min(running, p[i] * static_cast<double>(m) / static_cast<double>(rank + 1));
    adjusted[i] = std::min(1.0, running);
  }
  return adjusted;
}

}  // namespace sb::psy
