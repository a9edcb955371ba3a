// Classical and IRT reliability figures and norms.
#pragma once

#include <utility>
#include <vector>

#include "psychometrics/model.h"
#include "psychometrics/scoring.h"

namespace sb::psy {

// Cronbach's alpha over the complete cases of the given columns (keyed answers).
double cronbach_alpha(const ResponseMatrix& data, const std::vector<size_t>& columns);
// Correlation of each item with the sum of the other items (complete cases).
std::vector<double> item_rest_correlations(const ResponseMatrix& data,
                                           const std::vector<size_t>& columns);
// McDonald's omega (total) from a one-factor principal-axis solution of the Pearson
// correlations of the items (complete cases).
double mcdonald_omega(const ResponseMatrix& data, const std::vector<size_t>& columns);
// var(EAP) / (var(EAP) + mean(PSD^2)) over a sample.
double marginal_reliability(const std::vector<Estimate>& estimates);
// Sum of item information of a dimension at each theta. An item of a facet counts with its
// facet's trait integrated out of its curve (marginal_item); that still treats the facet's items
// as independent given the general trait, so it overstates their information somewhat.
std::vector<double> test_information(const Model& model, int dimension,
                                     const std::vector<double>& thetas);
// Percentile (0-100) of each of `points` within `sample`, as (point, percentile) pairs.
std::vector<std::pair<double, double>> percentile_table(std::vector<double> sample,
                                                        const std::vector<double>& points);
// Linear interpolation in a percentile table; clamps outside it.
double lookup_percentile(const std::vector<std::pair<double, double>>& table, double x);
double pearson(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace sb::psy
