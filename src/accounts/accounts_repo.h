// Rows of accounts, sessions and sign-in failures.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace sb::store {

struct UserRecord {
  int64_t id = 0;
  std::string public_id;  // how pages name a person to others (admins, clinicians)
  std::string email;
  std::string password_hash;
  std::string role;
  int64_t created_at = 0;
  int64_t password_changed_at = 0;
  bool two_factor = false;       // a TOTP secret is enabled
  std::string theme = "system";  // system, light or dark
};

struct SessionRecord {
  int64_t id = 0;
  std::string token_hash;
  std::string csrf_token;
  std::optional<int64_t> user_id;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  std::optional<int64_t> pending_user_id;  // password given, second factor still to come
  std::optional<int64_t> second_factor_at;
  int64_t authenticated_at = 0;  // last time a password or code was entered in this session
};

struct SignupRequestRecord {
  std::string token_hash;
  std::string email;
  std::string password_hash;
  std::optional<int64_t> anonymous_session_id;  // whose anonymous work to keep
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

class AccountsRepo {
 public:
  explicit AccountsRepo(Database& db) : db_(db) {}

  Result<int64_t> create_user(const std::string& email, const std::string& password_hash,
                              const std::string& role, int64_t now);
  Result<std::optional<UserRecord>> find_user_by_email(const std::string& email);
  Result<std::optional<UserRecord>> find_user(int64_t id);
  Result<std::optional<UserRecord>> find_user_by_public_id(const std::string& public_id);
  // Newest first, at most `limit`.
  Result<std::vector<UserRecord>> list_users(int limit);
  Status update_password(int64_t user_id, const std::string& password_hash, int64_t now);
  Status set_theme(int64_t user_id, const std::string& theme);
  // Erases the user and every row that belongs to it, in one transaction: first what
  // `erase_features` removes (every feature's rows), then the account's own rows.
  Status delete_user(int64_t user_id, const std::function<void(soci::session&)>& erase_features);
  Result<int64_t> count_users();

  Result<int64_t> create_session(const std::string& token_hash, const std::string& csrf_token,
                                 std::optional<int64_t> user_id, int64_t now);
  Result<std::optional<SessionRecord>> find_session(const std::string& token_hash);
  // Marks a new session as having passed the second factor (at sign-in or enrolment).
  Status set_second_factor(int64_t session_id, int64_t now);
  Status set_pending_user(int64_t session_id, std::optional<int64_t> user_id);
  Status set_authenticated(int64_t session_id, int64_t now);
  Status touch_session(int64_t session_id, int64_t now);
  Status delete_session(int64_t session_id);
  // Signs the user out everywhere except the session to keep (0 keeps none).
  Status delete_user_sessions(int64_t user_id, int64_t keep_session_id);
  Result<std::vector<SessionRecord>> user_sessions(int64_t user_id);

  Status record_login_failure(const std::string& account_key, const std::string& address,
                              int64_t now);
  // Failures since `since`, newest first (their times).
  Result<std::vector<int64_t>> failures_for_account(const std::string& account_key, int64_t since);
  Result<std::vector<int64_t>> failures_for_address(const std::string& address, int64_t since);
  Status clear_login_failures(const std::string& account_key);
  Status prune_login_failures(int64_t before);
  // Devices (a long-lived cookie) that signed in to the account before.
  Status add_device(int64_t user_id, const std::string& token_hash, int64_t now);
  // True (and its last use recorded) when the device signed in to this account before.
  Result<bool> touch_device(int64_t user_id, const std::string& token_hash, int64_t now);
  // When each known device first and last signed in: (created_at, last_used_at).
  Result<std::vector<std::pair<int64_t, int64_t>>> devices(int64_t user_id);
  // Sessions idle since `idle_before` or started before `started_before`; returns how many.
  Result<int64_t> prune_sessions(int64_t idle_before, int64_t started_before);

  // Sign-ups waiting for the link sent to their address (at most one live per address).
  Status add_signup_request(const SignupRequestRecord& r);
  Result<std::optional<SignupRequestRecord>> take_signup_request(const std::string& token_hash,
                                                                 int64_t now);
  Result<bool> signup_request_exists(const std::string& token_hash, int64_t now);
  Status prune_signup_requests(int64_t now);

 private:
  Database& db_;
};

}  // namespace sb::store
