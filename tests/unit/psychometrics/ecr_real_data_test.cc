// The engine on the 30,000 real ECR responses: the figures the issue asks for, computed
// afresh (calibrate on rows 1-20,000, validate on rows 20,001-30,000).
#include <gtest/gtest.h>

#include "psychometrics/evaluation.h"
#include "psychometrics/reliability.h"
#include "psychometrics/responses.h"

namespace sb::psy {

class EcrRealData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto ins = load_instrument(std::string(SECUREBASE_CONTENT_DIR) +
                               "/instruments/ecr-1998.structure.json");
    ASSERT_TRUE(ins) << ins.error().message;
    auto table = read_csv(std::string(SECUREBASE_SHARED_DIR) + "/data/ecr/responses.csv");
    ASSERT_TRUE(table) << table.error().message;
    instrument = new Instrument(std::move(*ins));
    calibration = new ResponseMatrix(*keyed_responses(*instrument, *table, {1, 20000}));
    validation = new ResponseMatrix(*keyed_responses(*instrument, *table, {20001, 30000}));
    CalibrationOptions options;
    options.threads = 2;
    auto rep = calibrate_instrument(*instrument, *calibration, options);
    ASSERT_TRUE(rep) << rep.error().message;
    model = new Model(*instrument->model());
  }
  static void TearDownTestSuite() {
    delete instrument;
    delete calibration;
    delete validation;
    delete model;
  }
  static Instrument* instrument;
  static ResponseMatrix* calibration;
  static ResponseMatrix* validation;
  static Model* model;
};
Instrument* EcrRealData::instrument = nullptr;
ResponseMatrix* EcrRealData::calibration = nullptr;
ResponseMatrix* EcrRealData::validation = nullptr;
Model* EcrRealData::model = nullptr;

TEST_F(EcrRealData, CronbachAlphaMatchesThePublishedFigures) {
  ASSERT_TRUE(model);
  const int avoidance = instrument->dimension_index("avoidance");
  const int anxiety = instrument->dimension_index("anxiety");
  EXPECT_NEAR(cronbach_alpha(*validation, model->items_of(avoidance)), 0.94, 0.01);
  EXPECT_NEAR(cronbach_alpha(*validation, model->items_of(anxiety)), 0.92, 0.01);
}

TEST_F(EcrRealData, CalibrationConvergesWithPositiveSlopesAndWeakCorrelation) {
  ASSERT_TRUE(model);
  for (const auto& item : model->items) EXPECT_GT(item.a, 0.8);
  EXPECT_NEAR(model->correlation, -0.05, 0.1);
  for (const auto& d : instrument->dimensions) EXPECT_GT(d.reliability->marginal, 0.9);
}

TEST_F(EcrRealData, AdaptiveTestMeetsItsTargetsOnValidationRows) {
  ASSERT_TRUE(model);
  CatOptions options;
  options.classification_confidence = 0.8;
  const auto sim = simulate_cat(*instrument, *model, *validation, options);
  for (size_t d = 0; d < 2; ++d) {
    EXPECT_LE(sim.mean_items_per_dimension[d], 10.0);
    EXPECT_GE(sim.correlation[d], 0.95);
  }
  EXPECT_GE(sim.style_agreement, 0.90);
}

}  // namespace sb::psy
