// A calibrated measurement model: graded-response items, each on one dimension, with
// standard-normal dimensions that may correlate (two at most).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "psychometrics/grm.h"

namespace sb::psy {

constexpr int8_t kMissing = -1;

// Two items' residuals correlate beyond what the model explains (Yen's 1984 Q3, from EAP
// scores): items that share wording or keying tell less together than the model says.
struct ResidualCorrelation {
  size_t first = 0, second = 0;  // item indices
  double q3 = 0.0;
};

struct Model {
  int categories = 5;
  std::vector<GrmItem> items;
  std::vector<int> dimension;  // per item: 0 or 1
  int dimensions = 1;
  double correlation = 0.0;  // between dimensions 0 and 1
  // Measured by calibration on real answers (positive ones, within a dimension); adaptive
  // tests use them to avoid asking redundant items. Empty when no such answers exist.
  std::vector<ResidualCorrelation> residual_correlations;
  // Bifactor (testlet) structure (psychometrics/bifactor.h): an item of facet f >= 0 also
  // loads on that facet's own trait, standard normal and independent of every other trait,
  // with slope specific_slope[j]; its items[j].a is then its slope on the general trait (its
  // dimension). Scoring integrates each facet's trait out, so a facet's items count as less
  // independent evidence than the between-item model says. Empty: the between-item model.
  std::vector<int> facet;  // per item: 0 .. facets-1, or -1 for none
  std::vector<double> specific_slope;
  int facets = 0;

  size_t size() const { return items.size(); }
  bool has_facets() const { return facets > 0; }
  int facet_of(size_t item) const { return facets > 0 ? facet[item] : -1; }
  std::vector<size_t> items_of(int dim) const;
};

// Answers in keyed categories 0 .. K-1 (reverse-keyed items already flipped), kMissing for none.
// Row-major: rows x cols.
struct ResponseMatrix {
  size_t rows = 0;
  size_t cols = 0;
  std::vector<int8_t> data;
  std::span<const int8_t> row(size_t r) const { return {data.data() + r * cols, cols}; }
  int8_t at(size_t r, size_t c) const { return data[r * cols + c]; }
};

// Gauss-Hermite-like rectangular quadrature over a standard normal: equally spaced nodes on
// [-range, range] with normalised normal-density weights (the Bock-Aitkin choice).
struct Quadrature {
  std::vector<double> nodes;
  std::vector<double> weights;
  static Quadrature normal(int points = 61, double range = 6.0);
};

// The standard bivariate normal with correlation rho on the grid nodes x nodes (row-major,
// first dimension by row), normalised to sum 1: the prior of two-dimensional models.
std::vector<double> bivariate_prior(const std::vector<double>& nodes, double rho);

}  // namespace sb::psy
