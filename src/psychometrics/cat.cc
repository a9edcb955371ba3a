#include "psychometrics/cat.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace sb::psy {

CatDecision CatEngine::decide(const std::vector<Answer>& answers,
                              const std::vector<bool>* unavailable) const {
  const Model& m = scorer_.model();
  std::vector<bool> used = unavailable ? *unavailable : std::vector<bool>(m.size(), false);
  used.resize(m.size(), false);
  Posterior p = scorer_.posterior({});
  for (const auto& [item, category] : answers) {
    if (item >= m.size() || used[item]) continue;  // unknown or repeated: ignored
    scorer_.update(p, item, category);
    used[item] = true;
  }
  return decide(p, used, answers.size());
}

CatDecision CatEngine::decide(const Posterior& p, const std::vector<bool>& used,
                              size_t answered) const {
  const Model& m = scorer_.model();
  CatDecision out;
  out.estimates = scorer_.eap(p);
  const int D = m.dimensions;
  const auto marginal = scorer_.marginals(p);
  std::vector<bool> needs(static_cast<size_t>(D));
  bool all_precise = true;
  for (int d = 0; d < D; ++d) {
    needs[d] = out.estimates[d].se > options_.se_target;
    if (options_.classification_confidence > 0 && D == 2) {
      // Posterior probability of lying above the cut point on this dimension.
      double above = 0;
      const auto& nodes = scorer_.quadrature().nodes;
      for (size_t q = 0; q < nodes.size(); ++q)
        above += nodes[q] > options_.cut[d] ? marginal[d][q] : 0.0;
      const double certainty = std::max(above, 1 - above);
      needs[d] = needs[d] || certainty < options_.classification_confidence;
    }
    all_precise = all_precise && !needs[d];
  }
  const int n = static_cast<int>(answered);
  if (n >= options_.max_items || (n >= options_.min_items && all_precise)) {
    out.done = true;
    return out;
  }
  // D-optimality: adding item j on dimension d to posterior precision P multiplies nothing
  // else, so det(P + I_j e_d e_d') = det(P) + I_j * P_other. For one dimension this is plain
  // maximum information. Dimensions already precise enough are skipped (balance), unless all
  // are and the minimum length is not reached yet.
  double weight[2] = {1.0, 1.0};
  if (D == 2) {
    const double v0 = out.estimates[0].se * out.estimates[0].se;
    const double v1 = out.estimates[1].se * out.estimates[1].se;
    const double c = scorer_.posterior_covariance(p);
    const double det = std::max(v0 * v1 - c * c, 1e-12);
    weight[0] = v0 / det;  // P_11, the precision of the other dimension
    weight[1] = v1 / det;  // P_00
  }
  std::vector<std::pair<double, size_t>> candidates;
  for (size_t j = 0; j < m.size(); ++j) {
    if (used[j]) continue;
    const int d = m.dimension[j];
    if (!all_precise && !needs[d]) continue;
    // Posterior-weighted information: early on, when the estimate is rough, it looks at
    // where the person may be rather than at one point.
    const double info = scorer_.posterior_weighted_information(j, marginal[static_cast<size_t>(d)]);
    candidates.emplace_back(info * weight[d], j);
  }
  if (candidates.empty()) {
    out.done = true;  // the bank is exhausted
    return out;
  }
  const size_t top = std::min<size_t>(std::max(1, options_.randomesque), candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<long>(top),
                    candidates.end(), [](const auto& a, const auto& b) {
                      return a.first > b.first || (a.first == b.first && a.second < b.second);
                    });
  size_t pick = 0;
  if (top > 1) {
    // Seeded by the step number, so replaying the same answers repeats the same choices.
    std::mt19937_64 rng(options_.seed * 1000003ULL + answered);
    pick = std::uniform_int_distribution<size_t>(0, top - 1)(rng);
  }
  out.next_item = candidates[pick].second;
  return out;
}

}  // namespace sb::psy
