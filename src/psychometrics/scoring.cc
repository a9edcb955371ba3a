#include "psychometrics/scoring.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sb::psy {

Scorer::Scorer(const Model& model, int points, double range)
    : model_(model), q_(Quadrature::normal(points, range)) {
  const size_t Q = q_.nodes.size();
  std::vector<double> probs(static_cast<size_t>(model.categories));
  prob_.resize(model.size());
  info_.resize(model.size());
  for (size_t j = 0; j < model.size(); ++j) {
    const size_t K = model.items[j].c.size() + 1;
    prob_[j].assign(K * Q, 0.0);
    probs.resize(K);
    for (size_t q = 0; q < Q; ++q) {
      category_probabilities(model.items[j], q_.nodes[q], probs);
      for (size_t k = 0; k < K; ++k) prob_[j][k * Q + q] = probs[k];
      info_[j].push_back(item_information(model.items[j], q_.nodes[q]));
    }
  }
  prior1d_ = q_.weights;
  if (model.dimensions == 2) {
    const double r = model.correlation;
    const double det = 1.0 - r * r;
    prior2d_.assign(Q * Q, 0.0);
    double total = 0.0;
    for (size_t a = 0; a < Q; ++a) {
      for (size_t b = 0; b < Q; ++b) {
        const double x = q_.nodes[a], y = q_.nodes[b];
        const double d = std::exp(-0.5 * (x * x - 2 * r * x * y + y * y) / det);
        prior2d_[a * Q + b] = d;
        total += d;
      }
    }
    for (auto& d : prior2d_) d /= total;
  }
  if (model.has_facets()) build_facet_tables();
}

// The facet traits' grid matches bifactor calibration's default (21 points on -5 .. 5).
void Scorer::build_facet_tables() {
  specific_q_ = Quadrature::normal(21, 5.0);
  const size_t Q = q_.nodes.size(), S = specific_q_.nodes.size();
  facet_prob_.assign(model_.size(), {});
  facet_dimension_.assign(static_cast<size_t>(model_.facets), 0);
  std::vector<double> probs;
  for (size_t j = 0; j < model_.size(); ++j) {
    const int f = model_.facet_of(j);
    if (f < 0) continue;
    facet_dimension_[static_cast<size_t>(f)] = model_.dimension[j];
    const GrmItem& item = model_.items[j];
    const size_t K = item.c.size() + 1;
    probs.resize(K);
    facet_prob_[j].assign(K * Q * S, 0.0);
    for (size_t g = 0; g < Q; ++g) {
      for (size_t s = 0; s < S; ++s) {
        // a_g g + a_s s + c_k, written as the GRM item at theta 1 with slope a_g g + a_s s.
        const double slope = item.a * q_.nodes[g] + model_.specific_slope[j] * specific_q_.nodes[s];
        category_probabilities(GrmItem{slope, item.c}, 1.0, probs);
        for (size_t k = 0; k < K; ++k) facet_prob_[j][(k * Q + g) * S + s] = probs[k];
      }
    }
  }
}

Posterior Scorer::posterior(std::span<const int8_t> responses) const {
  Posterior p;
  const size_t Q = q_.nodes.size();
  for (int d = 0; d < model_.dimensions; ++d) p.likelihood[d].assign(Q, 1.0);
  if (model_.has_facets()) {
    for (int d = 0; d < model_.dimensions; ++d) p.outside[d].assign(Q, 1.0);
    p.facet.assign(static_cast<size_t>(model_.facets),
                   std::vector<double>(Q * specific_q_.nodes.size(), 1.0));
  }
  for (size_t j = 0; j < responses.size() && j < model_.size(); ++j) {
    if (responses[j] != kMissing) update(p, j, responses[j]);
  }
  return p;
}

namespace {

// Multiplies `values` by `factor` element by element and rescales so long answer strings never
// underflow; the scale cancels in every ratio.
void multiply_rescaled(std::vector<double>& values, const double* factor) {
  double peak = 0.0;
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] *= factor[i];
    peak = std::max(peak, values[i]);
  }
  if (peak > 0.0 && peak < 1e-200) {
    for (auto& v : values) v /= peak;
  }
}

}  // namespace

void Scorer::update(Posterior& p, size_t item, int8_t category) const {
  const size_t Q = q_.nodes.size();
  const int dim = model_.dimension[item];
  const auto k = static_cast<size_t>(static_cast<unsigned char>(category));  // not missing
  if (!model_.has_facets()) {
    multiply_rescaled(p.likelihood[dim], prob_[item].data() + k * Q);
    return;
  }
  const int f = model_.facet_of(item);
  if (f < 0) {
    multiply_rescaled(p.outside[dim], prob_[item].data() + k * Q);
  } else {
    const size_t S = specific_q_.nodes.size();
    multiply_rescaled(p.facet[static_cast<size_t>(f)], facet_prob_[item].data() + k * Q * S);
  }
  combine(p, dim);
}

void Scorer::combine(Posterior& p, int dim) const {
  const size_t Q = q_.nodes.size(), S = specific_q_.nodes.size();
  auto& L = p.likelihood[dim];
  L = p.outside[dim];
  for (size_t f = 0; f < facet_dimension_.size(); ++f) {
    if (facet_dimension_[f] != dim) continue;
    // Each facet's trait integrated out given the general trait; every factor is brought to
    // peak 1 so that the product of several cannot underflow.
    std::vector<double> integral(Q, 0.0);
    double peak = 0.0;
    for (size_t g = 0; g < Q; ++g) {
      const double* row = p.facet[f].data() + g * S;
      for (size_t s = 0; s < S; ++s) integral[g] += row[s] * specific_q_.weights[s];
      peak = std::max(peak, integral[g]);
    }
    for (size_t g = 0; g < Q; ++g) L[g] *= peak > 0 ? integral[g] / peak : 0.0;
  }
  const double peak = *std::max_element(L.begin(), L.end());
  if (peak > 0.0) {
    for (auto& v : L) v /= peak;
  }
}

const std::vector<double>& Scorer::predictive_table(const Posterior& p, size_t item,
                                                    std::vector<double>& scratch) const {
  const int f = model_.facet_of(item);
  if (f < 0) return prob_[item];
  // P(k | g) = sum_s P(k | g, s) F(g, s) w(s) / sum_s F(g, s) w(s), where F holds the
  // likelihood of the facet's answers so far: the facet trait's posterior given g.
  const size_t Q = q_.nodes.size(), S = specific_q_.nodes.size();
  const size_t K = model_.items[item].c.size() + 1;
  const auto& F = p.facet[static_cast<size_t>(f)];
  const auto& table = facet_prob_[item];
  scratch.assign(K * Q, 0.0);
  std::vector<double> weight(S);
  for (size_t g = 0; g < Q; ++g) {
    double total = 0;
    for (size_t s = 0; s < S; ++s) total += weight[s] = F[g * S + s] * specific_q_.weights[s];
    if (!(total > 0)) continue;
    for (size_t k = 0; k < K; ++k) {
      const double* row = table.data() + (k * Q + g) * S;
      double v = 0;
      for (size_t s = 0; s < S; ++s) v += row[s] * weight[s];
      scratch[k * Q + g] = v / total;
    }
  }
  return scratch;
}

void Scorer::moments(const Posterior& p, double m[2], double v[2], double* cov) const {
  const size_t Q = q_.nodes.size();
  const auto& x = q_.nodes;
  if (model_.dimensions == 1) {
    double z = 0, s1 = 0, s2 = 0;
    for (size_t q = 0; q < Q; ++q) {
      const double w = p.likelihood[0][q] * prior1d_[q];
      z += w;
      s1 += w * x[q];
      s2 += w * x[q] * x[q];
    }
    m[0] = s1 / z;
    v[0] = std::max(0.0, s2 / z - m[0] * m[0]);
    return;
  }
  // The prior couples the dimensions; the likelihood factorises, so each marginal needs one
  // matrix-vector product instead of a full double sum per moment.
  const auto& L0 = p.likelihood[0];
  const auto& L1 = p.likelihood[1];
  std::vector<double> m0(Q, 0.0), m1(Q, 0.0), mx(Q, 0.0);
  for (size_t a = 0; a < Q; ++a) {
    const double* row = prior2d_.data() + a * Q;
    double s = 0, sx = 0;
    for (size_t b = 0; b < Q; ++b) {
      s += row[b] * L1[b];
      sx += row[b] * L1[b] * x[b];
      m1[b] += row[b] * L0[a];
    }
    m0[a] = s;
    mx[a] = sx;
  }
  double z = 0, a1 = 0, a2 = 0, b1 = 0, b2 = 0, c = 0;
  for (size_t q = 0; q < Q; ++q) {
    const double w0 = L0[q] * m0[q];
    z += w0;
    a1 += w0 * x[q];
    a2 += w0 * x[q] * x[q];
    const double w1 = L1[q] * m1[q];
    b1 += w1 * x[q];
    b2 += w1 * x[q] * x[q];
    c += L0[q] * x[q] * mx[q];
  }
  m[0] = a1 / z;
  m[1] = b1 / z;
  v[0] = std::max(0.0, a2 / z - m[0] * m[0]);
  v[1] = std::max(0.0, b2 / z - m[1] * m[1]);
  if (cov) *cov = c / z - m[0] * m[1];
}

std::vector<Estimate> Scorer::eap(const Posterior& p) const {
  double m[2] = {0, 0}, v[2] = {1, 1};
  moments(p, m, v, nullptr);
  std::vector<Estimate> out;
  out.reserve(static_cast<size_t>(model_.dimensions));
  for (int d = 0; d < model_.dimensions; ++d) out.push_back({m[d], std::sqrt(v[d])});
  return out;
}

std::vector<Estimate> Scorer::eap(std::span<const int8_t> responses) const {
  return eap(posterior(responses));
}

std::array<std::vector<double>, 2> Scorer::marginals(const Posterior& p) const {
  const size_t Q = q_.nodes.size();
  std::array<std::vector<double>, 2> out;
  if (model_.dimensions == 1) {
    out[0].resize(Q);
    double z = 0;
    for (size_t q = 0; q < Q; ++q) z += out[0][q] = p.likelihood[0][q] * prior1d_[q];
    for (auto& v : out[0]) v /= z;
    return out;
  }
  out[0].assign(Q, 0.0);
  out[1].assign(Q, 0.0);
  for (size_t a = 0; a < Q; ++a) {
    const double* row = prior2d_.data() + a * Q;
    double s = 0;
    for (size_t b = 0; b < Q; ++b) {
      s += row[b] * p.likelihood[1][b];
      out[1][b] += row[b] * p.likelihood[0][a];
    }
    out[0][a] = s * p.likelihood[0][a];
  }
  for (size_t b = 0; b < Q; ++b) out[1][b] *= p.likelihood[1][b];
  for (auto& m : out) {
    double z = 0;
    for (double v : m) z += v;
    for (auto& v : m) v /= z;
  }
  return out;
}

double Scorer::posterior_weighted_information(size_t item,
                                              const std::vector<double>& marginal) const {
  const auto& info = info_[item];
  double s = 0;
  for (size_t q = 0; q < info.size(); ++q) s += info[q] * marginal[q];
  return s;
}

double Scorer::posterior_covariance(const Posterior& p) const {
  if (model_.dimensions < 2) return 0.0;
  double m[2], v[2], cov = 0.0;
  moments(p, m, v, &cov);
  return cov;
}

std::array<double, 4> Scorer::quadrant_probabilities(const Posterior& p, double cut0,
                                                     double cut1) const {
  const size_t Q = q_.nodes.size();
  std::array<double, 4> mass{0, 0, 0, 0};
  // A node on a cut point splits its weight between both sides.
  auto side_high = [&](double x, double cut) {
    const double half = (q_.nodes[1] - q_.nodes[0]) / 2;
    if (x <= cut - half) return 0.0;
    if (x >= cut + half) return 1.0;
    return (x - (cut - half)) / (2 * half);
  };
  for (size_t a = 0; a < Q; ++a) {
    const double h0 = side_high(q_.nodes[a], cut0);
    for (size_t b = 0; b < Q; ++b) {
      const double w = p.likelihood[0][a] * p.likelihood[1][b] * prior2d_[a * Q + b];
      const double h1 = side_high(q_.nodes[b], cut1);
      mass[0] += w * (1 - h0) * (1 - h1);
      mass[1] += w * h0 * (1 - h1);
      mass[2] += w * (1 - h0) * h1;
      mass[3] += w * h0 * h1;
    }
  }
  const double total = mass[0] + mass[1] + mass[2] + mass[3];
  for (auto& m : mass) m /= total;
  return mass;
}

std::vector<Estimate> Scorer::marginal_modes(const Posterior& p) const {
  const auto marginal = marginals(p);
  const auto& x = q_.nodes;
  const double h = x[1] - x[0];
  std::vector<Estimate> out;
  for (int d = 0; d < model_.dimensions; ++d) {
    const auto& m = marginal[static_cast<size_t>(d)];
    const auto top = static_cast<size_t>(std::max_element(m.begin(), m.end()) - m.begin());
    if (top == 0 || top + 1 == m.size() || m[top - 1] <= 0 || m[top + 1] <= 0) {
      out.push_back({x[top], h});  // at the grid's edge: the node itself
      continue;
    }
    // A parabola through the log density at the top node and its neighbours.
    const double lo = std::log(m[top - 1]), mid = std::log(m[top]), hi = std::log(m[top + 1]);
    const double curvature = (hi - 2 * mid + lo) / (h * h);
    const double slope = (hi - lo) / (2 * h);
    if (!(curvature < 0)) {
      out.push_back({x[top], h});
      continue;
    }
    out.push_back({x[top] - slope / curvature, 1.0 / std::sqrt(-curvature)});
  }
  return out;
}

std::vector<Estimate> Scorer::map(std::span<const int8_t> responses) const {
  if (model_.has_facets()) return marginal_modes(posterior(responses));
  const int D = model_.dimensions;
  const double r = D == 2 ? model_.correlation : 0.0;
  // Prior precision: the inverse of [[1, r], [r, 1]].
  const double det = 1 - r * r;
  const double P[2][2] = {{1 / det, -r / det}, {-r / det, 1 / det}};
  double theta[2] = {0, 0};
  double info[2] = {0, 0};
  for (int iter = 0; iter < 100; ++iter) {
    double g[2] = {0, 0};
    info[0] = info[1] = 0;
    for (size_t j = 0; j < responses.size() && j < model_.size(); ++j) {
      if (responses[j] == kMissing) continue;
      const auto& item = model_.items[j];
      const int d = model_.dimension[j];
      const size_t k = static_cast<unsigned char>(responses[j]);  // 0..K-1 once not missing
      const double up = k == 0 ? 1.0 : logistic(item.a * theta[d] + item.c[k - 1]);
      const double lo = k >= item.c.size() ? 0.0 : logistic(item.a * theta[d] + item.c[k]);
      const double pk = std::max(up - lo, 1e-300);
      g[d] += item.a * (up * (1 - up) - lo * (1 - lo)) / pk;
      info[d] += item_information(item, theta[d]);
    }
    double H[2][2] = {{info[0] + P[0][0], P[0][1]}, {P[1][0], info[1] + P[1][1]}};
    double step[2];
    if (D == 1) {
      g[0] -= theta[0];
      H[0][0] = info[0] + 1.0;
      step[0] = g[0] / H[0][0];
      step[1] = 0;
    } else {
      g[0] -= P[0][0] * theta[0] + P[0][1] * theta[1];
      g[1] -= P[1][0] * theta[0] + P[1][1] * theta[1];
      const double dh = H[0][0] * H[1][1] - H[0][1] * H[1][0];
      step[0] = (H[1][1] * g[0] - H[0][1] * g[1]) / dh;
      step[1] = (H[0][0] * g[1] - H[1][0] * g[0]) / dh;
    }
    double biggest = 0;
    for (int d = 0; d < D; ++d) {
      step[d] = std::clamp(step[d], -1.0, 1.0);
      theta[d] = std::clamp(theta[d] + step[d], -6.0, 6.0);
      biggest = std::max(biggest, std::abs(step[d]));
    }
    if (biggest < 1e-8) break;
  }
  std::vector<Estimate> out;
  if (D == 1) {
    out.push_back({theta[0], 1.0 / std::sqrt(info[0] + 1.0)});
  } else {
    const double h00 = info[0] + P[0][0], h11 = info[1] + P[1][1], h01 = P[0][1];
    const double dh = h00 * h11 - h01 * h01;
    out.push_back({theta[0], std::sqrt(h11 / dh)});
    out.push_back({theta[1], std::sqrt(h00 / dh)});
  }
  return out;
}

std::vector<double> classic_means(const Model& model, std::span<const int8_t> responses) {
  std::vector<double> sum(static_cast<size_t>(model.dimensions), 0.0);
  std::vector<int> n(static_cast<size_t>(model.dimensions), 0);
  for (size_t j = 0; j < responses.size() && j < model.size(); ++j) {
    if (responses[j] == kMissing) continue;
    sum[model.dimension[j]] += responses[j] + 1;
    ++n[model.dimension[j]];
  }
  for (size_t d = 0; d < sum.size(); ++d) {
    sum[d] = n[d] ? sum[d] / n[d] : std::numeric_limits<double>::quiet_NaN();
  }
  return sum;
}

}  // namespace sb::psy
