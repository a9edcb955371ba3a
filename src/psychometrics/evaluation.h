// Putting the engine to work on an instrument and a data set: calibration with its report,
// scoring with classification, and post-hoc adaptive testing.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/result.h"
#include "psychometrics/calibrate.h"
#include "psychometrics/cat.h"
#include "psychometrics/classify.h"
#include "psychometrics/instrument.h"

namespace sb::psy {

struct DimensionReport {
  std::string id;
  DimensionFit fit;
  double alpha = 0, omega = 0, marginal = 0;
  std::vector<double> item_rest;  // per item of the dimension
  std::vector<std::string> item_ids;
  std::vector<std::pair<double, double>> information;  // (theta, test information)
};

struct CalibrationReport {
  std::vector<DimensionReport> dimensions;
  std::vector<ItemEstimate> items;
  double correlation = 0, correlation_se = 0;
  double log_likelihood = 0;
  // Two dimensions: before the joint refinement (each dimension alone, then the correlation).
  double sequential_log_likelihood = 0;
  int joint_steps = 0;
  bool joint_converged = false;
  double joint_seconds = 0;
  size_t respondents = 0;
  double seconds = 0;
};

// Fits item parameters, the latent correlation, reliability figures, norms and classification
// cut points, and writes them into `instrument`.
Result<CalibrationReport> calibrate_instrument(Instrument& instrument, const ResponseMatrix& data,
                                               const CalibrationOptions& options);

// Norm tables and moments of a sample of EAP thetas and classic means on a 1..K scale.
Norms norms_from_sample(const std::vector<double>& thetas, const std::vector<double>& classics,
                        int categories);

// Expected classic mean (1..K) on a dimension at theta; and the theta where it equals `mean`.
double expected_mean(const Model& model, int dimension, double theta);
double theta_for_mean(const Model& model, int dimension, double mean);

struct PersonScore {
  std::vector<Estimate> eap, map;
  std::vector<double> classic;
  StyleProbabilities styles;
  bool has_brennan = false;
  Style brennan = Style::kSecure;
};

class InstrumentScorer {
 public:
  explicit InstrumentScorer(const Instrument& instrument, const Model& model);
  PersonScore score(std::span<const int8_t> responses) const;
  StyleProbabilities styles(const Posterior& p) const;
  const Scorer& scorer() const { return scorer_; }

 private:
  const Instrument& ins_;
  const Model& model_;
  Scorer scorer_;
  int anx_ = 0, av_ = 1;
};

struct CatSimulation {
  size_t persons = 0;
  double mean_items = 0;
  std::vector<double> mean_items_per_dimension, correlation, rmse;
  double style_agreement = 0;  // share whose top style matches the full-bank result
  double at_cap = 0;           // share who were given the maximum number of items
  double microseconds_per_step = 0;
};

CatSimulation simulate_cat(const Instrument& instrument, const Model& model,
                           const ResponseMatrix& data, const CatOptions& options);

}  // namespace sb::psy
