#include "psychometrics/linking.h"

#include <cmath>

#include "psychometrics/evaluation.h"
#include "psychometrics/model.h"

namespace sb::psy {
namespace {

double expected_score(const GrmItem& item, double theta) {
  double e = 0;
  for (double c : item.c) e += logistic(item.a * theta + c);
  return e;
}

// Weighted residuals of the test characteristic curves at the quadrature nodes.
std::vector<double> residuals(const std::vector<GrmItem>& current,
                              const std::vector<GrmItem>& fresh, LinkingConstants k,
                              const Quadrature& q) {
  std::vector<double> r(q.nodes.size());
  for (size_t i = 0; i < r.size(); ++i) {
    double difference = 0;
    for (size_t j = 0; j < current.size(); ++j) {
      difference += expected_score(current[j], q.nodes[i]) -
                    expected_score(to_current_scale(fresh[j], k), q.nodes[i]);
    }
    r[i] = std::sqrt(q.weights[i]) * difference;
  }
  return r;
}

double sum_of_squares(const std::vector<double>& r) {
  double s = 0;
  for (double v : r) s += v * v;
  return s;
}

}  // namespace

GrmItem to_current_scale(const GrmItem& item, LinkingConstants k) {
  GrmItem out = item;
  out.a = item.a / k.A;
  for (double& c : out.c) c -= item.a * k.B / k.A;
  return out;
}

Result<LinkingResult> stocking_lord(const std::vector<GrmItem>& current,
                                    const std::vector<GrmItem>& fresh) {
  if (current.empty() || current.size() != fresh.size())
    return invalid("anchors", "the same anchor items are needed on both scales");
  for (size_t j = 0; j < current.size(); ++j) {
    if (!is_well_formed(current[j]) || !is_well_formed(fresh[j]) ||
        current[j].c.size() != fresh[j].c.size())
      return invalid("anchors", "anchor item " + std::to_string(j + 1) + " is not usable");
  }
  const Quadrature q = Quadrature::normal(41, 4.0);
  // Gauss-Newton on (log A, B) with a numerical Jacobian and step halving.
  double logA = 0, B = 0;
  auto at = [&](double la, double b) { return residuals(current, fresh, {std::exp(la), b}, q); };
  std::vector<double> r = at(logA, B);
  double f = sum_of_squares(r);
  LinkingResult out;
  for (out.iterations = 0; out.iterations < 100; ++out.iterations) {
    const double h = 1e-6;
    const auto rA = at(logA + h, B), rB = at(logA, B + h);
    double jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
    for (size_t i = 0; i < r.size(); ++i) {
      const double da = (rA[i] - r[i]) / h, db = (rB[i] - r[i]) / h;
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r[i];
      gb += db * r[i];
    }
    const double det = jaa * jbb - jab * jab;
    if (!(std::abs(det) > 1e-300)) break;
    const double stepA = -(jbb * ga - jab * gb) / det, stepB = -(jaa * gb - jab * ga) / det;
    double t = 1;
    bool improved = false;
    while (t > 1e-8) {
      const auto trial = at(logA + t * stepA, B + t * stepB);
      const double ft = sum_of_squares(trial);
      if (ft <= f) {
        logA += t * stepA;
        B += t * stepB;
        r = trial;
        improved = f - ft > 1e-14 * (1 + f);
        f = ft;
        break;
      }
      t *= 0.5;
    }
    if (!improved || (std::abs(t * stepA) < 1e-10 && std::abs(t * stepB) < 1e-10)) break;
  }
  out.constants = {std::exp(logA), B};
  out.criterion = f;
  return out;
}

Result<std::vector<DimensionLink>> link_instrument(Instrument& fresh, const Instrument& current) {
  std::vector<DimensionLink> links;
  for (const auto& item : current.items) {
    if (item.provisional || !item.parameters)
      return invalid("current",
                     "the current version's parameters are provisional: the first "
                     "calibration defines the scale, there is nothing to link to");
  }
  for (auto& dim : fresh.dimensions) {
    std::vector<GrmItem> anchors_current, anchors_fresh;
    for (const auto& item : fresh.items) {
      if (item.dimension != dim.id || !item.parameters) continue;
      const int other = current.item_index(item.id);
      if (other < 0) continue;
      const auto& same = current.items[static_cast<size_t>(other)];
      if (same.dimension != dim.id || !same.parameters) continue;
      anchors_current.push_back(*same.parameters);
      anchors_fresh.push_back(*item.parameters);
    }
    if (anchors_current.size() < 3)
      return invalid("anchors", "dimension " + dim.id +
                                    " shares fewer than 3 items with the "
                                    "current version");
    auto link = stocking_lord(anchors_current, anchors_fresh);
    if (!link) return link.error();
    const LinkingConstants k = link->constants;
    for (auto& item : fresh.items) {
      if (item.dimension == dim.id && item.parameters)
        item.parameters = to_current_scale(*item.parameters, k);
    }
    if (dim.norms) {
      for (auto& [theta, percentile] : dim.norms->theta) theta = k.A * theta + k.B;
      dim.norms->theta_mean = k.A * dim.norms->theta_mean + k.B;
      dim.norms->theta_sd *= k.A;
    }
    links.push_back({dim.id, anchors_current.size(), *link});
  }
  if (fresh.classification) {
    auto model = fresh.model();
    if (!model) return model.error();
    // "High" stays "answering above the scale's midpoint on average", found again on the
    // linked parameters.
    const double midpoint = (fresh.categories + 1) / 2.0;
    auto& c = *fresh.classification;
    c.cut_anxiety = theta_for_mean(*model, fresh.dimension_index(c.anxiety), midpoint);
    c.cut_avoidance = theta_for_mean(*model, fresh.dimension_index(c.avoidance), midpoint);
  }
  return links;
}

}  // namespace sb::psy
