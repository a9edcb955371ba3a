#include "psychometrics/grm.h"

#include <gtest/gtest.h>

#include <random>

namespace sb::psy {

TEST(Grm, CategoryProbabilitiesMatchHandComputation) {
  GrmItem item{1.5, {1.0, -0.5}};
  std::vector<double> p(3);
  category_probabilities(item, 0.5, p);
  EXPECT_NEAR(p[0], 0.1480471980, 1e-9);
  EXPECT_NEAR(p[1], 0.2897763011, 1e-9);
  EXPECT_NEAR(p[2], 0.5621765009, 1e-9);
  EXPECT_NEAR(category_probability(item, 0.5, 1), 0.2897763011, 1e-9);
}

TEST(Grm, InformationMatchesHandComputation) {
  GrmItem item{1.5, {1.0, -0.5}};
  EXPECT_NEAR(item_information(item, 0.5), 0.5960631604, 1e-9);
}

TEST(Grm, ThresholdIsMinusInterceptOverSlope) {
  GrmItem item{2.0, {3.0, 1.0, -2.0}};
  EXPECT_DOUBLE_EQ(item.threshold(0), -1.5);
  EXPECT_DOUBLE_EQ(item.threshold(2), 1.0);
}

TEST(GrmProperty, ProbabilitiesSumToOneAndInformationIsNonNegative) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> slope(0.2, 4.0), theta(-6, 6), start(-4, 4),
      gap(0.05, 2.0);
  for (int trial = 0; trial < 2000; ++trial) {
    GrmItem item;
    item.a = slope(rng);
    const int K = 2 + trial % 6;
    double b = start(rng);
    for (int k = 1; k < K; ++k) {
      item.c.push_back(-item.a * b);
      b += gap(rng);
    }
    ASSERT_TRUE(is_well_formed(item));
    std::vector<double> p(static_cast<size_t>(K));
    const double t = theta(rng);
    category_probabilities(item, t, p);
    double sum = 0;
    for (double v : p) {
      EXPECT_GE(v, 0.0);
      sum += v;
    }
    EXPECT_NEAR(sum, 1.0, 1e-9);
    EXPECT_GE(item_information(item, t), 0.0);
  }
}

TEST(GrmProperty, HigherThetaMakesHigherCategoriesMoreLikely) {
  GrmItem item{1.2, {2.0, 0.0, -2.0}};
  double previous_mean = -1;
  for (double t = -4; t <= 4; t += 0.5) {
    std::vector<double> p(4);
    category_probabilities(item, t, p);
    const double mean = p[1] + 2 * p[2] + 3 * p[3];
    EXPECT_GT(mean, previous_mean);
    previous_mean = mean;
  }
}

TEST(Grm, MalformedItemsAreDetected) {
  EXPECT_FALSE(is_well_formed(GrmItem{0.0, {1.0}}));
  EXPECT_FALSE(is_well_formed(GrmItem{1.0, {1.0, 1.0}}));
  EXPECT_FALSE(is_well_formed(GrmItem{1.0, {-1.0, 1.0}}));
  EXPECT_FALSE(is_well_formed(GrmItem{1.0, {}}));
  EXPECT_TRUE(is_well_formed(GrmItem{1.0, {1.0, -1.0}}));
}

}  // namespace sb::psy
