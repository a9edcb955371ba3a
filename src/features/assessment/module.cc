// The attachment assessment: adaptive questions, results, history and exports.
#include "features/assessment/module.h"

#include <soci/soci.h>

#include <boost/json.hpp>

#include "features/assessment/assessment.h"
#include "features/assessment/assessments_repo.h"
#include "features/assessment/pages.h"
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
        pages_(s.kit, assessments_, instrument_) {
    s.provide(assessments_);
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
    return {"Questionnaire in use: " + instrument_.id + " " + instrument_.version,
            "Completed assessments with consent to improve it: " +
                (consented ? std::to_string(*consented) : std::string("(not available)"))};
  }

 private:
  psy::Instrument instrument_;
  assessment::Assessments assessments_;
  web::AssessmentPages pages_;
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
            }}},
          [](web::Services& s) -> Result<std::unique_ptr<web::Module>> {
            const std::string path = s.content_dir + "/instruments/securebase-relationships.json";
            auto instrument = psy::load_instrument(path);
            if (!instrument) return instrument.error();
            if (auto model = instrument->model(); !model) return model.error();
            if (!instrument->classification || instrument->dimensions.size() != 2)
              return invalid("instrument",
                             path + " needs two dimensions and a classification rule");
            return std::unique_ptr<web::Module>(new AssessmentModule(s, std::move(*instrument)));
          }};
}

}  // namespace sb::features
