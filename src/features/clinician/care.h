// Working with a therapist: a client connects with a clinician (from the clinician's listing,
// or with a one-time code the clinician hands out), the clinician accepts, and the client
// shares what they choose, scope by scope, each a grant the access policy checks on every
// request. Either side ends the connection at any time; every grant under it stops at once.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/access_repo.h"
#include "accounts/data_key.h"
#include "core/clock.h"
#include "core/result.h"
#include "features/clinician/care_repo.h"
#include "store/database.h"

namespace sb::care {

// One thing a client can share. `sees` says in plain words what the therapist will see.
struct Scope {
  std::string id;    // the grant's scope, e.g. "share:results"
  std::string slug;  // its address under a client's page, e.g. "results"
  std::string name;
  std::string sees;
};
const std::vector<Scope>& scopes();
const Scope* find_scope(std::string_view id_or_slug);
// Granted while a connection is active: the clinician may see that the client is connected
// (their e-mail and what is shared), nothing of their data.
inline constexpr const char* kConnected = "care:connected";

inline constexpr int64_t kCodeSeconds = 7 * 86400;
inline constexpr int64_t kLongestShareDays = 366;

struct Shared {
  const Scope* scope = nullptr;
  int64_t granted_at = 0;
  std::optional<int64_t> until;
};

// Where a requested measure stands. `next_due` is a day number: the request's first day, then
// `every_weeks` after the last time it was done. Done until then; due for a week; overdue after.
enum class DueState { kDone, kDue, kOverdue, kDeclined };
struct RequestState {
  store::CareRequestRecord request;
  std::string link_id;  // the connection's public id
  int64_t next_due = 0;
  DueState state = DueState::kDue;
};
// `last_done`: the day the measure was last done (an assessment's day, a check-in's Monday),
// or -1. Pure, so the rule is tested on its own.
RequestState due_state(const store::CareRequestRecord& r, int64_t last_done, int64_t today);
const char* kind_words(const std::string& kind);  // "the assessment", "the weekly check-in"

class Care {
 public:
  Care(store::Database& db, const Clock& clock, const crypto::DataKey& key)
      : db_(db), clock_(clock), key_(key), repo_(db), access_(db) {}

  // A clinician's one-time code for one client: returned once, stored only as a hash.
  Result<std::string> new_code(int64_t clinician_user_id);
  // A client asks to connect; the clinician then accepts. Returns the link's public id.
  Result<std::string> connect_with_code(int64_t client_user_id, const std::string& code);
  Result<std::string> connect_with_listing(int64_t client_user_id, int64_t listing_id);

  Status accept(int64_t clinician_user_id, const std::string& link_id);
  // The clinician met the client today: "since our last session" counts from today.
  Status record_session(int64_t clinician_user_id, const std::string& link_id);
  // Either side; `user_id` must be the client or the clinician of the link.
  Status end(int64_t user_id, const std::string& link_id);

  // The client shares a scope with the link's clinician, until the end of `until_day` (a day
  // number) or until they stop it; sharing again replaces the end date.
  Status share(int64_t client_user_id, const std::string& link_id, const std::string& scope,
               std::optional<int64_t> until_day);
  Status stop(int64_t client_user_id, const std::string& link_id, const std::string& scope);

  Result<std::vector<store::CareLinkRecord>> links_of_client(int64_t client_user_id) {
    return repo_.links_of_client(client_user_id);
  }
  Result<std::vector<store::CareLinkRecord>> links_of_clinician(int64_t clinician_user_id) {
    return repo_.links_of_clinician(clinician_user_id);
  }
  // The link, when `user_id` is one of its two sides.
  Result<store::CareLinkRecord> link_for(int64_t user_id, const std::string& link_id);
  // A clinician asks an active connection's client for a measure, repeated.
  Result<int64_t> ask(int64_t clinician_user_id, int64_t client_user_id, const std::string& kind,
                      int every_weeks);
  Status decline(int64_t client_user_id, const std::string& link_id, int64_t request_id);
  // The requests of the client's active connections (all clinicians), or of one clinician's
  // connection with the client; declined ones included.
  Result<std::vector<store::CareRequestRecord>> requests_of_client(int64_t client_user_id,
                                                                   bool active_only = true);
  // What the client's therapists asked for that is due or overdue now, given when the client
  // last did each measure (day numbers, -1 for never).
  struct Pending {
    std::string what, who, href;
    bool overdue = false;
  };
  Result<std::vector<Pending>> pending_for_client(int64_t client_user_id,
                                                  int64_t last_assessment_day,
                                                  int64_t last_checkin_day);
  // The requests in force (active connection, not declined), with who asked.
  struct Asked {
    store::CareRequestRecord request;
    std::string who;
  };
  Result<std::vector<Asked>> asked_of_client(int64_t client_user_id);
  // The requests on all of a clinician's active connections, in one query.
  Result<std::vector<store::CareRequestRecord>> requests_of_clinician(int64_t clinician_user_id);
  Result<std::vector<store::CareRequestRecord>> requests_between(int64_t client_user_id,
                                                                 int64_t clinician_user_id);
  // The clinician's own notes: sealed at rest, theirs alone (never shown to the client).
  struct Note {
    int64_t created_at = 0;
    std::string text;
  };
  Status add_note(int64_t clinician_user_id, const std::string& link_id, const std::string& text);
  // On one connection, newest first.
  Result<std::vector<Note>> notes(int64_t clinician_user_id, const std::string& link_id);
  // Every note of the clinician (their export), newest first.
  Result<std::vector<Note>> all_notes(int64_t clinician_user_id);
  static Result<int> rotate_key(store::Database& db, const crypto::DataKey& from,
                                const crypto::DataKey& to);
  // What the client shares with the clinician now (active grants of the share scopes).
  Result<std::vector<Shared>> shared(int64_t client_user_id, int64_t clinician_user_id);
  // The same for every client of a clinician at once, by client.
  Result<std::map<int64_t, std::vector<Shared>>> shared_with(int64_t clinician_user_id);

 private:
  Result<std::string> connect(int64_t client_user_id, int64_t clinician_user_id);
  Status revoke_all(int64_t client_user_id, int64_t clinician_user_id);

  Result<std::vector<Note>> open_notes(const std::vector<store::CareNoteRecord>& rows);

  store::Database& db_;
  const Clock& clock_;
  const crypto::DataKey& key_;
  store::CareRepo repo_;
  store::AccessRepo access_;
};

}  // namespace sb::care
