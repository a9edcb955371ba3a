// A bifactor (testlet) graded response model for one scale whose items come in facets: each
// item loads on the scale's general trait and on its facet's own trait, both standard normal and
// independent, so items of one facet may agree with each other more than the general trait
// explains. Ignoring that makes a facet's items count as more independent evidence than they
// are, and the scale's precision is overstated. Calibrated by EM with Gibbons & Hedeker's (1992)
// dimension reduction: given the general trait, each facet's trait is integrated on its own, so
// a scale with any number of facets needs only two-dimensional grids.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "core/result.h"
#include "psychometrics/instrument.h"
#include "psychometrics/model.h"
#include "psychometrics/scoring.h"

namespace sb::psy {

struct BifactorItem {
  double a_general = 1.0;
  double a_specific = 0.0;  // 0 for an item that belongs to no facet
  std::vector<double> c;    // K-1 intercepts, strictly decreasing
};

struct BifactorModel {
  int categories = 5;
  std::vector<BifactorItem> items;
  std::vector<int> facet;  // per item: 0 .. facets-1, or -1 for none
  int facets = 0;
};

struct BifactorOptions {
  int quadrature_points = 21;  // per trait
  double quadrature_range = 5.0;
  int max_em_steps = 1000;
  double loglik_tolerance = 1e-4;
  unsigned threads = 1;
  // false: every a_specific stays 0, which is the unidimensional model on the same grid (for
  // comparing the two on equal terms).
  bool specific = true;
  // Called after each EM cycle (on the calling thread); it may throw to stop the calibration.
  std::function<void()> after_cycle;
};

struct BifactorFit {
  BifactorModel model;
  double log_likelihood = 0;
  int parameters = 0;  // free parameters
  int em_steps = 0;
  bool converged = false;
};

// `data` holds one scale's keyed answers (kMissing allowed); `facet` gives each column's facet
// (-1: none). A facet with fewer than two items is treated as none: its specific slope would
// not be identified. Starts from the unidimensional calibration.
Result<BifactorFit> calibrate_bifactor(const ResponseMatrix& data, int categories,
                                       const std::vector<int>& facet,
                                       const BifactorOptions& options);

// The general trait's EAP and posterior SD for one answer set, the facets integrated out.
Estimate bifactor_eap(const BifactorModel& model, std::span<const int8_t> responses,
                      const BifactorOptions& options = {});

// For a standard normal s, E[logistic(x + a_s s)] is close to logistic(x / sqrt(1 + 0.346
// a_s^2)) (Zeger, Liang & Albert 1988): integrating a facet's trait out of an item's curve
// flattens it by this factor, 1 / sqrt(1 + 0.346 a_s^2).
double facet_flattening(double specific_slope);
// An item's curve on the general trait with its facet's trait integrated out, as a GRM item:
// slope and intercepts times facet_flattening.
GrmItem marginal_item(const GrmItem& general, double specific_slope);
// `instrument` as a bifactor truth: every item of a facet also loads `slope` on the facet's own
// trait, its general slope and intercepts steeper by as much as integrating that trait out
// flattens them, so each item's curve stays what it was (for simulating answers whose facets
// share more than the scales explain).
Instrument with_facet_slopes(Instrument instrument, double slope);
// `model` with each item of a facet replaced by its marginal_item and the facets dropped: the
// between-item model whose curves match it (used to link and to draw test information).
Model marginal_model(const Model& model);

struct InformationCriteria {
  double aic = 0, bic = 0;
};
InformationCriteria information_criteria(double log_likelihood, int parameters, size_t persons);

}  // namespace sb::psy
