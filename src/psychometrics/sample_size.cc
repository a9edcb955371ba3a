#include "psychometrics/sample_size.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "psychometrics/calibrate.h"
#include "psychometrics/linking.h"
#include "psychometrics/scoring.h"
#include "psychometrics/simulate.h"

namespace sb::psy {
namespace {

struct Replication {
  std::vector<double> answers;  // per item
  size_t calibrated = 0;
  double slope_se = 0, threshold_se = 0;  // sums of squared errors
  size_t slopes = 0, thresholds = 0;
  double score_se = 0;
  size_t scores = 0;
  bool failed = false;
  // Per recalibrated item: answers, squared slope error, mean squared threshold error.
  std::vector<std::array<double, 3>> item_errors;
};

// Calibrates the items with enough answers (each dimension separately linked back to the
// current scale); the rest keep their current parameters.
Replication recalibrate(const Model& truth, const ResponseMatrix& answers,
                        const SampleSizeOptions& options, Model* estimated) {
  Replication rep;
  rep.answers.assign(truth.size(), 0.0);
  const auto K = static_cast<size_t>(truth.categories);
  std::vector<double> chosen(truth.size() * K, 0.0);
  for (size_t r = 0; r < answers.rows; ++r) {
    for (size_t j = 0; j < truth.size(); ++j) {
      const int8_t x = answers.at(r, j);
      if (x == kMissing) continue;
      rep.answers[j] += 1;
      chosen[j * K + static_cast<size_t>(x)] += 1;
    }
  }
  auto enough = [&](size_t j) {
    if (rep.answers[j] < static_cast<double>(options.min_answers)) return false;
    for (size_t k = 0; k < K; ++k) {
      if (chosen[j * K + k] < static_cast<double>(options.min_per_category)) return false;
    }
    return true;
  };
  *estimated = truth;
  CalibrationOptions calibration;
  calibration.threads = options.threads;
  for (int d = 0; d < truth.dimensions; ++d) {
    std::vector<size_t> columns;
    for (size_t j : truth.items_of(d)) {
      if (enough(j)) columns.push_back(j);
    }
    if (columns.size() < 3) continue;
    auto fit = calibrate_dimension(answers, truth.categories, columns, calibration, nullptr);
    if (!fit) {
      rep.failed = true;
      continue;
    }
    std::vector<GrmItem> current, fresh;
    for (size_t i = 0; i < columns.size(); ++i) {
      current.push_back(truth.items[columns[i]]);
      fresh.push_back((*fit)[i].item);
    }
    auto link = stocking_lord(current, fresh);
    if (!link) {
      rep.failed = true;
      continue;
    }
    for (size_t i = 0; i < columns.size(); ++i) {
      const GrmItem linked = to_current_scale(fresh[i], link->constants);
      const GrmItem& t = truth.items[columns[i]];
      const double slope_error = (linked.a - t.a) * (linked.a - t.a);
      rep.slope_se += slope_error;
      ++rep.slopes;
      double item_threshold_se = 0;
      for (size_t k = 0; k < t.c.size(); ++k) {
        const double e = linked.threshold(k) - t.threshold(k);
        item_threshold_se += e * e;
        ++rep.thresholds;
      }
      rep.threshold_se += item_threshold_se;
      rep.item_errors.push_back({rep.answers[columns[i]], slope_error,
                                 item_threshold_se / static_cast<double>(t.c.size())});
      estimated->items[columns[i]] = linked;
      ++rep.calibrated;
    }
  }
  return rep;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

}  // namespace

ResponseMatrix adaptive_answers(const Model& model, const CatOptions& cat, size_t persons,
                                uint64_t seed, const Model* truth) {
  const auto full = simulate(truth ? *truth : model, persons, seed).responses;
  const Scorer scorer(model);
  ResponseMatrix out;
  out.rows = persons;
  out.cols = model.size();
  out.data.assign(persons * model.size(), kMissing);
  for (size_t r = 0; r < persons; ++r) {
    CatOptions own = cat;  // each person's randomesque choices are their own (as sessions are)
    own.seed = cat.seed + seed * 7919 + r;
    const CatEngine engine(scorer, own);
    Posterior p = scorer.posterior({});
    std::vector<bool> used(model.size(), false);
    std::vector<size_t> asked;
    while (true) {
      const auto decision = engine.decide(p, used, asked);
      if (decision.done) break;
      const size_t j = *decision.next_item;
      const int8_t x = full.at(r, j);
      scorer.update(p, j, x);
      used[j] = true;
      out.data[r * out.cols + j] = x;
      asked.push_back(j);
    }
  }
  return out;
}

SampleSizeStudy sample_size_study(const Model& model, const CatOptions& cat,
                                  const SampleSizeOptions& options) {
  SampleSizeStudy study;
  const std::vector<size_t> edges = {options.min_answers, 200, 500, 1000, 2000, 1000000};
  for (size_t b = 0; b + 1 < edges.size(); ++b) {
    if (edges[b] < edges[b + 1]) study.bins.push_back({edges[b], edges[b + 1]});
  }
  // Fresh respondents for the score comparison, the same for every size.
  const auto scored = adaptive_answers(model, cat, options.scored, options.seed + 999983);
  const Scorer true_scorer(model);
  for (size_t n : options.sizes) {
    SampleSizeRow row;
    row.respondents = n;
    double slope_se = 0, threshold_se = 0, score_se = 0;
    size_t slopes = 0, thresholds = 0, scores = 0;
    for (int rep = 0; rep < options.replications; ++rep) {
      const auto answers =
          adaptive_answers(model, cat, n, options.seed + n * 131 + static_cast<uint64_t>(rep));
      Model estimated;
      const Replication r = recalibrate(model, answers, options, &estimated);
      row.failures += r.failed;
      for (const auto& [answers, slope_error, threshold_error] : r.item_errors) {
        for (auto& bin : study.bins) {
          if (answers < static_cast<double>(bin.from) || answers >= static_cast<double>(bin.to))
            continue;
          ++bin.items;
          bin.slope_rmse += slope_error;
          bin.threshold_rmse += threshold_error;
        }
      }
      row.min_answers += *std::min_element(r.answers.begin(), r.answers.end());
      row.median_answers += median(r.answers);
      row.items_calibrated += static_cast<double>(r.calibrated);
      slope_se += r.slope_se;
      threshold_se += r.threshold_se;
      slopes += r.slopes;
      thresholds += r.thresholds;
      const Scorer scorer(estimated);
      for (size_t i = 0; i < scored.rows; ++i) {
        const auto a = true_scorer.eap(scored.row(i)), b = scorer.eap(scored.row(i));
        for (size_t d = 0; d < a.size(); ++d) {
          score_se += (a[d].theta - b[d].theta) * (a[d].theta - b[d].theta);
          ++scores;
        }
      }
    }
    const double R = options.replications;
    row.replications = options.replications;
    row.min_answers /= R;
    row.median_answers /= R;
    row.items_calibrated /= R;
    row.slope_rmse = slopes ? std::sqrt(slope_se / static_cast<double>(slopes)) : NAN;
    row.threshold_rmse =
        thresholds ? std::sqrt(threshold_se / static_cast<double>(thresholds)) : NAN;
    row.score_rmse = scores ? std::sqrt(score_se / static_cast<double>(scores)) : NAN;
    study.sizes.push_back(row);
  }
  for (auto& bin : study.bins) {
    const double n = static_cast<double>(bin.items);
    bin.slope_rmse = bin.items ? std::sqrt(bin.slope_rmse / n) : NAN;
    bin.threshold_rmse = bin.items ? std::sqrt(bin.threshold_rmse / n) : NAN;
  }
  return study;
}

}  // namespace sb::psy
