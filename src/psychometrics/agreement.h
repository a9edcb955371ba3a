// Agreement between raters, for coding studies: Cohen's kappa on categories (Cohen 1960),
// weighted kappa on ordered categories (Cohen 1968), both with the large-sample standard error
// of Fleiss, Cohen & Everitt (1969) and a normal confidence interval; and the intraclass
// correlation ICC(2,1) of Shrout & Fleiss (1979) (two-way random effects, absolute agreement,
// one rater), with the confidence interval of McGraw & Wong (1996). Pure: tables in, numbers
// out; errors name what is wrong with the input.
#pragma once

#include <vector>

#include "core/result.h"

namespace sb::psy {

using Matrix = std::vector<std::vector<double>>;

struct Agreement {
  double value = 0;  // kappa or ICC
  double se = 0;     // kappa's large-sample standard error (0 for the ICC)
  double lower = 0, upper = 0;
  double observed = 0, expected = 0;  // kappa's (weighted) observed and chance agreement
  int n = 0;                          // subjects
};

// table[i][j]: how many subjects the first rater put in category i and the second in j.
Result<Agreement> cohen_kappa(const Matrix& table, double confidence = 0.95);
// weights[i][j]: the credit for rating i against j, 1 on the diagonal, in [0, 1].
Result<Agreement> weighted_kappa(const Matrix& table, const Matrix& weights,
                                 double confidence = 0.95);
// 1 - |i - j| / (k - 1) and 1 - (i - j)^2 / (k - 1)^2.
Matrix linear_weights(int k);
Matrix quadratic_weights(int k);
// The k x k table of two raters' category indices (0..k-1), one pair per subject.
Result<Matrix> agreement_table(const std::vector<std::pair<int, int>>& pairs, int k);

// ratings[subject][rater]; every subject rated by every rater (at least 2 subjects, 2 raters).
Result<Agreement> icc_2_1(const Matrix& ratings, double confidence = 0.95);

}  // namespace sb::psy
