// Linking a new calibration to the current scale: exact on transformed parameters, and within
// 0.05 of a planted shift and stretch when the new calibration comes from a different sample.
#include "psychometrics/linking.h"

#include <gtest/gtest.h>

#include <cmath>

#include "psychometrics/calibrate.h"
#include "psychometrics/instrument.h"
#include "psychometrics/simulate.h"

namespace sb::psy {
namespace {

TEST(Linking, TransformingAnItemKeepsItsCurveOnTheCurrentScale) {
  const GrmItem fresh{1.4, {1.0, -0.5, -2.0}};
  const LinkingConstants k{1.3, 0.4};
  const GrmItem current = to_current_scale(fresh, k);
  for (double theta_new : {-2.0, 0.0, 1.5}) {
    const double theta_current = k.A * theta_new + k.B;
    for (int cat = 0; cat < 4; ++cat) {
      EXPECT_NEAR(category_probability(fresh, theta_new, cat),
                  category_probability(current, theta_current, cat), 1e-12);
    }
  }
}

TEST(Linking, RecoversExactConstantsFromTransformedParameters) {
  const Model m = random_model(12, 5, 1, 0.0, 4);
  const LinkingConstants planted{0.8, -0.3};
  // The new scale's parameters are the current ones seen through the inverse transformation.
  std::vector<GrmItem> fresh;
  for (const auto& item : m.items)
    fresh.push_back(to_current_scale(item, {1 / planted.A, -planted.B / planted.A}));
  auto result = stocking_lord(m.items, fresh);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_NEAR(result->constants.A, planted.A, 1e-6);
  EXPECT_NEAR(result->constants.B, planted.B, 1e-6);
  EXPECT_LT(result->criterion, 1e-12);
}

TEST(Linking, RecoversAPlantedShiftAndScaleFromARecalibration) {
  // The current scale is the one the true parameters are on. A new sample whose trait is
  // N(0.5, 1.3^2) on that scale is calibrated afresh: its calibration standardises that sample,
  // so theta_current = 1.3 * theta_new + 0.5.
  const Model truth = random_model(20, 5, 1, 0.0, 8);
  Model seen_by_sample = truth;
  for (auto& item : seen_by_sample.items) {
    for (auto& c : item.c) c += item.a * 0.5;
    item.a *= 1.3;
  }
  const auto sample = simulate(seen_by_sample, 5000, 99);
  const auto& data = sample.responses;
  // The planted constants for this sample: its own standardisation, seen on the current scale.
  double mean = 0, square = 0;
  for (const auto& t : sample.theta) {
    mean += t[0];
    square += t[0] * t[0];
  }
  mean /= 5000;
  const double sd = std::sqrt(square / 5000 - mean * mean);
  const double planted_A = 1.3 * sd, planted_B = 0.5 + 1.3 * mean;
  CalibrationOptions options;
  options.quadrature_points = 41;
  auto fit = calibrate(data, 5, std::vector<int>(20, 0), 1, options);
  ASSERT_TRUE(fit) << fit.error().message;
  auto link = stocking_lord(truth.items, fit->model.items);
  ASSERT_TRUE(link) << link.error().message;
  EXPECT_NEAR(link->constants.A, planted_A, 0.05);
  EXPECT_NEAR(link->constants.B, planted_B, 0.05);
  EXPECT_NEAR(link->constants.A, 1.3, 0.1);
  EXPECT_NEAR(link->constants.B, 0.5, 0.1);
  // The linked parameters are back on the current scale.
  double worst = 0;
  for (size_t j = 0; j < truth.size(); ++j) {
    const auto linked = to_current_scale(fit->model.items[j], link->constants);
    worst = std::max(worst, std::abs(linked.a - truth.items[j].a));
  }
  EXPECT_LT(worst, 0.15);
}

TEST(LinkInstrument, PutsAFreshVersionBackOnTheCurrentScale) {
  auto current =
      load_instrument(std::string(SECUREBASE_CONTENT_DIR) + "/instruments/ecr-1998.json");
  ASSERT_TRUE(current) << current.error().message;
  // The same instrument seen on a stretched and shifted scale, as a new calibration would be.
  Instrument fresh = *current;
  const LinkingConstants to_fresh{1 / 1.2, 0.3 / 1.2};  // theta_fresh = (theta_current + 0.3) / 1.2
  for (auto& item : fresh.items) item.parameters = to_current_scale(*item.parameters, to_fresh);
  for (auto& dim : fresh.dimensions) {
    for (auto& [theta, percentile] : dim.norms->theta) theta = to_fresh.A * theta + to_fresh.B;
  }
  auto links = link_instrument(fresh, *current);
  ASSERT_TRUE(links) << links.error().message;
  ASSERT_EQ(links->size(), 2u);
  for (const auto& l : *links) {
    EXPECT_EQ(l.anchors, 18u);
    EXPECT_NEAR(l.link.constants.A, 1.2, 1e-5);
    EXPECT_NEAR(l.link.constants.B, -0.3, 1e-5);
  }
  for (size_t j = 0; j < fresh.items.size(); ++j) {
    EXPECT_NEAR(fresh.items[j].parameters->a, current->items[j].parameters->a, 1e-5);
    EXPECT_NEAR(fresh.items[j].parameters->c[0], current->items[j].parameters->c[0], 1e-5);
  }
  EXPECT_NEAR(fresh.dimensions[0].norms->theta[3].first,
              current->dimensions[0].norms->theta[3].first, 1e-5);
  EXPECT_NEAR(fresh.classification->cut_anxiety, current->classification->cut_anxiety, 1e-4);
}

TEST(LinkInstrument, RefusesToLinkToProvisionalParameters) {
  auto provisional = load_instrument(std::string(SECUREBASE_CONTENT_DIR) +
                                     "/instruments/securebase-relationships.json");
  ASSERT_TRUE(provisional);
  Instrument fresh = *provisional;
  EXPECT_FALSE(link_instrument(fresh, *provisional));
}

TEST(Linking, RefusesMismatchedAnchors) {
  const Model m = random_model(4, 3, 1, 0.0, 1);
  EXPECT_FALSE(stocking_lord(m.items, {m.items[0]}));
  EXPECT_FALSE(stocking_lord({}, {}));
}

}  // namespace
}  // namespace sb::psy
