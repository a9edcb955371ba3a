// The studies feature's rows: studies, their members (owner and coders), invitations, sessions
// with their conferenced final code, and each coder's code for a session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace soci {
class session;
}

namespace sb::store {

struct StudyRecord {
  int64_t id = 0;
  std::string public_id, name;
  int64_t owner_user_id = 0, created_at = 0;
};
struct StudyMemberRecord {
  int64_t user_id = 0;
  std::string email, role, label;  // role: owner | coder; label: "coder 1"
};
struct StudySessionRecord {
  int64_t id = 0;
  std::string public_id, participant;
  int64_t created_at = 0;
  std::string final_code;  // JSON, empty until conferenced
};
struct StudyCodeRecord {
  int64_t session_id = 0, coder_user_id = 0;
  std::string code;  // JSON
  int64_t submitted_at = 0;
};

class StudyRepo {
 public:
  explicit StudyRepo(Database& db) : db_(db) {}

  Status create(const StudyRecord& s);
  Result<std::vector<std::pair<StudyRecord, std::string>>> studies_of(int64_t user_id);
  Result<std::optional<StudyRecord>> by_public_id(const std::string& public_id);
  Result<std::optional<StudyRecord>> by_id(int64_t id);
  Result<std::vector<StudyMemberRecord>> members(int64_t study_id);

  Status add_invite(int64_t study_id, int64_t by, const std::string& hash, int64_t now,
                    int64_t expires);
  // Makes the user a coder with the next free label; the study's public id.
  Result<std::optional<std::string>> use_invite(const std::string& hash, int64_t user_id,
                                                int64_t now);

  // Refuses (kInvalidArgument) a participant the study already has.
  Status add_session(int64_t study_id, const std::string& public_id, const std::string& participant,
                     int64_t now);
  Result<std::vector<StudySessionRecord>> sessions(int64_t study_id);
  Status set_final(int64_t session_id, const std::string& code, int64_t by, int64_t now);
  // Inserts or replaces the coder's code for the session.
  Status put_code(const StudyCodeRecord& c);
  Result<std::vector<StudyCodeRecord>> codes(int64_t study_id);

  static void erase_user(soci::session& s, int64_t user_id);

 private:
  Database& db_;
};

}  // namespace sb::store
