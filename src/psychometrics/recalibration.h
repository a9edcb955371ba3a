// Recalibrating an instrument in use from the consented answers it collected: which items have
// enough answers (the rule from the sample-size study), calibrating those, putting them on the
// current scale (Stocking-Lord per dimension, the recalibrated items as anchors) and the report
// an administrator reads before publishing: parameters, reliability, test information and fit
// beside the current version. Items without enough answers keep their current parameters.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "psychometrics/fit.h"
#include "psychometrics/instrument.h"
#include "psychometrics/linking.h"

namespace sb::psy {

// docs/VALIDATION.md, "How many answers a recalibration needs": from 500 answers, with every
// category chosen at least 5 times, slope and threshold RMSE stay at or below 0.2.
struct RecalibrationRule {
  size_t min_answers = 500;
  size_t min_per_category = 5;
  // A dimension is recalibrated only with at least this many ready items: the link to the
  // current scale needs anchors, and a dimension measured by one or two items is no scale.
  size_t min_items_per_dimension = 3;
};

struct ItemReadiness {
  size_t answers = 0;
  size_t fewest_in_a_category = 0;
  bool ready = false;
};

// `per_category[k]` counts answers in raw category k + 1.
ItemReadiness item_readiness(const std::vector<size_t>& per_category,
                             const RecalibrationRule& rule);

struct ItemComparison {
  std::string id, dimension;
  size_t answers = 0;
  bool recalibrated = false;
  GrmItem current, proposed;  // proposed == current when not recalibrated
  // Slopes on the item's facet's own trait (bifactor versions; 0: none). With one, `a` above is
  // the slope on the general trait.
  double specific_current = 0, specific_proposed = 0;
  double se_a = 0;  // of the proposed slope, on the current scale (0: not estimated)
  std::optional<ItemFit> fit;
};

// One trait against a bifactor model over the facets of the recalibrated items, fitted to the
// same answers on the same grid (psychometrics/bifactor.h).
struct FacetComparison {
  int facets = 0;  // facets with at least two recalibrated items
  double log_likelihood_one_trait = 0, log_likelihood_bifactor = 0;
  int parameters_one_trait = 0, parameters_bifactor = 0;
  double bic_one_trait = 0, bic_bifactor = 0, aic_one_trait = 0, aic_bifactor = 0;
  // BIC favours the bifactor model, so the proposed version scores the scale with it: its
  // general slopes and intercepts, linked to the current scale (Stocking-Lord on the items'
  // curves with the facets integrated out), and its facet slopes.
  bool adopted = false;
};

struct DimensionComparison {
  std::string id, name;
  size_t items_recalibrated = 0;
  LinkingResult link;
  // Model-implied marginal reliability of the whole bank: 1 - E[1 / (1 + I(theta))] over the
  // standard normal, for the current and the proposed parameters.
  double reliability_current = 0, reliability_proposed = 0;
  std::vector<double> thetas, information_current, information_proposed;
  size_t complete_sets = 0;  // answer sets with every recalibrated item of this dimension
  std::optional<ModelFit> fit;
  std::optional<FacetComparison> facets;  // when two recalibrated items share a facet
};

struct RecalibrationReport {
  size_t response_sets = 0;
  double correlation_current = 0, correlation_proposed = 0;
  double log_likelihood = 0;
  bool converged = false;
  std::vector<DimensionComparison> dimensions;
  std::vector<ItemComparison> items;  // in instrument order
};

struct Recalibration {
  Instrument instrument;  // the proposed version (same id and version as the current one)
  RecalibrationReport report;
};

struct RecalibrationOptions {
  RecalibrationRule rule;
  unsigned threads = 1;
  // Fit needs answer sets complete on a dimension's recalibrated items; below this it is not run.
  size_t min_complete_for_fit = 200;
  // Grid of the one-trait and bifactor comparison, per trait.
  int facet_quadrature_points = 15;
  // Stage name and percent done (0-100).
  std::function<void(const std::string&, int)> progress;
};

// Whether `readiness` (per item, instrument order) allows a recalibration; the error says why not.
Status can_recalibrate(const Instrument& current, const std::vector<ItemReadiness>& readiness,
                       const RecalibrationRule& rule);

// `raw` holds answers on the 1..K scale (0: not asked), one column per instrument item.
Result<Recalibration> recalibrate(const Instrument& current, const ResponseMatrix& raw,
                                  const RecalibrationOptions& options);

}  // namespace sb::psy
