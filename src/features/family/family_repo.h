// The family feature's rows: child profiles, their caregivers, invitations, the caregiving log
// and the secure-base sign checks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace soci {
class session;
}

namespace sb::store {

struct ChildRecord {
  int64_t id = 0;
  std::string public_id;
  int64_t owner_user_id = 0;  // the first caregiver: invites and removes others
  std::string name_sealed, birth_date;
  int64_t created_at = 0;
};
struct CaregiverRecord {
  int64_t user_id = 0;
  std::string public_id, email, role;
  int64_t added_at = 0;
  std::optional<int64_t> removed_at;
};
struct CareLogRecord {
  int64_t id = 0, child_id = 0;
  std::optional<int64_t> user_id;
  std::string email;  // of who logged it, empty once their account is gone
  int64_t at = 0;
  std::string cue, responses, speed, outcome, note_sealed;
};
struct SignCheckRecord {
  int64_t id = 0, child_id = 0, user_id = 0;
  std::string email, checked_on, stage, answers;
};

class FamilyRepo {
 public:
  explicit FamilyRepo(Database& db) : db_(db) {}

  Status create_child(const ChildRecord& c);
  Result<std::vector<std::pair<ChildRecord, std::string>>> children_of(int64_t user_id);
  Result<std::optional<ChildRecord>> child_by_public_id(const std::string& public_id);
  Result<std::optional<ChildRecord>> child(int64_t id);
  Result<std::vector<CaregiverRecord>> caregivers(int64_t child_id);

  Status add_invite(int64_t child_id, int64_t by_user_id, const std::string& code_hash, int64_t now,
                    int64_t expires_at);
  // Uses the invitation with this hash, if unused and not expired, making the user a caregiver
  // of its child (again, if they had been removed). Returns the child's public id.
  Result<std::optional<std::string>> use_invite(const std::string& code_hash, int64_t user_id,
                                                int64_t now);
  // Returns false when the user was not an active caregiver of the child.
  Result<bool> remove_caregiver(int64_t child_id, int64_t user_id, int64_t now);

  Status add_log(const CareLogRecord& r);
  Result<std::vector<CareLogRecord>> logs(int64_t child_id, int64_t from, int64_t to);
  Status add_check(const SignCheckRecord& r);
  Result<std::vector<SignCheckRecord>> checks(int64_t child_id);

  // Key rotation: every sealed value with its row.
  Result<std::vector<ChildRecord>> all_children();
  Result<std::vector<CareLogRecord>> all_notes();
  Status replace_name(int64_t child_id, const std::string& sealed);
  Status replace_note(int64_t log_id, const std::string& sealed);

  // Account deletion: the person's entries and checks go; a child they were first caregiver of
  // passes to the longest-standing other caregiver, or goes with its whole record.
  static void erase_user(soci::session& s, int64_t user_id);

 private:
  Database& db_;
};

}  // namespace sb::store
