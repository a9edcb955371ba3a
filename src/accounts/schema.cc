#include "accounts/schema.h"

namespace sb::accounts {

std::vector<store::Migration> migrations() {
  return {
      {1,
       "accounts and sessions",
       {
           "CREATE TABLE users ("
           " id {{PK}},"
           " email TEXT NOT NULL UNIQUE,"
           " password_hash TEXT NOT NULL,"
           " role TEXT NOT NULL CHECK (role IN ('member','clinician','admin')),"
           " created_at BIGINT NOT NULL,"
           " password_changed_at BIGINT NOT NULL)",
           "CREATE TABLE sessions ("
           " id {{PK}},"
           " token_hash TEXT NOT NULL UNIQUE,"
           " csrf_token TEXT NOT NULL,"
           " user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,"
           " created_at BIGINT NOT NULL,"
           " last_seen_at BIGINT NOT NULL)",
           "CREATE INDEX sessions_user ON sessions(user_id)",
           "CREATE TABLE login_failures ("
           " id {{PK}},"
           " account_key TEXT NOT NULL,"
           " address TEXT NOT NULL,"
           " at BIGINT NOT NULL)",
           "CREATE INDEX login_failures_account ON login_failures(account_key, at)",
           "CREATE INDEX login_failures_address ON login_failures(address, at)",
       }},
      {7,
       "public ids, two-factor, grants and the access audit",
       {
           "ALTER TABLE users ADD COLUMN public_id TEXT",
           "UPDATE users SET public_id = {{RANDOM_ID}}",
           "CREATE UNIQUE INDEX users_public_id ON users(public_id)",
           "ALTER TABLE users ADD COLUMN totp_sealed TEXT",
           "ALTER TABLE users ADD COLUMN totp_pending_sealed TEXT",
           "ALTER TABLE users ADD COLUMN totp_enabled_at BIGINT",
           "ALTER TABLE users ADD COLUMN totp_last_step BIGINT",
           // One statement over two lines, not a missing comma:
           // NOLINTNEXTLINE(bugprone-suspicious-missing-comma)
           "ALTER TABLE sessions ADD COLUMN pending_user_id BIGINT REFERENCES users(id) ON DELETE "
           "CASCADE",
           "ALTER TABLE sessions ADD COLUMN second_factor_at BIGINT",
           "ALTER TABLE sessions ADD COLUMN authenticated_at BIGINT NOT NULL DEFAULT 0",
           "CREATE TABLE recovery_codes ("
           " id {{PK}},"
           " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
           " code_hash TEXT NOT NULL,"
           " created_at BIGINT NOT NULL,"
           " used_at BIGINT)",
           "CREATE INDEX recovery_codes_user ON recovery_codes(user_id)",
           "CREATE TABLE grants ("
           " id {{PK}},"
           " subject_user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
           " grantee_user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
           " scope TEXT NOT NULL,"
           " granted_at BIGINT NOT NULL,"
           " expires_at BIGINT,"
           " revoked_at BIGINT)",
           "CREATE INDEX grants_subject ON grants(subject_user_id, grantee_user_id, scope)",
           "CREATE TABLE access_audit ("
           " id {{PK}},"
           " subject_user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
           " actor_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,"
           " actor_label TEXT NOT NULL,"
           " actor_role TEXT NOT NULL,"
           " grant_kind TEXT NOT NULL,"
           " scope TEXT NOT NULL,"
           " object TEXT NOT NULL,"
           " at BIGINT NOT NULL,"
           " address TEXT NOT NULL)",
           "CREATE INDEX access_audit_subject ON access_audit(subject_user_id, at)",
       }},
      {8,
       "the data key the store's sealed data is under",
       {
           "CREATE TABLE data_key ("
           " only_row INTEGER PRIMARY KEY CHECK (only_row = 1),"
           " key_id TEXT NOT NULL,"
           " recorded_at BIGINT NOT NULL)",
       }},
      {9,
       "devices that signed in before",
       {
           "CREATE TABLE known_devices ("
           " id {{PK}},"
           " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
           " token_hash TEXT NOT NULL UNIQUE,"
           " created_at BIGINT NOT NULL,"
           " last_used_at BIGINT NOT NULL)",
           "CREATE INDEX known_devices_user ON known_devices(user_id)",
       }},
      {10,
       "sign-ups waiting for their e-mail link",
       {
           "CREATE TABLE signup_requests ("
           " id {{PK}},"
           " token_hash TEXT NOT NULL UNIQUE,"
           " email TEXT NOT NULL,"
           " password_hash TEXT NOT NULL,"
           " anonymous_session_id BIGINT,"
           " created_at BIGINT NOT NULL,"
           " expires_at BIGINT NOT NULL)",
           "CREATE INDEX signup_requests_expiry ON signup_requests(expires_at)",
       }},
      {12,
       "each account's choice of light or dark pages",
       {
           "ALTER TABLE users ADD COLUMN theme TEXT NOT NULL DEFAULT 'system'",
       }},
      {17,
       "the access lists of groups several accounts share (child profiles, studies)",
       {
           "CREATE TABLE group_audit ("
           " id {{PK}},"
           " group_kind TEXT NOT NULL,"
           " group_id BIGINT NOT NULL,"
           " actor_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,"
           " actor_label TEXT NOT NULL,"
           " actor_role TEXT NOT NULL,"
           " scope TEXT NOT NULL,"
           " object TEXT NOT NULL,"
           " at BIGINT NOT NULL)",
           "CREATE INDEX group_audit_group ON group_audit(group_kind, group_id, at)",
           "CREATE INDEX group_audit_actor ON group_audit(actor_user_id)",
       }},
  };
}

}  // namespace sb::accounts
