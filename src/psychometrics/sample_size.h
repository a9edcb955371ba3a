// How many answer sets a recalibration needs: respondents simulated from a bank's current
// parameters take the adaptive test (so each answers only the items it chose, as real
// consented sets do), the bank is calibrated on those sparse answers and linked back to the
// current scale, and the errors are measured against the parameters that generated the data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "psychometrics/cat.h"
#include "psychometrics/model.h"

namespace sb::psy {

struct SampleSizeRow {
  size_t respondents = 0;
  int replications = 0;
  double min_answers = 0, median_answers = 0;  // per item, averaged over replications
  double items_calibrated = 0;                 // items with enough answers to estimate
  double slope_rmse = 0, threshold_rmse = 0;   // over calibrated items, after linking
  double score_rmse = 0;  // EAP with estimated minus true parameters, same answers
  int failures = 0;       // replications where calibration failed
};

// Errors of the recalibrated items grouped by how many answers each had, over every size and
// replication: the per-item rule comes from here.
struct AnswerBin {
  size_t from = 0, to = 0;  // answers per item, [from, to)
  size_t items = 0;
  double slope_rmse = 0, threshold_rmse = 0;
};

struct SampleSizeStudy {
  std::vector<SampleSizeRow> sizes;
  std::vector<AnswerBin> bins;
};

struct SampleSizeOptions {
  std::vector<size_t> sizes = {250, 500, 1000, 2000, 5000};
  int replications = 3;
  size_t scored = 1000;  // fresh respondents whose scores are compared
  // An item with fewer answers, or with a category chosen fewer times, keeps its current
  // parameters: a threshold next to an empty category has no finite estimate.
  size_t min_answers = 100;
  size_t min_per_category = 5;
  unsigned threads = 1;
  uint64_t seed = 1;
};

// The answers that respondents simulated from `model` give under the adaptive test: each row
// holds only the items the test asked. With `truth`, the answers come from it (the same items
// in the same order, say with facets the test does not know of) and the test runs on `model`.
ResponseMatrix adaptive_answers(const Model& model, const CatOptions& cat, size_t persons,
                                uint64_t seed, const Model* truth = nullptr);

SampleSizeStudy sample_size_study(const Model& model, const CatOptions& cat,
                                  const SampleSizeOptions& options);

}  // namespace sb::psy
