#include "accounts/accounts.h"

#include <algorithm>
#include <boost/json.hpp>

#include "core/strings.h"

namespace sb::accounts {
namespace {

Error unauthenticated() { return Error{ErrorCode::kUnauthenticated, "please sign in first", ""}; }

int64_t backoff_seconds(size_t failures, size_t free_failures) {
  if (failures < free_failures) return 0;
  // 1 s after the first failure past the free ones, doubling each time, at most an hour.
  const size_t exponent = std::min<size_t>(failures - free_failures, 12);
  return std::min<int64_t>(int64_t{1} << exponent, 3600);
}

ThrottleState throttle_from(const std::vector<int64_t>& recent, size_t free_failures,
                            size_t hourly_limit, int64_t now) {
  ThrottleState state;
  if (recent.empty()) return state;
  if (recent.size() >= hourly_limit) {
    // The oldest failure still counted leaves the window first.
    state.throttled = true;
    state.retry_after_seconds = std::max<int64_t>(1, recent.back() + 3600 - now);
    return state;
  }
  const int64_t wait = backoff_seconds(recent.size(), free_failures);
  const int64_t until = recent.front() + wait;
  if (wait > 0 && now < until) {
    state.throttled = true;
    state.retry_after_seconds = until - now;
  }
  return state;
}

}  // namespace

std::optional<Role> parse_role(const std::string& s) {
  if (s == "member") return Role::kMember;
  if (s == "clinician") return Role::kClinician;
  if (s == "admin") return Role::kAdmin;
  return std::nullopt;
}

const char* role_name(Role r) {
  switch (r) {
    case Role::kMember:
      return "member";
    case Role::kClinician:
      return "clinician";
    case Role::kAdmin:
      return "admin";
  }
  return "member";
}

Result<std::string> normalize_email(const std::string& raw) {
  std::string email = to_lower(trim(raw));
  if (email.empty()) return invalid("email", "Please enter your e-mail address.");
  const auto at = email.find('@');
  if (email.size() > 254 || at == std::string::npos || at == 0 || at != email.rfind('@') ||
      email.find('.', at) == std::string::npos || email.back() == '.' ||
      email.find_first_of(" \t\r\n<>\"") != std::string::npos) {
    return invalid("email", "That does not look like an e-mail address (name@example.org).");
  }
  return email;
}

Status Accounts::check_new_password(const std::string& password) {
  if (password.size() < kMinPasswordLength) {
    return invalid("password", "Please choose a password of at least " +
                                   std::to_string(kMinPasswordLength) + " characters.");
  }
  if (password.size() > kMaxPasswordLength) {
    return invalid("password", "Please choose a password of at most " +
                                   std::to_string(kMaxPasswordLength) + " characters.");
  }
  return ok_status();
}

Result<IssuedSession> Accounts::issue(std::optional<int64_t> user_id, const std::string& email,
                                      Role role) {
  IssuedSession issued;
  issued.token = crypto::random_token(32);  // 256 bits
  issued.visitor.csrf_token = crypto::random_token(32);
  auto id = repo_.create_session(crypto::sha256_hex(issued.token), issued.visitor.csrf_token,
                                 user_id, clock_.now());
  if (!id) return id.error();
  issued.visitor.session_id = *id;
  issued.visitor.user_id = user_id;
  issued.visitor.email = email;
  issued.visitor.role = role;
  return issued;
}

Result<Visitor> Accounts::resolve(const std::string& token) {
  Visitor anonymous;
  if (token.empty() || token.size() > 128) return anonymous;
  auto found = repo_.find_session(crypto::sha256_hex(token));
  if (!found) return found.error();
  if (!found->has_value()) return anonymous;
  const store::SessionRecord& s = **found;
  const int64_t now = clock_.now();
  if (now - s.last_seen_at > kIdleTimeoutSeconds || now - s.created_at > kAbsoluteTimeoutSeconds) {
    auto st = repo_.delete_session(s.id);
    if (!st) return st.error();
    return anonymous;
  }
  // Writing on every request would make each page view a write; a minute's slack is harmless.
  if (now - s.last_seen_at >= 60) {
    auto st = repo_.touch_session(s.id, now);
    if (!st) return st.error();
  }
  Visitor v;
  v.session_id = s.id;
  v.csrf_token = s.csrf_token;
  v.authenticated_at = s.authenticated_at;
  v.pending_user_id = s.pending_user_id;
  if (s.user_id) {
    auto user = repo_.find_user(*s.user_id);
    if (!user) return user.error();
    if (!user->has_value()) return anonymous;
    if ((*user)->role == role_name(Role::kClinician) &&
        now - s.last_seen_at > kClinicianIdleTimeoutSeconds) {
      if (auto st = repo_.delete_session(s.id); !st) return st.error();
      return anonymous;
    }
    v.user_id = (*user)->id;
    v.public_id = (*user)->public_id;
    v.email = (*user)->email;
    v.role = parse_role((*user)->role).value_or(Role::kMember);
    v.two_factor_enabled = (*user)->two_factor;
    v.second_factor = (*user)->two_factor && s.second_factor_at.has_value();
    v.theme = (*user)->theme;
  }
  return v;
}

Status Accounts::set_theme(const Visitor& visitor, const std::string& theme) {
  if (!visitor.user_id) return Error{ErrorCode::kPermissionDenied, "not signed in", "theme"};
  if (theme != "system" && theme != "light" && theme != "dark")
    return Error{ErrorCode::kInvalidArgument, "Choose light, dark or your device's setting.",
                 "theme"};
  return repo_.set_theme(*visitor.user_id, theme);
}

Result<IssuedSession> Accounts::start_anonymous() { return issue(std::nullopt, "", Role::kMember); }

Result<IssuedSession> Accounts::sign_up(const std::string& raw_email, const std::string& password,
                                        const Visitor& current, const std::string& address,
                                        Role role) {
  auto email = normalize_email(raw_email);
  if (!email) return email.error();
  if (auto st = check_new_password(password); !st) return st.error();
  auto hash = throttled_signup_hash(password, address);
  if (!hash) return hash.error();
  auto id = repo_.create_user(*email, *hash, role_name(role), clock_.now());
  if (!id) {
    if (id.error().code == ErrorCode::kAlreadyExists) {
      return invalid("email",
                     "An account with this e-mail address already exists. Sign in instead.");
    }
    return id.error();
  }
  // A new token on every change of identity, so a planted cookie never becomes a signed-in one.
  auto issued = issue(*id, *email, role);
  if (issued && current.session_id != 0) {
    if (adopt_hook_) adopt_hook_(current.session_id, *id);
    (void)repo_.delete_session(current.session_id);
  }
  return issued;
}

Result<std::string> Accounts::throttled_signup_hash(const std::string& password,
                                                    const std::string& address) {
  // Every sign-up costs a password hash: from one address, a few an hour are free, then each
  // waits longer, like sign-in failures (kept apart from them under their own address key).
  const std::string signup_key = "signup:" + address;
  const int64_t now = clock_.now();
  auto recent = repo_.failures_for_address(signup_key, now - 3600);
  if (!recent) return recent.error();
  auto throttle = throttle_from(*recent, kFreeSignupsPerAddress, kMaxSignupsPerAddressPerHour, now);
  if (throttle.throttled) {
    return Error{ErrorCode::kThrottled,
                 "Too many new accounts from here. Please wait " +
                     std::to_string(throttle.retry_after_seconds) + " seconds and try again.",
                 std::to_string(throttle.retry_after_seconds)};
  }
  if (auto st = repo_.record_login_failure("signup", signup_key, now); !st) return st.error();
  return crypto::hash_password(password, policy_);
}

Result<SignupStep> Accounts::request_sign_up(const std::string& raw_email,
                                             const std::string& password, const Visitor& current,
                                             const std::string& address) {
  auto email = normalize_email(raw_email);
  if (!email) return email.error();
  if (auto st = check_new_password(password); !st) return st.error();
  // The hash is made whether or not the address is taken, so the time taken does not tell.
  auto hash = throttled_signup_hash(password, address);
  if (!hash) return hash.error();
  const int64_t now = clock_.now();
  SignupStep step;
  step.email = *email;
  const std::string mail_key = "mail:" + *email;
  auto mailed = repo_.failures_for_address(mail_key, now - 3600);
  if (!mailed) return mailed.error();
  step.send_mail = static_cast<int>(mailed->size()) < kSignupMailsPerAddressPerHour;
  if (step.send_mail) {
    if (auto st = repo_.record_login_failure("mail", mail_key, now); !st) return st.error();
  }
  auto existing = repo_.find_user_by_email(*email);
  if (!existing) return existing.error();
  if (existing->has_value()) return step;  // nothing to store: the mail says to sign in
  step.token = crypto::random_token(32);
  store::SignupRequestRecord r;
  r.token_hash = crypto::sha256_hex(step.token);
  r.email = *email;
  r.password_hash = *hash;
  if (current.session_id != 0) r.anonymous_session_id = current.session_id;
  r.created_at = now;
  r.expires_at = now + kSignupLinkSeconds;
  if (auto st = repo_.add_signup_request(r); !st) return st.error();
  return step;
}

Result<bool> Accounts::signup_link_valid(const std::string& token) {
  return repo_.signup_request_exists(crypto::sha256_hex(token), clock_.now());
}

Result<IssuedSession> Accounts::confirm_sign_up(const std::string& token, const Visitor& current) {
  auto request = repo_.take_signup_request(crypto::sha256_hex(token), clock_.now());
  if (!request) return request.error();
  if (!request->has_value()) {
    return Error{ErrorCode::kNotFound,
                 "This link has expired or has been used. Please sign up again.", ""};
  }
  const auto& r = **request;
  auto id = repo_.create_user(r.email, r.password_hash, role_name(Role::kMember), clock_.now());
  if (!id) {
    if (id.error().code == ErrorCode::kAlreadyExists) {
      return Error{ErrorCode::kAlreadyExists,
                   "This address has an account already. Please sign in.", ""};
    }
    return id.error();
  }
  auto issued = issue(*id, r.email, Role::kMember);
  if (!issued) return issued;
  // Work done before signing up is kept: this browser's, and the one that asked for the link.
  for (int64_t session : {current.session_id, r.anonymous_session_id.value_or(0)}) {
    if (session == 0) continue;
    if (adopt_hook_) adopt_hook_(session, *id);
    (void)repo_.delete_session(session);
  }
  return issued;
}

namespace {
// Failures on e-mail addresses that have no account are kept under their own address key: only
// those count toward an address's limit, so someone guessing one person's password cannot lock
// out everybody behind the same address.
std::string unknown_key(const std::string& address) { return "unknown:" + address; }
ThrottleState either(const ThrottleState& a, const ThrottleState& b) {
  return {a.throttled || b.throttled, std::max(a.retry_after_seconds, b.retry_after_seconds)};
}
Error too_many(const ThrottleState& t) {
  return Error{ErrorCode::kThrottled,
               "Too many attempts. Please wait " + std::to_string(t.retry_after_seconds) +
                   " seconds and try again.",
               std::to_string(t.retry_after_seconds)};
}
}  // namespace

ThrottleState Accounts::throttle_state(const std::string& email, const std::string& address) {
  const int64_t now = clock_.now();
  const std::string key = to_lower(trim(email));
  auto by_account = repo_.failures_for_account(key, now - 3600);
  auto by_address = repo_.failures_for_address(unknown_key(address), now - 3600);
  if (!by_account || !by_address) return {true, 60};  // fail closed
  auto a = throttle_from(*by_account, kFreeFailuresBeforeBackoff, kMaxAccountFailuresPerHour, now);
  auto b = throttle_from(*by_address, kFreeAddressFailuresBeforeBackoff, kMaxAddressFailuresPerHour,
                         now);
  return either(a, b);
}

Result<ThrottleState> Accounts::account_throttle(const std::string& key,
                                                 const std::optional<store::UserRecord>& user,
                                                 const std::string& device_token) {
  const int64_t now = clock_.now();
  if (user && !device_token.empty() && device_token.size() <= 128) {
    auto known = repo_.touch_device(user->id, crypto::sha256_hex(device_token), now);
    if (!known) return known.error();
    if (*known) return ThrottleState{};
  }
  auto by_account = repo_.failures_for_account(key, now - 3600);
  if (!by_account) return by_account.error();
  return throttle_from(*by_account, kFreeFailuresBeforeBackoff, kMaxAccountFailuresPerHour, now);
}

Result<SignIn> Accounts::sign_in(const std::string& raw_email, const std::string& password,
                                 const std::string& address, const Visitor& current,
                                 const std::string& device_token) {
  const std::string key = to_lower(trim(raw_email));
  if (key.empty()) return invalid("email", "Please enter your e-mail address.");
  if (password.empty()) return invalid("password", "Please enter your password.");
  auto user = repo_.find_user_by_email(key);
  if (!user) return user.error();
  const int64_t now = clock_.now();
  auto account = account_throttle(key, *user, device_token);
  if (!account) return account.error();
  ThrottleState by_address;
  if (!user->has_value()) {
    auto failures = repo_.failures_for_address(unknown_key(address), now - 3600);
    if (!failures) return failures.error();
    by_address = throttle_from(*failures, kFreeAddressFailuresBeforeBackoff,
                               kMaxAddressFailuresPerHour, now);
  }
  if (auto t = either(*account, by_address); t.throttled) return too_many(t);
  // Unknown accounts cost the same hash as known ones, so timing does not reveal which exist.
  static const std::string kDummyHash = *crypto::hash_password("not-a-real-password", policy_);
  const std::string& hash = user->has_value() ? (*user)->password_hash : kDummyHash;
  const bool match = crypto::verify_password(password, hash);
  if (!user->has_value() || !match) {
    (void)repo_.record_login_failure(key, user->has_value() ? address : unknown_key(address), now);
    return Error{ErrorCode::kUnauthenticated, "That e-mail address and password do not match.",
                 "password"};
  }
  const store::UserRecord& u = **user;
  (void)repo_.clear_login_failures(key);
  if (crypto::password_needs_rehash(u.password_hash, policy_)) {
    if (auto rehashed = crypto::hash_password(password, policy_)) {
      (void)repo_.update_password(u.id, *rehashed, u.password_changed_at);
    }
  }
  SignIn outcome;
  if (u.two_factor) {
    // Never a session on the password alone: the code is asked for in the current session.
    if (current.session_id == 0)
      return Error{ErrorCode::kInternal, "two-factor sign-in needs a session to wait in", ""};
    if (auto st = repo_.set_pending_user(current.session_id, u.id); !st) return st.error();
    outcome.second_factor_needed = true;
    return outcome;
  }
  auto issued = sign_in_as(u, current, false, device_token);
  if (!issued) return issued.error();
  outcome.session = std::move(*issued);
  return outcome;
}

Result<IssuedSession> Accounts::sign_in_as(const store::UserRecord& u, const Visitor& current,
                                           bool second_factor, const std::string& device_token) {
  auto issued = issue(u.id, u.email, parse_role(u.role).value_or(Role::kMember));
  if (!issued) return issued.error();
  // Remember this device for the account (or note its use), so a lock-out strangers cause by
  // guessing does not keep its owner out.
  auto known = device_token.empty() || device_token.size() > 128
                   ? Result<bool>(false)
                   : repo_.touch_device(u.id, crypto::sha256_hex(device_token), clock_.now());
  if (known && !*known) {
    issued->new_device_token = crypto::random_token(32);
    if (auto st =
            repo_.add_device(u.id, crypto::sha256_hex(issued->new_device_token), clock_.now());
        !st)
      issued->new_device_token.clear();
  }
  issued->visitor.public_id = u.public_id;
  issued->visitor.two_factor_enabled = u.two_factor;
  issued->visitor.theme = u.theme;
  issued->visitor.authenticated_at = clock_.now();
  if (second_factor) {
    if (auto st = repo_.set_second_factor(issued->visitor.session_id, clock_.now()); !st)
      return st.error();
    issued->visitor.second_factor = true;
  }
  if (current.session_id != 0) {
    if (adopt_hook_) adopt_hook_(current.session_id, u.id);
    (void)repo_.delete_session(current.session_id);
  }
  return issued;
}

Result<IssuedSession> Accounts::complete_second_factor(const Visitor& current,
                                                       const std::string& code,
                                                       const std::string& address,
                                                       const std::string& device_token,
                                                       TwoFactor& two_factor) {
  if (!current.pending_user_id) return unauthenticated();
  // Wrong codes are throttled per account and per address, like wrong passwords.
  const std::string key = "2fa:" + std::to_string(*current.pending_user_id);
  auto throttle = throttle_state(key, address);
  if (throttle.throttled) {
    return Error{ErrorCode::kThrottled,
                 "Too many attempts. Please wait " + std::to_string(throttle.retry_after_seconds) +
                     " seconds and try again.",
                 std::to_string(throttle.retry_after_seconds)};
  }
  auto user = repo_.find_user(*current.pending_user_id);
  if (!user) return user.error();
  if (!user->has_value()) return unauthenticated();
  if (auto st = two_factor.verify((*user)->id, code); !st) {
    if (st.error().code == ErrorCode::kInvalidArgument)
      (void)repo_.record_login_failure(key, address, clock_.now());
    return st.error();
  }
  (void)repo_.clear_login_failures(key);
  return sign_in_as(**user, current, true, device_token);
}

Status Accounts::reauthenticate(const Visitor& visitor, const std::string& password,
                                const std::string& code, TwoFactor& two_factor) {
  if (!visitor.signed_in()) return unauthenticated();
  auto user = repo_.find_user(*visitor.user_id);
  if (!user) return user.error();
  if (!user->has_value()) return unauthenticated();
  if (!code.empty() && (*user)->two_factor) {
    if (auto st = two_factor.verify((*user)->id, code); !st) return st;
  } else if (!crypto::verify_password(password, (*user)->password_hash)) {
    return invalid("password", "That password is not right.");
  }
  return repo_.set_authenticated(visitor.session_id, clock_.now());
}

Status Accounts::mark_second_factor(const Visitor& visitor) {
  return repo_.set_second_factor(visitor.session_id, clock_.now());
}

Result<int64_t> Accounts::prune() {
  const int64_t now = clock_.now();
  auto removed = repo_.prune_sessions(now - kIdleTimeoutSeconds, now - kAbsoluteTimeoutSeconds);
  if (!removed) return removed.error();
  if (auto st = repo_.prune_login_failures(now - 3600); !st) return st.error();
  if (auto st = repo_.prune_signup_requests(now); !st) return st.error();
  return removed;
}

Status Accounts::sign_out(const Visitor& visitor) {
  if (visitor.session_id == 0) return ok_status();
  return repo_.delete_session(visitor.session_id);
}

Status Accounts::change_password(const Visitor& visitor, const std::string& current_password,
                                 const std::string& new_password) {
  if (!visitor.signed_in()) return unauthenticated();
  auto user = repo_.find_user(*visitor.user_id);
  if (!user) return user.error();
  if (!user->has_value()) return unauthenticated();
  if (!crypto::verify_password(current_password, (*user)->password_hash)) {
    return invalid("current_password", "Your current password is not right.");
  }
  if (auto st = check_new_password(new_password); !st) {
    return invalid("new_password", st.error().message);
  }
  auto hash = crypto::hash_password(new_password, policy_);
  if (!hash) return hash.error();
  if (auto st = repo_.update_password(*visitor.user_id, *hash, clock_.now()); !st) return st;
  // Other devices signed in with the old password are signed out.
  return repo_.delete_user_sessions(*visitor.user_id, visitor.session_id);
}

Result<std::string> Accounts::export_json(const Visitor& visitor) {
  if (!visitor.signed_in()) return unauthenticated();
  auto user = repo_.find_user(*visitor.user_id);
  if (!user) return user.error();
  if (!user->has_value()) return unauthenticated();
  auto sessions = repo_.user_sessions(*visitor.user_id);
  if (!sessions) return sessions.error();

  boost::json::object account;
  account["email"] = (*user)->email;
  account["id"] = (*user)->public_id;
  account["two_factor"] = (*user)->two_factor;
  account["role"] = (*user)->role;
  account["theme"] = (*user)->theme;
  account["created_at"] = iso8601((*user)->created_at);
  account["password_changed_at"] = iso8601((*user)->password_changed_at);
  boost::json::array session_list;
  for (const auto& s : *sessions) {
    session_list.push_back(
        {{"started_at", iso8601(s.created_at)}, {"last_seen_at", iso8601(s.last_seen_at)}});
  }
  boost::json::object doc;
  doc["format"] = "securebase-export";
  doc["version"] = 1;
  doc["exported_at"] = iso8601(clock_.now());
  doc["account"] = std::move(account);
  doc["sessions"] = std::move(session_list);
  return boost::json::serialize(doc);
}

Status Accounts::delete_account(const Visitor& visitor, const std::string& password,
                                const std::function<void(soci::session&)>& erase_features) {
  if (!visitor.signed_in()) return unauthenticated();
  auto user = repo_.find_user(*visitor.user_id);
  if (!user) return user.error();
  if (!user->has_value()) return unauthenticated();
  if (!crypto::verify_password(password, (*user)->password_hash)) {
    return invalid("password", "Your password is not right; nothing was deleted.");
  }
  return repo_.delete_user(*visitor.user_id, erase_features);
}

Result<int64_t> Accounts::create_user(const std::string& raw_email, const std::string& password,
                                      Role role) {
  auto email = normalize_email(raw_email);
  if (!email) return email.error();
  if (auto st = check_new_password(password); !st) return st.error();
  auto hash = crypto::hash_password(password, policy_);
  if (!hash) return hash.error();
  return repo_.create_user(*email, *hash, role_name(role), clock_.now());
}

}  // namespace sb::accounts
