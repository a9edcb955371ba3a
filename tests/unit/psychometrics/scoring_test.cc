#include "psychometrics/scoring.h"

#include <gtest/gtest.h>

#include <cmath>

#include "psychometrics/change.h"
#include "psychometrics/classify.h"
#include "psychometrics/reliability.h"
#include "psychometrics/simulate.h"

namespace sb::psy {

namespace {
Model one_dim_model() {
  Model m;
  m.categories = 3;
  m.dimensions = 1;
  m.items = {GrmItem{1.5, {1.0, -0.5}}, GrmItem{0.8, {2.0, 0.5}}, GrmItem{2.2, {0.0, -1.5}}};
  m.dimension = {0, 0, 0};
  return m;
}

// Independent brute-force posterior mean and SD by fine trapezoid integration.
std::pair<double, double> brute_force_eap(const Model& m, const std::vector<int8_t>& x) {
  double z = 0, s1 = 0, s2 = 0;
  for (double t = -8; t <= 8; t += 0.001) {
    double w = std::exp(-0.5 * t * t);
    for (size_t j = 0; j < x.size(); ++j) {
      if (x[j] != kMissing) w *= category_probability(m.items[j], t, x[j]);
    }
    z += w;
    s1 += w * t;
    s2 += w * t * t;
  }
  const double mean = s1 / z;
  return {mean, std::sqrt(s2 / z - mean * mean)};
}
}  // namespace

TEST(Scoring, EapMatchesBruteForceIntegration) {
  const Model m = one_dim_model();
  Scorer scorer(m);
  for (const auto& x :
       std::vector<std::vector<int8_t>>{{0, 0, 0}, {2, 1, 2}, {1, kMissing, 0}, {2, 2, 2}}) {
    const auto e = scorer.eap(x);
    const auto [mean, sd] = brute_force_eap(m, x);
    EXPECT_NEAR(e[0].theta, mean, 2e-3);
    EXPECT_NEAR(e[0].se, sd, 2e-3);
  }
}

TEST(Scoring, NoAnswersGiveThePrior) {
  const Model m = one_dim_model();
  Scorer scorer(m);
  const auto e = scorer.eap(std::vector<int8_t>{kMissing, kMissing, kMissing});
  EXPECT_NEAR(e[0].theta, 0.0, 1e-9);
  EXPECT_NEAR(e[0].se, 1.0, 1e-3);
}

TEST(Scoring, MapSolvesThePosteriorModeEquation) {
  const Model m = one_dim_model();
  Scorer scorer(m);
  const std::vector<int8_t> x = {2, 1, 2};
  const auto e = scorer.map(x);
  // At the mode the derivative of the log posterior is zero: check numerically.
  auto log_post = [&](double t) {
    double l = -0.5 * t * t;
    for (size_t j = 0; j < x.size(); ++j) l += std::log(category_probability(m.items[j], t, x[j]));
    return l;
  };
  const double h = 1e-5;
  EXPECT_NEAR((log_post(e[0].theta + h) - log_post(e[0].theta - h)) / (2 * h), 0.0, 1e-6);
  double info = 1.0;
  for (const auto& it : m.items) info += item_information(it, e[0].theta);
  EXPECT_NEAR(e[0].se, 1 / std::sqrt(info), 1e-9);
}

TEST(Scoring, TwoDimensionsWithZeroCorrelationEqualOneDimensionEach) {
  Model two = random_model(8, 5, 2, 0.0, 11);
  Model first = two, second = two;
  first.dimensions = second.dimensions = 1;
  first.items.clear();
  first.dimension.clear();
  second.items.clear();
  second.dimension.clear();
  std::vector<int8_t> x = {0, 4, 2, 3, 1, kMissing, 4, 0};
  std::vector<int8_t> x0, x1;
  for (size_t j = 0; j < two.size(); ++j) {
    (two.dimension[j] == 0 ? first : second).items.push_back(two.items[j]);
    (two.dimension[j] == 0 ? first : second).dimension.push_back(0);
    (two.dimension[j] == 0 ? x0 : x1).push_back(x[j]);
  }
  const auto e2 = Scorer(two).eap(x);
  EXPECT_NEAR(e2[0].theta, Scorer(first).eap(x0)[0].theta, 1e-9);
  EXPECT_NEAR(e2[1].theta, Scorer(second).eap(x1)[0].theta, 1e-9);
  EXPECT_NEAR(e2[1].se, Scorer(second).eap(x1)[0].se, 1e-9);
}

TEST(Scoring, CorrelatedPriorPullsTheUnansweredDimension) {
  Model m = random_model(6, 5, 2, 0.6, 3);
  std::vector<int8_t> x(6, kMissing);
  for (size_t j = 0; j < 6; ++j) {
    if (m.dimension[j] == 0) x[j] = 4;  // high on dimension 0 only
  }
  const auto e = Scorer(m).eap(x);
  EXPECT_GT(e[0].theta, 0.8);
  EXPECT_GT(e[1].theta, 0.3) << "a positive correlation must carry information across";
  EXPECT_LT(e[1].theta, e[0].theta);
}

TEST(Scoring, QuadrantProbabilitiesSumToOneAndFollowTheAnswers) {
  Model m = random_model(12, 5, 2, 0.0, 5);
  Scorer s(m);
  std::vector<int8_t> high_low(12);
  for (size_t j = 0; j < 12; ++j) high_low[j] = m.dimension[j] == 0 ? 4 : 0;
  const auto q = s.quadrant_probabilities(s.posterior(high_low), 0.0, 0.0);
  EXPECT_NEAR(q[0] + q[1] + q[2] + q[3], 1.0, 1e-12);
  EXPECT_GT(q[1], 0.9);  // high on 0, low on 1
}

TEST(ScoringProperty, ReversingAnItemsKeyReversesItsContribution) {
  // A reverse-keyed item answered x is scored as the keyed answer K-1-x: the likelihood of
  // the raw answer under the mirrored item equals that of the keyed answer under the item.
  GrmItem item{1.3, {1.5, 0.2, -0.7, -2.0}};
  GrmItem mirrored{item.a, {}};
  for (auto it = item.c.rbegin(); it != item.c.rend(); ++it) mirrored.c.push_back(-*it);
  for (double t = -3; t <= 3; t += 0.25) {
    for (int x = 0; x < 5; ++x) {
      EXPECT_NEAR(category_probability(item, t, 4 - x), category_probability(mirrored, -t, x),
                  1e-12);
    }
  }
  Model m;
  m.categories = 5;
  m.items = {item};
  m.dimension = {0};
  EXPECT_DOUBLE_EQ(classic_means(m, std::vector<int8_t>{4})[0], 5.0);
  EXPECT_DOUBLE_EQ(classic_means(m, std::vector<int8_t>{0})[0], 1.0);
}

TEST(Classification, BrennanFunctionsGiveTheExpectedQuadrants) {
  EXPECT_EQ(brennan_1998(1.0, 1.0), Style::kSecure);
  EXPECT_EQ(brennan_1998(6.0, 6.0), Style::kFearful);
  EXPECT_EQ(brennan_1998(1.5, 6.0), Style::kPreoccupied);
  EXPECT_EQ(brennan_1998(6.0, 1.5), Style::kDismissing);
  EXPECT_DOUBLE_EQ(to_seven_point(1.0, 5), 1.0);
  EXPECT_DOUBLE_EQ(to_seven_point(5.0, 5), 7.0);
  EXPECT_DOUBLE_EQ(to_seven_point(3.0, 5), 4.0);
}

TEST(Classification, QuadrantsMapToStylesWhicheverDimensionComesFirst) {
  // [low-low, high0-low1, low0-high1, high-high]
  const std::array<double, 4> q = {0.1, 0.5, 0.3, 0.1};
  auto anx_first = styles_from_quadrants(q, true);
  EXPECT_EQ(anx_first.top, Style::kPreoccupied);
  EXPECT_EQ(anx_first.runner_up, Style::kDismissing);
  EXPECT_TRUE(anx_first.between());
  auto av_first = styles_from_quadrants(q, false);
  EXPECT_EQ(av_first.top, Style::kDismissing);
  EXPECT_FALSE(styles_from_quadrants({0.7, 0.1, 0.1, 0.1}, true).between());
}

TEST(Change, ReliableChangeIndexMatchesHandComputation) {
  const auto c = reliable_change_classic(3.0, 2.0, 0.8, 0.9);
  EXPECT_NEAR(c.se_difference, std::sqrt(2.0) * 0.8 * std::sqrt(0.1), 1e-12);
  EXPECT_NEAR(c.rci, -1.0 / 0.357770876, 1e-6);
  EXPECT_TRUE(c.reliable);
  const auto t = reliable_change_theta({0.0, 0.3}, {0.5, 0.3});
  EXPECT_NEAR(t.se_difference, 0.424264069, 1e-6);
  EXPECT_NEAR(t.rci, 1.178511302, 1e-6);
  EXPECT_FALSE(t.reliable);
}

TEST(Reliability, CronbachAlphaMatchesHandComputation) {
  ResponseMatrix m;
  m.rows = 5;
  m.cols = 3;
  m.data = {1, 2, 3, 2, 2, 4, 3, 4, 4, 4, 5, 5, 2, 3, 2};
  EXPECT_NEAR(cronbach_alpha(m, {0, 1, 2}), 0.8971962617, 1e-9);
  // A missing answer drops that row (complete cases).
  m.data.push_back(kMissing);
  m.data.push_back(1);
  m.data.push_back(1);
  m.rows = 6;
  EXPECT_NEAR(cronbach_alpha(m, {0, 1, 2}), 0.8971962617, 1e-9);
}

TEST(Reliability, PercentilesAndLookup) {
  const auto table = percentile_table({1, 2, 3, 4}, {0.5, 2.0, 5.0});
  EXPECT_DOUBLE_EQ(table[0].second, 0.0);
  EXPECT_DOUBLE_EQ(table[1].second, 37.5);  // one below, one tie of four
  EXPECT_DOUBLE_EQ(table[2].second, 100.0);
  EXPECT_DOUBLE_EQ(lookup_percentile(table, 1.25), 18.75);
}

TEST(Reliability, MarginalReliabilityAndPearson) {
  EXPECT_NEAR(pearson({1, 2, 3}, {2, 4, 6}), 1.0, 1e-12);
  EXPECT_NEAR(pearson({1, 2, 3}, {3, 2, 1}), -1.0, 1e-12);
  // var(theta) = 1 (sample), error variance 1/3 on average: 1 / (1 + 1/3) = 0.75.
  std::vector<Estimate> e = {
      {-1, std::sqrt(1.0 / 3)}, {0, std::sqrt(1.0 / 3)}, {1, std::sqrt(1.0 / 3)}};
  EXPECT_NEAR(marginal_reliability(e), 0.75, 1e-12);
}

}  // namespace sb::psy
