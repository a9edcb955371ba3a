// Person scoring: EAP with posterior SD and MAP with SE on one or two dimensions, the
// posterior over a grid (for classification), and classic mean scores.
#pragma once

#include <array>
#include <span>
#include <vector>

#include "psychometrics/model.h"

namespace sb::psy {

struct Estimate {
  double theta = 0.0;
  double se = 1.0;  // posterior SD for EAP, SE for MAP
};

// The posterior over the grid: per-dimension likelihoods times the (correlated) prior.
struct Posterior {
  std::array<std::vector<double>, 2> likelihood;  // per dimension, over the nodes (scaled)
};

class Scorer {
 public:
  explicit Scorer(const Model& model, int points = 61, double range = 6.0);

  const Model& model() const { return model_; }
  const Quadrature& quadrature() const { return q_; }

  // Per-dimension likelihood over the nodes, for the given keyed answers.
  Posterior posterior(std::span<const int8_t> responses) const;
  // Adds one answer to a posterior (used by adaptive testing).
  void update(Posterior& p, size_t item, int8_t category) const;

  std::vector<Estimate> eap(std::span<const int8_t> responses) const;
  std::vector<Estimate> eap(const Posterior& p) const;
  std::vector<Estimate> map(std::span<const int8_t> responses) const;
  // Normalised marginal posterior of each dimension over the nodes.
  std::array<std::vector<double>, 2> marginals(const Posterior& p) const;
  // Item information averaged over the marginal posterior of the item's dimension.
  double posterior_weighted_information(size_t item, const std::vector<double>& marginal) const;
  // Posterior covariance between dimensions 0 and 1 (two-dimensional models).
  double posterior_covariance(const Posterior& p) const;

  // Probability mass of the posterior in each quadrant around the cut points:
  // [low0-low1, high0-low1, low0-high1, high0-high1].
  std::array<double, 4> quadrant_probabilities(const Posterior& p, double cut0, double cut1) const;

  // Probability of each category of `item` at each node: [category][node].
  const std::vector<double>& probability_table(size_t item) const { return prob_[item]; }

 private:
  // Works on E[f(theta0, theta1)] with the correlated prior; fills moments.
  void moments(const Posterior& p, double m[2], double v[2], double* cov) const;

  const Model& model_;
  Quadrature q_;
  std::vector<std::vector<double>> prob_;  // per item: K x nodes
  std::vector<std::vector<double>> info_;  // per item: information at each node
  std::vector<double> prior2d_;            // nodes x nodes, bivariate normal density (normalised)
  std::vector<double> prior1d_;
};

// Mean of the answered items on each dimension, on the 1 .. K response scale (keyed).
// NaN for a dimension with no answers.
std::vector<double> classic_means(const Model& model, std::span<const int8_t> responses);

}  // namespace sb::psy
