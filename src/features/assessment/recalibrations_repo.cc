#include "features/assessment/recalibrations_repo.h"

#include <soci/soci.h>

#include "store/errors.h"
#include "store/query.h"

namespace sb::store {
namespace {

using ll = long long;

constexpr const char* kColumns =
    "SELECT id, instrument_id, base_version, status, stage, progress, requested_at, started_at, "
    "finished_at, heartbeat_at, response_sets, report_json, instrument_json, error, "
    "published_version FROM calibrations ";

std::optional<int64_t> optional_int(const soci::row& r, size_t i) {
  if (r.get_indicator(i) != soci::i_ok) return std::nullopt;
  return get_int64(r, i);
}

std::string optional_text(const soci::row& r, size_t i) {
  return r.get_indicator(i) == soci::i_ok ? r.get<std::string>(i) : std::string();
}

CalibrationRecord read(const soci::row& r) {
  CalibrationRecord c;
  c.id = get_int64(r, 0);
  c.instrument_id = r.get<std::string>(1);
  c.base_version = r.get<std::string>(2);
  c.status = r.get<std::string>(3);
  c.stage = r.get<std::string>(4);
  c.progress = static_cast<int>(get_int64(r, 5));
  c.requested_at = get_int64(r, 6);
  c.started_at = optional_int(r, 7);
  c.finished_at = optional_int(r, 8);
  c.heartbeat_at = optional_int(r, 9);
  c.response_sets = optional_int(r, 10).value_or(0);
  c.report_json = optional_text(r, 11);
  c.instrument_json = optional_text(r, 12);
  c.error = optional_text(r, 13);
  c.published_version = optional_text(r, 14);
  return c;
}

VersionRecord read_version(const soci::row& r, bool with_json) {
  VersionRecord v;
  v.instrument_id = r.get<std::string>(0);
  v.version = r.get<std::string>(1);
  v.calibration_id = optional_int(r, 2);
  v.published_at = get_int64(r, 3);
  if (with_json) v.instrument_json = r.get<std::string>(4);
  return v;
}

Error conflict(const std::string& why) { return Error{ErrorCode::kConflict, why, ""}; }

}  // namespace

Result<int64_t> RecalibrationsRepo::queue(const std::string& instrument_id,
                                          const std::string& base_version, int64_t now,
                                          int64_t stale_before) {
  ll id = 0;
  const ll t = now, stale = stale_before;
  auto st = db_.transaction([&](soci::session& s) {
    s << "UPDATE calibrations SET status = 'failed', finished_at = :t, "
         "error = 'The server running it stopped before it finished.' "
         "WHERE instrument_id = :i AND status = 'running' AND heartbeat_at < :s",
        soci::use(t), soci::use(instrument_id), soci::use(stale);
    ll active = 0;
    s << "SELECT COUNT(*) FROM calibrations WHERE instrument_id = :i AND status IN ('queued', "
         "'running')",
        soci::use(instrument_id), soci::into(active);
    if (active > 0) throw StoreError{conflict("A calibration is already queued or running.")};
    // The partial unique index refuses a second active one should two requests race.
    s << "INSERT INTO calibrations(instrument_id, base_version, status, stage, progress, "
         "requested_at) VALUES(:i, :v, 'queued', 'waiting for a worker', 0, :t) RETURNING id",
        soci::use(instrument_id), soci::use(base_version), soci::use(t), soci::into(id);
  });
  if (!st) return st.error();
  return static_cast<int64_t>(id);
}

Result<std::optional<CalibrationRecord>> RecalibrationsRepo::find(int64_t id) {
  const ll key = id;
  return select_one<CalibrationRecord>(db_, std::string(kColumns) + "WHERE id = :i", read, key);
}

Result<std::vector<CalibrationRecord>> RecalibrationsRepo::recent(const std::string& instrument_id,
                                                                  int limit) {
  const ll n = limit;
  return select_all<CalibrationRecord>(
      db_, std::string(kColumns) + "WHERE instrument_id = :i ORDER BY id DESC LIMIT :n", read,
      instrument_id, n);
}

Result<std::optional<CalibrationRecord>> RecalibrationsRepo::claim_next(int64_t now) {
  std::optional<int64_t> claimed;
  const ll t = now;
  auto st = db_.transaction([&](soci::session& s) {
    ll id = 0;
    soci::indicator found = soci::i_null;
    s << "SELECT id FROM calibrations WHERE status = 'queued' ORDER BY id LIMIT 1",
        soci::into(id, found);
    if (found != soci::i_ok || !s.got_data()) return;
    // Two servers may see the same queued row; only one update finds it still queued.
    soci::statement mark =
        (s.prepare << "UPDATE calibrations SET status = 'running', stage = 'starting', "
                      "started_at = :t, heartbeat_at = :t2 WHERE id = :i AND status = 'queued'",
         soci::use(t), soci::use(t), soci::use(id));
    mark.execute(true);
    if (mark.get_affected_rows() == 1) claimed = id;
  });
  if (!st) return st.error();
  if (!claimed) return std::optional<CalibrationRecord>();
  return find(*claimed);
}

Status RecalibrationsRepo::report_progress(int64_t id, const std::string& stage, int percent,
                                           int64_t now) {
  const ll key = id, t = now;
  const int p = percent;
  return db_.run([&](soci::session& s) {
    s << "UPDATE calibrations SET stage = :s, progress = :p, heartbeat_at = :t WHERE id = :i AND "
         "status = 'running'",
        soci::use(stage), soci::use(p), soci::use(t), soci::use(key);
  });
}

Status RecalibrationsRepo::finish(int64_t id, int64_t response_sets, const std::string& report_json,
                                  const std::string& instrument_json, int64_t now) {
  const ll key = id, t = now, n = response_sets;
  return db_.run([&](soci::session& s) {
    s << "UPDATE calibrations SET status = 'done', stage = 'done', progress = 100, "
         "finished_at = :t, heartbeat_at = :t2, response_sets = :n, report_json = :r, "
         "instrument_json = :j WHERE id = :i AND status = 'running'",
        soci::use(t), soci::use(t), soci::use(n), soci::use(report_json),
        soci::use(instrument_json), soci::use(key);
  });
}

Status RecalibrationsRepo::fail(int64_t id, const std::string& why, int64_t now) {
  const ll key = id, t = now;
  return db_.run([&](soci::session& s) {
    s << "UPDATE calibrations SET status = 'failed', finished_at = :t, error = :e WHERE id = :i "
         "AND status IN ('queued', 'running')",
        soci::use(t), soci::use(why), soci::use(key);
  });
}

Status RecalibrationsRepo::publish(int64_t id, const std::string& version,
                                   const std::string& instrument_json, int64_t now) {
  const ll key = id, t = now;
  return db_.transaction([&](soci::session& s) {
    std::string status, instrument_id, base;
    soci::indicator found = soci::i_null;
    s << "SELECT status, instrument_id, base_version FROM calibrations WHERE id = :i",
        soci::use(key), soci::into(status, found), soci::into(instrument_id), soci::into(base);
    if (found != soci::i_ok || !s.got_data())
      throw StoreError{Error{ErrorCode::kNotFound, "There is no such calibration.", ""}};
    if (status != "done")
      throw StoreError{conflict("Only a finished calibration can be published.")};
    std::string latest;
    soci::indicator has_latest = soci::i_null;
    s << "SELECT version FROM instrument_versions WHERE instrument_id = :i ORDER BY id DESC "
         "LIMIT 1",
        soci::use(instrument_id), soci::into(latest, has_latest);
    if (has_latest == soci::i_ok && s.got_data() && latest != base) {
      throw StoreError{conflict("Version " + latest +
                                " was published after this calibration began; start a new one.")};
    }
    soci::statement mark = (s.prepare << "UPDATE calibrations SET status = 'published', "
                                         "published_version = :v WHERE id = :i AND status = 'done'",
                            soci::use(version), soci::use(key));
    mark.execute(true);
    if (mark.get_affected_rows() != 1) throw StoreError{conflict("It was published already.")};
    s << "INSERT INTO instrument_versions(instrument_id, version, calibration_id, published_at, "
         "instrument_json) VALUES(:i, :v, :c, :t, :j)",
        soci::use(instrument_id), soci::use(version), soci::use(key), soci::use(t),
        soci::use(instrument_json);
  });
}

Status RecalibrationsRepo::publish_imported(const std::string& instrument_id,
                                            const std::string& version,
                                            const std::string& instrument_json, int64_t now) {
  const ll t = now;
  return db_.transaction([&](soci::session& s) {
    ll existing = 0;
    s << "SELECT COUNT(*) FROM instrument_versions WHERE instrument_id = :i AND version = :v",
        soci::use(instrument_id), soci::use(version), soci::into(existing);
    if (existing > 0)
      throw StoreError{
          conflict("Version " + version + " is published already; give it a new one.")};
    s << "INSERT INTO instrument_versions(instrument_id, version, published_at, instrument_json) "
         "VALUES(:i, :v, :t, :j)",
        soci::use(instrument_id), soci::use(version), soci::use(t), soci::use(instrument_json);
  });
}

Result<std::optional<std::string>> RecalibrationsRepo::latest_version_name(
    const std::string& instrument_id) {
  return select_one<std::string>(
      db_,
      "SELECT version FROM instrument_versions WHERE instrument_id = :i ORDER BY id DESC LIMIT 1",
      [](const soci::row& r) { return r.get<std::string>(0); }, instrument_id);
}

Result<std::optional<VersionRecord>> RecalibrationsRepo::version(const std::string& instrument_id,
                                                                 const std::string& version) {
  return select_one<VersionRecord>(
      db_,
      "SELECT instrument_id, version, calibration_id, published_at, instrument_json FROM "
      "instrument_versions WHERE instrument_id = :i AND version = :v",
      [](const soci::row& r) { return read_version(r, true); }, instrument_id, version);
}

Result<std::vector<VersionRecord>> RecalibrationsRepo::versions(const std::string& instrument_id) {
  return select_all<VersionRecord>(
      db_,
      "SELECT instrument_id, version, calibration_id, published_at FROM instrument_versions "
      "WHERE instrument_id = :i ORDER BY id DESC",
      [](const soci::row& r) { return read_version(r, false); }, instrument_id);
}

}  // namespace sb::store
