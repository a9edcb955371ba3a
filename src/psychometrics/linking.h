// Putting a new calibration on the scale of the current one. A calibration fixes its sample's
// trait distribution at mean 0 and SD 1, so the same items calibrated on a different sample
// come out on a shifted and stretched scale: theta_current = A * theta_new + B. Stocking & Lord
// (1983) choose A and B so that the anchor items' test characteristic curves agree, weighted by
// the current scale's normal distribution.
#pragma once

#include <vector>

#include <string>

#include "core/result.h"
#include "psychometrics/grm.h"
#include "psychometrics/instrument.h"

namespace sb::psy {

struct LinkingConstants {
  double A = 1.0;  // slope: theta_current = A * theta_new + B
  double B = 0.0;
};

struct LinkingResult {
  LinkingConstants constants;
  double criterion = 0;  // weighted squared TCC difference left at the optimum
  int iterations = 0;
};

// An item calibrated on the new scale, expressed on the current one (a / A; c - a B / A).
GrmItem to_current_scale(const GrmItem& item, LinkingConstants k);

// Stocking-Lord constants from the anchor items' parameters on each scale (same order).
Result<LinkingResult> stocking_lord(const std::vector<GrmItem>& current,
                                    const std::vector<GrmItem>& fresh);

struct DimensionLink {
  std::string dimension;
  size_t anchors = 0;  // items calibrated in both versions
  LinkingResult link;
};

// Puts a freshly calibrated version of an instrument on the scale of the current one, dimension
// by dimension, with the items both versions share (by id) as anchors: its item parameters, its
// theta norms and its classification cut points move with the scale, so scores from either
// version can be compared and reliable change computed across them. The current version must be
// calibrated: provisional parameters are a guess, not a scale, and the first calibration
// defines the scale instead.
Result<std::vector<DimensionLink>> link_instrument(Instrument& fresh, const Instrument& current);

}  // namespace sb::psy
