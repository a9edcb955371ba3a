// What a client shares, as FHIR R4 Bundles (type collection) for a clinician's record system:
// a Patient named only by the client's SecureBase id, and one Observation per measure. Pure:
// JSON in, JSON out; the pages decide who may have it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "features/assessment/assessment.h"
#include "features/checkin/checkin.h"
#include "features/journal/journal.h"
#include "features/reconsider/reconsider.h"
#include "features/skills/skills.h"

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

// Skill practice: per practice, the skill and distress before and after (0 to 10); the practice's
// own note is not part of the scope and not in the Bundle.
std::string practice_bundle(const std::string& client_public_id,
                            const std::vector<growth::PracticeEntry>& logs,
                            const growth::SkillLibrary& skills, int64_t now);
// Pause and reconsider: one Observation summarising the exercises (counts and the recurring
// interpretations), as the scope's page does.
std::string reconsider_bundle(const std::string& client_public_id,
                              const growth::ReconsiderSummary& summary, int64_t now);
// Mood checks: per check, pleasantness and energy (1 to 5).
std::string moods_bundle(const std::string& client_public_id,
                         const std::vector<growth::MoodCheck>& moods, int64_t now);
// Journal entries the client marked for their therapist: per entry, its text fields as one
// valueString (the same fields the scope's page shows).
struct SharedEntry {
  std::string public_id, occurred_on, text;
};
std::string journal_bundle(const std::string& client_public_id,
                           const std::vector<SharedEntry>& entries, int64_t now);

}  // namespace sb::care
