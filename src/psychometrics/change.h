// Reliable Change Index (Jacobson & Truax 1991), with the standard error of the difference
// as corrected by Christensen & Mendoza (1986).
#pragma once

#include "psychometrics/scoring.h"

namespace sb::psy {

struct ReliableChange {
  double difference = 0.0;
  double se_difference = 0.0;
  double rci = 0.0;
  bool reliable = false;  // |RCI| above the critical value
};

// Classic scores: SE_diff = sqrt(2) * SD * sqrt(1 - reliability).
ReliableChange reliable_change_classic(double before, double after, double sd, double reliability,
                                       double critical = 1.96);
// Theta estimates: SE_diff = sqrt(se_before^2 + se_after^2) from the two posterior SDs.
ReliableChange reliable_change_theta(const Estimate& before, const Estimate& after,
                                     double critical = 1.96);

}  // namespace sb::psy
