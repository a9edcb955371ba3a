#include "accounts/access_repo.h"

#include <soci/soci.h>

#include <algorithm>

#include "store/errors.h"
#include "store/owned_rows.h"
#include "store/query.h"

namespace sb::store {
namespace {

using ll = long long;

GrantRecord read_grant(const soci::row& r) {
  return {get_int64(r, 0), get_int64(r, 1),      get_int64(r, 2),     r.get<std::string>(3),
          get_int64(r, 4), optional_int64(r, 5), optional_int64(r, 6)};
}

constexpr const char* kGrantColumns =
    "SELECT id, subject_user_id, grantee_user_id, scope, granted_at, expires_at, revoked_at "
    "FROM grants ";

}  // namespace

Result<int64_t> AccessRepo::create_grant(const GrantRecord& g) {
  ll id = 0, subject = g.subject_user_id, grantee = g.grantee_user_id, at = g.granted_at;
  ll expires = g.expires_at.value_or(0);
  soci::indicator expires_ind = g.expires_at ? soci::i_ok : soci::i_null;
  auto st = db_.run([&](soci::session& s) {
    s << "INSERT INTO grants(subject_user_id, grantee_user_id, scope, granted_at, expires_at) "
         "VALUES(:s, :g, :c, :a, :e) RETURNING id",
        soci::use(subject), soci::use(grantee), soci::use(g.scope), soci::use(at),
        soci::use(expires, expires_ind), soci::into(id);
  });
  if (!st) return st.error();
  return static_cast<int64_t>(id);
}

Status AccessRepo::revoke_grant(int64_t grant_id, int64_t subject_user_id, int64_t now) {
  const ll id = grant_id, subject = subject_user_id, t = now;
  return db_.run([&](soci::session& s) {
    s << "UPDATE grants SET revoked_at = :t WHERE id = :i AND subject_user_id = :s AND "
         "revoked_at IS NULL",
        soci::use(t), soci::use(id), soci::use(subject);
  });
}

Result<std::optional<GrantRecord>> AccessRepo::active_grant(int64_t subject_user_id,
                                                            int64_t grantee_user_id,
                                                            const std::string& scope, int64_t now) {
  const ll subject = subject_user_id, grantee = grantee_user_id, t = now;
  return select_one<GrantRecord>(
      db_,
      std::string(kGrantColumns) +
          "WHERE subject_user_id = :s AND grantee_user_id = :g AND scope = :c AND "
          "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > :t)",
      [&](const soci::row& r) -> GrantRecord { return read_grant(r); }, subject, grantee, scope, t);
}

Result<std::vector<GrantRecord>> AccessRepo::grants_given(int64_t subject_user_id) {
  return select_all<GrantRecord>(
      db_, std::string(kGrantColumns) + "WHERE subject_user_id = :u ORDER BY id", read_grant,
      static_cast<ll>(subject_user_id));
}

Result<std::vector<GrantRecord>> AccessRepo::grants_between(int64_t subject_user_id,
                                                            int64_t grantee_user_id) {
  return select_all<GrantRecord>(
      db_,
      std::string(kGrantColumns) +
          "WHERE subject_user_id = :s AND grantee_user_id = :g ORDER BY id",
      read_grant, static_cast<ll>(subject_user_id), static_cast<ll>(grantee_user_id));
}

Status AccessRepo::revoke_scope(int64_t subject_user_id, int64_t grantee_user_id,
                                const std::string& scope, int64_t now) {
  const ll subject = subject_user_id, grantee = grantee_user_id, t = now;
  return db_.run([&](soci::session& s) {
    s << "UPDATE grants SET revoked_at = :t WHERE subject_user_id = :s AND grantee_user_id = :g "
         "AND scope = :c AND revoked_at IS NULL",
        soci::use(t), soci::use(subject), soci::use(grantee), soci::use(scope);
  });
}

Status AccessRepo::revoke_between(int64_t subject_user_id, int64_t grantee_user_id, int64_t now) {
  const ll subject = subject_user_id, grantee = grantee_user_id, t = now;
  return db_.run([&](soci::session& s) {
    s << "UPDATE grants SET revoked_at = :t WHERE subject_user_id = :s AND grantee_user_id = :g "
         "AND revoked_at IS NULL",
        soci::use(t), soci::use(subject), soci::use(grantee);
  });
}

Result<std::vector<GrantRecord>> AccessRepo::grants_to(int64_t grantee_user_id) {
  return select_all<GrantRecord>(
      db_, std::string(kGrantColumns) + "WHERE grantee_user_id = :g ORDER BY id", read_grant,
      static_cast<ll>(grantee_user_id));
}

Result<std::vector<int64_t>> AccessRepo::subjects_granting(int64_t grantee_user_id,
                                                           const std::string& scope, int64_t now) {
  return select_all<int64_t>(
      db_,
      "SELECT DISTINCT subject_user_id FROM grants WHERE grantee_user_id = :g AND scope = :c AND "
      "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > :t)",
      [](const soci::row& r) { return get_int64(r, 0); }, static_cast<ll>(grantee_user_id), scope,
      static_cast<ll>(now));
}

Status AccessRepo::record_all(const std::vector<AuditRecord>& records) {
  // A few rows per statement: one round trip each on PostgreSQL, and few enough named
  // parameters that SQLite's lookup of them (linear in their number) stays cheap.
  constexpr size_t kRowsPerStatement = 25;
  return db_.transaction([&](soci::session& s) {
    for (size_t from = 0; from < records.size(); from += kRowsPerStatement) {
      const size_t n = std::min(kRowsPerStatement, records.size() - from);
      // Bound values must outlive the statement: copies in vectors sized up front.
      std::vector<ll> subjects(n), actors(n), ats(n);
      std::vector<soci::indicator> actor_ind(n);
      std::string sql =
          "INSERT INTO access_audit(subject_user_id, actor_user_id, actor_label, actor_role, "
          "grant_kind, scope, object, at, address) VALUES ";
      soci::statement st(s);
      for (size_t i = 0; i < n; ++i) {
        const auto& r = records[from + i];
        subjects[i] = r.subject_user_id;
        actors[i] = r.actor_user_id.value_or(0);
        actor_ind[i] = r.actor_user_id ? soci::i_ok : soci::i_null;
        ats[i] = r.at;
        const std::string k = std::to_string(i);
        sql += i ? ", (" : "(";
        for (const char* name :
             {":s", ", :a", ", :l", ", :r", ", :g", ", :c", ", :o", ", :t", ", :d"})
          sql.append(name).append(k);
        sql += ')';
        st.exchange(soci::use(subjects[i]));
        st.exchange(soci::use(actors[i], actor_ind[i]));
        st.exchange(soci::use(r.actor_label));
        st.exchange(soci::use(r.actor_role));
        st.exchange(soci::use(r.grant));
        st.exchange(soci::use(r.scope));
        st.exchange(soci::use(r.object));
        st.exchange(soci::use(ats[i]));
        st.exchange(soci::use(r.address));
      }
      st.alloc();
      st.prepare(sql);
      st.define_and_bind();
      st.execute(true);
    }
  });
}

Status AccessRepo::record(const AuditRecord& r) {
  const ll subject = r.subject_user_id, at = r.at;
  ll actor = r.actor_user_id.value_or(0);
  soci::indicator actor_ind = r.actor_user_id ? soci::i_ok : soci::i_null;
  return db_.run([&](soci::session& s) {
    s << "INSERT INTO access_audit(subject_user_id, actor_user_id, actor_label, actor_role, "
         "grant_kind, scope, object, at, address) VALUES(:s, :a, :l, :r, :g, :c, :o, :t, :d)",
        soci::use(subject), soci::use(actor, actor_ind), soci::use(r.actor_label),
        soci::use(r.actor_role), soci::use(r.grant), soci::use(r.scope), soci::use(r.object),
        soci::use(at), soci::use(r.address);
  });
}

Result<std::vector<AuditRecord>> AccessRepo::audit_for_subject(int64_t subject_user_id) {
  const ll subject = subject_user_id;
  return select_all<AuditRecord>(
      db_,
      "SELECT id, subject_user_id, actor_user_id, actor_label, actor_role, grant_kind, scope, "
      "object, at, address FROM access_audit WHERE subject_user_id = :u ORDER BY at DESC, id DESC",
      [](const soci::row& r) {
        return AuditRecord{get_int64(r, 0),       get_int64(r, 1),       optional_int64(r, 2),
                           r.get<std::string>(3), r.get<std::string>(4), r.get<std::string>(5),
                           r.get<std::string>(6), r.get<std::string>(7), get_int64(r, 8),
                           r.get<std::string>(9)};
      },
      subject);
}

namespace {

constexpr const char* kGroupAuditColumns =
    "SELECT id, group_kind, group_id, actor_user_id, actor_label, actor_role, scope, object, at "
    "FROM group_audit ";

GroupAuditRecord read_group_audit(const soci::row& r) {
  return GroupAuditRecord{get_int64(r, 0),       r.get<std::string>(1), get_int64(r, 2),
                          optional_int64(r, 3),  r.get<std::string>(4), r.get<std::string>(5),
                          r.get<std::string>(6), r.get<std::string>(7), get_int64(r, 8)};
}

}  // namespace

Status AccessRepo::record_group(const GroupAuditRecord& r) {
  const ll group = r.group_id, at = r.at;
  ll actor = r.actor_user_id.value_or(0);
  soci::indicator actor_ind = r.actor_user_id ? soci::i_ok : soci::i_null;
  return db_.run([&](soci::session& s) {
    s << "INSERT INTO group_audit(group_kind, group_id, actor_user_id, actor_label, actor_role, "
         "scope, object, at) VALUES(:k, :g, :a, :l, :r, :c, :o, :t)",
        soci::use(r.group_kind), soci::use(group), soci::use(actor, actor_ind),
        soci::use(r.actor_label), soci::use(r.actor_role), soci::use(r.scope), soci::use(r.object),
        soci::use(at);
  });
}

Result<std::vector<GroupAuditRecord>> AccessRepo::audit_for_group(const std::string& kind,
                                                                  int64_t group_id, int limit) {
  return select_all<GroupAuditRecord>(
      db_,
      std::string(kGroupAuditColumns) +
          "WHERE group_kind = :k AND group_id = :g ORDER BY at DESC, id DESC LIMIT :n",
      read_group_audit, kind, static_cast<ll>(group_id), limit);
}

Result<std::vector<GroupAuditRecord>> AccessRepo::group_audit_by(int64_t actor_user_id) {
  return select_all<GroupAuditRecord>(
      db_, std::string(kGroupAuditColumns) + "WHERE actor_user_id = :a ORDER BY at DESC, id DESC",
      read_group_audit, static_cast<ll>(actor_user_id));
}

void AccessRepo::erase_group(soci::session& s, const std::string& kind, int64_t group_id) {
  const ll group = group_id;
  s << "DELETE FROM group_audit WHERE group_kind = :k AND group_id = :g", soci::use(kind),
      soci::use(group);
}

}  // namespace sb::store
