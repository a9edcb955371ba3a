// Rows of grants (a person allows another account one scope of their data) and of the access
// audit (every read or write of someone's data by someone else).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace sb::store {

struct GrantRecord {
  int64_t id = 0;
  int64_t subject_user_id = 0;
  int64_t grantee_user_id = 0;
  std::string scope;
  int64_t granted_at = 0;
  std::optional<int64_t> expires_at;
  std::optional<int64_t> revoked_at;
};

struct AuditRecord {
  int64_t id = 0;
  int64_t subject_user_id = 0;
  std::optional<int64_t> actor_user_id;  // empty once the actor's account is deleted
  std::string actor_label;               // "an administrator", "your clinician" ...
  std::string actor_role;
  std::string grant;  // consent | moderation
  std::string scope;
  std::string object;  // what was read or changed: method and address
  int64_t at = 0;
  std::string address;
};

// An access to a group's data (a child profile, a study) by one of its members.
struct GroupAuditRecord {
  int64_t id = 0;
  std::string group_kind;
  int64_t group_id = 0;
  std::optional<int64_t> actor_user_id;  // empty once the actor's account is deleted
  std::string actor_label, actor_role, scope, object;
  int64_t at = 0;
};

class AccessRepo {
 public:
  explicit AccessRepo(Database& db) : db_(db) {}

  Result<int64_t> create_grant(const GrantRecord& g);
  Status revoke_grant(int64_t grant_id, int64_t subject_user_id, int64_t now);
  // The grant that lets `grantee` use `scope` on `subject` at `now`, if there is one.
  Result<std::optional<GrantRecord>> active_grant(int64_t subject_user_id, int64_t grantee_user_id,
                                                  const std::string& scope, int64_t now);
  Result<std::vector<GrantRecord>> grants_given(int64_t subject_user_id);
  // Every grant from `subject` to `grantee`, oldest first.
  Result<std::vector<GrantRecord>> grants_between(int64_t subject_user_id, int64_t grantee_user_id);
  // Ends the grants of one scope, or of every scope, from `subject` to `grantee` at `now`.
  Status revoke_scope(int64_t subject_user_id, int64_t grantee_user_id, const std::string& scope,
                      int64_t now);
  Status revoke_between(int64_t subject_user_id, int64_t grantee_user_id, int64_t now);

  // Every grant to `grantee`, oldest first.
  Result<std::vector<GrantRecord>> grants_to(int64_t grantee_user_id);
  // Who granted `grantee` `scope`, still in force at `now`.
  Result<std::vector<int64_t>> subjects_granting(int64_t grantee_user_id, const std::string& scope,
                                                 int64_t now);
  Status record(const AuditRecord& r);
  // Several rows in one statement (a page about several people).
  Status record_all(const std::vector<AuditRecord>& records);
  // Newest first.
  Result<std::vector<AuditRecord>> audit_for_subject(int64_t subject_user_id);

  Status record_group(const GroupAuditRecord& r);
  // Newest first, at most `limit` rows.
  Result<std::vector<GroupAuditRecord>> audit_for_group(const std::string& kind, int64_t group_id,
                                                        int limit = 500);
  // What one account opened in groups, newest first (their export).
  Result<std::vector<GroupAuditRecord>> group_audit_by(int64_t actor_user_id);
  // A group's list goes with the group.
  static void erase_group(soci::session& s, const std::string& kind, int64_t group_id);

 private:
  Database& db_;
};

}  // namespace sb::store
