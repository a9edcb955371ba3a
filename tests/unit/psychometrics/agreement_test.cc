#include "psychometrics/agreement.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "psychometrics/distributions.h"

namespace sb::psy {
namespace {

TEST(Distributions, MatchKnownValues) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963985, 1e-8);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-12);
  EXPECT_NEAR(normal_cdf(-1.0), 0.158655254, 1e-8);
  // I_0.5(2, 3) = P(Binomial(4, 0.5) >= 2) = 11/16.
  EXPECT_NEAR(regularized_beta(0.5, 2, 3), 11.0 / 16.0, 1e-12);
  EXPECT_NEAR(regularized_beta(0.2, 1, 1), 0.2, 1e-12);
  // F tables: the upper 2.5% point of F(5, 10) is 4.236, of F(1, 20) 5.871; the upper 5% point
  // of F(1, 20) is the square of t(20)'s upper 2.5% point, 2.085963.
  EXPECT_NEAR(f_quantile(0.975, 5, 10), 4.236, 5e-4);
  EXPECT_NEAR(f_quantile(0.975, 1, 20), 5.871, 5e-4);
  EXPECT_NEAR(f_quantile(0.95, 1, 20), 2.085963 * 2.085963, 1e-4);
  EXPECT_NEAR(f_cdf(f_quantile(0.9, 3.5, 17.25), 3.5, 17.25), 0.9, 1e-9);
}

// Wikipedia, "Cohen's kappa", worked example: 50 grant proposals, two readers; yes/yes 20,
// yes/no 5, no/yes 10, no/no 15: p_o = 0.7, p_e = 0.5, kappa = 0.4.
TEST(CohenKappa, WikipediaWorkedExample) {
  auto k = cohen_kappa({{20, 5}, {10, 15}});
  ASSERT_TRUE(k);
  EXPECT_NEAR(k->observed, 0.7, 1e-12);
  EXPECT_NEAR(k->expected, 0.5, 1e-12);
  EXPECT_NEAR(k->value, 0.4, 1e-12);
  EXPECT_EQ(k->n, 50);
  EXPECT_LT(k->lower, 0.4);
  EXPECT_GT(k->upper, 0.4);
  // The same article: equal agreement (60 of 100), different marginals, different kappas.
  EXPECT_NEAR(cohen_kappa({{45, 15}, {25, 15}})->value, 0.1304, 5e-5);
  EXPECT_NEAR(cohen_kappa({{25, 35}, {5, 35}})->value, 0.2593, 5e-5);
}

// Cohen (1968), "Weighted kappa", Psychological Bulletin 70(4), Table 1: 200 cases, three
// diagnoses (personality disorder, neurosis, psychosis), disagreement weights 1, 3 and 6;
// kappa = .49, weighted kappa = .35.
TEST(WeightedKappa, CohenNineteenSixtyEightTableOne) {
  const Matrix table = {{88, 14, 18}, {10, 40, 10}, {2, 6, 12}};
  const Matrix disagreement = {{0, 1, 3}, {1, 0, 6}, {3, 6, 0}};
  Matrix weights = disagreement;
  for (auto& row : weights)
    for (double& v : row) v = 1 - v / 6;  // agreement weights: the same kappa
  auto k = cohen_kappa(table);
  ASSERT_TRUE(k);
  EXPECT_NEAR(k->observed, 0.70, 1e-12);
  EXPECT_NEAR(k->expected, 0.41, 1e-12);
  EXPECT_NEAR(k->value, 0.29 / 0.59, 1e-12);  // .4915
  auto w = weighted_kappa(table, weights);
  ASSERT_TRUE(w);
  EXPECT_NEAR(w->value, 1 - 0.90 / 1.38, 1e-12);  // .3478
  EXPECT_NEAR(w->value, 0.35, 0.005);
}

TEST(WeightedKappa, IdentityWeightsGiveKappaAndBadInputIsRefused) {
  const Matrix t = {{11, 3, 1}, {2, 9, 4}, {0, 3, 7}};
  Matrix identity = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  EXPECT_NEAR(weighted_kappa(t, identity)->value, cohen_kappa(t)->value, 1e-12);
  EXPECT_NEAR(linear_weights(4)[0][2], 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(quadratic_weights(4)[0][2], 1.0 - 4.0 / 9.0, 1e-12);
  EXPECT_FALSE(cohen_kappa({{1, 2}}));
  EXPECT_FALSE(cohen_kappa({{0, 0}, {0, 0}}));
  EXPECT_FALSE(cohen_kappa({{5, 0}, {0, 0}}));  // one category used by both: undefined
  EXPECT_FALSE(agreement_table({{0, 3}}, 3));
}

// The standard error holds up: over many samples from one joint distribution, the spread of
// kappa matches the mean standard error, and the 95% interval covers the true kappa.
TEST(CohenKappa, StandardErrorMatchesSamplingSpread) {
  const std::vector<double> cells = {0.40, 0.05, 0.05, 0.05, 0.25, 0.05, 0.02, 0.03, 0.10};
  Matrix truth(3, std::vector<double>(3));
  for (int i = 0; i < 9; ++i) truth[i / 3][i % 3] = cells[i] * 1e6;
  const double true_kappa = cohen_kappa(truth)->value;
  std::mt19937 rng(20261202);
  std::discrete_distribution<int> draw(cells.begin(), cells.end());
  const int reps = 2000, n = 150;
  double sum = 0, sum_sq = 0, se_sum = 0;
  int covered = 0;
  for (int r = 0; r < reps; ++r) {
    Matrix t(3, std::vector<double>(3, 0.0));
    for (int s = 0; s < n; ++s) {
      const int c = draw(rng);
      t[c / 3][c % 3] += 1;
    }
    auto k = cohen_kappa(t);
    ASSERT_TRUE(k);
    sum += k->value;
    sum_sq += k->value * k->value;
    se_sum += k->se;
    if (k->lower <= true_kappa && true_kappa <= k->upper) ++covered;
  }
  const double mean = sum / reps, spread = std::sqrt(sum_sq / reps - mean * mean);
  EXPECT_NEAR(se_sum / reps, spread, 0.1 * spread);
  const double coverage = static_cast<double>(covered) / reps;
  EXPECT_GT(coverage, 0.93);
  EXPECT_LT(coverage, 0.97);
}

// Shrout & Fleiss (1979), "Intraclass correlations: uses in assessing rater reliability",
// Psychological Bulletin 86(2), Table 2: six targets rated by four judges; ICC(2,1) = .29.
TEST(Icc21, ShroutAndFleissTableTwo) {
  const Matrix ratings = {{9, 2, 5, 8}, {6, 1, 3, 2},  {8, 4, 6, 8},
                          {7, 1, 2, 6}, {10, 5, 6, 9}, {6, 2, 4, 7}};
  auto icc = icc_2_1(ratings);
  ASSERT_TRUE(icc);
  EXPECT_NEAR(icc->value, 0.29, 0.005);
  EXPECT_LT(icc->lower, icc->value);
  EXPECT_GT(icc->upper, icc->value);
  EXPECT_GT(icc->lower, -0.2);
  EXPECT_LT(icc->upper, 0.9);
  EXPECT_FALSE(icc_2_1({{1, 2}}));
  EXPECT_FALSE(icc_2_1({{1, 2}, {3}}));
  EXPECT_FALSE(icc_2_1({{3, 3}, {3, 3}}));
}

// The interval covers the true ICC about 95% of the time for data drawn from the model.
TEST(Icc21, IntervalCoverage) {
  std::mt19937 rng(7);
  std::normal_distribution<double> target(0, 1.0), rater(0, 0.5), noise(0, 0.7);
  // ICC(2,1) = var(target) / (var(target) + var(rater) + var(noise)).
  const double truth = 1.0 / (1.0 + 0.25 + 0.49);
  const int reps = 1000;
  int covered = 0;
  for (int r = 0; r < reps; ++r) {
    std::vector<double> shift(3);
    for (double& s : shift) s = rater(rng);
    Matrix m(30, std::vector<double>(3));
    for (auto& row : m) {
      const double t = target(rng);
      for (int j = 0; j < 3; ++j) row[j] = t + shift[j] + noise(rng);
    }
    auto icc = icc_2_1(m);
    ASSERT_TRUE(icc);
    if (icc->lower <= truth && truth <= icc->upper) ++covered;
  }
  EXPECT_GT(covered, 0.91 * reps);
  EXPECT_LT(covered, 0.99 * reps);
}

}  // namespace
}  // namespace sb::psy
