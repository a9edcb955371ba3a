// Marginal maximum-likelihood calibration of the graded response model by EM (Bock-Aitkin),
// accelerated with SQUAREM, with missing answers, a multi-threaded E-step and standard errors
// from the cross-product of per-person scores.
#pragma once

#include <functional>
#include <vector>

#include "core/result.h"
#include "psychometrics/model.h"

namespace sb::psy {

struct CalibrationOptions {
  int quadrature_points = 61;
  double quadrature_range = 6.0;
  int max_em_steps = 5000;
  double loglik_tolerance = 1e-4;  // absolute change per accelerated cycle
  double param_tolerance = 1e-4;   // largest parameter change per cycle
  unsigned threads = 1;
  bool accelerate = true;
  // Two dimensions: after fitting each dimension alone and then the correlation, refine items
  // and correlation together by EM on the two-dimensional grid (the joint maximum).
  bool joint = true;
  int joint_points = 41;  // per dimension
  double joint_range = 5.0;
  // Called after each cycle: dimension, EM steps so far, log-likelihood.
  std::function<void(int, int, double)> progress;
};

struct ItemEstimate {
  GrmItem item;
  double se_a = 0.0;
  std::vector<double> se_c;
  std::vector<double> b, se_b;  // thresholds on the theta scale
};

struct DimensionFit {
  double log_likelihood = 0.0;
  int em_steps = 0;  // EM map evaluations (E-step + M-step)
  bool converged = false;
  double seconds = 0.0;
};

struct CalibrationResult {
  Model model;
  std::vector<ItemEstimate> items;  // in model order
  std::vector<DimensionFit> fits;   // per dimension
  double correlation_se = 0.0;
  double log_likelihood = 0.0;  // of the full two-dimensional model
  // Two dimensions: the log-likelihood before the joint refinement (each dimension alone, then
  // the correlation) and the joint EM's steps; both on the same grid as log_likelihood.
  double sequential_log_likelihood = 0.0;
  int joint_steps = 0;
  bool joint_converged = false;
  double joint_seconds = 0.0;
};

// Calibrates items of each dimension as a unidimensional GRM, then estimates the latent
// correlation by maximising the two-dimensional marginal likelihood with items fixed; with
// options.joint, then refines all of them together. Standard errors come from the
// per-dimension fits.
// `dimension` gives each column's dimension; responses must be keyed.
Result<CalibrationResult> calibrate(const ResponseMatrix& data, int categories,
                                    const std::vector<int>& dimension, int dimensions,
                                    const CalibrationOptions& options);

// One item's M-step: maximises its expected complete-data log-likelihood, given expected
// counts[category][node] over the quadrature, by Fisher scoring with step halving, in place.
void maximise_item(GrmItem& item, const double* counts, const Quadrature& quadrature,
                   int categories);

// Calibrates one dimension (the columns listed) and returns its items; exposed for benchmarks.
Result<std::vector<ItemEstimate>> calibrate_dimension(const ResponseMatrix& data, int categories,
                                                      const std::vector<size_t>& columns,
                                                      const CalibrationOptions& options,
                                                      DimensionFit* fit);

}  // namespace sb::psy
