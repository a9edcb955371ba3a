// Rows of assessments and their answers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/owner.h"
#include "core/result.h"
#include "store/database.h"

namespace sb::store {

struct AssessmentRecord {
  int64_t id = 0;
  std::string public_id;
  std::optional<int64_t> user_id;
  std::optional<int64_t> session_id;
  std::string instrument_id;
  std::string instrument_version;
  bool consent = false;
  bool completed = false;
  int64_t started_at = 0;
  std::optional<int64_t> completed_at;
  std::string result_json;
};

// How many consented, completed answers chose `answer` on `item_id`.
struct AnswerCount {
  std::string item_id;
  int answer = 0;
  int64_t count = 0;
};

struct AnswerRecord {
  int position = 0;
  std::string item_id;
  int answer = 0;  // raw, 1..K
  int64_t answered_at = 0;
};

class AssessmentsRepo {
 public:
  explicit AssessmentsRepo(Database& db) : db_(db) {}

  Result<int64_t> create(const std::string& public_id, const Owner& owner,
                         const std::string& instrument_id, const std::string& version, bool consent,
                         int64_t now);
  Result<std::optional<AssessmentRecord>> find(const std::string& public_id);
  Result<std::vector<AnswerRecord>> answers(int64_t assessment_id);
  // Stores the answer at `position` only if it is the next one and the assessment is still in
  // progress; otherwise kConflict and nothing is written.
  Status add_answer(int64_t assessment_id, int position, const std::string& item_id, int answer,
                    int64_t now);
  // Removes the answer at `position` only if it is the last one; otherwise kConflict.
  Status remove_answer(int64_t assessment_id, int position);
  Status complete(int64_t assessment_id, const std::string& result_json, int64_t now);
  // Completed and in-progress assessments of a user, oldest first.
  Result<std::vector<AssessmentRecord>> for_user(int64_t user_id);
  // For each of these users, their first and latest completed assessment (one row when they
  // have one), in one query: a clinician's client list.
  Result<std::vector<AssessmentRecord>> first_and_latest(const std::vector<int64_t>& user_ids);
  // An anonymous session's own assessments, oldest first.
  Result<std::vector<AssessmentRecord>> for_session(int64_t session_id);
  // Inside account deletion's transaction.
  static void erase_user(soci::session& s, int64_t user_id);
  // Hands an anonymous session's assessments to the user who just signed up or in.
  Status adopt(int64_t session_id, int64_t user_id);
  Result<int64_t> count_consented_complete(const std::string& instrument_id);
  // Answers of completed assessments whose takers consented, per assessment (no owner data).
  Result<std::vector<std::vector<AnswerRecord>>> consented_answers(
      const std::string& instrument_id);
  // Adds completed, consented answer sets that belong to nobody (simulated ones for demos and
  // benchmarks), in one transaction; their public ids start with `id_prefix`.
  Status add_unowned_answer_sets(const std::string& instrument_id, const std::string& version,
                                 const std::vector<std::vector<AnswerRecord>>& sets,
                                 const std::string& id_prefix, int64_t now);
  // The same answers counted by item and answer, in one grouped query (the readiness page).
  Result<std::vector<AnswerCount>> consented_answer_counts(const std::string& instrument_id);

 private:
  Result<std::vector<AssessmentRecord>> owned_by(const char* column, int64_t id,
                                                 const char* also = "");
  Database& db_;
};

}  // namespace sb::store
