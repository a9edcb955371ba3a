#include "psychometrics/change.h"

#include <cmath>

namespace sb::psy {
namespace {
ReliableChange make(double difference, double se, double critical) {
  ReliableChange r;
  r.difference = difference;
  r.se_difference = se;
  r.rci = se > 0 ? difference / se : 0.0;
  r.reliable = std::abs(r.rci) > critical;
  return r;
}
}  // namespace

ReliableChange reliable_change_classic(double before, double after, double sd, double reliability,
                                       double critical) {
  const double sem = sd * std::sqrt(1.0 - reliability);
  return make(after - before, std::sqrt(2.0) * sem, critical);
}

ReliableChange reliable_change_theta(const Estimate& before, const Estimate& after,
                                     double critical) {
  return make(after.theta - before.theta, std::sqrt(before.se * before.se + after.se * after.se),
              critical);
}

}  // namespace sb::psy
