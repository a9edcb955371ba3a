// Rows of background recalibrations and of the instrument versions they publish. A calibration
// is queued by an administrator, claimed by one server's worker, reports its stage as it runs
// and ends done (with its report and proposed instrument) or failed; publishing turns a done one
// into a version that new assessments use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace sb::store {

struct CalibrationRecord {
  int64_t id = 0;
  std::string instrument_id, base_version;
  std::string status;  // queued, running, done, failed, published
  std::string stage;
  int progress = 0;  // percent
  int64_t requested_at = 0;
  std::optional<int64_t> started_at, finished_at, heartbeat_at;
  int64_t response_sets = 0;
  std::string report_json, instrument_json, error, published_version;
};

struct VersionRecord {
  std::string instrument_id, version, instrument_json;
  std::optional<int64_t> calibration_id;  // none: imported from a file
  int64_t published_at = 0;
};

class RecalibrationsRepo {
 public:
  explicit RecalibrationsRepo(Database& db) : db_(db) {}

  // Queues a calibration unless one is queued or running; a running one whose heartbeat is
  // older than `stale_before` is marked failed first (its server stopped). kConflict otherwise.
  Result<int64_t> queue(const std::string& instrument_id, const std::string& base_version,
                        int64_t now, int64_t stale_before);
  Result<std::optional<CalibrationRecord>> find(int64_t id);
  // The newest calibrations of the instrument, newest first.
  Result<std::vector<CalibrationRecord>> recent(const std::string& instrument_id, int limit);
  // Marks the oldest queued calibration running and returns it; nullopt when none is queued or
  // another worker claimed it first.
  Result<std::optional<CalibrationRecord>> claim_next(int64_t now);
  Status report_progress(int64_t id, const std::string& stage, int percent, int64_t now);
  Status finish(int64_t id, int64_t response_sets, const std::string& report_json,
                const std::string& instrument_json, int64_t now);
  Status fail(int64_t id, const std::string& why, int64_t now);
  // In one transaction: the done calibration becomes published and its instrument becomes
  // `version`. kConflict when it is not done, or another version was published since it began.
  Status publish(int64_t id, const std::string& version, const std::string& instrument_json,
                 int64_t now);
  // Publishes an instrument calibrated elsewhere (admin import-instrument); kConflict when the
  // version exists.
  Status publish_imported(const std::string& instrument_id, const std::string& version,
                          const std::string& instrument_json, int64_t now);
  // The newest published version's name (its JSON is read only by version()).
  Result<std::optional<std::string>> latest_version_name(const std::string& instrument_id);
  Result<std::optional<VersionRecord>> version(const std::string& instrument_id,
                                               const std::string& version);
  // Published versions, newest first, without their JSON.
  Result<std::vector<VersionRecord>> versions(const std::string& instrument_id);

 private:
  Database& db_;
};

}  // namespace sb::store
