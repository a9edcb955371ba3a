// Strange Situation studies: an owner, coders who join by invitation, pseudonymous sessions,
// blind coding (nobody sees another's codes for a session until every coder has submitted),
// conferenced final codes kept beside the originals, agreement, the study report and the
// research CSV. The service over the store; the coding rules are in coding.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "features/studies/coding.h"
#include "store/database.h"

namespace sb::studies {

std::string to_json(const SessionCode& code);
Result<SessionCode> from_json(const std::string& json);

struct Member {
  int64_t user_id = 0;
  std::string email, role, label;
};
struct Session {
  int64_t id = 0;
  std::string public_id, participant;
  std::vector<SessionCode> codes;  // as submitted, coder = the member's label
  std::vector<int64_t> coded_by;   // user ids, in the order of codes
  std::optional<SessionCode> final_code;
};
struct Study {
  int64_t id = 0;
  std::string public_id, name;
  std::vector<Member> members;
  std::vector<Session> sessions;
  std::vector<Member> coders() const;
  // Every current coder has submitted a code for the session.
  bool complete(const Session& s) const;
};

// Published base rates for low-risk samples (about): B 65%, A 20%, C 10%, D 15% (D overlaps the
// others, as D cases also carry a best-fitting organised pattern).
struct BaseRate {
  std::string classification;
  double percent;
};
const std::vector<BaseRate>& base_rates();

class Studies {
 public:
  Studies(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<std::string> create(int64_t owner, const std::string& name);
  Result<std::vector<std::pair<std::string, std::string>>> names_of(int64_t user_id,
                                                                    std::vector<std::string>* ids);
  struct Membership {
    int64_t group_id = 0;  // the study's row id
    std::string name, role;
  };
  Result<std::optional<Membership>> membership(const std::string& public_id, int64_t user_id);
  Result<Study> load(int64_t study_id);
  Result<std::string> invite(int64_t study_id, int64_t by);
  Result<std::string> join(int64_t user_id, const std::string& code);
  Status add_session(int64_t study_id, const std::string& participant);
  // The coder's code for a session of the study (validated; replaces an earlier one).
  Status submit(int64_t study_id, const std::string& session_public_id, int64_t coder,
                SessionCode code);
  // The conferenced final code, once every coder has submitted.
  Status finalise(int64_t study_id, const std::string& session_public_id, int64_t by,
                  SessionCode code);
  // Codes of every coder (and "final" codes) of the complete sessions as the research CSV (a
  // session still being coded stays blind), and back into a study whose coders carry the same
  // labels; `by` is who imports (recorded as having set the final codes).
  Result<std::string> export_csv(int64_t study_id);
  Result<int> import_csv(int64_t study_id, int64_t by, const std::string& csv);

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace sb::studies
