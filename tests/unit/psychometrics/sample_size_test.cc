// The sample-size study: adaptive answers leave the rest missing, and errors shrink as the
// number of respondents grows.
#include "psychometrics/sample_size.h"

#include <gtest/gtest.h>

#include "psychometrics/simulate.h"

namespace sb::psy {
namespace {

TEST(SampleSize, AdaptiveAnswersHoldOnlyTheItemsTheTestAsked) {
  const Model bank = random_model(16, 5, 2, 0.2, 3);
  CatOptions cat;
  cat.max_items = 8;
  cat.min_items = 8;
  cat.se_target = 0;
  const auto answers = adaptive_answers(bank, cat, 50, 7);
  ASSERT_EQ(answers.rows, 50u);
  for (size_t r = 0; r < answers.rows; ++r) {
    size_t given = 0;
    for (size_t j = 0; j < answers.cols; ++j) given += answers.at(r, j) != kMissing;
    EXPECT_EQ(given, 8u);
  }
}

TEST(SampleSize, ErrorsShrinkWithMoreRespondents) {
  const Model bank = random_model(12, 4, 2, 0.0, 5);
  CatOptions cat;
  cat.randomesque = 4;  // spreads exposure, so every item gets answers
  cat.max_items = 8;
  cat.min_items = 8;
  cat.se_target = 0;
  SampleSizeOptions options;
  options.sizes = {300, 3000};
  options.replications = 1;
  options.scored = 200;
  const auto study = sample_size_study(bank, cat, options);
  const auto& rows = study.sizes;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].failures + rows[1].failures, 0);
  EXPECT_EQ(rows[1].items_calibrated, 12.0);
  EXPECT_GT(rows[1].min_answers, rows[0].min_answers);
  EXPECT_LT(rows[1].slope_rmse, rows[0].slope_rmse);
  EXPECT_LT(rows[1].threshold_rmse, rows[0].threshold_rmse);
  EXPECT_LT(rows[1].score_rmse, rows[0].score_rmse);
  EXPECT_LT(rows[1].slope_rmse, 0.15);
  // Every recalibrated item lands in one bin of answers per item.
  size_t binned = 0;
  for (const auto& bin : study.bins) binned += bin.items;
  EXPECT_EQ(static_cast<double>(binned), rows[0].items_calibrated + rows[1].items_calibrated);
}

}  // namespace
}  // namespace sb::psy
