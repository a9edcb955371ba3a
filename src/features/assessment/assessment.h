// Taking the attachment assessment: an adaptive questionnaire whose state is the stored list
// of answers, scored on completion, kept with the instrument version it was scored with.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/owner.h"
#include "core/result.h"
#include "features/assessment/assessments_repo.h"
#include "psychometrics/cat.h"
#include "psychometrics/change.h"
#include "psychometrics/evaluation.h"
#include "psychometrics/instrument.h"
#include "store/database.h"

namespace sb::assessment {

struct Question {
  std::string public_id;
  int position = 0;  // 0-based: how many answers came before
  std::string item_id;
  std::string text;
  std::vector<std::string> labels;  // 1..K
  int max_items = 0;
};

struct DimensionResult {
  std::string id, name;
  double theta = 0, se = 1;
  double classic = 0;      // mean on the 1..K scale
  double percentile = 50;  // among the norm sample
};

struct AssessmentResult {
  std::string public_id;
  std::string instrument_id, instrument_version;
  bool provisional = false;
  int64_t completed_at = 0;
  int items_answered = 0;
  DimensionResult anxiety, avoidance;
  double covariance = 0;                      // posterior covariance of (anxiety, avoidance)
  std::array<double, 4> style_probability{};  // by psy::Style
  psy::Style top = psy::Style::kSecure, runner_up = psy::Style::kSecure;
  bool between = false;
};

struct HistoryEntry {
  AssessmentResult result;
  // Change from the previous completed assessment on each dimension (theta-based RCI).
  std::optional<psy::ReliableChange> anxiety_change, avoidance_change;
};

// One version of the instrument, ready to run: its model, scorer and adaptive-test options.
// Built once per version and shared; never moved (the scorer refers to the instrument).
struct Bank {
  explicit Bank(psy::Instrument instrument);
  Bank(const Bank&) = delete;
  Bank& operator=(const Bank&) = delete;
  // Items still on provisional parameters: a recalibration calibrates only the items with
  // enough answers, so a version can be partly calibrated.
  size_t provisional_items() const;
  bool provisional() const { return provisional_items() > 0; }

  psy::Instrument instrument;
  psy::Model model;
  std::unique_ptr<psy::InstrumentScorer> scorer;
  psy::CatOptions options;
};
// Checks that an instrument can run the assessment (two dimensions, a classification rule).
Status check_assessment_instrument(const psy::Instrument& instrument);

struct Step {
  bool completed = false;
  std::optional<Question> question;  // when not completed
};

class Assessments {
 public:
  // `instrument` is the version shipped in the content folder; versions published from a
  // recalibration are read from the store. CAT options come from each version's cut points.
  Assessments(store::Database& db, const Clock& clock, const psy::Instrument& instrument);

  // The version shipped in the content folder.
  const psy::Instrument& instrument() const { return built_in_->instrument; }
  // The version new assessments use: the newest published one, else the shipped one.
  Result<std::shared_ptr<const Bank>> current_bank();
  // The version an assessment was started with; the shipped one when the store has no such
  // version (item ids never change between versions, so answers still score).
  std::shared_ptr<const Bank> bank(const std::string& version);

  Result<std::string> start(const Owner& owner, bool consent);
  // The next question, or completed. kNotFound unless the owner owns the assessment.
  Result<Step> current(const Owner& owner, const std::string& public_id);
  // Refuses (kConflict) an answer to anything but the current question; kInvalidArgument for an
  // out-of-range value or an unknown item. Nothing is stored on refusal.
  Status answer(const Owner& owner, const std::string& public_id, int position,
                const std::string& item_id, int value);
  // Takes back the last answer so it can be changed; returns the value it had.
  Result<int> back(const Owner& owner, const std::string& public_id, int position);
  Result<AssessmentResult> result(const Owner& owner, const std::string& public_id);
  // Completed assessments, oldest first, with reliable change from one to the next.
  Result<std::vector<HistoryEntry>> history(const Owner& owner);
  // The first and the latest result of each of these people who has one (the same result
  // twice for someone with one): what a clinician's client list shows, in one query.
  struct FirstAndLatest {
    AssessmentResult first, latest;
  };
  Result<std::map<int64_t, FirstAndLatest>> first_and_latest(const std::vector<int64_t>& user_ids);
  // In-progress assessment ids of the owner (an account, or an anonymous session), newest last.
  Result<std::vector<std::string>> unfinished(const Owner& owner);
  Status adopt(int64_t session_id, int64_t user_id);
  Result<std::string> export_json(const Owner& owner);
  Result<std::string> export_csv(const Owner& owner);
  // A FHIR R4 collection Bundle: the Questionnaire, then per assessment its QuestionnaireResponse
  // and, when complete, one Observation per dimension.
  Result<std::string> export_fhir(const Owner& owner);
  Result<int64_t> consented_count();
  // Consented, completed answer sets as CSV for `securebase irt calibrate`: one row per
  // assessment, one column per item id, 0 where the item was not asked. No owner data.
  Result<std::string> consented_answers_csv();

 private:
  struct Loaded;
  // Runs `fn` on each of a signed-in owner's assessments with its answers, oldest first.
  Status for_each_with_answers(
      const Owner& owner, const std::function<void(const store::AssessmentRecord&,
                                                   const std::vector<store::AnswerRecord>&)>& fn);
  Result<Loaded> load(const Owner& owner, const std::string& public_id);
  static psy::CatDecision decide(const Bank& bank, const std::vector<psy::Answer>& answers);
  static AssessmentResult score(const Bank& bank, const std::string& public_id,
                                const std::vector<psy::Answer>& answers, int64_t when);
  Status finish_if_done(const Loaded& loaded);
  // The shipped version, or a published one read from the store once and kept.
  Result<std::shared_ptr<const Bank>> published_bank(const std::string& version);

  store::Database& db_;
  const Clock& clock_;
  std::shared_ptr<const Bank> built_in_;
  std::mutex banks_mu_;
  std::map<std::string, std::shared_ptr<const Bank>> banks_;  // published versions read so far
};

std::string result_to_json(const AssessmentResult& r);
Result<AssessmentResult> result_from_json(const std::string& text);

}  // namespace sb::assessment
