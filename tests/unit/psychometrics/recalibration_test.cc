// Recalibrating the bank from its own answers: ready items are estimated and linked back to the
// current scale, the rest keep their parameters, and the rule decides what is ready.
#include "psychometrics/recalibration.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "psychometrics/bifactor.h"
#include "psychometrics/scoring.h"
#include "psychometrics/simulate.h"

namespace sb::psy {
namespace {

Instrument bank() {
  auto instrument = load_instrument(std::string(SECUREBASE_CONTENT_DIR) +
                                    "/instruments/securebase-relationships.json");
  EXPECT_TRUE(instrument) << instrument.error().message;
  return *instrument;
}

// The current-scale trait of the people answering is 1.2 * z + 0.4: a sample unlike the one
// that defined the scale, as consenting users will be. `model` seen from that sample.
constexpr LinkingConstants kToSample{1 / 1.2, -0.4 / 1.2};
Model seen_by_the_sample(Model model) {
  for (auto& item : model.items) item = to_current_scale(item, kToSample);
  return model;
}

// Simulated keyed answers back on the 1..K scale the store holds.
ResponseMatrix raw_answers(const Instrument& instrument, const ResponseMatrix& keyed) {
  ResponseMatrix raw{keyed.rows, keyed.cols, std::vector<int8_t>(keyed.data.size(), 0)};
  for (size_t r = 0; r < raw.rows; ++r) {
    for (size_t j = 0; j < raw.cols; ++j) {
      for (int x = 1; x <= instrument.categories; ++x) {
        if (instrument.key(j, x) == keyed.at(r, j))
          raw.data[r * raw.cols + j] = static_cast<int8_t>(x);
      }
    }
  }
  return raw;
}

// Answers on the 1..K scale from the shifted sample, one trait per scale.
ResponseMatrix answers_on_a_shifted_sample(const Instrument& instrument, size_t persons) {
  auto model = instrument.model();
  EXPECT_TRUE(model);
  return raw_answers(instrument, simulate(seen_by_the_sample(*model), persons, 11).responses);
}

TEST(Recalibration, ReadinessFollowsTheRule) {
  const RecalibrationRule rule;  // 500 answers, 5 per category
  EXPECT_TRUE(item_readiness({100, 100, 100, 100, 100, 5, 100}, rule).ready);
  EXPECT_FALSE(item_readiness({100, 100, 100, 100, 100, 4, 100}, rule).ready);
  const auto few = item_readiness({70, 70, 70, 70, 70, 70, 70}, rule);
  EXPECT_EQ(few.answers, 490u);
  EXPECT_EQ(few.fewest_in_a_category, 70u);
  EXPECT_FALSE(few.ready);
}

TEST(Recalibration, NeedsEnoughReadyItemsOnEveryDimension) {
  const Instrument current = bank();
  std::vector<ItemReadiness> readiness(current.items.size());
  for (size_t j = 0; j < current.items.size(); ++j)
    readiness[j].ready = current.items[j].dimension == current.dimensions[0].id;
  const auto refused = can_recalibrate(current, readiness, RecalibrationRule{});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find(current.dimensions[1].name), std::string::npos);
  for (auto& r : readiness) r.ready = true;
  EXPECT_TRUE(can_recalibrate(current, readiness, RecalibrationRule{}));
}

TEST(Recalibration, RecoversTheItemsOnTheCurrentScaleAndKeepsTheUnready) {
  const Instrument current = bank();
  ResponseMatrix raw = answers_on_a_shifted_sample(current, 1200);
  // The first item was asked of only 300 people: it keeps its current parameters.
  for (size_t r = 300; r < raw.rows; ++r) raw.data[r * raw.cols] = 0;
  int last_percent = -1;
  bool monotone = true;
  RecalibrationOptions options;
  options.threads = 2;
  options.progress = [&](const std::string&, int percent) {
    monotone = monotone && percent >= last_percent;
    last_percent = percent;
  };
  auto result = recalibrate(current, raw, options);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(monotone);
  EXPECT_EQ(last_percent, 100);
  const auto& report = result->report;
  EXPECT_EQ(report.response_sets, 1200u);
  ASSERT_EQ(report.items.size(), current.items.size());
  EXPECT_FALSE(report.items[0].recalibrated);
  EXPECT_EQ(report.items[0].answers, 300u);
  EXPECT_EQ(result->instrument.items[0].parameters->a, current.items[0].parameters->a);
  EXPECT_TRUE(result->instrument.items[0].provisional);
  // The planted shift and stretch are found, so the linked parameters match the current ones.
  ASSERT_EQ(report.dimensions.size(), 2u);
  for (const auto& dim : report.dimensions) {
    EXPECT_NEAR(dim.link.constants.A, 1.2, 0.1) << dim.id;
    EXPECT_NEAR(dim.link.constants.B, 0.4, 0.1) << dim.id;
    EXPECT_GT(dim.reliability_proposed, 0.8);
    EXPECT_LT(dim.reliability_proposed, 1.0);
    EXPECT_EQ(dim.complete_sets, 1200u);
    ASSERT_TRUE(dim.fit.has_value());
    EXPECT_GT(dim.fit->df, 0);
    // The answers came from one trait per scale: the facets add nothing, and BIC says so.
    ASSERT_TRUE(dim.facets.has_value());
    EXPECT_EQ(dim.facets->facets, 4);
    EXPECT_LT(dim.facets->bic_one_trait, dim.facets->bic_bifactor);
    EXPECT_GE(dim.facets->log_likelihood_bifactor, dim.facets->log_likelihood_one_trait - 0.5);
  }
  double squared = 0;
  size_t recalibrated = 0;
  for (size_t j = 1; j < current.items.size(); ++j) {
    ASSERT_TRUE(report.items[j].recalibrated);
    ASSERT_TRUE(report.items[j].fit.has_value());
    EXPECT_FALSE(result->instrument.items[j].provisional);
    squared += std::pow(report.items[j].proposed.a - current.items[j].parameters->a, 2);
    ++recalibrated;
  }
  EXPECT_LT(std::sqrt(squared / static_cast<double>(recalibrated)), 0.15);
}

// Answers from the shifted sample where each item also loads 1.0 on its facet's own trait, its
// curve with that trait integrated out staying the current one (with_facet_slopes).
struct FacetSample {
  ResponseMatrix raw;
  std::vector<std::array<double, 2>> theta;  // on the current scale
  std::vector<double> general_slope;         // planted, on the current scale
};

FacetSample answers_where_facets_share_more(const Instrument& instrument, size_t persons) {
  const auto truth = *with_facet_slopes(instrument, 1.0).model();
  const auto data = simulate(seen_by_the_sample(truth), persons, 21);
  FacetSample out{raw_answers(instrument, data.responses), {}, {}};
  for (const auto& z : data.theta) out.theta.push_back({1.2 * z[0] + 0.4, 1.2 * z[1] + 0.4});
  for (const auto& item : truth.items) out.general_slope.push_back(item.a);
  return out;
}

TEST(Recalibration, WhereFacetsShareMoreTheProposedVersionScoresWithTheBifactorModel) {
  const Instrument current = bank();
  const auto sample = answers_where_facets_share_more(current, 1500);
  RecalibrationOptions options;
  options.threads = 2;
  auto result = recalibrate(current, sample.raw, options);
  ASSERT_TRUE(result) << result.error().message;
  for (const auto& dim : result->report.dimensions) {
    ASSERT_TRUE(dim.facets.has_value()) << dim.id;
    EXPECT_LT(dim.facets->bic_bifactor, dim.facets->bic_one_trait) << dim.id;
    EXPECT_TRUE(dim.facets->adopted) << dim.id;
    // The link, made on the curves with the facets integrated out, finds the planted shift.
    EXPECT_NEAR(dim.link.constants.A, 1.2, 0.15) << dim.id;
    EXPECT_NEAR(dim.link.constants.B, 0.4, 0.15) << dim.id;
  }
  double general = 0, specific = 0;
  for (size_t j = 0; j < current.items.size(); ++j) {
    const auto& item = result->instrument.items[j];
    general += std::pow(item.parameters->a - sample.general_slope[j], 2);
    specific += std::pow(item.specific_slope - 1.0, 2);
    EXPECT_EQ(result->report.items[j].specific_proposed, item.specific_slope);
  }
  const double n = static_cast<double>(current.items.size());
  EXPECT_LT(std::sqrt(general / n), 0.25);
  EXPECT_LT(std::sqrt(specific / n), 0.25);
  EXPECT_NE(result->instrument.calibration_note.find("bifactor"), std::string::npos);

  // What publishing gives: the version reads back with its facets, and its scores claim the
  // precision they have on the current scale.
  auto published = parse_instrument(instrument_to_json(result->instrument));
  ASSERT_TRUE(published) << published.error().field << " " << published.error().message;
  const auto model = published->model();
  ASSERT_TRUE(model);
  EXPECT_EQ(model->facets, 8);
  const Scorer scorer(*model);
  double claimed = 0, actual = 0;
  const size_t people = 300;
  for (size_t i = 0; i < people; ++i) {
    std::vector<int8_t> keyed(current.items.size());
    for (size_t j = 0; j < keyed.size(); ++j) keyed[j] = current.key(j, sample.raw.at(i, j));
    const auto estimates = scorer.eap(keyed);
    for (size_t d = 0; d < 2; ++d) {
      claimed += estimates[d].se * estimates[d].se;
      actual += std::pow(estimates[d].theta - sample.theta[i][d], 2);
    }
  }
  EXPECT_NEAR(std::sqrt(claimed / actual), 1.0, 0.2);
}

// The facet comparison reports after every EM cycle, so a server shutting down can end even the
// longest stage of a calibration (its callback throws) instead of waiting for it.
TEST(Recalibration, EveryStageCanBeStoppedFromTheProgressCallback) {
  struct Stop {};
  const Instrument current = bank();
  const ResponseMatrix raw = answers_on_a_shifted_sample(current, 600);
  int facet_reports = 0;
  RecalibrationOptions options;
  options.progress = [&](const std::string& stage, int) {
    if (stage.find("bifactor") == std::string::npos) return;
    if (++facet_reports == 3) throw Stop{};  // the first is the stage's start; then each cycle
  };
  EXPECT_THROW(static_cast<void>(recalibrate(current, raw, options)), Stop);
  EXPECT_EQ(facet_reports, 3);
}

}  // namespace
}  // namespace sb::psy
