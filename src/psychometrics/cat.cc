#include "psychometrics/cat.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace sb::psy {

CatEngine::CatEngine(const Scorer& scorer, const CatOptions& options)
    : scorer_(scorer), options_(options) {
  const Model& m = scorer_.model();
  if (options_.dependence_penalty <= 0 || m.residual_correlations.empty()) return;
  const size_t n = m.size();
  log_independence_.assign(n * n, 0.0);
  for (const auto& rc : m.residual_correlations) {
    if (rc.first >= n || rc.second >= n || rc.q3 <= 0 || rc.q3 >= 1) continue;
    // Items of one facet share a trait the model already integrates out: no second discount.
    if (m.facet_of(rc.first) >= 0 && m.facet_of(rc.first) == m.facet_of(rc.second)) continue;
    log_independence_[rc.first * n + rc.second] = std::log1p(-rc.q3);
    log_independence_[rc.second * n + rc.first] = std::log1p(-rc.q3);
  }
}

double CatEngine::dependence_factor(size_t item, std::span<const size_t> asked) const {
  if (log_independence_.empty()) return 1.0;
  const size_t n = scorer_.model().size();
  double log_factor = 0;
  for (size_t i : asked) log_factor += i < n ? log_independence_[i * n + item] : 0.0;
  return std::exp(options_.dependence_penalty * log_factor);
}

CatDecision CatEngine::decide(const std::vector<Answer>& answers,
                              const std::vector<bool>* unavailable) const {
  const Model& m = scorer_.model();
  std::vector<bool> used = unavailable ? *unavailable : std::vector<bool>(m.size(), false);
  used.resize(m.size(), false);
  Posterior p = scorer_.posterior({});
  std::vector<size_t> asked;
  asked.reserve(answers.size());
  for (const auto& [item, category] : answers) {
    if (item >= m.size() || used[item]) continue;  // unknown or repeated: ignored
    scorer_.update(p, item, category);
    used[item] = true;
    asked.push_back(item);
  }
  return decide(p, used, asked);
}

namespace {

// Fisher information about the node's trait in an answer whose category probabilities over
// the nodes are `table` ([category][node]), the slopes by central differences on the grid.
double table_information(const std::vector<double>& table, const std::vector<double>& nodes,
                         size_t q) {
  const size_t Q = nodes.size(), K = table.size() / Q;
  const size_t lo = q == 0 ? 0 : q - 1, hi = q + 1 == Q ? q : q + 1;
  double info = 0;
  for (size_t k = 0; k < K; ++k) {
    const double slope = (table[k * Q + hi] - table[k * Q + lo]) / (nodes[hi] - nodes[lo]);
    info += slope * slope / std::max(table[k * Q + q], 1e-300);
  }
  return info;
}

// The table's category probabilities at theta, linear between nodes.
void table_probabilities(const std::vector<double>& table, const std::vector<double>& nodes,
                         double theta, std::vector<double>& out) {
  const size_t Q = nodes.size(), K = table.size() / Q;
  const double step = nodes[1] - nodes[0];
  const double x = std::clamp((theta - nodes[0]) / step, 0.0, static_cast<double>(Q - 1));
  const auto q = std::min(static_cast<size_t>(x), Q - 2);
  const double t = x - static_cast<double>(q);
  out.resize(K);
  for (size_t k = 0; k < K; ++k) out[k] = (1 - t) * table[k * Q + q] + t * table[k * Q + q + 1];
}

}  // namespace

CatEngine::Candidate CatEngine::evaluate(size_t item, const std::vector<double>& table,
                                         const std::vector<double>& marginal,
                                         const Estimate& estimate, bool need_reduction) const {
  const auto& nodes = scorer_.quadrature().nodes;
  const size_t Q = nodes.size(), K = table.size() / Q;
  // An item of a facet: its answer's probabilities depend on the facet's answers so far.
  const bool in_facet = scorer_.model().facet_of(item) >= 0;
  Candidate c;
  double variance = 0, expected_variance = 0, expected_sd = 0;
  if (need_reduction || options_.selection == Selection::kExpectedPosteriorVariance) {
    double mean = 0, second = 0;
    for (size_t q = 0; q < Q; ++q) {
      mean += marginal[q] * nodes[q];
      second += marginal[q] * nodes[q] * nodes[q];
    }
    variance = std::max(second - mean * mean, 1e-12);
    // Each possible answer, weighted by how likely it is now, leaves its own posterior.
    for (size_t k = 0; k < K; ++k) {
      const double* p = table.data() + k * Q;
      double w = 0, m1 = 0, m2 = 0;
      for (size_t q = 0; q < Q; ++q) {
        const double v = marginal[q] * p[q];
        w += v;
        m1 += v * nodes[q];
        m2 += v * nodes[q] * nodes[q];
      }
      if (w <= 0) continue;
      const double var_k = std::max(m2 / w - (m1 / w) * (m1 / w), 0.0);
      expected_variance += w * var_k;
      expected_sd += w * std::sqrt(var_k);
    }
    c.se_reduction = std::sqrt(variance) - expected_sd;
  }
  switch (options_.selection) {
    case Selection::kPosteriorWeightedInformation:
      if (!in_facet) {
        c.value = scorer_.posterior_weighted_information(item, marginal);
      } else {
        for (size_t q = 0; q < Q; ++q) c.value += marginal[q] * table_information(table, nodes, q);
      }
      break;
    case Selection::kKullbackLeibler: {
      std::vector<double> at_estimate(K);
      if (!in_facet) {
        category_probabilities(scorer_.model().items[item], estimate.theta, at_estimate);
      } else {
        table_probabilities(table, nodes, estimate.theta, at_estimate);
      }
      for (size_t q = 0; q < Q; ++q) {
        double divergence = 0;
        for (size_t k = 0; k < K; ++k) {
          const double pk = at_estimate[k];
          divergence += pk * std::log(pk / std::max(table[k * Q + q], 1e-300));
        }
        c.value += marginal[q] * divergence;
      }
      break;
    }
    case Selection::kExpectedPosteriorVariance:
      c.value = (variance - expected_variance) / variance;  // relative: comparable across dims
      break;
  }
  return c;
}

CatDecision CatEngine::decide(const Posterior& p, const std::vector<bool>& used,
                              std::span<const size_t> asked) const {
  const Model& m = scorer_.model();
  CatDecision out;
  out.estimates = scorer_.eap(p);
  const size_t D = static_cast<size_t>(m.dimensions);
  const auto marginal = scorer_.marginals(p);
  std::vector<bool> imprecise(D), uncertain_side(D, false);
  for (size_t d = 0; d < D; ++d) {
    imprecise[d] = out.estimates[d].se > options_.se_target;
    if (options_.classification_confidence > 0 && D == 2) {
      // Posterior probability of lying above the cut point on this dimension.
      double above = 0;
      const auto& nodes = scorer_.quadrature().nodes;
      for (size_t q = 0; q < nodes.size(); ++q)
        above += nodes[q] > options_.cut[d] ? marginal[d][q] : 0.0;
      uncertain_side[d] = std::max(above, 1 - above) < options_.classification_confidence;
    }
  }
  const bool predict = options_.min_se_reduction > 0;
  std::vector<std::pair<Candidate, size_t>> candidates;
  std::vector<double> best_reduction(D, 0.0);
  std::vector<double> scratch;
  for (size_t j = 0; j < m.size(); ++j) {
    if (used[j]) continue;
    const auto d = static_cast<size_t>(m.dimension[j]);
    const auto& table = scorer_.predictive_table(p, j, scratch);
    Candidate c = evaluate(j, table, marginal[d], out.estimates[d], predict);
    // A redundant item is expected to tell less than the model says: both its value for the
    // choice and its predicted SD reduction for the stop are discounted.
    const double factor = dependence_factor(j, asked);
    c.value *= factor;
    c.se_reduction *= factor;
    best_reduction[d] = std::max(best_reduction[d], c.se_reduction);
    candidates.emplace_back(c, j);
  }
  std::vector<bool> needs(D);
  bool all_precise = true;
  for (size_t d = 0; d < D; ++d) {
    // A dimension no remaining item can sharpen enough stops asking about its precision.
    const bool worth_asking = !predict || best_reduction[d] >= options_.min_se_reduction;
    needs[d] = (imprecise[d] && worth_asking) || uncertain_side[d];
    all_precise = all_precise && !needs[d];
  }
  const size_t answered = asked.size();
  const int n = static_cast<int>(answered);
  if (n >= options_.max_items || (n >= options_.min_items && all_precise)) {
    out.done = true;
    return out;
  }
  // D-optimality for the information rules: adding item j on dimension d to posterior
  // precision P gives det(P + I_j e_d e_d') = det(P) + I_j * P_other, so information is
  // weighted by the other dimension's precision. The expected-variance rule is already relative
  // to its dimension's variance. Dimensions already precise enough are skipped (balance),
  // unless all are and the minimum length is not reached yet.
  double weight[2] = {1.0, 1.0};
  if (D == 2 && options_.selection != Selection::kExpectedPosteriorVariance) {
    const double v0 = out.estimates[0].se * out.estimates[0].se;
    const double v1 = out.estimates[1].se * out.estimates[1].se;
    const double c = scorer_.posterior_covariance(p);
    const double det = std::max(v0 * v1 - c * c, 1e-12);
    weight[0] = v0 / det;  // P_11, the precision of the other dimension
    weight[1] = v1 / det;  // P_00
  }
  std::vector<std::pair<double, size_t>> ranked;
  for (const auto& [c, j] : candidates) {
    const auto d = static_cast<size_t>(m.dimension[j]);
    if (!all_precise && !needs[d]) continue;
    ranked.emplace_back(c.value * weight[d], j);
  }
  if (ranked.empty()) {
    out.done = true;  // the bank is exhausted
    return out;
  }
  const size_t top = std::min<size_t>(std::max(1, options_.randomesque), ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<long>(top), ranked.end(),
                    [](const auto& a, const auto& b) {
                      return a.first > b.first || (a.first == b.first && a.second < b.second);
                    });
  size_t pick = 0;
  if (top > 1) {
    // Seeded by the step number, so replaying the same answers repeats the same choices.
    std::mt19937_64 rng(options_.seed * 1000003ULL + answered);
    pick = std::uniform_int_distribution<size_t>(0, top - 1)(rng);
  }
  out.next_item = ranked[pick].second;
  return out;
}

}  // namespace sb::psy
