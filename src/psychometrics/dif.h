// Differential item functioning between two groups by likelihood-ratio tests (Thissen,
// Steinberg & Wainer 1988): for each item, a two-group graded-response model in which the item's
// parameters are the same in both groups is compared with one in which they may differ, the
// anchor items held equal and the focal group's latent mean and SD free. The first round uses
// all other items as anchors; purification then re-tests every item with only the items not
// flagged as anchors, until the flagged set stops changing. p-values are adjusted by
// Benjamini-Hochberg; the effect size is the difference in expected item score at equal trait,
// averaged over the focal group.
#pragma once

#include <cstddef>
#include <vector>

#include "core/result.h"
#include "psychometrics/model.h"

namespace sb::psy {

struct DifOptions {
  int quadrature_points = 41;
  double quadrature_range = 6.0;
  int max_em_steps = 500;
  double loglik_tolerance = 1e-4;
  bool purify = true;
  int max_rounds = 5;
  double alpha = 0.05;  // on the adjusted p-values
  unsigned threads = 1;
};

struct ItemDif {
  double lr = 0;  // 2 x log-likelihood gain from freeing the item
  int df = 0;
  double p = 1, p_adjusted = 1;
  // Focal minus reference expected item score (0 .. K-1 points) at equal trait, averaged over
  // the focal group's trait distribution: signed, and unsigned (no cancelling across the range).
  double signed_difference = 0, unsigned_difference = 0;
  bool flagged = false;
};

struct DifResult {
  std::vector<ItemDif> items;  // in column order
  size_t reference = 0, focal = 0;
  double focal_mean = 0, focal_sd = 1;  // latent, on the reference group's scale
  int rounds = 0;                       // 1 without purification
};

// `data` holds one dimension's items; `group` gives each row 0 (reference), 1 (focal) or -1
// (left out).
Result<DifResult> dif_analysis(const ResponseMatrix& data, const std::vector<int>& group,
                               int categories, const DifOptions& options = {});

}  // namespace sb::psy
