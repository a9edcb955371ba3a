#include "features/family/family_repo.h"

#include <soci/soci.h>

#include "accounts/access_repo.h"
#include "store/errors.h"
#include "store/invites.h"
#include "store/query.h"

namespace sb::store {
namespace {

using ll = long long;

constexpr const char* kChildColumns =
    "SELECT c.id, c.public_id, c.owner_user_id, c.name_sealed, c.birth_date, c.created_at "
    "FROM children c ";

ChildRecord read_child(const soci::row& r) {
  return ChildRecord{get_int64(r, 0),       r.get<std::string>(1), get_int64(r, 2),
                     r.get<std::string>(3), r.get<std::string>(4), get_int64(r, 5)};
}

constexpr const char* kLogColumns =
    "SELECT l.id, l.child_id, l.user_id, COALESCE(u.email, ''), l.at, l.cue, l.responses, l.speed, "
    "l.outcome, l.note_sealed FROM caregiving_log l LEFT JOIN users u ON u.id = l.user_id ";

CareLogRecord read_log(const soci::row& r) {
  return CareLogRecord{get_int64(r, 0),       get_int64(r, 1),       optional_int64(r, 2),
                       r.get<std::string>(3), get_int64(r, 4),       r.get<std::string>(5),
                       r.get<std::string>(6), r.get<std::string>(7), r.get<std::string>(8),
                       r.get<std::string>(9)};
}

}  // namespace

Status FamilyRepo::create_child(const ChildRecord& c) {
  const ll owner = c.owner_user_id, at = c.created_at;
  return db_.transaction([&](soci::session& s) {
    s << "INSERT INTO children(public_id, owner_user_id, name_sealed, birth_date, created_at) "
         "VALUES(:p, :o, :n, :b, :t)",
        soci::use(c.public_id), soci::use(owner), soci::use(c.name_sealed), soci::use(c.birth_date),
        soci::use(at);
    s << "INSERT INTO child_caregivers(child_id, user_id, role, added_at) "
         "SELECT id, :o, 'first', :t FROM children WHERE public_id = :p",
        soci::use(owner), soci::use(at), soci::use(c.public_id);
  });
}

Result<std::vector<std::pair<ChildRecord, std::string>>> FamilyRepo::children_of(int64_t user_id) {
  return select_all<std::pair<ChildRecord, std::string>>(
      db_,
      "SELECT c.id, c.public_id, c.owner_user_id, c.name_sealed, c.birth_date, c.created_at, "
      "g.role FROM children c JOIN child_caregivers g ON g.child_id = c.id WHERE g.user_id = :u "
      "AND g.removed_at IS NULL ORDER BY c.birth_date, c.id",
      [](const soci::row& r) {
        return std::pair{read_child(r), r.get<std::string>(6)};
      },
      static_cast<ll>(user_id));
}

Result<std::optional<ChildRecord>> FamilyRepo::child_by_public_id(const std::string& public_id) {
  return select_one<ChildRecord>(db_, std::string(kChildColumns) + "WHERE c.public_id = :p",
                                 read_child, public_id);
}

Result<std::optional<ChildRecord>> FamilyRepo::child(int64_t id) {
  return select_one<ChildRecord>(db_, std::string(kChildColumns) + "WHERE c.id = :i", read_child,
                                 static_cast<ll>(id));
}

Result<std::vector<CaregiverRecord>> FamilyRepo::caregivers(int64_t child_id) {
  return select_all<CaregiverRecord>(
      db_,
      "SELECT g.user_id, u.public_id, u.email, g.role, g.added_at, g.removed_at "
      "FROM child_caregivers g "
      "JOIN users u ON u.id = g.user_id WHERE g.child_id = :c ORDER BY g.added_at, g.id",
      [](const soci::row& r) {
        return CaregiverRecord{get_int64(r, 0),       r.get<std::string>(1), r.get<std::string>(2),
                               r.get<std::string>(3), get_int64(r, 4),       optional_int64(r, 5)};
      },
      static_cast<ll>(child_id));
}

Status FamilyRepo::add_invite(int64_t child_id, int64_t by_user_id, const std::string& code_hash,
                              int64_t now, int64_t expires_at) {
  const ll child = child_id, by = by_user_id, at = now, until = expires_at;
  return db_.run([&](soci::session& s) {
    s << "INSERT INTO child_invites(child_id, created_by, code_hash, created_at, expires_at) "
         "VALUES(:c, :b, :h, :t, :e)",
        soci::use(child), soci::use(by), soci::use(code_hash), soci::use(at), soci::use(until);
  });
}

Result<std::optional<std::string>> FamilyRepo::use_invite(const std::string& code_hash,
                                                          int64_t user_id, int64_t now) {
  std::optional<std::string> joined;
  const ll user = user_id, at = now;
  auto st = db_.transaction([&](soci::session& s) {
    const auto claimed = claim_invite(s, "child_invites", "child_id", code_hash, user, at);
    if (!claimed) return;
    const ll child = *claimed;
    ll existing = 0;
    soci::indicator had = soci::i_null;
    s << "SELECT id FROM child_caregivers WHERE child_id = :c AND user_id = :u", soci::use(child),
        soci::use(user), soci::into(existing, had);
    if (had == soci::i_ok) {
      s << "UPDATE child_caregivers SET removed_at = NULL, added_at = :t WHERE id = :i AND "
           "removed_at IS NOT NULL",
          soci::use(at), soci::use(existing);
    } else {
      s << "INSERT INTO child_caregivers(child_id, user_id, role, added_at) "
           "VALUES(:c, :u, 'invited', :t)",
          soci::use(child), soci::use(user), soci::use(at);
    }
    std::string public_id;
    s << "SELECT public_id FROM children WHERE id = :c", soci::use(child), soci::into(public_id);
    joined = public_id;
  });
  if (!st) return st.error();
  return joined;
}

Result<bool> FamilyRepo::remove_caregiver(int64_t child_id, int64_t user_id, int64_t now) {
  bool removed = false;
  const ll child = child_id, user = user_id, at = now;
  auto st = db_.run([&](soci::session& s) {
    soci::statement st = (s.prepare << "UPDATE child_caregivers SET removed_at = :t WHERE "
                                       "child_id = :c AND user_id = :u AND removed_at IS NULL "
                                       "AND role <> 'first'",
                          soci::use(at), soci::use(child), soci::use(user));
    st.execute(true);
    removed = st.get_affected_rows() == 1;
  });
  if (!st) return st.error();
  return removed;
}

Status FamilyRepo::add_log(const CareLogRecord& r) {
  const ll child = r.child_id, user = r.user_id.value_or(0), at = r.at;
  return db_.run([&](soci::session& s) {
    s << "INSERT INTO caregiving_log(child_id, user_id, at, cue, responses, speed, outcome, "
         "note_sealed) VALUES(:c, :u, :t, :q, :r, :s, :o, :n)",
        soci::use(child), soci::use(user), soci::use(at), soci::use(r.cue), soci::use(r.responses),
        soci::use(r.speed), soci::use(r.outcome), soci::use(r.note_sealed);
  });
}

Result<std::vector<CareLogRecord>> FamilyRepo::logs(int64_t child_id, int64_t from, int64_t to) {
  return select_all<CareLogRecord>(
      db_,
      std::string(kLogColumns) +
          "WHERE l.child_id = :c AND l.at >= :f AND l.at < :t ORDER BY l.at, l.id",
      read_log, static_cast<ll>(child_id), static_cast<ll>(from), static_cast<ll>(to));
}

Status FamilyRepo::add_check(const SignCheckRecord& r) {
  const ll child = r.child_id, user = r.user_id;
  return db_.run([&](soci::session& s) {
    s << "INSERT INTO sign_checks(child_id, user_id, checked_on, stage, answers) "
         "VALUES(:c, :u, :d, :s, :a)",
        soci::use(child), soci::use(user), soci::use(r.checked_on), soci::use(r.stage),
        soci::use(r.answers);
  });
}

Result<std::vector<SignCheckRecord>> FamilyRepo::checks(int64_t child_id) {
  return select_all<SignCheckRecord>(
      db_,
      "SELECT k.id, k.child_id, k.user_id, COALESCE(u.email, ''), k.checked_on, k.stage, "
      "k.answers FROM sign_checks k LEFT JOIN users u ON u.id = k.user_id WHERE k.child_id = :c "
      "ORDER BY k.checked_on, k.id",
      [](const soci::row& r) {
        return SignCheckRecord{get_int64(r, 0),       get_int64(r, 1),       get_int64(r, 2),
                               r.get<std::string>(3), r.get<std::string>(4), r.get<std::string>(5),
                               r.get<std::string>(6)};
      },
      static_cast<ll>(child_id));
}

Result<std::vector<ChildRecord>> FamilyRepo::all_children() {
  return select_all<ChildRecord>(db_, std::string(kChildColumns) + "ORDER BY c.id", read_child);
}

Result<std::vector<CareLogRecord>> FamilyRepo::all_notes() {
  return select_all<CareLogRecord>(
      db_, std::string(kLogColumns) + "WHERE l.note_sealed <> '' ORDER BY l.id", read_log);
}

Status FamilyRepo::replace_name(int64_t child_id, const std::string& sealed) {
  const ll id = child_id;
  return db_.run([&](soci::session& s) {
    s << "UPDATE children SET name_sealed = :n WHERE id = :i", soci::use(sealed), soci::use(id);
  });
}

Status FamilyRepo::replace_note(int64_t log_id, const std::string& sealed) {
  const ll id = log_id;
  return db_.run([&](soci::session& s) {
    s << "UPDATE caregiving_log SET note_sealed = :n WHERE id = :i", soci::use(sealed),
        soci::use(id);
  });
}

void FamilyRepo::erase_user(soci::session& s, int64_t user_id) {
  const ll uid = user_id;
  s << "DELETE FROM caregiving_log WHERE user_id = :u", soci::use(uid);
  s << "DELETE FROM sign_checks WHERE user_id = :u", soci::use(uid);
  s << "DELETE FROM child_invites WHERE created_by = :u", soci::use(uid);
  s << "UPDATE child_invites SET used_by = NULL WHERE used_by = :u", soci::use(uid);
  // The children this person was first caregiver of: to the longest-standing other caregiver.
  std::vector<ll> owned;
  {
    ll id = 0;
    soci::statement st = (s.prepare << "SELECT id FROM children WHERE owner_user_id = :u",
                          soci::use(uid), soci::into(id));
    st.execute();
    while (st.fetch()) owned.push_back(id);
  }
  for (const ll child : owned) {
    ll next = 0;
    soci::indicator ind = soci::i_null;
    s << "SELECT user_id FROM child_caregivers WHERE child_id = :c AND user_id <> :u AND "
         "removed_at IS NULL ORDER BY added_at, id LIMIT 1",
        soci::use(child), soci::use(uid), soci::into(next, ind);
    if (ind == soci::i_ok) {
      s << "UPDATE children SET owner_user_id = :n WHERE id = :c", soci::use(next),
          soci::use(child);
      s << "UPDATE child_caregivers SET role = 'first' WHERE child_id = :c AND user_id = :n",
          soci::use(child), soci::use(next);
    } else {
      // Nobody else cares for this child here: the profile goes, with everything about it.
      s << "DELETE FROM caregiving_log WHERE child_id = :c", soci::use(child);
      s << "DELETE FROM sign_checks WHERE child_id = :c", soci::use(child);
      s << "DELETE FROM child_invites WHERE child_id = :c", soci::use(child);
      s << "DELETE FROM child_caregivers WHERE child_id = :c", soci::use(child);
      AccessRepo::erase_group(s, "child", child);
      s << "DELETE FROM children WHERE id = :c", soci::use(child);
    }
  }
  s << "DELETE FROM child_caregivers WHERE user_id = :u", soci::use(uid);
}

}  // namespace sb::store
