// Differential item functioning: a planted difference is found, clean items are left alone at
// about the nominal rate, and a group difference in the trait itself is not mistaken for DIF.
#include "psychometrics/dif.h"

#include <gtest/gtest.h>

#include "psychometrics/simulate.h"

namespace sb::psy {
namespace {

// Two groups answering `reference` and `focal` (same items unless changed), the focal group's
// trait shifted by `shift`.
struct TwoGroups {
  ResponseMatrix data;
  std::vector<int> group;
};

TwoGroups two_groups(const Model& reference, const Model& focal, size_t per_group, double shift,
                     uint64_t seed) {
  TwoGroups out;
  const auto a = simulate(reference, per_group, seed).responses;
  // Shift the focal group's trait by moving every intercept: a*(theta+s)+c = a*theta+(c+a*s).
  Model shifted = focal;
  for (auto& item : shifted.items)
    for (auto& c : item.c) c += item.a * shift;
  const auto b = simulate(shifted, per_group, seed + 7919).responses;
  out.data.cols = reference.size();
  out.data.rows = a.rows + b.rows;
  out.data.data = a.data;
  out.data.data.insert(out.data.data.end(), b.data.begin(), b.data.end());
  out.group.assign(a.rows, 0);
  out.group.insert(out.group.end(), b.rows, 1);
  return out;
}

DifOptions quick() {
  DifOptions o;
  o.quadrature_points = 31;
  o.loglik_tolerance = 1e-3;
  return o;
}

TEST(Dif, FindsAPlantedDifferenceAndEstimatesTheGroupGap) {
  const Model reference = random_model(8, 4, 1, 0.0, 3);
  Model focal = reference;
  for (auto& c : focal.items[2].c) c -= 0.9;  // item 2 is harder for the focal group
  const auto sample = two_groups(reference, focal, 1500, 0.5, 11);
  auto result = dif_analysis(sample.data, sample.group, 4, quick());
  ASSERT_TRUE(result) << result.error().message;
  const auto& planted = result->items[2];
  EXPECT_TRUE(planted.flagged);
  EXPECT_LT(planted.p_adjusted, 1e-6);
  EXPECT_LT(planted.signed_difference, -0.2);  // lower expected score at equal trait
  EXPECT_NEAR(planted.unsigned_difference, -planted.signed_difference, 0.05);
  for (size_t j = 0; j < result->items.size(); ++j) {
    if (j == 2) continue;
    EXPECT_FALSE(result->items[j].flagged) << "item " << j;
    EXPECT_LT(result->items[j].unsigned_difference, 0.1) << "item " << j;
  }
  // With the DIF item out of the anchor set, the gap in the trait itself is recovered.
  EXPECT_NEAR(result->focal_mean, 0.5, 0.1);
  EXPECT_NEAR(result->focal_sd, 1.0, 0.1);
  EXPECT_GE(result->rounds, 2);
}

TEST(Dif, LeavesCleanItemsAloneAtTheNominalRate) {
  const Model items = random_model(6, 3, 1, 0.0, 5);
  DifOptions options = quick();
  options.quadrature_points = 21;
  options.purify = false;
  int rejected = 0, tests = 0;
  const int replications = 200;
  for (int rep = 0; rep < replications; ++rep) {
    const auto sample = two_groups(items, items, 300, 0.4, 100 + static_cast<uint64_t>(rep));
    auto result = dif_analysis(sample.data, sample.group, 3, options);
    ASSERT_TRUE(result) << result.error().message;
    for (const auto& item : result->items) {
      rejected += item.p < 0.05;  // the unadjusted test's own level
      ++tests;
    }
  }
  const double rate = static_cast<double>(rejected) / tests;
  EXPECT_GE(rate, 0.03);
  EXPECT_LE(rate, 0.07);
}

TEST(Dif, RefusesGroupsTooSmallOrMismatched) {
  const Model items = random_model(5, 3, 1, 0.0, 1);
  const auto sample = two_groups(items, items, 60, 0.0, 2);
  EXPECT_FALSE(dif_analysis(sample.data, sample.group, 3));
  EXPECT_FALSE(dif_analysis(sample.data, std::vector<int>(3, 0), 3));
}

}  // namespace
}  // namespace sb::psy
