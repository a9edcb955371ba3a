// The bifactor model: it recovers planted facet slopes, information criteria choose it when
// facets share more than the general trait and not otherwise, and it does not overstate the
// precision of the general score when they do.
#include "psychometrics/bifactor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "psychometrics/calibrate.h"

namespace sb::psy {
namespace {

constexpr int kCategories = 5;

// 12 items in three facets of four; every facet item has specific slope `specific`.
BifactorModel truth(double specific) {
  BifactorModel m;
  m.categories = kCategories;
  m.facets = 3;
  for (int j = 0; j < 12; ++j) {
    const double a = 1.0 + 0.1 * (j % 5);
    const double shift = 0.2 * ((j % 3) - 1);
    m.items.push_back({a, specific, {2.0 + shift, 0.7 + shift, -0.6 + shift, -2.0 + shift}});
    m.facet.push_back(j / 4);
  }
  return m;
}

struct Simulated {
  ResponseMatrix data;
  std::vector<double> general;
};

Simulated simulate_bifactor(const BifactorModel& m, size_t persons, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  Simulated out{{persons, m.items.size(), std::vector<int8_t>(persons * m.items.size())}, {}};
  for (size_t i = 0; i < persons; ++i) {
    const double g = normal(rng);
    std::vector<double> s(static_cast<size_t>(m.facets));
    for (auto& v : s) v = normal(rng);
    out.general.push_back(g);
    for (size_t j = 0; j < m.items.size(); ++j) {
      const auto& item = m.items[j];
      const double eta =
          item.a_general * g +
          (m.facet[j] >= 0 ? item.a_specific * s[static_cast<size_t>(m.facet[j])] : 0);
      const double u = uniform(rng);
      int x = 0;
      for (double c : item.c) x += u < logistic(eta + c) ? 1 : 0;
      out.data.data[i * m.items.size() + j] = static_cast<int8_t>(x);
    }
  }
  return out;
}

struct BothFits {
  BifactorFit bifactor, one_trait;
  InformationCriteria bifactor_ic, one_trait_ic;
};

// The bifactor and the one-trait model fitted to the same data on the same grid.
BothFits fit_both(const BifactorModel& planted, const Simulated& sim, double tolerance = 1e-4) {
  BifactorOptions options;
  options.quadrature_points = 15;
  options.threads = 2;
  options.loglik_tolerance = tolerance;
  BothFits out;
  auto bifactor = calibrate_bifactor(sim.data, kCategories, planted.facet, options);
  EXPECT_TRUE(bifactor) << bifactor.error().message;
  options.specific = false;
  auto one_trait = calibrate_bifactor(sim.data, kCategories, planted.facet, options);
  EXPECT_TRUE(one_trait) << one_trait.error().message;
  if (!bifactor || !one_trait) return out;
  out.bifactor = *bifactor;
  out.one_trait = *one_trait;
  out.bifactor_ic =
      information_criteria(bifactor->log_likelihood, bifactor->parameters, sim.data.rows);
  out.one_trait_ic =
      information_criteria(one_trait->log_likelihood, one_trait->parameters, sim.data.rows);
  return out;
}

TEST(Bifactor, RecoversPlantedFacetSlopesAndIsPreferredWhenFacetsShareMore) {
  const auto planted = truth(1.0);
  const auto sim = simulate_bifactor(planted, 2000, 7);
  const auto fits = fit_both(planted, sim);
  const auto* bifactor = &fits.bifactor;
  const auto* unidimensional = &fits.one_trait;
  EXPECT_TRUE(bifactor->converged);
  EXPECT_EQ(bifactor->parameters, unidimensional->parameters + 12);
  double specific_error = 0, general_error = 0;
  for (size_t j = 0; j < 12; ++j) {
    specific_error += std::pow(bifactor->model.items[j].a_specific - 1.0, 2);
    general_error += std::pow(bifactor->model.items[j].a_general - planted.items[j].a_general, 2);
    EXPECT_EQ(unidimensional->model.items[j].a_specific, 0.0);
  }
  EXPECT_LT(std::sqrt(specific_error / 12), 0.2);
  EXPECT_LT(std::sqrt(general_error / 12), 0.2);
  EXPECT_LT(fits.bifactor_ic.bic, fits.one_trait_ic.bic - 50) << "the facets are plain in the data";
  EXPECT_LT(fits.bifactor_ic.aic, fits.one_trait_ic.aic);
}

TEST(Bifactor, IsNotPreferredWhenTheFacetsShareNothingMore) {
  const auto planted = truth(0.0);
  const auto sim = simulate_bifactor(planted, 2000, 8);
  // With nothing to find, EM creeps towards zero slopes; its last steps change nothing here.
  const auto fits = fit_both(planted, sim, 5e-3);
  // Nested models: the bifactor fits at least as well, but not by enough to pay for 12 slopes.
  EXPECT_GE(fits.bifactor.log_likelihood, fits.one_trait.log_likelihood - 0.01);
  EXPECT_GT(fits.bifactor_ic.bic, fits.one_trait_ic.bic);
}

TEST(Bifactor, TheUnidimensionalModelOverstatesPrecisionWhereFacetsShareMore) {
  const auto planted = truth(1.2);
  const auto sim = simulate_bifactor(planted, 2000, 9);
  const auto fits = fit_both(planted, sim);
  BifactorOptions options;
  options.quadrature_points = 15;
  // Each model's claimed posterior SD against its actual error, on the first 500 people.
  auto claimed_and_actual = [&](const BifactorModel& m) {
    double claimed = 0, actual = 0;
    for (size_t i = 0; i < 500; ++i) {
      const auto e = bifactor_eap(m, sim.data.row(i), options);
      claimed += e.se * e.se;
      actual += std::pow(e.theta - sim.general[i], 2);
    }
    return std::pair{std::sqrt(claimed / 500), std::sqrt(actual / 500)};
  };
  const auto [b_claimed, b_actual] = claimed_and_actual(fits.bifactor.model);
  const auto [u_claimed, u_actual] = claimed_and_actual(fits.one_trait.model);
  EXPECT_LT(u_claimed, 0.8 * u_actual) << "unidimensional: claims more precision than it has";
  EXPECT_NEAR(b_claimed / b_actual, 1.0, 0.15) << "bifactor: claims what it has";
  EXPECT_GT(b_claimed, u_claimed);
}

TEST(Bifactor, ALoneFacetItemHasNoSpecificSlope) {
  const auto planted = truth(0.8);
  const auto sim = simulate_bifactor(planted, 300, 10);
  std::vector<int> facet = planted.facet;
  facet[11] = 7;  // a facet of one item
  BifactorOptions options;
  options.quadrature_points = 11;
  options.max_em_steps = 30;
  auto fit = calibrate_bifactor(sim.data, kCategories, facet, options);
  ASSERT_TRUE(fit) << fit.error().message;
  EXPECT_EQ(fit->model.facet[11], -1);
  EXPECT_EQ(fit->model.items[11].a_specific, 0.0);
  EXPECT_EQ(fit->model.facets, 3);
  EXPECT_FALSE(calibrate_bifactor(sim.data, kCategories, {0, 1}, options));
}

}  // namespace
}  // namespace sb::psy
