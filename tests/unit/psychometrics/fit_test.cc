// Item fit, model fit and local dependence: the distributions they are read against, and their
// behaviour on data simulated from the model (where the null holds, a test at .05 rejects about
// 5% of the time) and from a model it does not hold for.
#include "psychometrics/fit.h"

#include <gtest/gtest.h>

#include <cmath>

#include "psychometrics/calibrate.h"
#include "psychometrics/distributions.h"
#include "psychometrics/simulate.h"

namespace sb::psy {
namespace {

Model calibrated(const ResponseMatrix& data, int categories) {
  CalibrationOptions options;
  options.quadrature_points = 41;
  auto result = calibrate(data, categories, std::vector<int>(data.cols, 0), 1, options);
  EXPECT_TRUE(result) << result.error().message;
  return result->model;
}

TEST(ChiSquare, UpperTailMatchesTables) {
  EXPECT_NEAR(chi_square_upper(3.841459, 1), 0.05, 1e-6);
  EXPECT_NEAR(chi_square_upper(18.307038, 10), 0.05, 1e-6);
  EXPECT_NEAR(chi_square_upper(124.342113, 100), 0.05, 1e-6);
  EXPECT_NEAR(chi_square_upper(0.0, 4), 1.0, 1e-12);
  EXPECT_NEAR(chi_square_upper(2.0, 2), std::exp(-1.0), 1e-12);  // closed form for df 2
}

TEST(BenjaminiHochberg, AdjustsInTheInputOrder) {
  const auto adjusted = benjamini_hochberg({0.01, 0.04, 0.03, 0.005});
  ASSERT_EQ(adjusted.size(), 4u);
  EXPECT_NEAR(adjusted[0], 0.02, 1e-12);
  EXPECT_NEAR(adjusted[1], 0.04, 1e-12);
  EXPECT_NEAR(adjusted[2], 0.04, 1e-12);
  EXPECT_NEAR(adjusted[3], 0.02, 1e-12);
  EXPECT_NEAR(benjamini_hochberg({0.9, 0.95})[0], 0.95, 1e-12);  // monotone, capped at 1
}

TEST(CompleteCases, KeepsOnlyFullyAnsweredRowsOfTheColumns) {
  ResponseMatrix x{3, 3, {0, 1, kMissing, 2, kMissing, 1, 1, 1, 1}};
  const auto kept = complete_cases(x, {0, 2});
  EXPECT_EQ(kept.rows, 2u);
  EXPECT_EQ(kept.cols, 2u);
  EXPECT_EQ(kept.data, (std::vector<int8_t>{2, 1, 1, 1}));
}

TEST(M2, RejectsAtTheNominalRateWhenTheModelHolds) {
  // At the generating parameters M2 is chi-square with s - q df as it is at the estimates (the
  // projection removes the same directions), so no calibration is needed per replication, and
  // 1,000 replications keep the binomial noise in the rate near 0.007.
  const Model truth = random_model(10, 4, 1, 0.0, 7);
  int rejected = 0;
  double total = 0;
  const int replications = 1000;
  for (int rep = 0; rep < replications; ++rep) {
    const auto data = simulate(truth, 500, 1000 + static_cast<uint64_t>(rep)).responses;
    auto fit = m2_fit(truth, data, {.quadrature_points = 41});
    ASSERT_TRUE(fit) << fit.error().message;
    EXPECT_EQ(fit->df, 30 + 45 - 40);  // 10 x 3 margins + 45 cross-products, 10 x 4 parameters
    rejected += fit->p < 0.05;
    total += fit->m2;
  }
  const double rate = static_cast<double>(rejected) / replications;
  EXPECT_GE(rate, 0.03);
  EXPECT_LE(rate, 0.07);
  EXPECT_NEAR(total / replications, 35.0, 1.5);  // a chi-square's mean is its df
}

TEST(M2, RejectsAtTheNominalRateWithEstimatedParameters) {
  const Model truth = random_model(10, 4, 1, 0.0, 17);
  int rejected = 0;
  const int replications = 200;
  for (int rep = 0; rep < replications; ++rep) {
    const auto data = simulate(truth, 500, 3000 + static_cast<uint64_t>(rep)).responses;
    auto fit = m2_fit(calibrated(data, 4), data, {.quadrature_points = 41});
    ASSERT_TRUE(fit) << fit.error().message;
    rejected += fit->p < 0.05;
  }
  const double rate = static_cast<double>(rejected) / replications;
  EXPECT_GE(rate, 0.03);
  EXPECT_LE(rate, 0.07);
}

TEST(M2, FitsWellOnTheModelAndBadlyOnTwoFactorsFittedAsOne) {
  const Model one = random_model(12, 4, 1, 0.0, 11);
  const auto good = simulate(one, 2000, 5).responses;
  auto fit = m2_fit(calibrated(good, 4), good);
  ASSERT_TRUE(fit) << fit.error().message;
  EXPECT_LT(fit->rmsea, 0.02);
  EXPECT_LT(fit->srmsr, 0.03);
  EXPECT_GT(fit->cfi, 0.99);
  // Two uncorrelated factors analysed as one: every index reports the misfit.
  const Model two = random_model(12, 4, 2, 0.0, 11);
  const auto bad = simulate(two, 2000, 5).responses;
  auto misfit = m2_fit(calibrated(bad, 4), bad);
  ASSERT_TRUE(misfit) << misfit.error().message;
  EXPECT_LT(misfit->p, 1e-6);
  EXPECT_GT(misfit->rmsea, 0.1);
  EXPECT_GT(misfit->srmsr, 0.1);
  EXPECT_LT(misfit->cfi, 0.9);
}

TEST(M2, TwoDimensionalModelFitsItsOwnData) {
  const Model two = random_model(12, 3, 2, 0.4, 3);
  const auto data = simulate(two, 3000, 9).responses;
  auto fit = m2_fit(two, data, {.quadrature_points = 31});
  ASSERT_TRUE(fit) << fit.error().message;
  EXPECT_EQ(fit->df, 12 * 2 + 66 - 12 * 3 - 1);  // the correlation is a parameter too
  EXPECT_GT(fit->p, 0.001);
  EXPECT_LT(fit->rmsea, 0.02);
}

TEST(SX2, RejectsAtTheNominalRateWhenTheModelHolds) {
  const Model truth = random_model(10, 4, 1, 0.0, 21);
  int rejected = 0, tests = 0;
  const int replications = 200;
  for (int rep = 0; rep < replications; ++rep) {
    const auto data = simulate(truth, 500, 5000 + static_cast<uint64_t>(rep)).responses;
    const Model fitted = calibrated(data, 4);
    auto items = sx2_item_fit(fitted, data, {.quadrature_points = 41});
    ASSERT_TRUE(items) << items.error().message;
    for (const auto& item : *items) {
      ASSERT_GT(item.df, 0);
      rejected += item.p < 0.05;
      ++tests;
    }
  }
  const double rate = static_cast<double>(rejected) / tests;
  EXPECT_GE(rate, 0.03);
  EXPECT_LE(rate, 0.07);
}

TEST(SX2, FlagsAnItemWhoseCurveTheModelCannotFollow) {
  Model truth = random_model(10, 4, 1, 0.0, 31);
  auto data = simulate(truth, 3000, 77).responses;
  // Item 0 answered at random (no relation to the trait): its slope estimate shrinks, but the
  // observed pattern by summed score still departs from a graded-response curve.
  Model noise = truth;
  for (auto& item : noise.items) item.a = 0.05;
  const auto random_answers = simulate(noise, 3000, 78).responses;
  for (size_t r = 0; r < data.rows; ++r) {
    const int8_t x = random_answers.at(r, 0);
    data.data[r * data.cols] = static_cast<int8_t>(x == 0 || x == 3 ? 3 - x : x);  // U-shaped
  }
  for (size_t r = 0; r < data.rows; r += 2) data.data[r * data.cols] = data.at(r, 1);
  const Model fitted = calibrated(data, 4);
  auto items = sx2_item_fit(fitted, data);
  ASSERT_TRUE(items) << items.error().message;
  EXPECT_LT((*items)[0].p, 1e-4);
  int clean_rejected = 0;
  for (size_t j = 2; j < items->size(); ++j) clean_rejected += (*items)[j].p < 0.01;
  EXPECT_LE(clean_rejected, 1);
}

TEST(LocalDependence, RejectsAtTheNominalRateWhenTheModelHolds) {
  // LD X2 read against (K-1)^2 df is mildly conservative (Chen & Thissen 1997 saw the same):
  // about .038 at four categories, .031 at three, in 1,000-replication runs.
  const Model truth = random_model(10, 4, 1, 0.0, 41);
  int rejected = 0, tests = 0;
  const int replications = 200;
  for (int rep = 0; rep < replications; ++rep) {
    const auto data = simulate(truth, 500, 9000 + static_cast<uint64_t>(rep)).responses;
    const Model fitted = calibrated(data, 4);
    auto pairs = local_dependence(fitted, data, {.quadrature_points = 41});
    ASSERT_TRUE(pairs) << pairs.error().message;
    for (const auto& pair : *pairs) {
      rejected += pair.p < 0.05;
      ++tests;
    }
  }
  const double rate = static_cast<double>(rejected) / tests;
  EXPECT_GE(rate, 0.03);
  EXPECT_LE(rate, 0.07);
}

TEST(LocalDependence, FindsAPairThatShareMoreThanTheTrait) {
  const Model truth = random_model(12, 4, 1, 0.0, 51);
  auto data = simulate(truth, 2000, 52).responses;
  // Item 1 copies item 0 for a quarter of the people: a dependence the trait does not explain.
  for (size_t r = 0; r < data.rows; r += 4) data.data[r * data.cols + 1] = data.at(r, 0);
  const Model fitted = calibrated(data, 4);
  auto pairs = local_dependence(fitted, data);
  ASSERT_TRUE(pairs) << pairs.error().message;
  const auto& first = pairs->front();
  ASSERT_EQ(first.first, 0u);
  ASSERT_EQ(first.second, 1u);
  EXPECT_LT(first.p, 1e-6);
  EXPECT_GT(first.standardized, 10);
  // Q3 runs below zero when nothing is shared (about -1/(n-1)); the pair stands out from it.
  double largest_other_q3 = -1, mean_q3 = 0;
  for (size_t k = 0; k < pairs->size(); ++k) {
    mean_q3 += (*pairs)[k].q3 / static_cast<double>(pairs->size());
    if (k > 0) largest_other_q3 = std::max(largest_other_q3, (*pairs)[k].q3);
  }
  EXPECT_LT(mean_q3, 0.0);
  EXPECT_GT(first.q3, largest_other_q3);
  EXPECT_GT(first.q3 - mean_q3, 0.15);
}

TEST(ResidualCorrelations, FindADependentPairInSparseAnswersWithinOneDimension) {
  // 20 items per dimension: Q3 runs below zero by about 1/(n-1) when nothing is shared, so
  // few items would hide a dependent pair.
  const Model truth = random_model(40, 4, 2, 0.3, 61);
  auto data = simulate(truth, 3000, 62, 0.2).responses;  // a fifth of the answers missing
  // Items 0 and 2 (both on dimension 0) share more than the trait: item 2 copies item 0 for
  // half of the people who answered both.
  for (size_t r = 0; r < data.rows; r += 2) {
    if (data.at(r, 0) != kMissing && data.at(r, 2) != kMissing)
      data.data[r * data.cols + 2] = data.at(r, 0);
  }
  const auto pairs = residual_correlations(truth, data, 100, -1.0);
  ASSERT_FALSE(pairs.empty());
  double dependent = 0, largest_other = -1;
  for (const auto& rc : pairs) {
    EXPECT_EQ(truth.dimension[rc.first], truth.dimension[rc.second]) << "across dimensions";
    EXPECT_LT(rc.first, rc.second);
    if (rc.first == 0 && rc.second == 2) {
      dependent = rc.q3;
    } else {
      largest_other = std::max(largest_other, rc.q3);
    }
  }
  EXPECT_GT(dependent, 0.2);
  EXPECT_LT(largest_other, 0.08);
  // By default only the positive ones are kept, and pairs too few people answered are left out.
  for (const auto& rc : residual_correlations(truth, data)) EXPECT_GE(rc.q3, 0.005);
  EXPECT_TRUE(residual_correlations(truth, data, 5000).empty());
}

TEST(Fit, RefusesIncompleteOrMismatchedData) {
  const Model m = random_model(6, 3, 1, 0.0, 1);
  auto data = simulate(m, 100, 2).responses;
  data.data[0] = kMissing;
  EXPECT_FALSE(m2_fit(m, data));
  EXPECT_FALSE(sx2_item_fit(submodel(m, {0, 1, 2}), complete_cases(data, {0, 1})));
  const auto two = random_model(6, 3, 2, 0.2, 1);
  EXPECT_FALSE(sx2_item_fit(two, simulate(two, 100, 3).responses));
}

}  // namespace
}  // namespace sb::psy
