// Does the model fit the answers? Item fit by S-X2 (Orlando & Thissen 2000, with Kang & Chen's
// 2008 extension to graded items), limited-information model fit by M2* (Maydeu-Olivares & Joe
// 2006; the mean and cross-product form of Cai & Hansen 2013 for graded items) with RMSEA, SRMSR,
// CFI and TLI, and local dependence per item pair (Chen & Thissen's 1997 LD X2 and Yen's 1984
// Q3). The statistics need every item answered, so they use the complete cases.
#pragma once

#include <cstddef>
#include <vector>

#include "core/result.h"
#include "psychometrics/model.h"

namespace sb::psy {

struct ItemFit {
  double sx2 = 0;
  int df = 0;
  double p = 1;
  double rmsea = 0;
};

struct ModelFit {
  size_t persons = 0;
  size_t moments = 0;  // univariate margins and cross-products used
  double m2 = 0;
  int df = 0;
  double p = 1;
  double rmsea = 0;
  double srmsr = 0;  // root mean square of residual correlations
  double cfi = 1, tli = 1;
  double baseline_m2 = 0;  // the independence model, for CFI and TLI
  int baseline_df = 0;
};

struct PairDependence {
  size_t first = 0, second = 0;  // columns
  double ld_x2 = 0;
  int df = 0;
  double p = 1;
  double standardized = 0;  // (LD X2 - df) / sqrt(2 df), signed by the residual correlation
  double q3 = 0;            // correlation of the residuals from EAP scores
};

struct FitOptions {
  int quadrature_points = 61;  // per dimension; two-dimensional grids use up to 31
  double min_expected = 1.0;   // S-X2: cells with fewer expected answers are merged
  bool estimated = true;       // parameters came from these data (S-X2 and M2 lose their df)
};

// The model restricted to the given columns (their dimensions and the correlation kept).
Model submodel(const Model& model, const std::vector<size_t>& columns);
// The rows that answered every one of the given columns, with only those columns.
ResponseMatrix complete_cases(const ResponseMatrix& data, const std::vector<size_t>& columns);

// Every function below takes a model whose items match the data's columns one to one, and
// complete data. S-X2 sums scores over all the items, so give it one dimension's items.
Result<std::vector<ItemFit>> sx2_item_fit(const Model& model, const ResponseMatrix& complete,
                                          const FitOptions& options = {});
Result<ModelFit> m2_fit(const Model& model, const ResponseMatrix& complete,
                        const FitOptions& options = {});
Result<std::vector<PairDependence>> local_dependence(const Model& model,
                                                     const ResponseMatrix& complete,
                                                     const FitOptions& options = {});

// Yen's Q3 for every pair of items on the same dimension, over the people who answered both
// (answers may be missing; pairs with fewer than `min_people` such people are left out). Only
// correlations of at least `min_q3` are returned, in the model's item order.
std::vector<ResidualCorrelation> residual_correlations(const Model& model,
                                                       const ResponseMatrix& data,
                                                       size_t min_people = 100,
                                                       double min_q3 = 0.005);

// Benjamini-Hochberg adjusted p-values (the false discovery rate), in the input order.
std::vector<double> benjamini_hochberg(const std::vector<double>& p);

}  // namespace sb::psy
