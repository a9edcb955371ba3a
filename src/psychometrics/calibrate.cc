#include "psychometrics/calibrate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <thread>

#include "psychometrics/linalg.h"

namespace sb::psy {
namespace {

constexpr double kProbFloor = 1e-30;

// Probability of category k and the logistic derivatives W = P*(1 - P*) of its upper and
// lower cumulative boundaries: the pieces of every GRM gradient.
struct CategoryTerms {
  double p, w_upper, w_lower;
};
inline CategoryTerms category_terms(const GrmItem& it, double theta, size_t k, size_t K) {
  const double up = k == 0 ? 1.0 : logistic(it.a * theta + it.c[k - 1]);
  const double lo = k + 1 >= K ? 0.0 : logistic(it.a * theta + it.c[k]);
  return {std::max(up - lo, kProbFloor), k == 0 ? 0.0 : up * (1 - up),
          k + 1 >= K ? 0.0 : lo * (1 - lo)};
}

// One dimension's columns, copied contiguously so the E-step streams through memory.
struct DimData {
  size_t persons = 0;
  size_t items = 0;
  std::vector<int8_t> x;  // persons x items, keyed, kMissing for none
};

DimData extract(const ResponseMatrix& data, const std::vector<size_t>& columns) {
  DimData d;
  d.items = columns.size();
  d.x.reserve(data.rows * columns.size());
  for (size_t r = 0; r < data.rows; ++r) {
    bool any = false;
    for (size_t c : columns) any |= data.at(r, c) != kMissing;
    if (!any) continue;  // a person with no answers here carries no information
    for (size_t c : columns) d.x.push_back(data.at(r, c));
    ++d.persons;
  }
  return d;
}

using ParamVector = std::vector<double>;

ParamVector flatten(const std::vector<GrmItem>& items) {
  ParamVector v;
  for (const auto& it : items) {
    v.push_back(it.a);
    v.insert(v.end(), it.c.begin(), it.c.end());
  }
  return v;
}

std::vector<GrmItem> unflatten(const ParamVector& v, size_t items, int K) {
  std::vector<GrmItem> out(items);
  size_t p = 0;
  for (auto& it : out) {
    it.a = v[p++];
    it.c.assign(v.begin() + static_cast<long>(p), v.begin() + static_cast<long>(p + K - 1));
    p += static_cast<size_t>(K - 1);
  }
  return out;
}

bool all_well_formed(const std::vector<GrmItem>& items) {
  return std::all_of(items.begin(), items.end(), [](const GrmItem& i) {
    return is_well_formed(i) && i.a < 20.0 && std::abs(i.c.front()) < 40 &&
           std::abs(i.c.back()) < 40;
  });
}

double item_objective(const GrmItem& it, const double* r, const Quadrature& quad, size_t K) {
  const size_t Q = quad.nodes.size();
  std::vector<double> probs(K);
  double f = 0.0;
  for (size_t q = 0; q < Q; ++q) {
    category_probabilities(it, quad.nodes[q], probs);
    for (size_t k = 0; k < K; ++k) f += r[k * Q + q] * std::log(std::max(probs[k], kProbFloor));
  }
  return f;
}

// Maximises one item's expected complete-data log-likelihood (counts r[category][node]) by
// Fisher scoring with step halving.
void fit_item(GrmItem& it, const double* r, const Quadrature& quad, size_t K) {
  const size_t Q = quad.nodes.size();
  const size_t n = K;  // a, c_1 .. c_{K-1}
  double f = item_objective(it, r, quad, K);
  for (int iter = 0; iter < 25; ++iter) {
    std::vector<double> g(n, 0.0), F(n * n, 0.0), dp(n);
    for (size_t q = 0; q < Q; ++q) {
      const double th = quad.nodes[q];
      double nq = 0.0;
      for (size_t k = 0; k < K; ++k) nq += r[k * Q + q];
      if (nq <= 0.0) continue;
      for (size_t k = 0; k < K; ++k) {
        const auto [p, wu, wl] = category_terms(it, th, k, K);
        std::fill(dp.begin(), dp.end(), 0.0);
        dp[0] = th * (wu - wl);
        if (k >= 1) dp[k] = wu;
        if (k + 1 < K) dp[k + 1] = -wl;
        const double rk = r[k * Q + q];
        for (size_t a = 0; a < n; ++a) {
          if (dp[a] == 0.0) continue;
          g[a] += rk * dp[a] / p;
          for (size_t b = 0; b < n; ++b) F[a * n + b] += nq * dp[a] * dp[b] / p;
        }
      }
    }
    std::vector<double> step = g;
    if (!solve_spd(F, step, n)) return;
    double t = 1.0, biggest = 0.0;
    GrmItem trial;
    while (t > 1e-6) {
      trial.a = it.a + t * step[0];
      trial.c.resize(K - 1);
      for (size_t k = 1; k < n; ++k) trial.c[k - 1] = it.c[k - 1] + t * step[k];
      if (is_well_formed(trial)) {
        const double ft = item_objective(trial, r, quad, K);
        if (ft >= f - 1e-12) {
          f = ft;
          break;
        }
      }
      t *= 0.5;
    }
    if (t <= 1e-6) return;
    for (size_t a = 0; a < n; ++a) biggest = std::max(biggest, std::abs(t * step[a]));
    it = trial;
    if (biggest < 1e-7) return;
  }
}

class EmEngine {
 public:
  EmEngine(const DimData& data, int K, const Quadrature& q, unsigned threads)
      : d_(data), K_(static_cast<size_t>(K)), q_(q), threads_(std::max(1u, threads)) {}

  // Expected counts r[item][category][node] and the marginal log-likelihood at `items`.
  double e_step(const std::vector<GrmItem>& items, std::vector<double>& counts) const {
    const size_t Q = q_.nodes.size();
    const auto table = probability_table(items);
    counts.assign(d_.items * K_ * Q, 0.0);
    const unsigned T =
        static_cast<unsigned>(std::min<size_t>(threads_, std::max<size_t>(1, d_.persons / 500)));
    std::vector<std::vector<double>> partial(T);
    std::vector<double> ll(T, 0.0);
    auto work = [&](unsigned t) {
      auto& r = t == 0 ? counts : partial[t];
      if (t != 0) r.assign(counts.size(), 0.0);
      std::vector<double> L(Q);
      const size_t begin = d_.persons * t / T, end = d_.persons * (t + 1) / T;
      double sum_ll = 0.0;
      for (size_t i = begin; i < end; ++i) {
        const int8_t* x = d_.x.data() + i * d_.items;
        const double z = joint_likelihood(x, table, L);
        if (!(z > 0.0)) continue;
        sum_ll += std::log(z);
        const double inv = 1.0 / z;
        for (size_t q = 0; q < Q; ++q) L[q] *= inv;
        for (size_t j = 0; j < d_.items; ++j) {
          if (x[j] == kMissing) continue;
          double* out = r.data() + (j * K_ + static_cast<size_t>(x[j])) * Q;
          for (size_t q = 0; q < Q; ++q) out[q] += L[q];
        }
      }
      ll[t] = sum_ll;
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < T; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    for (unsigned t = 1; t < T; ++t) {
      for (size_t k = 0; k < counts.size(); ++k) counts[k] += partial[t][k];
    }
    double total = 0.0;
    for (double v : ll) total += v;
    return total;
  }

  // Maximises each item's expected complete-data log-likelihood by Fisher scoring.
  void m_step(std::vector<GrmItem>& items, const std::vector<double>& counts) const {
    const size_t Q = q_.nodes.size();
    for (size_t j = 0; j < items.size(); ++j) {
      fit_item(items[j], counts.data() + j * K_ * Q, q_, K_);
    }
  }

  std::vector<GrmItem> em_map(const std::vector<GrmItem>& items, double* ll) const {
    std::vector<double> counts;
    *ll = e_step(items, counts);
    auto next = items;
    m_step(next, counts);
    return next;
  }

  // Cross-product (XPD) of per-person score vectors: the observed information estimate.
  std::vector<double> score_cross_product(const std::vector<GrmItem>& items) const {
    const size_t Q = q_.nodes.size();
    const size_t P = d_.items * K_;  // parameters: a and K-1 intercepts per item
    // dlogP_k/d(a, c_k, c_{k+1}) at each node.
    std::vector<double> ga(d_.items * K_ * Q), glo(ga.size()), ghi(ga.size());
    for (size_t j = 0; j < d_.items; ++j) {
      const auto& it = items[j];
      for (size_t q = 0; q < Q; ++q) {
        const double th = q_.nodes[q];
        for (size_t k = 0; k < K_; ++k) {
          const auto [p, wu, wl] = category_terms(it, th, k, K_);
          const size_t idx = (j * K_ + k) * Q + q;
          ga[idx] = th * (wu - wl) / p;
          glo[idx] = wu / p;
          ghi[idx] = -wl / p;
        }
      }
    }
    const auto table = probability_table(items);
    const unsigned T =
        static_cast<unsigned>(std::min<size_t>(threads_, std::max<size_t>(1, d_.persons / 500)));
    std::vector<std::vector<double>> xpd(T, std::vector<double>(P * P, 0.0));
    auto work = [&](unsigned t) {
      std::vector<double> L(Q), s(P);
      auto& M = xpd[t];
      const size_t begin = d_.persons * t / T, end = d_.persons * (t + 1) / T;
      for (size_t i = begin; i < end; ++i) {
        const int8_t* x = d_.x.data() + i * d_.items;
        const double z = joint_likelihood(x, table, L);
        if (!(z > 0.0)) continue;
        std::fill(s.begin(), s.end(), 0.0);
        for (size_t j = 0; j < d_.items; ++j) {
          if (x[j] == kMissing) continue;
          const size_t k = static_cast<unsigned char>(x[j]);  // 0..K-1 once not missing
          const size_t idx = (j * K_ + k) * Q;
          double sa = 0, sl = 0, sh = 0;
          for (size_t q = 0; q < Q; ++q) {
            sa += L[q] * ga[idx + q];
            sl += L[q] * glo[idx + q];
            sh += L[q] * ghi[idx + q];
          }
          const size_t base = j * K_;
          s[base] += sa / z;
          if (k >= 1) s[base + k] += sl / z;
          if (k + 1 < K_) s[base + k + 1] += sh / z;
        }
        for (size_t a = 0; a < P; ++a) {
          if (s[a] == 0.0) continue;
          for (size_t b = a; b < P; ++b) M[a * P + b] += s[a] * s[b];
        }
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < T; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    auto& M = xpd[0];
    for (unsigned t = 1; t < T; ++t) {
      for (size_t k = 0; k < M.size(); ++k) M[k] += xpd[t][k];
    }
    for (size_t a = 0; a < P; ++a) {
      for (size_t b = 0; b < a; ++b) M[a * P + b] = M[b * P + a];
    }
    return M;
  }

 private:
  // Prior weight times the likelihood of one person's answers at each node (into L); returns
  // their sum, the person's marginal likelihood.
  double joint_likelihood(const int8_t* x, const std::vector<double>& table,
                          std::vector<double>& L) const {
    const size_t Q = q_.nodes.size();
    std::copy(q_.weights.begin(), q_.weights.end(), L.begin());
    for (size_t j = 0; j < d_.items; ++j) {
      if (x[j] == kMissing) continue;
      const double* p = table.data() + (j * K_ + static_cast<size_t>(x[j])) * Q;
      for (size_t q = 0; q < Q; ++q) L[q] *= p[q];
    }
    double z = 0.0;
    for (size_t q = 0; q < Q; ++q) z += L[q];
    return z;
  }

  std::vector<double> probability_table(const std::vector<GrmItem>& items) const {
    const size_t Q = q_.nodes.size();
    std::vector<double> table(d_.items * K_ * Q);
    std::vector<double> probs(K_);
    for (size_t j = 0; j < d_.items; ++j) {
      for (size_t q = 0; q < Q; ++q) {
        category_probabilities(items[j], q_.nodes[q], probs);
        for (size_t k = 0; k < K_; ++k) {
          table[(j * K_ + k) * Q + q] = std::max(probs[k], kProbFloor);
        }
      }
    }
    return table;
  }

  const DimData& d_;
  size_t K_;
  const Quadrature& q_;
  unsigned threads_;
};

Result<std::vector<GrmItem>> start_values(const DimData& d, int K) {
  std::vector<GrmItem> items(d.items);
  for (size_t j = 0; j < d.items; ++j) {
    std::vector<double> at_least(static_cast<size_t>(K), 0.0);
    double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < d.persons; ++i) {
      const int8_t* x = d.x.data() + i * d.items;
      if (x[j] == kMissing) continue;
      for (int k = 0; k <= x[j]; ++k) at_least[static_cast<size_t>(k)] += 1;
      double rest = 0;
      int m = 0;
      for (size_t o = 0; o < d.items; ++o) {
        if (o != j && x[o] != kMissing) {
          rest += x[o];
          ++m;
        }
      }
      if (m == 0) continue;
      rest /= m;
      n += 1;
      sx += x[j];
      sy += rest;
      sxx += x[j] * x[j];
      syy += rest * rest;
      sxy += x[j] * rest;
    }
    const double total = at_least[0];
    if (total < 10) {
      return invalid("items", "item " + std::to_string(j + 1) + " has fewer than 10 answers");
    }
    const double cov = sxy / n - (sx / n) * (sy / n);
    const double r =
        cov / std::sqrt(std::max(1e-12, (sxx / n - sx * sx / n / n) * (syy / n - sy * sy / n / n)));
    const double a = std::clamp(1.7 * r / std::sqrt(std::max(0.05, 1 - r * r)), 0.3, 4.0);
    items[j].a = a;
    for (int k = 1; k < K; ++k) {
      const double p = at_least[static_cast<size_t>(k)] / total;
      if (p <= 0.0 || p >= 1.0) {
        return invalid("items", "item " + std::to_string(j + 1) + ": nobody chose category " +
                                    std::to_string(k + 1) + " or above/below it; merge categories");
      }
      items[j].c.push_back(std::log(p / (1 - p)) * std::sqrt(1 + a * a / 2.89));
    }
    for (size_t k = 1; k < items[j].c.size(); ++k) {  // equal proportions: keep strict order
      if (!(items[j].c[k] < items[j].c[k - 1])) items[j].c[k] = items[j].c[k - 1] - 1e-3;
    }
  }
  return items;
}

double squared_norm(const ParamVector& v) {
  double s = 0;
  for (double x : v) s += x * x;
  return s;
}

}  // namespace

void maximise_item(GrmItem& item, const double* counts, const Quadrature& quadrature,
                   int categories) {
  fit_item(item, counts, quadrature, static_cast<size_t>(categories));
}

Result<std::vector<ItemEstimate>> calibrate_dimension(const ResponseMatrix& data, int categories,
                                                      const std::vector<size_t>& columns,
                                                      const CalibrationOptions& options,
                                                      DimensionFit* fit) {
  const auto started = std::chrono::steady_clock::now();
  const DimData d = extract(data, columns);
  if (d.persons < 50) return invalid("data", "fewer than 50 respondents answered these items");
  const Quadrature q = Quadrature::normal(options.quadrature_points, options.quadrature_range);
  EmEngine em(d, categories, q, options.threads);
  auto start = start_values(d, categories);
  if (!start) return start.error();

  const size_t J = d.items;
  std::vector<GrmItem> current = *start;
  double ll = -std::numeric_limits<double>::infinity();
  int steps = 0;
  bool converged = false;
  while (steps < options.max_em_steps) {
    double ll0, ll1, ll_next;
    const auto x1 = em.em_map(current, &ll0);
    const auto x2 = em.em_map(x1, &ll1);
    steps += 2;
    std::vector<GrmItem> next;
    if (options.accelerate) {
      // SQUAREM (Varadhan & Roland 2008, scheme S3), with a monotone fallback to plain EM.
      const ParamVector p0 = flatten(current), p1 = flatten(x1), p2 = flatten(x2);
      ParamVector r(p0.size()), v(p0.size()), pa(p0.size());
      for (size_t i = 0; i < p0.size(); ++i) {
        r[i] = p1[i] - p0[i];
        v[i] = p2[i] - p1[i] - r[i];
      }
      const double vv = squared_norm(v);
      double alpha = vv > 0 ? -std::sqrt(squared_norm(r) / vv) : -1.0;
      alpha = std::min(alpha, -1.0);
      for (size_t i = 0; i < p0.size(); ++i)
        pa[i] = p0[i] - 2 * alpha * r[i] + alpha * alpha * v[i];
      auto accelerated = unflatten(pa, J, categories);
      bool accepted = false;
      if (all_well_formed(accelerated)) {
        double ll_acc;
        next = em.em_map(accelerated, &ll_acc);
        ++steps;
        accepted = std::isfinite(ll_acc) && ll_acc >= ll1;
        ll_next = ll_acc;
      }
      if (!accepted) {
        next = em.em_map(x2, &ll_next);
        ++steps;
      }
    } else {
      next = em.em_map(x2, &ll_next);
      ++steps;
    }
    double change = 0.0;
    const ParamVector a = flatten(current), b = flatten(next);
    for (size_t i = 0; i < a.size(); ++i) change = std::max(change, std::abs(a[i] - b[i]));
    const bool small_ll = std::abs(ll_next - ll) < options.loglik_tolerance;
    current = std::move(next);
    ll = ll_next;
    if (options.progress) options.progress(static_cast<int>(columns.front()), steps, ll);
    if (small_ll && change < options.param_tolerance) {
      converged = true;
      break;
    }
  }
  std::vector<double> counts;
  ll = em.e_step(current, counts);

  std::vector<ItemEstimate> out(J);
  auto cov = em.score_cross_product(current);
  const size_t P = J * static_cast<size_t>(categories);
  const bool have_cov = invert_spd(cov, P);
  for (size_t j = 0; j < J; ++j) {
    auto& e = out[j];
    e.item = current[j];
    const size_t base = j * static_cast<size_t>(categories);
    const double a = e.item.a;
    e.se_a = have_cov ? std::sqrt(cov[base * P + base]) : NAN;
    for (size_t k = 0; k < e.item.c.size(); ++k) {
      const size_t ck = base + k + 1;
      const double c = e.item.c[k];
      e.b.push_back(-c / a);
      if (!have_cov) {
        e.se_c.push_back(NAN);
        e.se_b.push_back(NAN);
        continue;
      }
      e.se_c.push_back(std::sqrt(cov[ck * P + ck]));
      // Delta method for b = -c / a.
      const double var_b = cov[ck * P + ck] / (a * a) +
                           c * c * cov[base * P + base] / (a * a * a * a) -
                           2 * c * cov[base * P + ck] / (a * a * a);
      e.se_b.push_back(std::sqrt(std::max(0.0, var_b)));
    }
  }
  if (fit) {
    fit->log_likelihood = ll;
    fit->em_steps = steps;
    fit->converged = converged;
    fit->seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
  return out;
}

namespace {

// Log-likelihood of the two-dimensional model at correlation rho, items fixed.
double correlation_loglik(const std::vector<double>& L0, const std::vector<double>& L1,
                          size_t persons, const Quadrature& q, double rho, unsigned threads) {
  const size_t Q = q.nodes.size();
  const std::vector<double> phi = bivariate_prior(q.nodes, rho);
  const unsigned T = static_cast<unsigned>(
      std::min<size_t>(std::max(1u, threads), std::max<size_t>(1, persons / 500)));
  std::vector<double> ll(T, 0.0);
  auto work = [&](unsigned t) {
    std::vector<double> m(Q);
    for (size_t i = persons * t / T; i < persons * (t + 1) / T; ++i) {
      const double* l0 = L0.data() + i * Q;
      const double* l1 = L1.data() + i * Q;
      double s = 0;
      for (size_t a = 0; a < Q; ++a) {
        const double* row = phi.data() + a * Q;
        double inner = 0;
        for (size_t b = 0; b < Q; ++b) inner += row[b] * l1[b];
        s += l0[a] * inner;
      }
      ll[t] += std::log(std::max(s, 1e-300));
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < T; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  double sum = 0;
  for (double v : ll) sum += v;
  return sum;
}

// The maximum of a unimodal function on [lo, hi] by golden-section search, to `tolerance`.
double golden_section_max(const std::function<double(double)>& f, double lo, double hi,
                          double tolerance) {
  const double phi = (std::sqrt(5.0) - 1) / 2;
  double x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
  double f1 = f(x1), f2 = f(x2);
  while (hi - lo > tolerance) {
    if (f1 < f2) {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + phi * (hi - lo);
      f2 = f(x2);
    } else {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - phi * (hi - lo);
      f1 = f(x1);
    }
  }
  return (lo + hi) / 2;
}

// Bock-Aitkin EM for the between-item two-dimensional model: items and the latent correlation
// together. The E-step works on each dimension's likelihood over the nodes and the correlated
// prior over the grid, so a person costs three passes over the grid, not one per item.
class JointEm {
 public:
  JointEm(const ResponseMatrix& data, const std::vector<int>& dimension, int K, const Quadrature& q,
          unsigned threads)
      : x_(data),
        dim_(dimension),
        K_(static_cast<size_t>(K)),
        q_(q),
        threads_(std::max(1u, threads)) {}

  struct Expected {
    std::vector<double> counts;  // [item][category][node] on the item's own dimension
    double xx = 0, yy = 0, xy = 0, persons = 0;
    double log_likelihood = 0;
  };

  Expected e_step(const std::vector<GrmItem>& items, double rho) const {
    const size_t Q = q_.nodes.size(), J = items.size();
    const auto prior = bivariate_prior(q_.nodes, rho);
    const auto table = probability_table(items);
    const unsigned T =
        static_cast<unsigned>(std::min<size_t>(threads_, std::max<size_t>(1, x_.rows / 500)));
    std::vector<Expected> part(T);
    auto work = [&](unsigned t) {
      Expected& e = part[t];
      e.counts.assign(J * K_ * Q, 0.0);
      std::vector<double> L0(Q), L1(Q), v(Q), u(Q), column(Q);
      for (size_t r = x_.rows * t / T; r < x_.rows * (t + 1) / T; ++r) {
        const auto row = x_.row(r);
        std::fill(L0.begin(), L0.end(), 1.0);
        std::fill(L1.begin(), L1.end(), 1.0);
        bool any = false;
        for (size_t j = 0; j < J; ++j) {
          if (row[j] == kMissing) continue;
          any = true;
          const double* p = table.data() + (j * K_ + static_cast<size_t>(row[j])) * Q;
          double* L = dim_[j] == 0 ? L0.data() : L1.data();
          for (size_t q = 0; q < Q; ++q) L[q] *= p[q];
        }
        if (!any) continue;
        std::fill(column.begin(), column.end(), 0.0);
        double z = 0, xy = 0;
        for (size_t a = 0; a < Q; ++a) {
          const double* w = prior.data() + a * Q;
          double va = 0, ua = 0;
          for (size_t b = 0; b < Q; ++b) {
            const double wl = w[b] * L1[b];
            va += wl;
            ua += wl * q_.nodes[b];
            column[b] += w[b] * L0[a];
          }
          v[a] = va;
          u[a] = ua;
          z += L0[a] * va;
          xy += q_.nodes[a] * L0[a] * ua;
        }
        if (!(z > 0)) continue;
        e.log_likelihood += std::log(z);
        e.persons += 1;
        e.xy += xy / z;
        for (size_t q = 0; q < Q; ++q) {
          v[q] = L0[q] * v[q] / z;            // marginal posterior of dimension 0
          column[q] = L1[q] * column[q] / z;  // and of dimension 1
          e.xx += v[q] * q_.nodes[q] * q_.nodes[q];
          e.yy += column[q] * q_.nodes[q] * q_.nodes[q];
        }
        for (size_t j = 0; j < J; ++j) {
          if (row[j] == kMissing) continue;
          const double* m = dim_[j] == 0 ? v.data() : column.data();
          double* out = e.counts.data() + (j * K_ + static_cast<size_t>(row[j])) * Q;
          for (size_t q = 0; q < Q; ++q) out[q] += m[q];
        }
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < T; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    Expected total = std::move(part[0]);
    for (unsigned t = 1; t < T; ++t) {
      for (size_t k = 0; k < total.counts.size(); ++k) total.counts[k] += part[t].counts[k];
      total.xx += part[t].xx;
      total.yy += part[t].yy;
      total.xy += part[t].xy;
      total.persons += part[t].persons;
      total.log_likelihood += part[t].log_likelihood;
    }
    return total;
  }

  // One EM map: E-step at (items, rho), then each item's M-step and the correlation's.
  std::vector<GrmItem> em_map(const std::vector<GrmItem>& items, double rho, double* next_rho,
                              double* ll) const {
    const Expected e = e_step(items, rho);
    *ll = e.log_likelihood;
    auto next = items;
    const size_t Q = q_.nodes.size();
    for (size_t j = 0; j < next.size(); ++j)
      fit_item(next[j], e.counts.data() + j * K_ * Q, q_, K_);
    *next_rho = best_correlation(e);
    return next;
  }

 private:
  // The rho maximising the expected log prior: the grid-normalised bivariate normal.
  double best_correlation(const Expected& e) const {
    auto objective = [&](double rho) {
      const double det = 1 - rho * rho;
      double total = 0;
      for (double x : q_.nodes) {
        for (double y : q_.nodes) total += std::exp(-0.5 * (x * x - 2 * rho * x * y + y * y) / det);
      }
      return -0.5 * (e.xx - 2 * rho * e.xy + e.yy) / det - e.persons * std::log(total);
    };
    return golden_section_max(objective, -0.95, 0.95, 1e-7);
  }

  std::vector<double> probability_table(const std::vector<GrmItem>& items) const {
    const size_t Q = q_.nodes.size();
    std::vector<double> table(items.size() * K_ * Q), probs(K_);
    for (size_t j = 0; j < items.size(); ++j) {
      for (size_t q = 0; q < Q; ++q) {
        category_probabilities(items[j], q_.nodes[q], probs);
        for (size_t k = 0; k < K_; ++k)
          table[(j * K_ + k) * Q + q] = std::max(probs[k], kProbFloor);
      }
    }
    return table;
  }

  const ResponseMatrix& x_;
  const std::vector<int>& dim_;
  size_t K_;
  const Quadrature& q_;
  unsigned threads_;
};

// Refines a sequential two-dimensional calibration to the joint maximum, with SQUAREM on the
// items' parameters and the correlation's Fisher z.
void refine_jointly(const ResponseMatrix& data, CalibrationResult& result,
                    const CalibrationOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const Quadrature q = Quadrature::normal(options.joint_points, options.joint_range);
  const JointEm em(data, result.model.dimension, result.model.categories, q, options.threads);
  const size_t J = result.model.size();
  const int K = result.model.categories;
  auto pack = [](const std::vector<GrmItem>& items, double rho) {
    auto v = flatten(items);
    v.push_back(std::atanh(rho));
    return v;
  };
  std::vector<GrmItem> current = result.model.items;
  double rho = result.model.correlation;
  double ll = -std::numeric_limits<double>::infinity();
  int steps = 0;
  while (steps < options.max_em_steps) {
    double ll0, ll1, ll_next, rho1, rho2, rho_next;
    const auto x1 = em.em_map(current, rho, &rho1, &ll0);
    const auto x2 = em.em_map(x1, rho1, &rho2, &ll1);
    steps += 2;
    std::vector<GrmItem> next;
    bool accepted = false;
    if (options.accelerate) {
      const ParamVector p0 = pack(current, rho), p1 = pack(x1, rho1), p2 = pack(x2, rho2);
      ParamVector r(p0.size()), v(p0.size()), pa(p0.size());
      for (size_t i = 0; i < p0.size(); ++i) {
        r[i] = p1[i] - p0[i];
        v[i] = p2[i] - p1[i] - r[i];
      }
      const double vv = squared_norm(v);
      const double alpha = std::min(vv > 0 ? -std::sqrt(squared_norm(r) / vv) : -1.0, -1.0);
      for (size_t i = 0; i < p0.size(); ++i)
        pa[i] = p0[i] - 2 * alpha * r[i] + alpha * alpha * v[i];
      const double rho_acc = std::tanh(pa.back());
      pa.pop_back();
      const auto accelerated = unflatten(pa, J, K);
      if (all_well_formed(accelerated) && std::abs(rho_acc) < 0.95) {
        double ll_acc;
        next = em.em_map(accelerated, rho_acc, &rho_next, &ll_acc);
        ++steps;
        accepted = std::isfinite(ll_acc) && ll_acc >= ll1;
        ll_next = ll_acc;
      }
    }
    if (!accepted) {
      next = em.em_map(x2, rho2, &rho_next, &ll_next);
      ++steps;
    }
    double change = std::abs(rho_next - rho);
    const ParamVector a = flatten(current), b = flatten(next);
    for (size_t i = 0; i < a.size(); ++i) change = std::max(change, std::abs(a[i] - b[i]));
    const bool small_ll = std::abs(ll_next - ll) < options.loglik_tolerance;
    current = std::move(next);
    rho = rho_next;
    ll = ll_next;
    if (options.progress) options.progress(-1, steps, ll);
    if (small_ll && change < options.param_tolerance) {
      result.joint_converged = true;
      break;
    }
  }
  const auto final_state = em.e_step(current, rho);
  result.log_likelihood = final_state.log_likelihood;
  result.model.items = current;
  result.model.correlation = rho;
  for (size_t j = 0; j < J; ++j) {
    auto& e = result.items[j];
    e.item = current[j];
    for (size_t k = 0; k < e.item.c.size(); ++k) e.b[k] = -e.item.c[k] / e.item.a;
  }
  result.joint_steps = steps;
  result.joint_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace

Result<CalibrationResult> calibrate(const ResponseMatrix& data, int categories,
                                    const std::vector<int>& dimension, int dimensions,
                                    const CalibrationOptions& options) {
  if (dimension.size() != data.cols)
    return invalid("dimension", "one dimension per column is needed");
  if (dimensions < 1 || dimensions > 2)
    return invalid("dimensions", "one or two dimensions are supported");
  CalibrationResult result;
  result.model.categories = categories;
  result.model.dimensions = dimensions;
  result.model.dimension = dimension;
  result.model.items.resize(data.cols);
  result.items.resize(data.cols);
  for (int d = 0; d < dimensions; ++d) {
    std::vector<size_t> columns;
    for (size_t c = 0; c < data.cols; ++c) {
      if (dimension[c] == d) columns.push_back(c);
    }
    if (columns.empty())
      return invalid("dimension", "dimension " + std::to_string(d) + " has no items");
    DimensionFit fit;
    auto items = calibrate_dimension(data, categories, columns, options, &fit);
    if (!items) return items.error();
    for (size_t i = 0; i < columns.size(); ++i) {
      result.items[columns[i]] = (*items)[i];
      result.model.items[columns[i]] = (*items)[i].item;
    }
    result.fits.push_back(fit);
  }
  if (dimensions == 1) {
    result.log_likelihood = result.fits[0].log_likelihood;
    return result;
  }
  // Correlation: per-person likelihoods on a 41-point grid, then a golden-section search.
  const Quadrature q = Quadrature::normal(options.joint_points, options.joint_range);
  const size_t Q = q.nodes.size();
  std::vector<double> L0(data.rows * Q, 1.0), L1(data.rows * Q, 1.0);
  std::vector<double> probs(static_cast<size_t>(categories));
  for (size_t r = 0; r < data.rows; ++r) {
    for (size_t c = 0; c < data.cols; ++c) {
      const int8_t x = data.at(r, c);
      if (x == kMissing) continue;
      double* L = (dimension[c] == 0 ? L0.data() : L1.data()) + r * Q;
      for (size_t k = 0; k < Q; ++k)
        L[k] *= category_probability(result.model.items[c], q.nodes[k], x);
    }
  }
  auto f = [&](double rho) {
    return correlation_loglik(L0, L1, data.rows, q, rho, options.threads);
  };
  const double rho = golden_section_max(f, -0.95, 0.95, 1e-4);
  const double h = 0.01;
  const double f0 = f(rho);
  const double curvature = (f(rho + h) - 2 * f0 + f(rho - h)) / (h * h);
  result.model.correlation = rho;
  result.correlation_se = curvature < 0 ? 1.0 / std::sqrt(-curvature) : NAN;
  result.log_likelihood = result.sequential_log_likelihood = f0;
  if (options.joint) refine_jointly(data, result, options);
  return result;
}

}  // namespace sb::psy
