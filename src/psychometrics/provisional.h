// Provisional parameters for a new item bank, before it has been calibrated on real answers.
//
// The rule (docs/INSTRUMENTS.md), per dimension, from a calibrated reference instrument with
// dimensions of the same ids:
//   1. slope: the median reference slope of forward-keyed items; reverse-keyed items get the
//      median reference slope of reverse-keyed items when the reference has at least three,
//      otherwise 0.85 times the forward median;
//   2. thresholds: K-1 values evenly spaced from the mean first to the mean last reference
//      threshold of the dimension;
//   3. latent correlation: the reference's;
//   4. cut points, norms and reliability figures: computed as calibration would, on 20,000
//      respondents simulated (seeded) from the provisional model.
#pragma once

#include <cstdint>

#include "core/result.h"
#include "psychometrics/instrument.h"

namespace sb::psy {

Status apply_provisional_parameters(Instrument& bank, const Instrument& reference,
                                    uint64_t seed = 2026);

}  // namespace sb::psy
