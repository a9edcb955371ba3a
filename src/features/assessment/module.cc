// The attachment assessment: adaptive questions, results, history and exports.
#include "features/assessment/module.h"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/json.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "features/assessment/assessment.h"
#include "features/assessment/assessments_repo.h"
#include "features/assessment/pages.h"
#include "features/assessment/recalibration.h"
#include "psychometrics/instrument.h"

namespace sb::features {
namespace {

namespace json = boost::json;
using web::Need;

class AssessmentModule final : public web::Module {
 public:
  AssessmentModule(web::Services& s, psy::Instrument instrument)
      : instrument_(std::move(instrument)),
        assessments_(s.db, s.clock, instrument_),
        // One thread: a calibration shares the machine with the people taking the assessment.
        recalibrations_(s.db, s.clock, assessments_, 1),
        pages_(s.kit, assessments_, recalibrations_) {
    s.provide(assessments_);
    if (s.background_poll_seconds > 0) start_worker(s.background_poll_seconds);
  }

  ~AssessmentModule() override {
    stopping_ = true;  // a running calibration gives up at its next EM cycle
    if (worker_.joinable()) {
      worker_.request_stop();
      worker_.join();
    }
  }

  void add_routes(web::Routes& r) override {
    using P = web::AssessmentPages;
    // Anyone can take the assessment; their work belongs to their session until they sign in.
    const Need take = Need::visitor("assessment:write"), see = Need::visitor("assessment:read");
    r.page("GET", "/assessment", take, pages_.handler(&P::assessment_start_page));
    r.page("POST", "/assessment/start", take, pages_.handler(&P::do_assessment_start));
    r.page("GET", "/assessment/{id}", take, pages_.handler(&P::assessment_question));
    r.page("POST", "/assessment/{id}/answer", take, pages_.handler(&P::do_assessment_answer));
    r.page("POST", "/assessment/{id}/back", take, pages_.handler(&P::do_assessment_back));
    r.page("GET", "/assessment/{id}/result", see, pages_.handler(&P::assessment_result));
    const Need history = Need::member("assessment:read");
    r.page("GET", "/assessments", history, pages_.handler(&P::assessment_history));
    r.page("GET", "/assessments/export.json", history, pages_.handler(&P::assessment_export_json));
    r.page("GET", "/assessments/export.csv", history, pages_.handler(&P::assessment_export_csv));
    r.page("GET", "/assessments/export.fhir.json", history,
           pages_.handler(&P::assessment_export_fhir));
    const Need recalibrate = Need::admin("assessment:recalibration");
    r.page("GET", "/admin/questionnaire", recalibrate, pages_.handler(&P::admin_questionnaire));
    r.page("POST", "/admin/questionnaire/calibrations", recalibrate, [this](web::PageContext& ctx) {
      auto response = pages_.do_start_calibration(ctx);
      wake_worker();  // this server starts it now rather than at its next look
      return response;
    });
    r.page("GET", "/admin/questionnaire/calibrations/{calibration}", recalibrate,
           pages_.handler(&P::admin_calibration));
    r.page("POST", "/admin/questionnaire/calibrations/{calibration}/publish", recalibrate,
           pages_.handler(&P::do_publish_calibration));
  }

  std::vector<web::PersonalTable> personal_tables() const override {
    // Answers are reached through their assessment, which names the person.
    return {{"assessments", "user_id"}, {"assessment_answers", "assessment_id", "assessments"}};
  }
  Result<json::object> export_sections(const Owner& owner) override {
    auto taken = assessments_.export_json(owner);
    if (!taken) return taken.error();
    auto fhir = assessments_.export_fhir(owner);
    if (!fhir) return fhir.error();
    return json::object{{"assessments", json::parse(*taken)}, {"fhir", json::parse(*fhir)}};
  }
  void erase(soci::session& s, int64_t user_id) override {
    store::AssessmentsRepo::erase_user(s, user_id);
  }
  Status adopt(int64_t session_id, int64_t user_id) override {
    return assessments_.adopt(session_id, user_id);
  }
  std::vector<std::string> admin_summary() override {
    auto consented = assessments_.consented_count();
    auto bank = assessments_.current_bank();
    const std::string version = bank ? (*bank)->instrument.version : instrument_.version;
    return {"Questionnaire in use: " + instrument_.id + " " + version,
            "Completed assessments with consent to improve it: " +
                (consented ? std::to_string(*consented) : std::string("(not available)"))};
  }

 private:
  // Runs queued calibrations: at once when this server queued one, and every `poll` seconds
  // for one queued through another server.
  void start_worker(int poll) {
    worker_ = std::jthread([this, poll](const std::stop_token& stop) {
      while (!stop.stop_requested()) {
        for (;;) {
          auto ran = recalibrations_.run_next(stopping_);
          if (!ran) spdlog::warn("looking for queued calibrations failed: {}", ran.error().message);
          if (!ran || !*ran || stop.stop_requested()) break;
        }
        std::unique_lock lock(wake_mu_);
        wake_.wait_for(lock, stop, std::chrono::seconds(poll), [this] { return wake_pending_; });
        wake_pending_ = false;
      }
    });
  }

  void wake_worker() {
    {
      std::lock_guard lock(wake_mu_);
      wake_pending_ = true;
    }
    wake_.notify_all();
  }

  psy::Instrument instrument_;
  assessment::Assessments assessments_;
  assessment::Recalibrations recalibrations_;
  web::AssessmentPages pages_;
  std::atomic<bool> stopping_{false};
  std::mutex wake_mu_;
  std::condition_variable_any wake_;
  bool wake_pending_ = false;
  std::jthread worker_;  // last: stopped and joined before the rest goes
};

}  // namespace

web::Feature assessment() {
  return {"assessment",
          {{2,
            "assessments",
            {
                "CREATE TABLE assessments ("
                " id {{PK}},"
                " public_id TEXT NOT NULL UNIQUE,"
                " user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,"
                " session_id BIGINT,"
                " instrument_id TEXT NOT NULL,"
                " instrument_version TEXT NOT NULL,"
                " consent INTEGER NOT NULL CHECK (consent IN (0, 1)),"
                " status TEXT NOT NULL CHECK (status IN ('in_progress', 'completed')),"
                " started_at BIGINT NOT NULL,"
                " completed_at BIGINT,"
                " result_json TEXT)",
                "CREATE INDEX assessments_user ON assessments(user_id, started_at)",
                "CREATE INDEX assessments_session ON assessments(session_id)",
                "CREATE TABLE assessment_answers ("
                " assessment_id BIGINT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,"
                " position INTEGER NOT NULL,"
                " item_id TEXT NOT NULL,"
                " answer INTEGER NOT NULL,"
                " answered_at BIGINT NOT NULL,"
                " PRIMARY KEY (assessment_id, position))",
            }},
           {20,
            "recalibrations",
            {
                // No person's data: a calibration holds parameters and counts; who started or
                // published it is in the access audit.
                "CREATE TABLE calibrations ("
                " id {{PK}},"
                " instrument_id TEXT NOT NULL,"
                " base_version TEXT NOT NULL,"
                " status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed',"
                " 'published')),"
                " stage TEXT NOT NULL,"
                " progress INTEGER NOT NULL,"
                " requested_at BIGINT NOT NULL,"
                " started_at BIGINT,"
                " finished_at BIGINT,"
                " heartbeat_at BIGINT,"
                " response_sets BIGINT,"
                " report_json TEXT,"
                " instrument_json TEXT,"
                " error TEXT,"
                " published_version TEXT)",
                // At most one queued or running calibration per instrument, even when two
                // administrators on two servers start one at the same moment.
                "CREATE UNIQUE INDEX calibrations_one_active ON calibrations(instrument_id)"
                " WHERE status IN ('queued', 'running')",
                "CREATE TABLE instrument_versions ("
                " id {{PK}},"
                " instrument_id TEXT NOT NULL,"
                " version TEXT NOT NULL,"
                // NULL: imported from a file (securebase admin import-instrument).
                " calibration_id BIGINT REFERENCES calibrations(id),"
                " published_at BIGINT NOT NULL,"
                " instrument_json TEXT NOT NULL,"
                " UNIQUE (instrument_id, version))",
            }}},
          [](web::Services& s) -> Result<std::unique_ptr<web::Module>> {
            const std::string path = s.content_dir + "/instruments/securebase-relationships.json";
            auto instrument = psy::load_instrument(path);
            if (!instrument) return instrument.error();
            if (auto st = assessment::check_assessment_instrument(*instrument); !st)
              return invalid("instrument", path + ": " + st.error().message);
            return std::unique_ptr<web::Module>(new AssessmentModule(s, std::move(*instrument)));
          }};
}

}  // namespace sb::features
