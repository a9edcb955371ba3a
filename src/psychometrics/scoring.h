// Person scoring: EAP with posterior SD and MAP with SE on one or two dimensions, the
// posterior over a grid (for classification), and classic mean scores. EAP, MAP and the
// posterior also follow a model with facets (bifactor), its facets' traits integrated out.
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
  // Models with facets only: per facet, the likelihood of its answers over general x specific
  // nodes (row-major, general by row); per dimension, that of its answers outside any facet.
  // `likelihood` is then their product with each facet's trait integrated out.
  std::vector<std::vector<double>> facet;
  std::array<std::vector<double>, 2> outside;
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
  // MAP by Newton steps; for a model with facets, each dimension's posterior mode with the
  // facets integrated out (on the grid, refined by a parabola; SE from its curvature).
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

  // Probability of each category of `item` at each node: [category][node]. For an item of a
  // facet, at the facet trait's mean (0); use predictive_table for the answer's probability.
  const std::vector<double>& probability_table(size_t item) const { return prob_[item]; }
  // The probability of each answer to `item` at each node of its dimension given the answers
  // in `p`: [category][node]. An item of a facet depends on the answers to the others of its
  // facet through their shared trait, which is integrated out; for any other item this is
  // probability_table. `scratch` holds the table when it has to be computed.
  const std::vector<double>& predictive_table(const Posterior& p, size_t item,
                                              std::vector<double>& scratch) const;

 private:
  // Works on E[f(theta0, theta1)] with the correlated prior; fills moments.
  void moments(const Posterior& p, double m[2], double v[2], double* cov) const;
  void build_facet_tables();
  std::vector<Estimate> marginal_modes(const Posterior& p) const;
  // Models with facets: recomputes likelihood[dim] from `outside` and the facets' tables.
  void combine(Posterior& p, int dim) const;

  const Model& model_;
  Quadrature q_;
  std::vector<std::vector<double>> prob_;  // per item: K x nodes
  std::vector<std::vector<double>> info_;  // per item: information at each node
  std::vector<double> prior2d_;            // nodes x nodes, bivariate normal density (normalised)
  std::vector<double> prior1d_;
  // Models with facets: the facet traits' grid, and per item of a facet the probability of
  // each category at each (general, specific) node: [category][general][specific].
  Quadrature specific_q_;
  std::vector<std::vector<double>> facet_prob_;
  std::vector<int> facet_dimension_;
};

// Mean of the answered items on each dimension, on the 1 .. K response scale (keyed).
// NaN for a dimension with no answers.
std::vector<double> classic_means(const Model& model, std::span<const int8_t> responses);

}  // namespace sb::psy
