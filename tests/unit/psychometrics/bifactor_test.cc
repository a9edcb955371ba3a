// The bifactor model: it recovers planted facet slopes, information criteria choose it when
// facets share more than the general trait and not otherwise, and it does not overstate the
// precision of the general score when they do.
#include "psychometrics/bifactor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "psychometrics/calibrate.h"
#include "psychometrics/cat.h"
#include "psychometrics/scoring.h"

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

// The same items as a scoring model on one dimension; `with_facets` false drops the facets,
// which leaves the between-item model with the same general slopes.
Model scoring_model(const BifactorModel& b, bool with_facets) {
  Model m;
  m.categories = b.categories;
  for (const auto& item : b.items) m.items.push_back({item.a_general, item.c});
  m.dimension.assign(b.items.size(), 0);
  if (with_facets) {
    m.facets = b.facets;
    m.facet = b.facet;
    for (const auto& item : b.items) m.specific_slope.push_back(item.a_specific);
  }
  return m;
}

TEST(BifactorScoring, TheScorerAgreesWithBifactorEapAnswerByAnswer) {
  const auto planted = truth(1.0);
  const auto sim = simulate_bifactor(planted, 40, 11);
  const Model model = scoring_model(planted, true);
  const Scorer scorer(model, 21, 5.0);  // bifactor_eap's grid
  for (size_t i = 0; i < sim.data.rows; ++i) {
    const auto row = sim.data.row(i);
    const auto reference = bifactor_eap(planted, row);
    const auto batch = scorer.eap(row)[0];
    EXPECT_NEAR(batch.theta, reference.theta, 1e-9);
    EXPECT_NEAR(batch.se, reference.se, 1e-9);
    // Answer by answer, in an order that moves between facets, as an adaptive test would.
    Posterior p = scorer.posterior({});
    for (size_t j : {5, 0, 9, 1, 6, 11, 2, 3, 4, 7, 8, 10}) scorer.update(p, j, row[j]);
    EXPECT_NEAR(scorer.eap(p)[0].theta, reference.theta, 1e-9);
  }
}

TEST(BifactorScoring, ThePosteriorSdIsHonestOnlyWhenTheFacetsAreModelled) {
  const auto planted = truth(1.2);
  const auto sim = simulate_bifactor(planted, 1000, 12);
  auto claimed_and_actual = [&](const Model& m) {
    const Scorer scorer(m);
    double claimed = 0, actual = 0;
    for (size_t i = 0; i < sim.data.rows; ++i) {
      const auto e = scorer.eap(sim.data.row(i))[0];
      claimed += e.se * e.se;
      actual += std::pow(e.theta - sim.general[i], 2);
    }
    return std::pair{std::sqrt(claimed / 1000), std::sqrt(actual / 1000)};
  };
  const auto [b_claimed, b_actual] = claimed_and_actual(scoring_model(planted, true));
  const auto [u_claimed, u_actual] = claimed_and_actual(scoring_model(planted, false));
  EXPECT_NEAR(b_claimed / b_actual, 1.0, 0.1) << b_claimed << " against " << b_actual;
  EXPECT_LT(u_claimed, 0.8 * u_actual) << u_claimed << " against " << u_actual;
}

TEST(BifactorScoring, MapIsTheModeWithTheFacetsIntegratedOut) {
  const auto planted = truth(1.2);
  const auto sim = simulate_bifactor(planted, 200, 13);
  const Model with_facets = scoring_model(planted, true);
  const Model without = scoring_model(planted, false);
  const Scorer scorer(with_facets), between_item(without);
  double gap = 0, se_ratio = 0, between_item_se_ratio = 0;
  for (size_t i = 0; i < sim.data.rows; ++i) {
    const auto eap = scorer.eap(sim.data.row(i))[0];
    const auto map = scorer.map(sim.data.row(i))[0];
    gap += std::abs(map.theta - eap.theta);
    se_ratio += map.se / eap.se;
    between_item_se_ratio += between_item.map(sim.data.row(i))[0].se / eap.se;
  }
  const double n = static_cast<double>(sim.data.rows);
  EXPECT_LT(gap / n, 0.1) << "a near-normal posterior's mode lies near its mean";
  EXPECT_NEAR(se_ratio / n, 1.0, 0.1);
  EXPECT_LT(between_item_se_ratio / n, 0.8) << "ignoring the facets overstates precision";
}

TEST(BifactorScoring, TheAnswerProbabilitiesOfAFacetItemFollowItsFacetsAnswers) {
  const Model model = scoring_model(truth(1.5), true);
  const Scorer scorer(model);
  // One scratch table per call: a facet item's table lives in it.
  std::vector<double> scratch[4];
  Posterior p = scorer.posterior({});
  const auto& before = scorer.predictive_table(p, 1, scratch[0]);
  const auto& other_facet_before = scorer.predictive_table(p, 4, scratch[1]);
  scorer.update(p, 0, 4);  // the top answer to another item of facet 0
  const auto& after_same_facet = scorer.predictive_table(p, 1, scratch[2]);
  const auto& other_facet_after = scorer.predictive_table(p, 4, scratch[3]);
  const size_t Q = scorer.quadrature().nodes.size(), mid = Q / 2;
  double total = 0;
  for (size_t k = 0; k < 5; ++k) total += after_same_facet[k * Q + mid];
  EXPECT_NEAR(total, 1.0, 1e-12);
  // At the same general trait, the shared facet trait makes the top answer more likely.
  EXPECT_GT(after_same_facet[4 * Q + mid], before[4 * Q + mid] + 0.05);
  EXPECT_EQ(other_facet_after, other_facet_before) << "facet 1's trait learnt nothing";
  // Integrated over its facet's trait, an item's answers are less extreme than at that
  // trait's mean: the top answer is less likely where the general trait is high.
  EXPECT_LT(other_facet_before[4 * Q + Q - 10], scorer.probability_table(4)[4 * Q + Q - 10]);
}

TEST(BifactorScoring, TheAdaptiveTestMovesToAnotherFacetOnceOneIsKnown) {
  // Two facets of six: facet 0's items have slightly higher general slopes, and both facets a
  // strong trait of their own. The between-item model keeps choosing facet 0; the bifactor
  // model sees that a facet's second item mostly repeats its first and turns to facet 1.
  BifactorModel b;
  b.categories = kCategories;
  b.facets = 2;
  for (int j = 0; j < 12; ++j) {
    const double a = j < 6 ? 1.6 : 1.5;
    b.items.push_back({a, 2.0, {2.0, 0.7, -0.6, -2.0}});
    b.facet.push_back(j < 6 ? 0 : 1);
  }
  auto first_items = [&](const Model& m, Selection selection) {
    const Scorer scorer(m);
    CatOptions options;
    options.selection = selection;
    options.min_items = 4;
    options.max_items = 4;
    const CatEngine engine(scorer, options);
    std::vector<Answer> answers;
    std::set<int> facets;
    while (true) {
      const auto d = engine.decide(answers);
      if (d.done) break;
      answers.emplace_back(*d.next_item, 2);  // the middle answer
      facets.insert(b.facet[*d.next_item]);
    }
    EXPECT_EQ(answers.size(), 4u);
    return facets;
  };
  for (auto selection : {Selection::kExpectedPosteriorVariance, Selection::kKullbackLeibler,
                         Selection::kPosteriorWeightedInformation}) {
    EXPECT_EQ(first_items(scoring_model(b, false), selection), std::set<int>{0});
    EXPECT_EQ(first_items(scoring_model(b, true), selection), (std::set<int>{0, 1}));
  }
}

}  // namespace
}  // namespace sb::psy
