#include "psychometrics/dif.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <thread>

#include "psychometrics/calibrate.h"
#include "psychometrics/distributions.h"
#include "psychometrics/fit.h"

namespace sb::psy {
namespace {

struct GroupData {
  size_t persons = 0;
  std::vector<int8_t> x;  // persons x items
};

// Item parameters per group (the same where an item is held equal) and the focal group's
// latent mean and SD; the reference group is standard normal.
struct TwoGroupModel {
  std::array<std::vector<GrmItem>, 2> items;
  std::vector<bool> free;
  double mean = 0, sd = 1;
};

std::vector<double> normal_weights(const Quadrature& q, double mean, double sd) {
  std::vector<double> w(q.nodes.size());
  double total = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    const double z = (q.nodes[i] - mean) / sd;
    w[i] = std::exp(-0.5 * z * z);
    total += w[i];
  }
  for (double& v : w) v /= total;
  return w;
}

double expected_score(const GrmItem& item, double theta) {
  double e = 0;
  for (size_t k = 0; k < item.c.size(); ++k) e += logistic(item.a * theta + item.c[k]);
  return e;
}

class TwoGroupEm {
 public:
  TwoGroupEm(const GroupData* groups, size_t items, int K, const Quadrature& q, unsigned threads)
      : g_(groups), J_(items), K_(static_cast<size_t>(K)), q_(q), threads_(std::max(1u, threads)) {}

  // EM to convergence from `m`; returns the log-likelihood.
  double fit(TwoGroupModel& m, const DifOptions& options) const {
    double previous = -INFINITY, ll = -INFINITY;
    for (int step = 0; step < options.max_em_steps; ++step) {
      ll = em_step(m);
      if (std::abs(ll - previous) < options.loglik_tolerance) break;
      previous = ll;
    }
    return ll;
  }

  const Quadrature& quadrature() const { return q_; }

 private:
  struct Expected {
    std::vector<double> counts;  // [item][k][node]
    double s1 = 0, s2 = 0, n = 0, ll = 0;
  };

  double em_step(TwoGroupModel& m) const {
    const size_t Q = q_.nodes.size();
    const Expected ref = e_step(g_[0], m.items[0], q_.weights);
    const Expected foc = e_step(g_[1], m.items[1], normal_weights(q_, m.mean, m.sd));
    std::vector<double> pooled(K_ * Q);
    const int K = static_cast<int>(K_);
    for (size_t j = 0; j < J_; ++j) {
      const double* r = ref.counts.data() + j * K_ * Q;
      const double* f = foc.counts.data() + j * K_ * Q;
      if (m.free[j]) {
        maximise_item(m.items[0][j], r, q_, K);
        maximise_item(m.items[1][j], f, q_, K);
      } else {
        for (size_t i = 0; i < pooled.size(); ++i) pooled[i] = r[i] + f[i];
        maximise_item(m.items[0][j], pooled.data(), q_, K);
        m.items[1][j] = m.items[0][j];
      }
    }
    m.mean = foc.s1 / foc.n;
    m.sd = std::sqrt(std::max(foc.s2 / foc.n - m.mean * m.mean, 1e-4));
    return ref.ll + foc.ll;
  }

  Expected e_step(const GroupData& g, const std::vector<GrmItem>& items,
                  const std::vector<double>& weights) const {
    const size_t Q = q_.nodes.size();
    std::vector<double> table(J_ * K_ * Q), probs(K_);
    for (size_t j = 0; j < J_; ++j) {
      for (size_t q = 0; q < Q; ++q) {
        category_probabilities(items[j], q_.nodes[q], probs);
        for (size_t k = 0; k < K_; ++k) table[(j * K_ + k) * Q + q] = probs[k];
      }
    }
    const unsigned T =
        static_cast<unsigned>(std::min<size_t>(threads_, std::max<size_t>(1, g.persons / 500)));
    std::vector<Expected> part(T);
    auto work = [&](unsigned t) {
      Expected& e = part[t];
      e.counts.assign(J_ * K_ * Q, 0.0);
      std::vector<double> L(Q);
      for (size_t i = g.persons * t / T; i < g.persons * (t + 1) / T; ++i) {
        const int8_t* x = g.x.data() + i * J_;
        L = weights;
        for (size_t j = 0; j < J_; ++j) {
          if (x[j] == kMissing) continue;
          const double* p = table.data() + (j * K_ + static_cast<size_t>(x[j])) * Q;
          for (size_t q = 0; q < Q; ++q) L[q] *= p[q];
        }
        double z = 0;
        for (double v : L) z += v;
        if (!(z > 0)) continue;
        e.ll += std::log(z);
        e.n += 1;
        for (size_t q = 0; q < Q; ++q) {
          L[q] /= z;
          e.s1 += L[q] * q_.nodes[q];
          e.s2 += L[q] * q_.nodes[q] * q_.nodes[q];
        }
        for (size_t j = 0; j < J_; ++j) {
          if (x[j] == kMissing) continue;
          double* out = e.counts.data() + (j * K_ + static_cast<size_t>(x[j])) * Q;
          for (size_t q = 0; q < Q; ++q) out[q] += L[q];
        }
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < T; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    Expected total = std::move(part[0]);
    for (unsigned t = 1; t < T; ++t) {
      for (size_t i = 0; i < total.counts.size(); ++i) total.counts[i] += part[t].counts[i];
      total.s1 += part[t].s1;
      total.s2 += part[t].s2;
      total.n += part[t].n;
      total.ll += part[t].ll;
    }
    return total;
  }

  const GroupData* g_;
  size_t J_, K_;
  const Quadrature& q_;
  unsigned threads_;
};

// Fits the model with exactly the items in `free` differing between groups, from `start`.
std::pair<TwoGroupModel, double> fit_with_free(const TwoGroupEm& em, const TwoGroupModel& start,
                                               const std::vector<bool>& free,
                                               const DifOptions& options) {
  TwoGroupModel m = start;
  m.free = free;
  const double ll = em.fit(m, options);
  return {m, ll};
}

void effect_sizes(const TwoGroupModel& m, size_t j, const Quadrature& q, ItemDif& out) {
  const auto w = normal_weights(q, m.mean, m.sd);
  out.signed_difference = out.unsigned_difference = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    const double d =
        expected_score(m.items[1][j], q.nodes[i]) - expected_score(m.items[0][j], q.nodes[i]);
    out.signed_difference += w[i] * d;
    out.unsigned_difference += w[i] * std::abs(d);
  }
}

// One round: every item tested with the items not in `flagged` as anchors.
std::vector<ItemDif> test_round(const TwoGroupEm& em, const TwoGroupModel& start,
                                const std::vector<bool>& flagged, int categories,
                                const DifOptions& options, TwoGroupModel* anchored) {
  const size_t J = flagged.size();
  // The model with only flagged items free serves as the compact model of every unflagged
  // item and the augmented model of every flagged one.
  const auto [base, base_ll] = fit_with_free(em, start, flagged, options);
  *anchored = base;
  std::vector<ItemDif> out(J);
  for (size_t j = 0; j < J; ++j) {
    std::vector<bool> free = flagged;
    free[j] = !flagged[j];
    const auto [other, other_ll] = fit_with_free(em, base, free, options);
    const double gain = flagged[j] ? base_ll - other_ll : other_ll - base_ll;
    out[j].lr = std::max(0.0, 2 * gain);
    out[j].df = categories;
    out[j].p = chi_square_upper(out[j].lr, out[j].df);
    effect_sizes(flagged[j] ? base : other, j, em.quadrature(), out[j]);
  }
  std::vector<double> p;
  p.reserve(out.size());
  for (const auto& d : out) p.push_back(d.p);
  const auto adjusted = benjamini_hochberg(p);
  for (size_t j = 0; j < J; ++j) {
    out[j].p_adjusted = adjusted[j];
    out[j].flagged = adjusted[j] < options.alpha;
  }
  return out;
}

}  // namespace

Result<DifResult> dif_analysis(const ResponseMatrix& data, const std::vector<int>& group,
                               int categories, const DifOptions& options) {
  if (group.size() != data.rows) return invalid("group", "one group per row is needed");
  GroupData groups[2];
  ResponseMatrix pooled;
  pooled.cols = data.cols;
  for (size_t r = 0; r < data.rows; ++r) {
    if (group[r] != 0 && group[r] != 1) continue;
    const auto row = data.row(r);
    if (std::all_of(row.begin(), row.end(), [](int8_t v) { return v == kMissing; })) continue;
    auto& g = groups[group[r]];
    g.x.insert(g.x.end(), row.begin(), row.end());
    ++g.persons;
    pooled.data.insert(pooled.data.end(), row.begin(), row.end());
    ++pooled.rows;
  }
  if (groups[0].persons < 100 || groups[1].persons < 100)
    return invalid("group", "each group needs at least 100 people who answered");
  std::vector<size_t> columns(data.cols);
  for (size_t j = 0; j < columns.size(); ++j) columns[j] = j;
  CalibrationOptions calibration;
  calibration.threads = options.threads;
  auto pooled_fit = calibrate_dimension(pooled, categories, columns, calibration, nullptr);
  if (!pooled_fit) return pooled_fit.error();

  const Quadrature q = Quadrature::normal(options.quadrature_points, options.quadrature_range);
  const TwoGroupEm em(groups, data.cols, categories, q, options.threads);
  TwoGroupModel start;
  for (const auto& e : *pooled_fit) {
    start.items[0].push_back(e.item);
    start.items[1].push_back(e.item);
  }
  start.free.assign(data.cols, false);

  DifResult result;
  result.reference = groups[0].persons;
  result.focal = groups[1].persons;
  std::vector<bool> flagged(data.cols, false);
  TwoGroupModel anchored;
  for (int round = 1; round <= std::max(1, options.max_rounds); ++round) {
    result.items = test_round(em, start, flagged, categories, options, &anchored);
    result.rounds = round;
    result.focal_mean = anchored.mean;
    result.focal_sd = anchored.sd;
    std::vector<bool> now(data.cols);
    for (size_t j = 0; j < now.size(); ++j) now[j] = result.items[j].flagged;
    const bool everything = std::all_of(now.begin(), now.end(), [](bool f) { return f; });
    if (!options.purify || now == flagged || everything) break;
    flagged = now;
  }
  return result;
}

}  // namespace sb::psy
