#include "features/clinician/care_repo.h"

#include <soci/soci.h>

#include "store/errors.h"
#include "store/owned_rows.h"
#include "store/query.h"

namespace sb::store {
namespace {

using ll = long long;

std::string optional_text(const soci::row& r, size_t i) {
  return r.get_indicator(i) == soci::i_ok ? r.get<std::string>(i) : std::string();
}

// The clinician is named by their listing when they have one, else by their e-mail.
constexpr const char* kLinkColumns =
    "SELECT l.id, l.public_id, l.client_user_id, l.clinician_user_id, l.status, l.created_at, "
    "l.accepted_at, l.ended_at, l.ended_by, c.public_id, c.email, t.email, "
    "(SELECT MIN(d.name) FROM directory_listings d WHERE d.owner_user_id = l.clinician_user_id), "
    "l.last_session_on "
    "FROM care_links l JOIN users c ON c.id = l.client_user_id "
    "JOIN users t ON t.id = l.clinician_user_id ";

CareLinkRecord read_link(const soci::row& r) {
  CareLinkRecord l;
  l.id = get_int64(r, 0);
  l.public_id = r.get<std::string>(1);
  l.client_user_id = get_int64(r, 2);
  l.clinician_user_id = get_int64(r, 3);
  l.status = r.get<std::string>(4);
  l.created_at = get_int64(r, 5);
  l.accepted_at = optional_int64(r, 6);
  l.ended_at = optional_int64(r, 7);
  l.ended_by = optional_text(r, 8);
  l.client_public_id = r.get<std::string>(9);
  l.client_email = r.get<std::string>(10);
  l.clinician_email = r.get<std::string>(11);
  l.clinician_name = optional_text(r, 12);
  l.last_session_on = optional_text(r, 13);
  return l;
}

}  // namespace

void CareRepo::erase_user(soci::session& s, int64_t user_id) {
  const ll uid = user_id;
  s << "DELETE FROM care_requests WHERE link_id IN (SELECT id FROM care_links WHERE "
       "client_user_id = :u OR clinician_user_id = :c)",
      soci::use(uid), soci::use(uid);
  s << "DELETE FROM care_notes WHERE clinician_user_id = :u", soci::use(uid);
  s << "UPDATE care_notes SET link_id = NULL WHERE link_id IN (SELECT id FROM care_links WHERE "
       "client_user_id = :u)",
      soci::use(uid);
  s << "DELETE FROM care_links WHERE client_user_id = :u OR clinician_user_id = :c", soci::use(uid),
      soci::use(uid);
  s << "DELETE FROM care_codes WHERE clinician_user_id = :u", soci::use(uid);
}

Status CareRepo::add_code(int64_t clinician_user_id, const std::string& code_hash, int64_t now,
                          int64_t expires_at) {
  const ll uid = clinician_user_id, t = now, e = expires_at;
  return db_.run([&](soci::session& s) {
    s << "INSERT INTO care_codes(clinician_user_id, code_hash, created_at, expires_at) "
         "VALUES(:u, :h, :t, :e)",
        soci::use(uid), soci::use(code_hash), soci::use(t), soci::use(e);
  });
}

Result<std::optional<int64_t>> CareRepo::use_code(const std::string& code_hash, int64_t now) {
  std::optional<int64_t> clinician;
  const ll t = now;
  auto st = db_.transaction([&](soci::session& s) {
    ll id = 0, uid = 0;
    soci::indicator found = soci::i_null;
    s << "SELECT id, clinician_user_id FROM care_codes WHERE code_hash = :h AND used_at IS NULL "
         "AND expires_at > :t",
        soci::use(code_hash), soci::use(t), soci::into(id, found), soci::into(uid);
    if (found != soci::i_ok || !s.got_data()) return;
    // Single use, even when two requests race: only one update finds it unused.
    soci::statement mark = (s.prepare << "UPDATE care_codes SET used_at = :t WHERE id = :i AND "
                                         "used_at IS NULL",
                            soci::use(t), soci::use(id));
    mark.execute(true);
    if (mark.get_affected_rows() == 1) clinician = uid;
  });
  if (!st) return st.error();
  return clinician;
}

Result<int64_t> CareRepo::add_link(const CareLinkRecord& r) {
  ll id = 0;
  const ll client = r.client_user_id, clinician = r.clinician_user_id, t = r.created_at;
  auto st = db_.run([&](soci::session& s) {
    s << "INSERT INTO care_links(public_id, client_user_id, clinician_user_id, status, "
         "created_at) VALUES(:p, :c, :t, :s, :a) RETURNING id",
        soci::use(r.public_id), soci::use(client), soci::use(clinician), soci::use(r.status),
        soci::use(t), soci::into(id);
  });
  if (!st) return st.error();
  return static_cast<int64_t>(id);
}

Result<std::optional<CareLinkRecord>> CareRepo::link(const std::string& public_id) {
  return select_one<CareLinkRecord>(db_, std::string(kLinkColumns) + "WHERE l.public_id = :p",
                                    read_link, public_id);
}

Result<std::optional<CareLinkRecord>> CareRepo::open_link(int64_t client_user_id,
                                                          int64_t clinician_user_id) {
  return select_one<CareLinkRecord>(
      db_,
      std::string(kLinkColumns) +
          "WHERE l.client_user_id = :c AND l.clinician_user_id = :t AND l.status <> 'ended'",
      read_link, static_cast<ll>(client_user_id), static_cast<ll>(clinician_user_id));
}

Result<std::vector<CareLinkRecord>> CareRepo::links_of_client(int64_t client_user_id) {
  return select_all<CareLinkRecord>(
      db_, std::string(kLinkColumns) + "WHERE l.client_user_id = :c ORDER BY l.id DESC", read_link,
      static_cast<ll>(client_user_id));
}

Result<std::vector<CareLinkRecord>> CareRepo::links_of_clinician(int64_t clinician_user_id) {
  return select_all<CareLinkRecord>(
      db_, std::string(kLinkColumns) + "WHERE l.clinician_user_id = :t ORDER BY l.id DESC",
      read_link, static_cast<ll>(clinician_user_id));
}

Status CareRepo::set_active(int64_t link_id, int64_t now) {
  const ll id = link_id, t = now;
  return db_.run([&](soci::session& s) {
    s << "UPDATE care_links SET status = 'active', accepted_at = :t WHERE id = :i AND "
         "status = 'requested'",
        soci::use(t), soci::use(id);
  });
}

Status CareRepo::set_ended(int64_t link_id, const std::string& by, int64_t now) {
  const ll id = link_id, t = now;
  return db_.run([&](soci::session& s) {
    s << "UPDATE care_links SET status = 'ended', ended_at = :t, ended_by = :b WHERE id = :i AND "
         "status <> 'ended'",
        soci::use(t), soci::use(by), soci::use(id);
  });
}

Result<int64_t> CareRepo::add_request(const CareRequestRecord& r) {
  ll id = 0;
  const ll link = r.link_id, client = r.client_user_id, every = r.every_weeks, t = r.created_at;
  auto st = db_.run([&](soci::session& s) {
    s << "INSERT INTO care_requests(link_id, client_user_id, kind, every_weeks, created_at) "
         "VALUES(:l, :c, :k, :e, :t) RETURNING id",
        soci::use(link), soci::use(client), soci::use(r.kind), soci::use(every), soci::use(t),
        soci::into(id);
  });
  if (!st) return st.error();
  return static_cast<int64_t>(id);
}

Result<std::vector<CareRequestRecord>> CareRepo::requests(const std::vector<int64_t>& link_ids) {
  std::vector<CareRequestRecord> out;
  if (link_ids.empty()) return out;
  std::vector<ll> ids(link_ids.begin(), link_ids.end());
  std::string in;
  for (size_t i = 0; i < ids.size(); ++i) in += (i ? ", :l" : ":l") + std::to_string(i);
  auto st = db_.run([&](soci::session& s) {
    db_.query(
        s,
        "SELECT id, link_id, client_user_id, kind, every_weeks, created_at, declined_at FROM "
        "care_requests WHERE "
        "link_id IN (" +
            in + ") ORDER BY id",
        [&](soci::statement& stmt) {
          for (const ll& id : ids) stmt.exchange(soci::use(id));
        },
        [&](const soci::row& r) {
          out.push_back({get_int64(r, 0), get_int64(r, 1), get_int64(r, 2), r.get<std::string>(3),
                         static_cast<int>(get_int64(r, 4)), get_int64(r, 5), optional_int64(r, 6)});
        });
  });
  if (!st) return st.error();
  return out;
}

Status CareRepo::decline_request(int64_t request_id, int64_t link_id, int64_t now) {
  const ll id = request_id, link = link_id, t = now;
  return db_.run([&](soci::session& s) {
    s << "UPDATE care_requests SET declined_at = :t WHERE id = :i AND link_id = :l AND "
         "declined_at IS NULL",
        soci::use(t), soci::use(id), soci::use(link);
  });
}

namespace {
constexpr const char* kNoteColumns =
    "SELECT id, clinician_user_id, link_id, body_sealed, created_at FROM care_notes ";
CareNoteRecord read_note(const soci::row& r) {
  return {get_int64(r, 0), get_int64(r, 1), optional_int64(r, 2), r.get<std::string>(3),
          get_int64(r, 4)};
}
}  // namespace

Result<int64_t> CareRepo::add_note(const CareNoteRecord& r) {
  ll id = 0;
  const ll clinician = r.clinician_user_id, link = r.link_id.value_or(0), t = r.created_at;
  soci::indicator link_ind = r.link_id ? soci::i_ok : soci::i_null;
  auto st = db_.run([&](soci::session& s) {
    s << "INSERT INTO care_notes(clinician_user_id, link_id, body_sealed, created_at) "
         "VALUES(:c, :l, :b, :t) RETURNING id",
        soci::use(clinician), soci::use(link, link_ind), soci::use(r.body_sealed), soci::use(t),
        soci::into(id);
  });
  if (!st) return st.error();
  return static_cast<int64_t>(id);
}

Result<std::vector<CareNoteRecord>> CareRepo::notes(int64_t clinician_user_id, int64_t link_id) {
  if (link_id == 0)
    return select_all<CareNoteRecord>(
        db_, std::string(kNoteColumns) + "WHERE clinician_user_id = :c ORDER BY id DESC", read_note,
        static_cast<ll>(clinician_user_id));
  return select_all<CareNoteRecord>(
      db_,
      std::string(kNoteColumns) + "WHERE clinician_user_id = :c AND link_id = :l ORDER BY id DESC",
      read_note, static_cast<ll>(clinician_user_id), static_cast<ll>(link_id));
}

Result<std::vector<CareNoteRecord>> CareRepo::all_notes() {
  return select_all<CareNoteRecord>(db_, std::string(kNoteColumns) + "ORDER BY id", read_note);
}

Status CareRepo::replace_note_sealed(int64_t note_id, const std::string& sealed) {
  const ll id = note_id;
  return db_.run([&](soci::session& s) {
    s << "UPDATE care_notes SET body_sealed = :b WHERE id = :i", soci::use(sealed), soci::use(id);
  });
}

Status CareRepo::set_last_session(int64_t link_id, const std::string& day) {
  const ll id = link_id;
  return db_.run([&](soci::session& s) {
    s << "UPDATE care_links SET last_session_on = :d WHERE id = :i", soci::use(day), soci::use(id);
  });
}

Result<std::optional<int64_t>> CareRepo::listing_owner(int64_t listing_id) {
  return select_one<int64_t>(
      db_,
      "SELECT owner_user_id FROM directory_listings WHERE id = :i AND owner_user_id IS NOT NULL "
      "AND hidden = 0",
      [](const soci::row& r) { return get_int64(r, 0); }, static_cast<ll>(listing_id));
}

std::vector<Migration> care_migrations() {
  return {{13,
           "connections between clients and their therapists, and the codes that start them",
           {
               "CREATE TABLE care_links ("
               " id {{PK}},"
               " public_id TEXT NOT NULL UNIQUE,"
               " client_user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
               " clinician_user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
               " status TEXT NOT NULL,"
               " created_at BIGINT NOT NULL,"
               " accepted_at BIGINT,"
               " ended_at BIGINT,"
               " ended_by TEXT)",
               "CREATE INDEX care_links_client ON care_links(client_user_id)",
               "CREATE INDEX care_links_clinician ON care_links(clinician_user_id)",
               "CREATE TABLE care_codes ("
               " id {{PK}},"
               " clinician_user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
               " code_hash TEXT NOT NULL UNIQUE,"
               " created_at BIGINT NOT NULL,"
               " expires_at BIGINT NOT NULL,"
               " used_at BIGINT)",
           }},
          {14,
           "measures a therapist asks a client for",
           {
               "CREATE TABLE care_requests ("
               " id {{PK}},"
               " link_id BIGINT NOT NULL REFERENCES care_links(id) ON DELETE CASCADE,"
               " client_user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
               " kind TEXT NOT NULL CHECK (kind IN ('assessment', 'checkin')),"
               " every_weeks INTEGER NOT NULL,"
               " created_at BIGINT NOT NULL,"
               " declined_at BIGINT)",
               "CREATE INDEX care_requests_link ON care_requests(link_id)",
           }},
          {15,
           "therapists' own notes, sealed",
           {
               "CREATE TABLE care_notes ("
               " id {{PK}},"
               " clinician_user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
               " link_id BIGINT REFERENCES care_links(id) ON DELETE SET NULL,"
               " body_sealed TEXT NOT NULL,"
               " created_at BIGINT NOT NULL)",
               "CREATE INDEX care_notes_clinician ON care_notes(clinician_user_id, link_id)",
           }},
          {16,
           "the day a therapist last met their client",
           {
               "ALTER TABLE care_links ADD COLUMN last_session_on TEXT",
           }}};
}

}  // namespace sb::store
