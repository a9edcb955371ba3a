#include "psychometrics/provisional.h"

#include <algorithm>
#include <cmath>

#include "psychometrics/evaluation.h"
#include "psychometrics/reliability.h"
#include "psychometrics/simulate.h"

namespace sb::psy {
namespace {
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
}  // namespace

Status apply_provisional_parameters(Instrument& bank, const Instrument& reference, uint64_t seed) {
  auto ref_model = reference.model();
  if (!ref_model) return ref_model.error();
  const int K = bank.categories;
  for (size_t d = 0; d < bank.dimensions.size(); ++d) {
    const std::string& id = bank.dimensions[d].id;
    const int rd = reference.dimension_index(id);
    if (rd < 0) return invalid("reference", "the reference instrument has no dimension " + id);
    std::vector<double> forward, reversed;
    double first = 0, last = 0;
    int n = 0;
    for (size_t j = 0; j < reference.items.size(); ++j) {
      if (ref_model->dimension[j] != rd) continue;
      const auto& it = ref_model->items[j];
      (reference.items[j].reverse ? reversed : forward).push_back(it.a);
      first += it.threshold(0);
      last += it.threshold(it.c.size() - 1);
      ++n;
    }
    if (forward.empty())
      return invalid("reference", "dimension " + id + " has no forward-keyed items");
    first /= n;
    last /= n;
    const double a_forward = median(forward);
    const double a_reverse = reversed.size() >= 3 ? median(reversed) : 0.85 * a_forward;
    for (auto& item : bank.items) {
      if (item.dimension != id) continue;
      GrmItem g;
      g.a = item.reverse ? a_reverse : a_forward;
      for (int k = 0; k < K - 1; ++k) {
        const double b = first + (last - first) * k / (K - 2);
        g.c.push_back(-g.a * b);
      }
      item.parameters = g;
      item.provisional = true;
    }
  }
  bank.correlation = reference.correlation;
  auto model = bank.model();
  if (!model) return model.error();

  const auto sim = simulate(*model, 20000, seed);
  Scorer scorer(*model);
  for (size_t d = 0; d < bank.dimensions.size(); ++d) {
    const int dim = static_cast<int>(d);
    std::vector<Estimate> eaps;
    std::vector<double> thetas, classics;
    for (size_t r = 0; r < sim.responses.rows; ++r) {
      const auto e = scorer.eap(sim.responses.row(r))[d];
      eaps.push_back(e);
      thetas.push_back(e.theta);
      classics.push_back(classic_means(*model, sim.responses.row(r))[d]);
    }
    const Norms norms = norms_from_sample(thetas, classics, K);
    const auto cols = model->items_of(dim);
    bank.dimensions[d].norms = norms;
    bank.dimensions[d].reliability =
        ReliabilityFigures{cronbach_alpha(sim.responses, cols), mcdonald_omega(sim.responses, cols),
                           marginal_reliability(eaps), norms.classic_sd};
  }
  if (bank.classification) {
    const double midpoint = (K + 1) / 2.0;
    auto& c = *bank.classification;
    c.cut_anxiety = theta_for_mean(*model, bank.dimension_index(c.anxiety), midpoint);
    c.cut_avoidance = theta_for_mean(*model, bank.dimension_index(c.avoidance), midpoint);
  }
  bank.calibration_note =
      "Provisional parameters set by the documented rule from " + reference.id + " " +
      reference.version +
      " (securebase irt provisional); not yet calibrated on answers to these items.";
  return ok_status();
}

}  // namespace sb::psy
