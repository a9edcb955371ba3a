// Computerised adaptive testing. The state is the list of (item, answer) pairs, so a session
// can resume anywhere and a replay gives the same choices.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "psychometrics/scoring.h"

namespace sb::psy {

// How the next item is chosen (compared on real data in docs/VALIDATION.md).
enum class Selection {
  kPosteriorWeightedInformation,  // Fisher information averaged over the posterior
  kKullbackLeibler,               // posterior-weighted Kullback-Leibler information
  kExpectedPosteriorVariance,     // the item expected to leave the smallest posterior variance
};

struct CatOptions {
  // The default measured best on the ECR validation rows (docs/VALIDATION.md).
  Selection selection = Selection::kExpectedPosteriorVariance;
  double se_target = 0.3;  // stop when every dimension's posterior SD is at or below this
  int max_items = 20;      // total
  int min_items = 6;       // total, never stop before
  int randomesque = 1;     // choose at random among the best n items (exposure control)
  uint64_t seed = 0;
  // Classification-aware continuation: when set (two dimensions), a dimension whose side of
  // its cut point is less certain than this keeps being asked about, up to max_items.
  double classification_confidence = 0.0;
  double cut[2] = {0.0, 0.0};  // cut points on dimensions 0 and 1
  // Predicted standard error reduction (Choi, Grady & Dodd 2011): a dimension above its SE
  // target stops asking once no remaining item is expected to lower its posterior SD by at
  // least this much. 0 turns the rule off. The default 0.02 is the one that met the goals on the
  // ECR validation rows (docs/VALIDATION.md, "Comparing adaptive-test rules").
  double min_se_reduction = 0.02;
  // Local dependence: a candidate's value, and its predicted SD reduction for the stop above,
  // are multiplied by (1 - q3)^penalty for each item already asked whose residual correlation
  // q3 with it the model records (calibration on real answers stores them; Yen's Q3).
  // Redundant items then wait, and a short test covers more of the scale. 0 turns it off; the
  // default 8 was chosen on the ECR calibration rows (docs/VALIDATION.md, "Comparing
  // adaptive-test rules").
  double dependence_penalty = 8.0;
};

using Answer = std::pair<size_t, int8_t>;  // item index, keyed category

struct CatDecision {
  bool done = false;
  std::optional<size_t> next_item;
  std::vector<Estimate> estimates;  // EAP per dimension after the answers so far
};

class CatEngine {
 public:
  CatEngine(const Scorer& scorer, const CatOptions& options);

  // From the full list of answers. `unavailable` marks items that must not be chosen.
  CatDecision decide(const std::vector<Answer>& answers,
                     const std::vector<bool>* unavailable = nullptr) const;
  // Incremental form for simulation: the posterior already holds the answers to `asked`,
  // `used` marks items already given (or unavailable).
  CatDecision decide(const Posterior& posterior, const std::vector<bool>& used,
                     std::span<const size_t> asked) const;

 private:
  const Scorer& scorer_;
  struct Candidate {
    double value = 0;         // larger is better
    double se_reduction = 0;  // expected drop in the posterior SD of the item's dimension
  };
  // `table`: the item's answer probabilities over the nodes (Scorer::predictive_table).
  Candidate evaluate(size_t item, const std::vector<double>& table,
                     const std::vector<double>& marginal, const Estimate& estimate,
                     bool need_reduction) const;
  // The factor for asking `item` after `asked` (1 when nothing depends on it).
  double dependence_factor(size_t item, std::span<const size_t> asked) const;

  CatOptions options_;
  // log(1 - q3) for each item pair with a positive residual correlation, item x item; empty
  // when the model records none or the penalty is off.
  std::vector<double> log_independence_;
};

}  // namespace sb::psy
