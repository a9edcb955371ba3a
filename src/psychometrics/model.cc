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

std::vector<double> bivariate_prior(const std::vector<double>& nodes, double rho) {
  const size_t Q = nodes.size();
  std::vector<double> w(Q * Q);
  const double det = 1 - rho * rho;
  double total = 0;
  for (size_t a = 0; a < Q; ++a) {
    for (size_t b = 0; b < Q; ++b) {
      const double x = nodes[a], y = nodes[b];
      w[a * Q + b] = std::exp(-0.5 * (x * x - 2 * rho * x * y + y * y) / det);
      total += w[a * Q + b];
    }
  }
  for (double& v : w) v /= total;
  return w;
}

}  // namespace sb::psy
