// Recalibrating the questionnaire from the answers people consented to share, as administrators
// do it from the admin pages: per item, the answers collected against the rule; a calibration
// queued by an administrator and run in the background by one server's worker, its stage and
// progress kept in the store so every server shows them; its report beside the current
// version; publishing it as a new version that new assessments use. Results keep the version
// they were scored with, and the new parameters are linked to the current scale, so scores and
// reliable change compare across versions.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "features/assessment/assessment.h"
#include "features/assessment/recalibrations_repo.h"
#include "psychometrics/recalibration.h"
#include "store/database.h"

namespace sb::assessment {

struct ItemAnswers {
  std::string id, dimension, text;
  psy::ItemReadiness readiness;
};

struct RecalibrationStatus {
  std::string instrument_id, current_version;
  bool current_provisional = false;
  psy::RecalibrationRule rule;
  int64_t response_sets = 0;  // consented, completed
  std::vector<ItemAnswers> items;
  size_t ready_items = 0;
  Status can_start = ok_status();                // why a calibration cannot start yet
  std::vector<store::CalibrationRecord> recent;  // newest first
  std::vector<store::VersionRecord> versions;    // published, newest first
};

class Recalibrations {
 public:
  Recalibrations(store::Database& db, const Clock& clock, Assessments& assessments,
                 unsigned threads);

  Result<RecalibrationStatus> status();
  // Queues a calibration of the current version when the rule allows it; kConflict otherwise,
  // or while one is queued or running.
  Result<int64_t> start();
  Result<store::CalibrationRecord> find(int64_t id);
  // Claims the oldest queued calibration and runs it to the end on this thread. False when
  // there was none to claim. `stopping` is checked between EM cycles: a server shutting down
  // marks the calibration failed rather than keeping the shutdown waiting.
  Result<bool> run_next(const std::atomic<bool>& stopping);
  // Publishes a finished calibration as the next version; returns the version's name.
  Result<std::string> publish(int64_t id);
  // Publishes an instrument calibrated elsewhere as a version (admin import-instrument): the
  // same questionnaire (id), a version not used before, runnable as the assessment.
  Status import_version(const psy::Instrument& instrument);

  // A running calibration whose heartbeat is older than this is taken for stopped.
  static constexpr int64_t kStaleAfterSeconds = 300;
  // How often a running calibration renews its heartbeat while its percent stays the same.
  static constexpr int64_t kHeartbeatSeconds = 30;

 private:
  Status run(const store::CalibrationRecord& calibration, const std::atomic<bool>& stopping);

  store::Database& db_;
  const Clock& clock_;
  Assessments& assessments_;
  unsigned threads_;
};

// The next version's name: 0.1.0 -> 0.2.0; anything else gets "-r" and the calibration's id.
std::string next_version(const std::string& current, int64_t calibration_id);

// The report as stored with the calibration, and the view of it the admin page reads.
std::string report_to_json(const psy::RecalibrationReport& report);

}  // namespace sb::assessment
