// The SQL of working with a therapist: connections between a client and a clinician, and the
// one-time codes clinicians hand out. What is shared is not here: those are grants
// (accounts/access_repo.h), one per scope, which the access policy checks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"
#include "store/migrations.h"

namespace soci {
class session;
}

namespace sb::store {

struct CareLinkRecord {
  int64_t id = 0;
  std::string public_id;
  int64_t client_user_id = 0, clinician_user_id = 0;
  std::string status;  // requested | active | ended
  int64_t created_at = 0;
  std::optional<int64_t> accepted_at, ended_at;
  std::string ended_by;  // client | clinician, once ended
  // Read with the link: how each side is named to the other.
  std::string client_public_id, client_email, clinician_email, clinician_name;
  std::string last_session_on;  // YYYY-MM-DD the clinician last recorded a session, or empty
};

struct CareCodeRecord {
  int64_t id = 0;
  int64_t clinician_user_id = 0;
  int64_t created_at = 0, expires_at = 0;
  std::optional<int64_t> used_at;
};

// A clinician's request for a measure, repeated: an assessment every N weeks, or the weekly
// check-in.
struct CareRequestRecord {
  int64_t id = 0;
  int64_t link_id = 0;
  int64_t client_user_id = 0;
  std::string kind;  // assessment | checkin
  int every_weeks = 1;
  int64_t created_at = 0;
  std::optional<int64_t> declined_at;
};

// A clinician's own note about a connection: sealed, the clinician's data (their export), kept
// when the client leaves (the link is then gone and the note names no one).
struct CareNoteRecord {
  int64_t id = 0;
  int64_t clinician_user_id = 0;
  std::optional<int64_t> link_id;
  std::string body_sealed;
  int64_t created_at = 0;
};

class CareRepo {
 public:
  explicit CareRepo(Database& db) : db_(db) {}
  // Every row naming the user, on either side, inside account deletion's transaction.
  static void erase_user(soci::session& s, int64_t user_id);

  Status add_code(int64_t clinician_user_id, const std::string& code_hash, int64_t now,
                  int64_t expires_at);
  // Marks a code used and returns its clinician, when it exists, is unused and not expired.
  Result<std::optional<int64_t>> use_code(const std::string& code_hash, int64_t now);

  Result<int64_t> add_link(const CareLinkRecord& r);
  Result<std::optional<CareLinkRecord>> link(const std::string& public_id);
  // The link between these two that is not ended, if any.
  Result<std::optional<CareLinkRecord>> open_link(int64_t client_user_id,
                                                  int64_t clinician_user_id);
  Result<std::vector<CareLinkRecord>> links_of_client(int64_t client_user_id);
  Result<std::vector<CareLinkRecord>> links_of_clinician(int64_t clinician_user_id);
  Status set_active(int64_t link_id, int64_t now);
  Status set_ended(int64_t link_id, const std::string& by, int64_t now);
  Status set_last_session(int64_t link_id, const std::string& day);
  Result<int64_t> add_request(const CareRequestRecord& r);
  // Requests under these links, oldest first.
  Result<std::vector<CareRequestRecord>> requests(const std::vector<int64_t>& link_ids);
  Status decline_request(int64_t request_id, int64_t link_id, int64_t now);
  Result<int64_t> add_note(const CareNoteRecord& r);
  // A clinician's notes on one link, or all of them (link 0), newest first.
  Result<std::vector<CareNoteRecord>> notes(int64_t clinician_user_id, int64_t link_id);
  Result<std::vector<CareNoteRecord>> all_notes();  // for key rotation
  Status replace_note_sealed(int64_t note_id, const std::string& sealed);
  // The person behind a listing, when a clinician owns it.
  Result<std::optional<int64_t>> listing_owner(int64_t listing_id);

 private:
  Database& db_;
};

std::vector<Migration> care_migrations();

}  // namespace sb::store
