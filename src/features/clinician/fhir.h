// What a client shares, as FHIR R4 Bundles (type collection) for a clinician's record system:
// a Patient named only by the client's SecureBase id, and one Observation per measure. Pure:
// JSON in, JSON out; the pages decide who may have it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "features/assessment/assessment.h"
#include "features/checkin/checkin.h"

namespace sb::care {

inline constexpr const char* kMeasureCodeSystem =
    "https://securebase.example/fhir/CodeSystem/measures";

// Assessment results: per result, an Observation for each dimension (theta, with its posterior
// standard deviation as a component) and one for the most likely pattern.
std::string results_bundle(const std::string& client_public_id,
                           const std::vector<assessment::HistoryEntry>& history, int64_t now);
// Weekly check-ins: per week, one Observation with a component per area (1 to 5).
std::string checkins_bundle(const std::string& client_public_id, const growth::CheckinForm& form,
                            const std::vector<growth::CheckinScores>& history, int64_t now);

}  // namespace sb::care
