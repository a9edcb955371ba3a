#include "psychometrics/bifactor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include "psychometrics/calibrate.h"
#include "psychometrics/grm.h"
#include "psychometrics/linalg.h"

namespace sb::psy {
namespace {

// Items integrated together over one specific trait: a facet, or a lone item whose specific
// slope is 0 (its "integral" is then just its probability).
struct Groups {
  std::vector<std::vector<size_t>> items;
  std::vector<bool> has_specific;  // per item
};

Groups group_items(const std::vector<int>& facet, std::vector<int>* normalised, int* facets) {
  std::vector<size_t> size;
  for (int f : facet)
    if (f >= 0) size.resize(std::max(size.size(), static_cast<size_t>(f) + 1));
  for (int f : facet)
    if (f >= 0) ++size[static_cast<size_t>(f)];
  // Facets renumbered 0.. in order, dropping those with fewer than two items.
  std::vector<int> renumber(size.size(), -1);
  int next = 0;
  for (size_t f = 0; f < size.size(); ++f)
    if (size[f] >= 2) renumber[f] = next++;
  Groups g;
  g.items.resize(static_cast<size_t>(next));
  g.has_specific.assign(facet.size(), false);
  normalised->assign(facet.size(), -1);
  for (size_t j = 0; j < facet.size(); ++j) {
    const int f = facet[j] >= 0 ? renumber[static_cast<size_t>(facet[j])] : -1;
    (*normalised)[j] = f;
    if (f >= 0) {
      g.items[static_cast<size_t>(f)].push_back(j);
      g.has_specific[j] = true;
    } else {
      g.items.push_back({j});
    }
  }
  *facets = next;
  return g;
}

class BifactorEm {
 public:
  BifactorEm(const ResponseMatrix& data, int categories, const Groups& groups,
             const BifactorOptions& options)
      : x_(data),
        K_(static_cast<size_t>(categories)),
        groups_(groups),
        q_(Quadrature::normal(options.quadrature_points, options.quadrature_range)),
        threads_(std::max(1u, options.threads)),
        specific_(options.specific) {}

  size_t nodes() const { return q_.nodes.size(); }

  // Category probabilities of every item at every (general, specific) node: [j][g][s][k].
  std::vector<double> table(const std::vector<BifactorItem>& items) const {
    const size_t Q = nodes();
    std::vector<double> out(items.size() * Q * Q * K_);
    std::vector<double> p(K_);
    for (size_t j = 0; j < items.size(); ++j) {
      for (size_t g = 0; g < Q; ++g) {
        for (size_t s = 0; s < Q; ++s) {
          // The predictor a_g g + a_s s + c, written as a GRM item at theta 1 with shifted c.
          const double shift = items[j].a_general * q_.nodes[g] + items[j].a_specific * q_.nodes[s];
          category_probabilities(GrmItem{shift, items[j].c}, 1.0, p);
          std::copy(p.begin(), p.end(),
                    out.begin() + static_cast<std::ptrdiff_t>(((j * Q + g) * Q + s) * K_));
        }
      }
    }
    return out;
  }

  // Expected counts [j][g][s][k] and the log-likelihood.
  double e_step(const std::vector<BifactorItem>& items, std::vector<double>& counts) const {
    const size_t Q = nodes(), J = items.size();
    const auto prob = table(items);
    counts.assign(J * Q * Q * K_, 0.0);
    const unsigned T =
        static_cast<unsigned>(std::min<size_t>(threads_, std::max<size_t>(1, x_.rows / 200)));
    std::vector<std::vector<double>> partial(T);
    std::vector<double> ll(T, 0.0);
    auto work = [&](unsigned t) {
      auto& r = t == 0 ? counts : partial[t];
      if (t != 0) r.assign(counts.size(), 0.0);
      const size_t G = groups_.items.size();
      std::vector<double> prod(Q * G * Q), sum(Q * G), log_general(Q);
      for (size_t i = x_.rows * t / T; i < x_.rows * (t + 1) / T; ++i) {
        const auto row = x_.row(i);
        for (size_t g = 0; g < Q; ++g) {
          double log_l = std::log(q_.weights[g]);
          for (size_t k = 0; k < G; ++k) {
            double total = 0;
            for (size_t s = 0; s < Q; ++s) {
              double v = q_.weights[s];
              for (size_t j : groups_.items[k]) {
                if (row[j] == kMissing) continue;
                v *= prob[((j * Q + g) * Q + s) * K_ + static_cast<size_t>(row[j])];
              }
              prod[(g * G + k) * Q + s] = v;
              total += v;
            }
            sum[g * G + k] = total;
            log_l += std::log(std::max(total, 1e-300));
          }
          log_general[g] = log_l;
        }
        const double top = *std::max_element(log_general.begin(), log_general.end());
        double z = 0;
        for (double v : log_general) z += std::exp(v - top);
        if (!(z > 0) || !std::isfinite(top)) continue;
        ll[t] += top + std::log(z);
        for (size_t g = 0; g < Q; ++g) {
          const double pg = std::exp(log_general[g] - top) / z;
          if (pg < 1e-300) continue;
          for (size_t k = 0; k < G; ++k) {
            const double scale = pg / sum[g * G + k];
            for (size_t j : groups_.items[k]) {
              if (row[j] == kMissing) continue;
              double* out = r.data() + (j * Q + g) * Q * K_ + static_cast<size_t>(row[j]);
              for (size_t s = 0; s < Q; ++s) out[s * K_] += scale * prod[(g * G + k) * Q + s];
            }
          }
        }
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < T; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    for (unsigned t = 1; t < T; ++t)
      for (size_t k = 0; k < counts.size(); ++k) counts[k] += partial[t][k];
    double total = 0;
    for (double v : ll) total += v;
    return total;
  }

  void m_step(std::vector<BifactorItem>& items, const std::vector<double>& counts) const {
    const size_t Q = nodes();
    for (size_t j = 0; j < items.size(); ++j)
      fit_item(items[j], counts.data() + j * Q * Q * K_, specific_ && groups_.has_specific[j]);
  }

 private:
  // Expected complete-data log-likelihood of one item and, when asked, its score vector and
  // Fisher information over (a_general, [a_specific], c_0 .. c_{K-2}).
  double objective(const BifactorItem& item, const double* r, bool with_specific,
                   std::vector<double>* grad, std::vector<double>* info) const {
    const size_t Q = nodes(), C = K_ - 1, n = C + (with_specific ? 2 : 1);
    std::vector<double> F(C), W(C), dP(n);
    double value = 0;
    if (grad) grad->assign(n, 0.0);
    if (info) info->assign(n * n, 0.0);
    for (size_t g = 0; g < Q; ++g) {
      for (size_t s = 0; s < Q; ++s) {
        const double* rk = r + (g * Q + s) * K_;
        double total = 0;
        for (size_t m = 0; m < K_; ++m) total += rk[m];
        if (total <= 0) continue;
        const double eta = item.a_general * q_.nodes[g] + item.a_specific * q_.nodes[s];
        for (size_t k = 0; k < C; ++k) {
          F[k] = logistic(eta + item.c[k]);
          W[k] = F[k] * (1 - F[k]);
        }
        for (size_t m = 0; m < K_; ++m) {
          const double upper = m == 0 ? 1.0 : F[m - 1], lower = m + 1 < K_ ? F[m] : 0.0;
          const double p = std::max(upper - lower, 1e-300);
          value += rk[m] * std::log(p);
          if (!grad) continue;
          const double d_upper = m == 0 ? 0.0 : W[m - 1], d_lower = m + 1 < K_ ? W[m] : 0.0;
          std::fill(dP.begin(), dP.end(), 0.0);
          dP[0] = q_.nodes[g] * (d_upper - d_lower);
          size_t offset = 1;
          if (with_specific) dP[offset++] = q_.nodes[s] * (d_upper - d_lower);
          if (m >= 1) dP[offset + m - 1] += W[m - 1];
          if (m + 1 < K_) dP[offset + m] -= W[m];
          for (size_t a = 0; a < n; ++a) {
            (*grad)[a] += rk[m] / p * dP[a];
            for (size_t b = 0; b < n; ++b) (*info)[a * n + b] += total * dP[a] * dP[b] / p;
          }
        }
      }
    }
    return value;
  }

  // Fisher scoring with step halving; intercepts kept strictly decreasing.
  void fit_item(BifactorItem& item, const double* r, bool with_specific) const {
    const size_t C = K_ - 1, n = C + (with_specific ? 2 : 1);
    std::vector<double> grad, info;
    double value = objective(item, r, with_specific, &grad, &info);
    for (int iteration = 0; iteration < 25; ++iteration) {
      for (size_t a = 0; a < n; ++a) info[a * n + a] += 1e-9;
      if (!cholesky(info, n)) return;
      std::vector<double> step = grad;
      cholesky_solve(info, n, step.data());
      bool improved = false;
      for (double scale = 1.0; scale > 1e-4; scale /= 2) {
        BifactorItem trial = item;
        trial.a_general += scale * step[0];
        size_t offset = 1;
        if (with_specific) trial.a_specific += scale * step[offset++];
        for (size_t k = 0; k < C; ++k) trial.c[k] += scale * step[offset + k];
        bool ordered = true;
        for (size_t k = 1; k < C; ++k) ordered = ordered && trial.c[k] < trial.c[k - 1];
        if (!ordered || std::abs(trial.a_general) > 20 || std::abs(trial.a_specific) > 20) continue;
        const double trial_value = objective(trial, r, with_specific, nullptr, nullptr);
        if (trial_value >= value) {
          const double change = trial_value - value;
          item = std::move(trial);
          value = objective(item, r, with_specific, &grad, &info);
          improved = change > 1e-10;
          break;
        }
      }
      if (!improved) return;
    }
  }

  const ResponseMatrix& x_;
  size_t K_;
  const Groups& groups_;
  Quadrature q_;
  unsigned threads_;
  bool specific_;
};

std::vector<double> flatten(const std::vector<BifactorItem>& items) {
  std::vector<double> out;
  for (const auto& item : items) {
    out.push_back(item.a_general);
    out.push_back(item.a_specific);
    out.insert(out.end(), item.c.begin(), item.c.end());
  }
  return out;
}

std::vector<BifactorItem> unflatten(const std::vector<double>& values,
                                    const std::vector<BifactorItem>& shape) {
  auto out = shape;
  size_t at = 0;
  for (auto& item : out) {
    item.a_general = values[at++];
    item.a_specific = values[at++];
    for (auto& c : item.c) c = values[at++];
  }
  return out;
}

bool well_formed(const std::vector<BifactorItem>& items) {
  for (const auto& item : items) {
    if (!std::isfinite(item.a_general) || !std::isfinite(item.a_specific) ||
        std::abs(item.a_general) > 20 || std::abs(item.a_specific) > 20)
      return false;
    for (size_t k = 0; k < item.c.size(); ++k) {
      if (!std::isfinite(item.c[k]) || (k > 0 && item.c[k] >= item.c[k - 1])) return false;
    }
  }
  return true;
}

}  // namespace

Result<BifactorFit> calibrate_bifactor(const ResponseMatrix& data, int categories,
                                       const std::vector<int>& facet,
                                       const BifactorOptions& options) {
  if (facet.size() != data.cols) return invalid("facet", "one facet per column is needed");
  if (categories < 2) return invalid("categories", "at least two categories are needed");
  BifactorFit fit;
  fit.model.categories = categories;
  const Groups groups = group_items(facet, &fit.model.facet, &fit.model.facets);
  // Start from the unidimensional calibration (on its own finer grid).
  std::vector<size_t> columns(data.cols);
  for (size_t j = 0; j < columns.size(); ++j) columns[j] = j;
  CalibrationOptions start_options;
  start_options.threads = options.threads;
  auto start = calibrate_dimension(data, categories, columns, start_options, nullptr);
  if (!start) return start.error();
  for (size_t j = 0; j < data.cols; ++j) {
    const bool with_specific = options.specific && groups.has_specific[j];
    fit.model.items.push_back({(*start)[j].item.a, with_specific ? 0.5 : 0.0, (*start)[j].item.c});
  }
  BifactorEm em(data, categories, groups, options);
  // EM accelerated by SQUAREM (Varadhan & Roland 2008, scheme S3), with a monotone fallback to
  // the plain step: near a facet slope of 0, plain EM creeps.
  auto em_map = [&](const std::vector<BifactorItem>& items, double* ll_at) {
    std::vector<double> counts;
    *ll_at = em.e_step(items, counts);
    auto next = items;
    em.m_step(next, counts);
    return next;
  };
  double ll = -std::numeric_limits<double>::infinity();
  auto& current = fit.model.items;
  while (fit.em_steps < options.max_em_steps) {
    double ll0 = 0, ll1 = 0, ll_next = 0;
    const auto x1 = em_map(current, &ll0);
    const auto x2 = em_map(x1, &ll1);
    fit.em_steps += 2;
    const auto p0 = flatten(current), p1 = flatten(x1), p2 = flatten(x2);
    std::vector<double> r(p0.size()), v(p0.size()), accelerated(p0.size());
    double rr = 0, vv = 0;
    for (size_t i = 0; i < p0.size(); ++i) {
      r[i] = p1[i] - p0[i];
      v[i] = p2[i] - p1[i] - r[i];
      rr += r[i] * r[i];
      vv += v[i] * v[i];
    }
    const double alpha = std::min(vv > 0 ? -std::sqrt(rr / vv) : -1.0, -1.0);
    for (size_t i = 0; i < p0.size(); ++i)
      accelerated[i] = p0[i] - 2 * alpha * r[i] + alpha * alpha * v[i];
    std::vector<BifactorItem> next;
    auto candidate = unflatten(accelerated, current);
    if (well_formed(candidate)) {
      double ll_acc = 0;
      next = em_map(candidate, &ll_acc);
      ++fit.em_steps;
      // EM from the accelerated point only raises its log-likelihood further.
      if (std::isfinite(ll_acc) && ll_acc >= ll1)
        ll_next = ll_acc;
      else
        next.clear();
    }
    if (next.empty()) {
      next = em_map(x2, &ll_next);
      ++fit.em_steps;
    }
    const bool small = std::abs(ll_next - ll) < options.loglik_tolerance;
    current = std::move(next);
    ll = ll_next;
    if (options.after_cycle) options.after_cycle();
    if (small) {
      fit.converged = true;
      break;
    }
  }
  fit.log_likelihood = ll;
  int specific = 0;
  for (size_t j = 0; j < data.cols; ++j)
    specific += options.specific && groups.has_specific[j] ? 1 : 0;
  fit.parameters = static_cast<int>(data.cols) * categories + specific;  // a_g, K-1 c, [a_s]
  return fit;
}

Estimate bifactor_eap(const BifactorModel& model, std::span<const int8_t> responses,
                      const BifactorOptions& options) {
  const auto q = Quadrature::normal(options.quadrature_points, options.quadrature_range);
  const size_t Q = q.nodes.size(), K = static_cast<size_t>(model.categories);
  std::vector<std::vector<size_t>> facet_items(static_cast<size_t>(model.facets));
  std::vector<size_t> alone;
  for (size_t j = 0; j < model.items.size(); ++j) {
    if (responses[j] == kMissing) continue;
    if (model.facet[j] >= 0)
      facet_items[static_cast<size_t>(model.facet[j])].push_back(j);
    else
      alone.push_back(j);
  }
  std::vector<double> p(K), log_general(Q);
  auto probability = [&](size_t j, double g, double s) {
    const auto& item = model.items[j];
    category_probabilities(GrmItem{item.a_general * g + item.a_specific * s, item.c}, 1.0, p);
    return std::max(p[static_cast<size_t>(responses[j])], 1e-300);
  };
  for (size_t g = 0; g < Q; ++g) {
    double log_l = std::log(q.weights[g]);
    for (size_t j : alone) log_l += std::log(probability(j, q.nodes[g], 0.0));
    for (const auto& items : facet_items) {
      if (items.empty()) continue;
      double total = 0;
      for (size_t s = 0; s < Q; ++s) {
        double v = q.weights[s];
        for (size_t j : items) v *= probability(j, q.nodes[g], q.nodes[s]);
        total += v;
      }
      log_l += std::log(std::max(total, 1e-300));
    }
    log_general[g] = log_l;
  }
  const double top = *std::max_element(log_general.begin(), log_general.end());
  double z = 0, mean = 0, square = 0;
  for (size_t g = 0; g < Q; ++g) {
    const double w = std::exp(log_general[g] - top);
    z += w;
    mean += w * q.nodes[g];
    square += w * q.nodes[g] * q.nodes[g];
  }
  mean /= z;
  return {mean, std::sqrt(std::max(0.0, square / z - mean * mean))};
}

InformationCriteria information_criteria(double log_likelihood, int parameters, size_t persons) {
  return {-2 * log_likelihood + 2.0 * parameters,
          -2 * log_likelihood + parameters * std::log(static_cast<double>(persons))};
}

double facet_flattening(double specific_slope) {
  return 1.0 / std::sqrt(1.0 + 0.346 * specific_slope * specific_slope);
}

GrmItem marginal_item(const GrmItem& general, double specific_slope) {
  const double shrink = facet_flattening(specific_slope);
  GrmItem out{general.a * shrink, general.c};
  for (auto& c : out.c) c *= shrink;
  return out;
}

Instrument with_facet_slopes(Instrument instrument, double slope) {
  const double steepen = 1.0 / facet_flattening(slope);
  for (auto& item : instrument.items) {
    if (item.facet.empty() || !item.parameters) continue;
    item.specific_slope = slope;
    item.parameters->a *= steepen;
    for (auto& c : item.parameters->c) c *= steepen;
  }
  return instrument;
}

Model marginal_model(const Model& model) {
  Model out = model;
  for (size_t j = 0; j < out.size(); ++j) {
    if (model.facet_of(j) >= 0)
      out.items[j] = marginal_item(model.items[j], model.specific_slope[j]);
  }
  out.facet.clear();
  out.specific_slope.clear();
  out.facets = 0;
  return out;
}

}  // namespace sb::psy
