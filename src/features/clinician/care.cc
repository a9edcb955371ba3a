#include "features/clinician/care.h"

#include <algorithm>

#include "accounts/crypto.h"
#include "core/dates.h"
#include "core/strings.h"

namespace sb::care {

const std::vector<Scope>& scopes() {
  static const std::vector<Scope> all = {
      {"share:results", "results", "Assessment results",
       "Your attachment results and their history: the two scores with their uncertainty, the "
       "most likely pattern, and whether a change since your first result is reliable."},
      {"share:checkins", "checkins", "Weekly check-ins",
       "Your weekly check-in scores on the three areas, week by week. Not your single answers."},
      {"share:practice", "practice", "Skill practice",
       "Which skills you practised, how often, and your distress before and after on average. "
       "Not your notes."},
      {"share:reconsider", "reconsider", "Pause and reconsider",
       "How many exercises you did, how many you followed up, and the first interpretations "
       "that keep coming back. Not what happened or what you wrote."},
      {"share:moods", "moods", "Mood checks",
       "How pleasant and how energised you felt on average, week by week. Not the feeling "
       "words or notes."},
      {"share:journal", "journal", "Journal entries you mark",
       "Only the journal entries you mark \"share with my therapist\", in full. Nothing else from "
       "your journal, ever."},
  };
  return all;
}

const Scope* find_scope(std::string_view id_or_slug) {
  for (const auto& s : scopes())
    if (s.id == id_or_slug || s.slug == id_or_slug) return &s;
  return nullptr;
}

namespace {

Error not_found() { return Error{ErrorCode::kNotFound, "There is no such connection.", "link"}; }

}  // namespace

RequestState due_state(const store::CareRequestRecord& r, int64_t last_done, int64_t today) {
  RequestState s;
  s.request = r;
  const int64_t first = day_of(r.created_at), period = 7 * static_cast<int64_t>(r.every_weeks);
  s.next_due = last_done >= first - period + 1 && last_done >= 0 ? last_done + period : first;
  if (r.declined_at) {
    s.state = DueState::kDeclined;
  } else if (today < s.next_due) {
    s.state = DueState::kDone;
  } else {
    s.state = today < s.next_due + 7 ? DueState::kDue : DueState::kOverdue;
  }
  return s;
}

const char* kind_words(const std::string& kind) {
  return kind == "assessment" ? "the attachment assessment" : "the weekly check-in";
}

Result<int64_t> Care::ask(int64_t clinician_user_id, int64_t client_user_id,
                          const std::string& kind, int every_weeks) {
  if (kind != "assessment" && kind != "checkin")
    return Error{ErrorCode::kInvalidArgument, "Choose the assessment or the weekly check-in.",
                 "kind"};
  if (kind == "checkin") every_weeks = 1;
  if (every_weeks < 1 || every_weeks > 52)
    return Error{ErrorCode::kInvalidArgument, "Ask every 1 to 52 weeks.", "every_weeks"};
  auto open = repo_.open_link(client_user_id, clinician_user_id);
  if (!open) return open.error();
  if (!*open || (*open)->status != "active") return not_found();
  store::CareRequestRecord r;
  r.link_id = (*open)->id;
  r.client_user_id = client_user_id;
  r.kind = kind;
  r.every_weeks = every_weeks;
  r.created_at = clock_.now();
  return repo_.add_request(r);
}

Status Care::decline(int64_t client_user_id, const std::string& link_id, int64_t request_id) {
  auto link = link_for(client_user_id, link_id);
  if (!link) return link.error();
  if (link->client_user_id != client_user_id) return not_found();
  return repo_.decline_request(request_id, link->id, clock_.now());
}

namespace {

// The ids of these links, or of the active ones only.
std::vector<int64_t> link_ids(const std::vector<store::CareLinkRecord>& links, bool active_only) {
  std::vector<int64_t> ids;
  for (const auto& l : links)
    if (!active_only || l.status == "active") ids.push_back(l.id);
  return ids;
}

}  // namespace

Result<std::vector<store::CareRequestRecord>> Care::requests_of_client(int64_t client_user_id,
                                                                       bool active_only) {
  auto links = repo_.links_of_client(client_user_id);
  if (!links) return links.error();
  return repo_.requests(link_ids(*links, active_only));
}

Result<std::vector<Care::Pending>> Care::pending_for_client(int64_t client_user_id,
                                                            int64_t last_assessment_day,
                                                            int64_t last_checkin_day) {
  auto asked = asked_of_client(client_user_id);
  if (!asked) return asked.error();
  const int64_t today = day_of(clock_.now());
  std::vector<Pending> out;
  for (const auto& [r, who] : *asked) {
    const auto s =
        due_state(r, r.kind == "assessment" ? last_assessment_day : last_checkin_day, today);
    if (s.state != DueState::kDue && s.state != DueState::kOverdue) continue;
    out.push_back({kind_words(r.kind), who, r.kind == "assessment" ? "/assessment" : "/checkin",
                   s.state == DueState::kOverdue});
  }
  return out;
}

Result<std::vector<store::CareRequestRecord>> Care::requests_of_clinician(
    int64_t clinician_user_id) {
  auto links = repo_.links_of_clinician(clinician_user_id);
  if (!links) return links.error();
  return repo_.requests(link_ids(*links, /*active_only=*/true));
}

Result<std::vector<Care::Asked>> Care::asked_of_client(int64_t client_user_id) {
  auto links = repo_.links_of_client(client_user_id);
  if (!links) return links.error();
  auto requests = repo_.requests(link_ids(*links, /*active_only=*/true));
  if (!requests) return requests.error();
  std::vector<Asked> out;
  for (const auto& r : *requests) {
    if (r.declined_at) continue;
    for (const auto& l : *links)
      if (l.id == r.link_id)
        out.push_back({r, l.clinician_name.empty() ? l.clinician_email : l.clinician_name});
  }
  return out;
}

Result<std::vector<store::CareRequestRecord>> Care::requests_between(int64_t client_user_id,
                                                                     int64_t clinician_user_id) {
  auto open = repo_.open_link(client_user_id, clinician_user_id);
  if (!open) return open.error();
  if (!*open) return std::vector<store::CareRequestRecord>{};
  return repo_.requests({(*open)->id});
}

namespace {
std::string note_associated(int64_t clinician_user_id) {
  return "care_note:" + std::to_string(clinician_user_id);
}
}  // namespace

Status Care::add_note(int64_t clinician_user_id, const std::string& link_id,
                      const std::string& text) {
  auto link = link_for(clinician_user_id, link_id);
  if (!link) return link.error();
  if (link->clinician_user_id != clinician_user_id) return not_found();
  const std::string body(trim(text));
  if (body.empty()) return Error{ErrorCode::kInvalidArgument, "Write the note first.", "note"};
  if (!valid_utf8(body) || utf8_length(body) > 10000)
    return Error{ErrorCode::kInvalidArgument, "A note can be up to 10,000 characters.", "note"};
  store::CareNoteRecord r;
  r.clinician_user_id = clinician_user_id;
  r.link_id = link->id;
  r.body_sealed = key_.encrypt(body, note_associated(clinician_user_id));
  r.created_at = clock_.now();
  if (auto id = repo_.add_note(r); !id) return id.error();
  return ok_status();
}

Result<std::vector<Care::Note>> Care::open_notes(const std::vector<store::CareNoteRecord>& rows) {
  std::vector<Note> out;
  for (const auto& r : rows) {
    auto text = key_.decrypt(r.body_sealed, note_associated(r.clinician_user_id));
    if (!text) return text.error();
    out.push_back({r.created_at, std::move(*text)});
  }
  return out;
}

Result<std::vector<Care::Note>> Care::notes(int64_t clinician_user_id, const std::string& link_id) {
  auto link = link_for(clinician_user_id, link_id);
  if (!link) return link.error();
  auto rows = repo_.notes(clinician_user_id, link->id);
  if (!rows) return rows.error();
  return open_notes(*rows);
}

Result<std::vector<Care::Note>> Care::all_notes(int64_t clinician_user_id) {
  auto rows = repo_.notes(clinician_user_id, 0);
  if (!rows) return rows.error();
  return open_notes(*rows);
}

Result<int> Care::rotate_key(store::Database& db, const crypto::DataKey& from,
                             const crypto::DataKey& to) {
  store::CareRepo repo(db);
  auto rows = repo.all_notes();
  if (!rows) return rows.error();
  int n = 0;
  for (const auto& r : *rows) {
    auto resealed = crypto::reseal(from, to, r.body_sealed, note_associated(r.clinician_user_id));
    if (!resealed) return resealed.error();
    if (!*resealed) continue;
    if (auto st = repo.replace_note_sealed(r.id, **resealed); !st) return st.error();
    ++n;
  }
  return n;
}

Result<std::string> Care::new_code(int64_t clinician_user_id) {
  const std::string code = crypto::readable_code();
  const int64_t now = clock_.now();
  if (auto st = repo_.add_code(clinician_user_id, crypto::sha256_hex(crypto::normalised_code(code)),
                               now, now + kCodeSeconds);
      !st)
    return st.error();
  return code;
}

Result<std::string> Care::connect_with_code(int64_t client_user_id, const std::string& code) {
  const std::string typed = crypto::normalised_code(code);
  if (typed.size() != 10)
    return Error{ErrorCode::kInvalidArgument,
                 "A code has ten letters and digits, like ABCD-EFGH-JK. Check it with your "
                 "therapist.",
                 "code"};
  auto clinician = repo_.use_code(crypto::sha256_hex(typed), clock_.now());
  if (!clinician) return clinician.error();
  if (!*clinician)
    return Error{ErrorCode::kInvalidArgument,
                 "This code is not valid: it may be mistyped, already used or older than 7 days. "
                 "Ask your therapist for a new one.",
                 "code"};
  return connect(client_user_id, **clinician);
}

Result<std::string> Care::connect_with_listing(int64_t client_user_id, int64_t listing_id) {
  auto owner = repo_.listing_owner(listing_id);
  if (!owner) return owner.error();
  if (!*owner)
    return Error{ErrorCode::kInvalidArgument,
                 "This therapist does not use SecureBase yet, so you cannot connect here. Their "
                 "listing has other ways to reach them.",
                 "listing"};
  return connect(client_user_id, **owner);
}

Result<std::string> Care::connect(int64_t client_user_id, int64_t clinician_user_id) {
  if (client_user_id == clinician_user_id)
    return Error{ErrorCode::kInvalidArgument, "You cannot connect with yourself.", "code"};
  auto open = repo_.open_link(client_user_id, clinician_user_id);
  if (!open) return open.error();
  if (*open) return (*open)->public_id;  // asking twice changes nothing
  store::CareLinkRecord r;
  r.public_id = crypto::random_token(16);
  r.client_user_id = client_user_id;
  r.clinician_user_id = clinician_user_id;
  r.status = "requested";
  r.created_at = clock_.now();
  if (auto id = repo_.add_link(r); !id) return id.error();
  return r.public_id;
}

Result<store::CareLinkRecord> Care::link_for(int64_t user_id, const std::string& link_id) {
  auto link = repo_.link(link_id);
  if (!link) return link.error();
  if (!*link || ((*link)->client_user_id != user_id && (*link)->clinician_user_id != user_id))
    return not_found();
  return **link;
}

Status Care::accept(int64_t clinician_user_id, const std::string& link_id) {
  auto link = link_for(clinician_user_id, link_id);
  if (!link) return link.error();
  if (link->clinician_user_id != clinician_user_id) return not_found();
  if (link->status != "requested")
    return Error{ErrorCode::kConflict, "This request was already answered or withdrawn.", "link"};
  const int64_t now = clock_.now();
  return db_.in_transaction([&]() -> Status {
    if (auto st = repo_.set_active(link->id, now); !st) return st;
    store::GrantRecord g;
    g.subject_user_id = link->client_user_id;
    g.grantee_user_id = clinician_user_id;
    g.scope = kConnected;
    g.granted_at = now;
    if (auto id = access_.create_grant(g); !id) return id.error();
    return ok_status();
  });
}

Status Care::record_session(int64_t clinician_user_id, const std::string& link_id) {
  auto link = link_for(clinician_user_id, link_id);
  if (!link) return link.error();
  if (link->clinician_user_id != clinician_user_id || link->status != "active") return not_found();
  return repo_.set_last_session(link->id, date_of_day(day_of(clock_.now())));
}

Status Care::end(int64_t user_id, const std::string& link_id) {
  auto link = link_for(user_id, link_id);
  if (!link) return link.error();
  if (link->status == "ended") return ok_status();
  const std::string by = user_id == link->client_user_id ? "client" : "clinician";
  return db_.in_transaction([&]() -> Status {
    if (auto st = repo_.set_ended(link->id, by, clock_.now()); !st) return st;
    return revoke_all(link->client_user_id, link->clinician_user_id);
  });
}

Status Care::revoke_all(int64_t client_user_id, int64_t clinician_user_id) {
  return access_.revoke_between(client_user_id, clinician_user_id, clock_.now());
}

Status Care::share(int64_t client_user_id, const std::string& link_id, const std::string& scope,
                   std::optional<int64_t> until_day) {
  auto link = link_for(client_user_id, link_id);
  if (!link) return link.error();
  if (link->client_user_id != client_user_id) return not_found();
  const Scope* s = find_scope(scope);
  if (!s) return Error{ErrorCode::kInvalidArgument, "Choose what to share.", "scope"};
  if (link->status != "active")
    return Error{ErrorCode::kConflict,
                 "You can share once your therapist has accepted your request.", "scope"};
  const int64_t now = clock_.now(), today = day_of(now);
  if (until_day && (*until_day < today || *until_day > today + kLongestShareDays))
    return Error{ErrorCode::kInvalidArgument,
                 "Choose an end date from today to a year from now, or leave it empty.", "until"};
  return db_.in_transaction([&]() -> Status {
    if (auto st = access_.revoke_scope(client_user_id, link->clinician_user_id, s->id, now); !st)
      return st;
    store::GrantRecord g;
    g.subject_user_id = client_user_id;
    g.grantee_user_id = link->clinician_user_id;
    g.scope = s->id;
    g.granted_at = now;
    if (until_day) g.expires_at = (*until_day + 1) * 86400;  // to the end of that day (UTC)
    if (auto id = access_.create_grant(g); !id) return id.error();
    return ok_status();
  });
}

Status Care::stop(int64_t client_user_id, const std::string& link_id, const std::string& scope) {
  auto link = link_for(client_user_id, link_id);
  if (!link) return link.error();
  if (link->client_user_id != client_user_id) return not_found();
  const Scope* s = find_scope(scope);
  if (!s) return Error{ErrorCode::kInvalidArgument, "Choose what to stop sharing.", "scope"};
  return access_.revoke_scope(client_user_id, link->clinician_user_id, s->id, clock_.now());
}

namespace {

// The grants in force among these, as shared scopes in the order of scopes().
std::vector<Shared> in_force(const std::vector<store::GrantRecord>& grants, int64_t now) {
  std::vector<Shared> out;
  for (const auto& s : scopes()) {
    for (const auto& g : grants) {
      if (g.scope != s.id || g.revoked_at || (g.expires_at && *g.expires_at <= now)) continue;
      out.push_back({&s, g.granted_at, g.expires_at});
    }
  }
  return out;
}

}  // namespace

Result<std::vector<Shared>> Care::shared(int64_t client_user_id, int64_t clinician_user_id) {
  auto grants = access_.grants_between(client_user_id, clinician_user_id);
  if (!grants) return grants.error();
  return in_force(*grants, clock_.now());
}

Result<std::map<int64_t, std::vector<Shared>>> Care::shared_with(int64_t clinician_user_id) {
  auto grants = access_.grants_to(clinician_user_id);
  if (!grants) return grants.error();
  std::map<int64_t, std::vector<store::GrantRecord>> by_client;
  for (const auto& g : *grants) by_client[g.subject_user_id].push_back(g);
  std::map<int64_t, std::vector<Shared>> out;
  for (const auto& [client, list] : by_client) out[client] = in_force(list, clock_.now());
  return out;
}

}  // namespace sb::care
