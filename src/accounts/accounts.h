// Accounts, sessions and sign-in throttling: the rules, independent of HTTP.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "accounts/accounts_repo.h"
#include "accounts/crypto.h"
#include "accounts/two_factor.h"
#include "core/clock.h"
#include "core/result.h"

namespace sb::accounts {

inline constexpr int64_t kIdleTimeoutSeconds = 30 * 60;
// Clinicians see other people's data: their sessions end after a shorter pause.
inline constexpr int64_t kClinicianIdleTimeoutSeconds = 15 * 60;
inline constexpr int64_t kAbsoluteTimeoutSeconds = 12 * 60 * 60;
inline constexpr int kMaxAccountFailuresPerHour = 100;
inline constexpr int kFreeFailuresBeforeBackoff = 5;
inline constexpr int kMaxAddressFailuresPerHour = 1000;
inline constexpr int kFreeAddressFailuresBeforeBackoff = 30;
inline constexpr int kFreeSignupsPerAddress = 20;
inline constexpr int kMaxSignupsPerAddressPerHour = 100;
// A sign-up link works for a day; an address gets at most this many sign-up mails an hour, so
// nobody can flood someone's inbox through the form.
inline constexpr int64_t kSignupLinkSeconds = 24 * 60 * 60;
inline constexpr int kSignupMailsPerAddressPerHour = 3;
inline constexpr size_t kMinPasswordLength = 10;
inline constexpr size_t kMaxPasswordLength = 256;

enum class Role { kMember, kClinician, kAdmin };
std::optional<Role> parse_role(const std::string& s);
const char* role_name(Role r);

// Who is making a request, after the session cookie has been checked.
struct Visitor {
  int64_t session_id = 0;  // 0: no session yet
  std::string csrf_token;
  std::optional<int64_t> user_id;
  std::string public_id;
  std::string email;
  Role role = Role::kMember;
  bool two_factor_enabled = false;         // the account has two-factor sign-in
  std::string theme = "system";            // the account's light or dark choice
  bool second_factor = false;              // this session passed it
  int64_t authenticated_at = 0;            // last password or code entered in this session
  std::optional<int64_t> pending_user_id;  // signing in: password right, code still to come
  bool signed_in() const { return user_id.has_value(); }
};

// A freshly issued session: the raw token goes into the cookie and nowhere else.
struct IssuedSession {
  std::string token;
  Visitor visitor;
  // When the device was not known to the account: a new long-lived device token for its
  // cookie (a known device lets its owner past a lock-out others caused).
  std::string new_device_token;
};

// What signing in with a password led to: a session, or the second step.
// What the first step of signing up decided. The page answers the same in every case; only
// the mail differs, and it goes to the address's owner.
struct SignupStep {
  std::string email;      // normalised
  std::string token;      // the link's secret; empty when the address already has an account
  bool send_mail = true;  // false once the address had its sign-up mails for this hour
};

struct SignIn {
  std::optional<IssuedSession> session;
  bool second_factor_needed = false;
};

struct ThrottleState {
  bool throttled = false;
  int64_t retry_after_seconds = 0;
};

class Accounts {
 public:
  Accounts(store::Database& db, const Clock& clock, crypto::PasswordPolicy policy = {})
      : repo_(db), clock_(clock), policy_(policy) {}

  // Resolves a session cookie; expired or unknown tokens give an anonymous Visitor.
  Result<Visitor> resolve(const std::string& token);
  // A new anonymous session, so that a visitor can hold a CSRF token and anonymous work.
  Result<IssuedSession> start_anonymous();

  // `address` is the client's: sign-ups from one address are throttled.
  Result<IssuedSession> sign_up(const std::string& email, const std::string& password,
                                const Visitor& current, const std::string& address,
                                Role role = Role::kMember);
  // Signing up through the pages takes two steps, so that the answer never tells whether an
  // address already has an account: request_sign_up does the same work either way (checks,
  // throttling, a password hash) and says what to mail; the link's token then creates the
  // account in confirm_sign_up.
  Result<SignupStep> request_sign_up(const std::string& email, const std::string& password,
                                     const Visitor& current, const std::string& address);
  Result<IssuedSession> confirm_sign_up(const std::string& token, const Visitor& current);
  // Whether a sign-up link is still good (for the page that asks to confirm it).
  Result<bool> signup_link_valid(const std::string& token);

  // With two-factor on, the password alone only marks the current session as waiting for the
  // code (SignIn::second_factor_needed); complete_second_factor then issues the session.
  // `device_token` is the device cookie's value ("" when none): a device that signed in to this
  // account before is not held back by the account's failure limit (which strangers can run
  // up); the address limit counts failures on unknown e-mail addresses only.
  Result<SignIn> sign_in(const std::string& email, const std::string& password,
                         const std::string& address, const Visitor& current,
                         const std::string& device_token = "");
  Result<IssuedSession> complete_second_factor(const Visitor& current, const std::string& code,
                                               const std::string& address,
                                               const std::string& device_token,
                                               TwoFactor& two_factor);
  // Re-authentication for sensitive steps: the password, or a code when two-factor is on.
  Status reauthenticate(const Visitor& visitor, const std::string& password,
                        const std::string& code, TwoFactor& two_factor);
  // After enrolling in two-factor, the current session counts as having passed it.
  Status mark_second_factor(const Visitor& visitor);
  Status sign_out(const Visitor& visitor);
  // "system" (follow the device), "light" or "dark".
  Status set_theme(const Visitor& visitor, const std::string& theme);
  Status change_password(const Visitor& visitor, const std::string& current_password,
                         const std::string& new_password);
  // Everything stored about the signed-in user, as a JSON document.
  Result<std::string> export_json(const Visitor& visitor);
  // Erases the account; `erase_features` removes every feature's rows in the same transaction.
  Status delete_account(const Visitor& visitor, const std::string& password,
                        const std::function<void(soci::session&)>& erase_features);

  // For the command line: an account created by an operator.
  Result<int64_t> create_user(const std::string& email, const std::string& password, Role role);

  Result<int64_t> count_users() { return repo_.count_users(); }
  store::AccountsRepo& repo() { return repo_; }

  // Called when an anonymous session becomes a signed-in one (sign-up or sign-in), before the
  // old session ends, so features can hand the visitor's anonymous work to the account.
  using AdoptHook = std::function<void(int64_t old_session_id, int64_t user_id)>;
  void on_adopt(AdoptHook hook) { adopt_hook_ = std::move(hook); }

  ThrottleState throttle_state(const std::string& email, const std::string& address);

  // Removes expired sessions and sign-in failures older than the throttling window; run on a
  // schedule by the application. Returns the sessions removed.
  Result<int64_t> prune();

 private:
  Result<IssuedSession> issue(std::optional<int64_t> user_id, const std::string& email, Role role);
  // Throttles sign-ups per address, then hashes the password.
  Result<std::string> throttled_signup_hash(const std::string& password,
                                            const std::string& address);
  Result<IssuedSession> sign_in_as(const store::UserRecord& user, const Visitor& current,
                                   bool second_factor, const std::string& device_token);
  // The account-level limit, unless this device signed in to the account before.
  Result<ThrottleState> account_throttle(const std::string& key,
                                         const std::optional<store::UserRecord>& user,
                                         const std::string& device_token);
  Status check_new_password(const std::string& password);

  store::AccountsRepo repo_;
  const Clock& clock_;
  crypto::PasswordPolicy policy_;
  AdoptHook adopt_hook_;
};

// Normalises and checks an e-mail address; the error names the field "email".
Result<std::string> normalize_email(const std::string& raw);

}  // namespace sb::accounts
