#include "psychometrics/cat.h"

#include <gtest/gtest.h>

#include <set>

#include "psychometrics/simulate.h"

namespace sb::psy {

class CatTest : public ::testing::Test {
 protected:
  Model model = random_model(40, 5, 2, 0.2, 17);
  Scorer scorer{model};
  // Answers as a person with theta (1, -1) would most likely give.
  int8_t answer(size_t item) const {
    const double t = model.dimension[item] == 0 ? 1.0 : -1.0;
    std::vector<double> p(5);
    category_probabilities(model.items[item], t, p);
    return static_cast<int8_t>(std::max_element(p.begin(), p.end()) - p.begin());
  }
  std::vector<Answer> run(const CatOptions& o) {
    CatEngine engine(scorer, o);
    std::vector<Answer> answers;
    while (true) {
      auto d = engine.decide(answers);
      if (d.done) return answers;
      answers.emplace_back(*d.next_item, answer(*d.next_item));
    }
  }
};

TEST_F(CatTest, FirstItemHasTheMostInformationUnderThePrior) {
  CatOptions o;
  o.selection = Selection::kPosteriorWeightedInformation;
  CatEngine engine(scorer, o);
  auto d = engine.decide({});
  ASSERT_TRUE(d.next_item);
  const auto marg = scorer.marginals(scorer.posterior({}));
  double best = 0;
  for (size_t j = 0; j < model.size(); ++j) {
    best = std::max(best, scorer.posterior_weighted_information(
                              j, marg[static_cast<size_t>(model.dimension[j])]));
  }
  const size_t j = *d.next_item;
  EXPECT_DOUBLE_EQ(
      scorer.posterior_weighted_information(j, marg[static_cast<size_t>(model.dimension[j])]),
      best);
}

TEST_F(CatTest, StopsWithinTheLimitsAndOnPrecision) {
  CatOptions o;
  o.min_se_reduction = 0;  // precision alone (the predicted-reduction rule is tested below)
  auto answers = run(o);
  EXPECT_GE(answers.size(), 6u);
  EXPECT_LE(answers.size(), 20u);
  CatEngine engine(scorer, o);
  auto final = engine.decide(answers);
  EXPECT_TRUE(final.done);
  if (answers.size() < 20u) {
    for (const auto& e : final.estimates) EXPECT_LE(e.se, 0.3);
  }
  EXPECT_GT(final.estimates[0].theta, 0.3);
  EXPECT_LT(final.estimates[1].theta, -0.3);
}

TEST_F(CatTest, NeverStopsBeforeTheMinimumNorAfterTheMaximum) {
  CatOptions loose;
  loose.se_target = 5.0;  // satisfied at once
  loose.min_items = 9;
  EXPECT_EQ(run(loose).size(), 9u);
  CatOptions strict;
  strict.se_target = 0.01;  // never satisfied
  strict.min_se_reduction = 0;
  strict.max_items = 14;
  EXPECT_EQ(run(strict).size(), 14u);
}

TEST_F(CatTest, ReplayIsDeterministicAndNeverRepeatsAnItem) {
  CatOptions o;
  o.randomesque = 4;
  o.seed = 1234;
  auto a = run(o), b = run(o);
  EXPECT_EQ(a, b);
  std::set<size_t> seen;
  for (const auto& [item, _] : a) EXPECT_TRUE(seen.insert(item).second);
  // Resuming from any point gives the same next item as the uninterrupted run.
  CatEngine engine(scorer, o);
  for (size_t k = 0; k + 1 < a.size(); ++k) {
    std::vector<Answer> prefix(a.begin(), a.begin() + static_cast<long>(k));
    EXPECT_EQ(engine.decide(prefix).next_item, a[k].first);
  }
}

TEST_F(CatTest, BalancesAcrossDimensions) {
  auto answers = run(CatOptions{});
  size_t first = 0;
  for (const auto& [item, _] : answers) first += model.dimension[item] == 0;
  EXPECT_GE(first, 3u);
  EXPECT_GE(answers.size() - first, 3u);
}

TEST_F(CatTest, UnavailableItemsAreNeverChosen) {
  std::vector<bool> unavailable(model.size(), false);
  for (size_t j = 0; j < model.size(); j += 2) unavailable[j] = true;
  CatEngine engine(scorer, CatOptions{});
  std::vector<Answer> answers;
  for (int step = 0; step < 10; ++step) {
    auto d = engine.decide(answers, &unavailable);
    if (d.done) break;
    EXPECT_EQ(*d.next_item % 2, 1u);
    answers.emplace_back(*d.next_item, answer(*d.next_item));
  }
}

TEST_F(CatTest, ExpectedPosteriorVarianceChoosesTheItemLeavingTheLeastVariance) {
  CatOptions o;
  o.selection = Selection::kExpectedPosteriorVariance;
  CatEngine engine(scorer, o);
  // After two answers the posterior is no longer the prior: recompute the rule by hand.
  const std::vector<Answer> answers = {{0, answer(0)}, {1, answer(1)}};
  auto d = engine.decide(answers);
  ASSERT_TRUE(d.next_item);
  Posterior p = scorer.posterior({});
  scorer.update(p, 0, answer(0));
  scorer.update(p, 1, answer(1));
  const auto marginals = scorer.marginals(p);
  const auto& nodes = scorer.quadrature().nodes;
  auto relative_reduction = [&](size_t j) {
    const auto& m = marginals[static_cast<size_t>(model.dimension[j])];
    const auto& table = scorer.probability_table(j);
    double mean = 0, second = 0;
    for (size_t q = 0; q < nodes.size(); ++q) {
      mean += m[q] * nodes[q];
      second += m[q] * nodes[q] * nodes[q];
    }
    const double variance = second - mean * mean;
    double expected = 0;
    for (int k = 0; k < 5; ++k) {
      double w = 0, m1 = 0, m2 = 0;
      for (size_t q = 0; q < nodes.size(); ++q) {
        const double v = m[q] * table[static_cast<size_t>(k) * nodes.size() + q];
        w += v;
        m1 += v * nodes[q];
        m2 += v * nodes[q] * nodes[q];
      }
      expected += w * (m2 / w - (m1 / w) * (m1 / w));
    }
    return (variance - expected) / variance;
  };
  double best = -1;
  for (size_t j = 2; j < model.size(); ++j) best = std::max(best, relative_reduction(j));
  EXPECT_NEAR(relative_reduction(*d.next_item), best, 1e-12);
}

TEST_F(CatTest, AnItemWhoseResidualsFollowAnAskedItemWaits) {
  CatOptions o;
  const auto first = CatEngine(scorer, o).decide({}).next_item;
  ASSERT_TRUE(first);
  const std::vector<Answer> answers = {{*first, answer(*first)}};
  // Only the first item's dimension is open, so the dependence is the only thing that differs.
  std::vector<bool> other_dimension(model.size());
  for (size_t j = 0; j < model.size(); ++j)
    other_dimension[j] = model.dimension[j] != model.dimension[*first];
  const auto second = CatEngine(scorer, o).decide(answers, &other_dimension).next_item;
  ASSERT_TRUE(second);

  Model dependent = model;
  dependent.residual_correlations = {{std::min(*first, *second), std::max(*first, *second), 0.4}};
  const Scorer dependent_scorer(dependent);
  const auto penalised = CatEngine(dependent_scorer, o).decide(answers, &other_dimension);
  ASSERT_TRUE(penalised.next_item);
  EXPECT_NE(*penalised.next_item, *second);
  EXPECT_EQ(model.dimension[*penalised.next_item], model.dimension[*first]);
  // Turned off, the recorded dependence changes nothing; and it never touches the estimates.
  o.dependence_penalty = 0;
  const auto unpenalised = CatEngine(dependent_scorer, o).decide(answers, &other_dimension);
  EXPECT_EQ(unpenalised.next_item, second);
  EXPECT_DOUBLE_EQ(unpenalised.estimates[0].theta, penalised.estimates[0].theta);
}

TEST_F(CatTest, EverySelectionRuleFindsThePerson) {
  for (auto rule : {Selection::kPosteriorWeightedInformation, Selection::kKullbackLeibler,
                    Selection::kExpectedPosteriorVariance}) {
    CatOptions o;
    o.selection = rule;
    const auto answers = run(o);
    EXPECT_GE(answers.size(), 6u);
    EXPECT_LE(answers.size(), 20u);
    const auto final = CatEngine(scorer, o).decide(answers);
    EXPECT_GT(final.estimates[0].theta, 0.3) << static_cast<int>(rule);
    EXPECT_LT(final.estimates[1].theta, -0.3) << static_cast<int>(rule);
  }
}

TEST(CatStopping, PredictedReductionStopsWhenNoItemCanHelp) {
  // Six useful items, then twenty that barely relate to the trait.
  Model bank = random_model(26, 5, 1, 0.0, 3);
  for (size_t j = 6; j < bank.size(); ++j) {
    for (auto& c : bank.items[j].c) c *= 0.05 / bank.items[j].a;
    bank.items[j].a = 0.05;
  }
  const Scorer scorer(bank);
  CatOptions o;
  o.se_target = 0.01;  // never reached
  o.max_items = 26;
  o.min_items = 3;
  o.min_se_reduction = 0;
  std::vector<Answer> answers;
  auto until_done = [&](const CatOptions& options) {
    CatEngine engine(scorer, options);
    answers.clear();
    while (true) {
      const auto d = engine.decide(answers);
      if (d.done) return answers.size();
      answers.emplace_back(*d.next_item, 2);
    }
  };
  EXPECT_EQ(until_done(o), 26u);  // without the rule: everything is asked
  o.min_se_reduction = 0.01;
  const size_t asked = until_done(o);
  EXPECT_GE(asked, 4u);
  EXPECT_LE(asked, 6u);
  for (const auto& [item, _] : answers) EXPECT_LT(item, 6u);  // only useful items were asked
}

}  // namespace sb::psy
