// Demo data for `securebase admin seed-demo`: ten weeks of a person's use of every tool, so that
// `make run` shows SecureBase as someone who has been using it would see it.
#pragma once

#include <cstdint>
#include <string>

#include "accounts/data_key.h"
#include "core/result.h"
#include "store/database.h"

namespace sb::cli {

// Adds journal entries, practice logs, check-ins, two exercises, a weekly plan and two
// assessments for `user_id`, dated over the ten weeks before `now`.
// `count` invented therapist listings at real US city coordinates (5,000 for `make run`),
// when the directory is empty; returns how many were added.
Result<int64_t> seed_demo_directory(store::Database& db, const std::string& content_dir,
                                    const std::string& places_file, int64_t now,
                                    size_t count = 5000);

Status seed_demo_data(store::Database& db, const std::string& content_dir,
                      const crypto::DataKey& key, int64_t user_id, int64_t now);

// `count` consented, completed answer sets from respondents simulated from the questionnaire's
// current parameters, each answering only what the adaptive test asked them (as the
// assessment runs it), belonging to nobody: answers for trying the recalibration pages and for
// benchmarks, never for a real deployment's store. `facet_slope` > 0: the respondents'
// answers also share a trait per facet (each item loads that much on it; the items' curves stay
// the bank's), as a bank whose facets matter would give.
Result<int64_t> seed_answer_sets(store::Database& db, const std::string& content_dir, size_t count,
                                 uint64_t seed, int64_t now, double facet_slope = 0.0);

}  // namespace sb::cli
