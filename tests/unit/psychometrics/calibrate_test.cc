#include "psychometrics/calibrate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

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

// The two-dimensional marginal log-likelihood written out here, apart from the EM's code: each
// person's likelihood per dimension on the grid, then the grid-normalised bivariate normal.
double direct_log_likelihood(const Model& m, const ResponseMatrix& x, const Quadrature& q) {
  const size_t Q = q.nodes.size();
  const double rho = m.correlation, det = 1 - rho * rho;
  std::vector<double> prior(Q * Q);
  double total = 0;
  for (size_t a = 0; a < Q; ++a) {
    for (size_t b = 0; b < Q; ++b) {
      const double u = q.nodes[a], v = q.nodes[b];
      total += prior[a * Q + b] = std::exp(-0.5 * (u * u - 2 * rho * u * v + v * v) / det);
    }
  }
  double ll = 0;
  for (size_t r = 0; r < x.rows; ++r) {
    std::vector<double> L[2] = {std::vector<double>(Q, 1.0), std::vector<double>(Q, 1.0)};
    for (size_t c = 0; c < x.cols; ++c) {
      if (x.at(r, c) == kMissing) continue;
      for (size_t k = 0; k < Q; ++k)
        L[m.dimension[c]][k] *= category_probability(m.items[c], q.nodes[k], x.at(r, c));
    }
    double person = 0;
    for (size_t a = 0; a < Q; ++a) {
      for (size_t b = 0; b < Q; ++b) person += prior[a * Q + b] * L[0][a] * L[1][b];
    }
    ll += std::log(person / total);
  }
  return ll;
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

// Whether another program's joint fit could reach a higher log-likelihood: the figure the EM
// reports is the marginal likelihood computed independently, and no slope, intercept or the
// correlation moved either way raises it.
TEST(CalibrationRecovery, JointFitIsAMaximumOfTheMarginalLikelihood) {
  const Model truth = random_model(10, 5, 2, 0.4, 77);
  const auto sim = simulate(truth, 2000, 5, /*missing_rate=*/0.1);
  CalibrationOptions options;
  options.threads = 2;
  options.joint_points = 61;
  options.joint_range = 6.0;
  options.loglik_tolerance = options.param_tolerance = 1e-9;
  auto fit = calibrate(sim.responses, 5, truth.dimension, 2, options);
  ASSERT_TRUE(fit) << fit.error().message;
  ASSERT_TRUE(fit->joint_converged);
  const Quadrature grid = Quadrature::normal(61, 6.0);
  const double at_fit = direct_log_likelihood(fit->model, sim.responses, grid);
  EXPECT_NEAR(fit->log_likelihood, at_fit, 1e-6);
  EXPECT_LT(direct_log_likelihood(truth, sim.responses, grid), at_fit);

  const double step = 0.01;
  auto never_higher = [&](const Model& moved, const std::string& what) {
    EXPECT_LT(direct_log_likelihood(moved, sim.responses, grid), at_fit + 1e-7) << what;
  };
  for (const double sign : {-1.0, 1.0}) {
    for (size_t j = 0; j < fit->model.size(); ++j) {
      Model moved = fit->model;
      moved.items[j].a += sign * step;
      never_higher(moved, "slope of item " + std::to_string(j));
      moved = fit->model;
      moved.items[j].c.front() += sign * step;
      never_higher(moved, "first intercept of item " + std::to_string(j));
      moved = fit->model;
      moved.items[j].c.back() += sign * step;
      never_higher(moved, "last intercept of item " + std::to_string(j));
    }
    Model moved = fit->model;
    moved.correlation += sign * step;
    never_higher(moved, "correlation");
  }
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
