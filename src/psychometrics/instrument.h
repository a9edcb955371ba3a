// Instrument definitions (JSON; documented in docs/INSTRUMENTS.md). Loading checks every
// field and names the first bad one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "psychometrics/model.h"

namespace sb::psy {

struct InstrumentItem {
  std::string id;
  std::optional<std::string> text;  // absent where the wording belongs to someone else
  std::string dimension;
  bool reverse = false;
  std::string facet;
  std::optional<GrmItem> parameters;  // for the keyed response
  // Bifactor models: the slope on the item's facet's own trait (parameters.a is then the slope
  // on the general trait). 0: the item loads on its dimension alone.
  double specific_slope = 0.0;
  bool provisional = false;
};

struct Norms {
  std::vector<std::pair<double, double>> theta;    // (theta, percentile)
  std::vector<std::pair<double, double>> classic;  // (mean score, percentile)
  double theta_mean = 0.0, theta_sd = 1.0;
  double classic_mean = 0.0, classic_sd = 1.0;
};

struct ReliabilityFigures {
  double alpha = 0.0;       // Cronbach's alpha
  double omega = 0.0;       // McDonald's omega
  double marginal = 0.0;    // IRT marginal reliability of EAP scores
  double classic_sd = 0.0;  // SD of classic mean scores, for the RCI
};

struct Dimension {
  std::string id;
  std::string name;
  std::optional<Norms> norms;
  std::optional<ReliabilityFigures> reliability;
};

struct ClassificationRule {
  std::string anxiety;         // dimension id
  std::string avoidance;       // dimension id
  double cut_anxiety = 0.0;    // on theta
  double cut_avoidance = 0.0;  // on theta
  bool brennan_1998 = false;   // the instrument also supports the published functions
};

struct Instrument {
  std::string id;
  std::string version;
  std::string title;
  std::string language = "en";
  int categories = 5;
  std::vector<std::string> labels;
  std::vector<Dimension> dimensions;
  double correlation = 0.0;
  std::vector<InstrumentItem> items;
  std::optional<ClassificationRule> classification;
  std::string calibration_note;
  // Written by calibration on real answers: item pairs of one dimension whose residuals
  // correlate (Yen's Q3), for the adaptive test's item choice.
  std::vector<ResidualCorrelation> residual_correlations;

  int dimension_index(const std::string& id) const;  // -1 if unknown
  int item_index(const std::string& id) const;       // -1 if unknown
  // The measurement model; an error names the first item without parameters.
  Result<Model> model() const;
  // Keys a raw answer on the 1..K scale (0 = none) for item j: category 0..K-1 or kMissing.
  int8_t key(size_t item, int raw) const;
};

Result<Instrument> parse_instrument(std::string_view json_text);
Result<Instrument> load_instrument(const std::string& path);
std::string instrument_to_json(const Instrument& instrument);

}  // namespace sb::psy
