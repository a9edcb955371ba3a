#include "psychometrics/calibrate.h"

#include <gtest/gtest.h>

#include <cmath>

#include "psychometrics/reliability.h"
#include "psychometrics/scoring.h"
#include "psychometrics/simulate.h"

namespace sb::psy {

namespace {
struct Recovery {
  double slope_rmse = 0, threshold_rmse = 0;
};

Recovery compare(const Model& truth, const std::vector<ItemEstimate>& fitted) {
  double sa = 0, sb = 0;
  size_t nb = 0;
  for (size_t j = 0; j < truth.size(); ++j) {
    sa += std::pow(fitted[j].item.a - truth.items[j].a, 2);
    for (size_t k = 0; k < truth.items[j].c.size(); ++k) {
      sb += std::pow(fitted[j].item.threshold(k) - truth.items[j].threshold(k), 2);
      ++nb;
    }
  }
  return {std::sqrt(sa / truth.size()), std::sqrt(sb / nb)};
}
}  // namespace

// The recovery study: 5,000 simulated respondents, 18 items, 5 categories.
TEST(CalibrationRecovery, RecoversSlopesAndThresholdsOfEighteenItems) {
  const Model truth = random_model(18, 5, 1, 0.0, 2026);
  const auto sim = simulate(truth, 5000, 42);
  CalibrationOptions options;
  options.threads = 2;
  auto fit = calibrate(sim.responses, 5, truth.dimension, 1, options);
  ASSERT_TRUE(fit) << fit.error().message;
  EXPECT_TRUE(fit->fits[0].converged);
  const auto r = compare(truth, fit->items);
  EXPECT_LT(r.slope_rmse, 0.1);
  EXPECT_LT(r.threshold_rmse, 0.1);
  // Standard errors are of the size the sampling error actually shows.
  EXPECT_GT(fit->items[0].se_a, 0.01);
  EXPECT_LT(fit->items[0].se_a, 0.1);

  Scorer scorer(fit->model);
  std::vector<double> eap, truth_theta;
  for (size_t i = 0; i < sim.responses.rows; ++i) {
    eap.push_back(scorer.eap(sim.responses.row(i))[0].theta);
    truth_theta.push_back(sim.theta[i][0]);
  }
  EXPECT_GE(pearson(eap, truth_theta), 0.95);
}

TEST(CalibrationRecovery, HandlesMissingAnswersAndRecoversTheLatentCorrelation) {
  const Model truth = random_model(16, 5, 2, -0.4, 99);
  const auto sim = simulate(truth, 4000, 7, /*missing_rate=*/0.1);
  CalibrationOptions options;
  options.threads = 2;
  auto fit = calibrate(sim.responses, 5, truth.dimension, 2, options);
  ASSERT_TRUE(fit) << fit.error().message;
  const auto r = compare(truth, fit->items);
  EXPECT_LT(r.slope_rmse, 0.15);
  EXPECT_LT(r.threshold_rmse, 0.15);
  EXPECT_NEAR(fit->model.correlation, -0.4, 0.06);
  EXPECT_GT(fit->correlation_se, 0.0);
}

TEST(CalibrationRecovery, JointFitReachesAtLeastTheSequentialLikelihood) {
  const Model truth = random_model(16, 5, 2, 0.5, 21);
  const auto sim = simulate(truth, 3000, 8, /*missing_rate=*/0.1);
  CalibrationOptions options;
  options.threads = 2;
  auto joint = calibrate(sim.responses, 5, truth.dimension, 2, options);
  ASSERT_TRUE(joint) << joint.error().message;
  EXPECT_TRUE(joint->joint_converged);
  EXPECT_GT(joint->joint_steps, 0);
  // The joint maximum of the same likelihood, on the same grid, is never below the sequential.
  EXPECT_GE(joint->log_likelihood, joint->sequential_log_likelihood - 1e-6);
  EXPECT_NEAR(joint->model.correlation, 0.5, 0.05);
  const auto r = compare(truth, joint->items);
  EXPECT_LT(r.slope_rmse, 0.15);
  EXPECT_LT(r.threshold_rmse, 0.15);
  options.joint = false;
  auto sequential = calibrate(sim.responses, 5, truth.dimension, 2, options);
  ASSERT_TRUE(sequential);
  EXPECT_EQ(sequential->joint_steps, 0);
  EXPECT_DOUBLE_EQ(sequential->log_likelihood, joint->sequential_log_likelihood);
}

TEST(CalibrationRecovery, AcceleratedAndPlainEmAgree) {
  const Model truth = random_model(8, 4, 1, 0.0, 5);
  const auto sim = simulate(truth, 1500, 3);
  CalibrationOptions fast, plain;
  plain.accelerate = false;
  plain.loglik_tolerance = 1e-6;
  plain.param_tolerance = 1e-6;
  fast.loglik_tolerance = 1e-6;
  fast.param_tolerance = 1e-6;
  auto a = calibrate(sim.responses, 4, truth.dimension, 1, fast);
  auto b = calibrate(sim.responses, 4, truth.dimension, 1, plain);
  ASSERT_TRUE(a && b);
  EXPECT_LT(a->fits[0].em_steps, b->fits[0].em_steps);
  EXPECT_NEAR(a->fits[0].log_likelihood, b->fits[0].log_likelihood, 1e-2);
  for (size_t j = 0; j < truth.size(); ++j)
    EXPECT_NEAR(a->items[j].item.a, b->items[j].item.a, 5e-3);
}

TEST(Calibration, EmptyCategoryIsAClearError) {
  ResponseMatrix m;
  m.cols = 2;
  for (int i = 0; i < 200; ++i) {
    m.data.push_back(static_cast<int8_t>(i % 2));  // never category 2
    m.data.push_back(static_cast<int8_t>(i % 3));
    ++m.rows;
  }
  auto fit = calibrate(m, 3, {0, 0}, 1, CalibrationOptions{});
  ASSERT_FALSE(fit);
  EXPECT_NE(fit.error().message.find("nobody chose"), std::string::npos) << fit.error().message;
}

}  // namespace sb::psy
