#include "psychometrics/simulate.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace sb::psy {

SimulatedData simulate(const Model& model, size_t persons, uint64_t seed, double missing_rate) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  SimulatedData out;
  out.responses.rows = persons;
  out.responses.cols = model.size();
  out.responses.data.resize(persons * model.size());
  const double r = model.correlation;
  for (size_t i = 0; i < persons; ++i) {
    const double z0 = normal(rng), z1 = normal(rng);
    std::vector<double> theta = {z0};
    if (model.dimensions == 2) theta.push_back(r * z0 + std::sqrt(1 - r * r) * z1);
    // A model with facets: each facet's own trait, drawn only then so that other models'
    // draws stay as they were.
    std::vector<double> facet_trait(static_cast<size_t>(model.facets));
    for (auto& s : facet_trait) s = normal(rng);
    for (size_t j = 0; j < model.size(); ++j) {
      const double u = uniform(rng);
      const double m = uniform(rng);
      const auto& item = model.items[j];
      const int f = model.facet_of(j);
      const double shift =
          f < 0 ? 0.0 : model.specific_slope[j] * facet_trait[static_cast<size_t>(f)];
      const double t = theta[static_cast<size_t>(model.dimension[j])];
      // Category = number of cumulative boundaries passed.
      int k = 0;
      while (k < static_cast<int>(item.c.size()) &&
             u < logistic(item.a * t + shift + item.c[static_cast<size_t>(k)]))
        ++k;
      out.responses.data[i * model.size() + j] =
          m < missing_rate ? kMissing : static_cast<int8_t>(k);
    }
    out.theta.push_back(theta);
  }
  return out;
}

Model random_model(size_t items, int categories, int dimensions, double correlation,
                   uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> slope(0.8, 2.5), centre(-1.0, 1.0), gap(0.5, 1.2);
  Model m;
  m.categories = categories;
  m.dimensions = dimensions;
  m.correlation = correlation;
  for (size_t j = 0; j < items; ++j) {
    GrmItem it;
    it.a = slope(rng);
    std::vector<double> b;
    double x = centre(rng) - 1.5;
    for (int k = 1; k < categories; ++k) {
      b.push_back(x);
      x += gap(rng);
    }
    for (double bk : b) it.c.push_back(-it.a * bk);
    m.items.push_back(it);
    m.dimension.push_back(static_cast<int>(j % static_cast<size_t>(dimensions)));
  }
  return m;
}

}  // namespace sb::psy
