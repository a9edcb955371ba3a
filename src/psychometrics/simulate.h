// Seeded simulation of respondents from a model (for recovery tests and benchmarks).
#pragma once

#include <cstdint>
#include <vector>

#include "psychometrics/model.h"

namespace sb::psy {

struct SimulatedData {
  ResponseMatrix responses;
  std::vector<std::vector<double>> theta;  // per person, per dimension
};

// A model with facets also gives each person a trait per facet (bifactor).
SimulatedData simulate(const Model& model, size_t persons, uint64_t seed,
                       double missing_rate = 0.0);
// A bank of `items` random items (slopes 0.8-2.5, spread thresholds), alternating dimensions.
Model random_model(size_t items, int categories, int dimensions, double correlation, uint64_t seed);

}  // namespace sb::psy
