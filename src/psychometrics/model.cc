#include "psychometrics/model.h"

#include <cmath>

namespace sb::psy {

std::vector<size_t> Model::items_of(int dim) const {
  std::vector<size_t> out;
  for (size_t j = 0; j < items.size(); ++j) {
    if (dimension[j] == dim) out.push_back(j);
  }
  return out;
}

Quadrature Quadrature::normal(int points, double range) {
  Quadrature q;
  double total = 0.0;
  for (int i = 0; i < points; ++i) {
    const double x = points == 1 ? 0.0 : -range + 2.0 * range * i / (points - 1);
    q.nodes.push_back(x);
    q.weights.push_back(std::exp(-0.5 * x * x));
    total += q.weights.back();
  }
  for (auto& w : q.weights) w /= total;
  return q;
}

}  // namespace sb::psy
