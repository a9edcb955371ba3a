#include "features/studies/study_repo.h"

#include <soci/soci.h>

#include "accounts/access_repo.h"
#include "store/errors.h"
#include "store/invites.h"
#include "store/query.h"

namespace sb::store {
namespace {

using ll = long long;

constexpr const char* kStudyColumns =
    "SELECT s.id, s.public_id, s.name, s.owner_user_id, s.created_at FROM studies s ";

StudyRecord read_study(const soci::row& r) {
  return StudyRecord{get_int64(r, 0), r.get<std::string>(1), r.get<std::string>(2), get_int64(r, 3),
                     get_int64(r, 4)};
}

}  // namespace

Status StudyRepo::create(const StudyRecord& st) {
  const ll owner = st.owner_user_id, at = st.created_at;
  return db_.transaction([&](soci::session& s) {
    s << "INSERT INTO studies(public_id, name, owner_user_id, created_at) VALUES(:p, :n, :o, :t)",
        soci::use(st.public_id), soci::use(st.name), soci::use(owner), soci::use(at);
    s << "INSERT INTO study_members(study_id, user_id, role, label, added_at) "
         "SELECT id, :o, 'owner', 'owner', :t FROM studies WHERE public_id = :p",
        soci::use(owner), soci::use(at), soci::use(st.public_id);
  });
}

Result<std::vector<std::pair<StudyRecord, std::string>>> StudyRepo::studies_of(int64_t user_id) {
  return select_all<std::pair<StudyRecord, std::string>>(
      db_,
      "SELECT s.id, s.public_id, s.name, s.owner_user_id, s.created_at, m.role FROM studies s "
      "JOIN study_members m ON m.study_id = s.id WHERE m.user_id = :u ORDER BY s.created_at, s.id",
      [](const soci::row& r) {
        return std::pair{read_study(r), r.get<std::string>(5)};
      },
      static_cast<ll>(user_id));
}

Result<std::optional<StudyRecord>> StudyRepo::by_public_id(const std::string& public_id) {
  return select_one<StudyRecord>(db_, std::string(kStudyColumns) + "WHERE s.public_id = :p",
                                 read_study, public_id);
}

Result<std::optional<StudyRecord>> StudyRepo::by_id(int64_t id) {
  return select_one<StudyRecord>(db_, std::string(kStudyColumns) + "WHERE s.id = :i", read_study,
                                 static_cast<ll>(id));
}

Result<std::vector<StudyMemberRecord>> StudyRepo::members(int64_t study_id) {
  return select_all<StudyMemberRecord>(
      db_,
      "SELECT m.user_id, u.email, m.role, m.label FROM study_members m JOIN users u ON u.id = "
      "m.user_id WHERE m.study_id = :s ORDER BY m.added_at, m.id",
      [](const soci::row& r) {
        return StudyMemberRecord{get_int64(r, 0), r.get<std::string>(1), r.get<std::string>(2),
                                 r.get<std::string>(3)};
      },
      static_cast<ll>(study_id));
}

Status StudyRepo::add_invite(int64_t study_id, int64_t by, const std::string& hash, int64_t now,
                             int64_t expires) {
  const ll study = study_id, user = by, at = now, until = expires;
  return db_.run([&](soci::session& s) {
    s << "INSERT INTO study_invites(study_id, created_by, code_hash, created_at, expires_at) "
         "VALUES(:s, :b, :h, :t, :e)",
        soci::use(study), soci::use(user), soci::use(hash), soci::use(at), soci::use(until);
  });
}

Result<std::optional<std::string>> StudyRepo::use_invite(const std::string& hash, int64_t user_id,
                                                         int64_t now) {
  std::optional<std::string> joined;
  const ll user = user_id, at = now;
  auto st = db_.transaction([&](soci::session& s) {
    const auto claimed = claim_invite(s, "study_invites", "study_id", hash, user, at);
    if (!claimed) return;
    const ll study = *claimed;
    ll already = 0;
    s << "SELECT COUNT(*) FROM study_members WHERE study_id = :s AND user_id = :u",
        soci::use(study), soci::use(user), soci::into(already);
    if (already == 0) {
      ll coders = 0;
      s << "SELECT COUNT(*) FROM study_members WHERE study_id = :s AND role = 'coder'",
          soci::use(study), soci::into(coders);
      const std::string label = "coder " + std::to_string(coders + 1);
      s << "INSERT INTO study_members(study_id, user_id, role, label, added_at) "
           "VALUES(:s, :u, 'coder', :l, :t)",
          soci::use(study), soci::use(user), soci::use(label), soci::use(at);
    }
    std::string public_id;
    s << "SELECT public_id FROM studies WHERE id = :s", soci::use(study), soci::into(public_id);
    joined = public_id;
  });
  if (!st) return st.error();
  return joined;
}

Status StudyRepo::add_session(int64_t study_id, const std::string& public_id,
                              const std::string& participant, int64_t now) {
  const ll study = study_id, at = now;
  bool taken = false;
  auto st = db_.transaction([&](soci::session& s) {
    ll n = 0;
    s << "SELECT COUNT(*) FROM study_sessions WHERE study_id = :s AND participant = :p",
        soci::use(study), soci::use(participant), soci::into(n);
    if (n > 0) {
      taken = true;
      return;
    }
    s << "INSERT INTO study_sessions(public_id, study_id, participant, created_at, final_code) "
         "VALUES(:i, :s, :p, :t, '')",
        soci::use(public_id), soci::use(study), soci::use(participant), soci::use(at);
  });
  if (!st) return st.error();
  if (taken)
    return Error{ErrorCode::kInvalidArgument,
                 "This study already has a session for " + participant + ".", "participant"};
  return ok_status();
}

Result<std::vector<StudySessionRecord>> StudyRepo::sessions(int64_t study_id) {
  return select_all<StudySessionRecord>(
      db_,
      "SELECT id, public_id, participant, created_at, final_code FROM study_sessions WHERE "
      "study_id = :s ORDER BY participant",
      [](const soci::row& r) {
        return StudySessionRecord{get_int64(r, 0), r.get<std::string>(1), r.get<std::string>(2),
                                  get_int64(r, 3), r.get<std::string>(4)};
      },
      static_cast<ll>(study_id));
}

Status StudyRepo::set_final(int64_t session_id, const std::string& code, int64_t by, int64_t now) {
  const ll id = session_id, user = by, at = now;
  return db_.run([&](soci::session& s) {
    s << "UPDATE study_sessions SET final_code = :c, finalised_by = :u, finalised_at = :t WHERE "
         "id = :i",
        soci::use(code), soci::use(user), soci::use(at), soci::use(id);
  });
}

Status StudyRepo::put_code(const StudyCodeRecord& c) {
  const ll session = c.session_id, coder = c.coder_user_id, at = c.submitted_at;
  return db_.transaction([&](soci::session& s) {
    s << "DELETE FROM study_codes WHERE session_id = :s AND coder_user_id = :c", soci::use(session),
        soci::use(coder);
    s << "INSERT INTO study_codes(session_id, coder_user_id, code, submitted_at) "
         "VALUES(:s, :c, :j, :t)",
        soci::use(session), soci::use(coder), soci::use(c.code), soci::use(at);
  });
}

Result<std::vector<StudyCodeRecord>> StudyRepo::codes(int64_t study_id) {
  return select_all<StudyCodeRecord>(
      db_,
      "SELECT c.session_id, c.coder_user_id, c.code, c.submitted_at FROM study_codes c JOIN "
      "study_sessions s ON s.id = c.session_id WHERE s.study_id = :s ORDER BY c.session_id, "
      "c.coder_user_id",
      [](const soci::row& r) {
        return StudyCodeRecord{get_int64(r, 0), get_int64(r, 1), r.get<std::string>(2),
                               get_int64(r, 3)};
      },
      static_cast<ll>(study_id));
}

void StudyRepo::erase_user(soci::session& s, int64_t user_id) {
  const ll uid = user_id;
  s << "DELETE FROM study_codes WHERE coder_user_id = :u", soci::use(uid);
  s << "DELETE FROM study_invites WHERE created_by = :u", soci::use(uid);
  s << "UPDATE study_invites SET used_by = NULL WHERE used_by = :u", soci::use(uid);
  s << "UPDATE study_sessions SET finalised_by = NULL WHERE finalised_by = :u", soci::use(uid);
  s << "DELETE FROM study_members WHERE user_id = :u AND role <> 'owner'", soci::use(uid);
  // A study goes with its owner, with its sessions, codes and access list.
  std::vector<ll> owned;
  {
    ll id = 0;
    soci::statement st = (s.prepare << "SELECT id FROM studies WHERE owner_user_id = :u",
                          soci::use(uid), soci::into(id));
    st.execute();
    while (st.fetch()) owned.push_back(id);
  }
  for (const ll study : owned) {
    s << "DELETE FROM study_codes WHERE session_id IN (SELECT id FROM study_sessions WHERE "
         "study_id = :s)",
        soci::use(study);
    s << "DELETE FROM study_sessions WHERE study_id = :s", soci::use(study);
    s << "DELETE FROM study_invites WHERE study_id = :s", soci::use(study);
    s << "DELETE FROM study_members WHERE study_id = :s", soci::use(study);
    AccessRepo::erase_group(s, "study", study);
    s << "DELETE FROM studies WHERE id = :s", soci::use(study);
  }
}

}  // namespace sb::store
