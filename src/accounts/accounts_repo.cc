#include "accounts/accounts_repo.h"

#include <soci/soci.h>

#include "accounts/crypto.h"
#include "store/errors.h"
#include "store/query.h"

namespace sb::store {
namespace {

using ll = long long;

UserRecord read_user(const soci::row& r) {
  UserRecord u;
  u.id = get_int64(r, 0);
  u.public_id = r.get<std::string>(6);
  u.two_factor = r.get_indicator(7) == soci::i_ok;
  u.email = r.get<std::string>(1);
  u.password_hash = r.get<std::string>(2);
  u.role = r.get<std::string>(3);
  u.created_at = get_int64(r, 4);
  u.password_changed_at = get_int64(r, 5);
  u.theme = r.get<std::string>(8);
  return u;
}

SessionRecord read_session(const soci::row& r) {
  SessionRecord s;
  s.id = get_int64(r, 0);
  s.token_hash = r.get<std::string>(1);
  s.csrf_token = r.get<std::string>(2);
  if (r.get_indicator(3) == soci::i_ok) s.user_id = get_int64(r, 3);
  s.created_at = get_int64(r, 4);
  s.last_seen_at = get_int64(r, 5);
  if (r.get_indicator(6) == soci::i_ok) s.pending_user_id = get_int64(r, 6);
  if (r.get_indicator(7) == soci::i_ok) s.second_factor_at = get_int64(r, 7);
  s.authenticated_at = get_int64(r, 8);
  return s;
}

constexpr const char* kUserColumns =
    "SELECT id, email, password_hash, role, created_at, password_changed_at, public_id, "
    "totp_enabled_at, theme FROM users ";
constexpr const char* kSessionColumns =
    "SELECT id, token_hash, csrf_token, user_id, created_at, last_seen_at, pending_user_id, "
    "second_factor_at, authenticated_at FROM sessions ";

std::string random_public_id() {
  // 128 random bits as hex: the same shape the migration gives existing accounts.
  std::string id;
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char b : crypto::random_bytes(16)) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id;
}

std::vector<int64_t> times(soci::rowset<soci::row>& rows) {
  std::vector<int64_t> out;
  for (const auto& r : rows) out.push_back(get_int64(r, 0));
  return out;
}

}  // namespace

Result<int64_t> AccountsRepo::create_user(const std::string& email,
                                          const std::string& password_hash, const std::string& role,
                                          int64_t now) {
  ll id = 0;
  const ll t = now;
  auto st = db_.run([&](soci::session& s) {
    const std::string public_id = random_public_id();
    s << "INSERT INTO users(public_id, email, password_hash, role, created_at, "
         "password_changed_at) VALUES(:i, :e, :h, :r, :c, :p) RETURNING id",
        soci::use(public_id), soci::use(email), soci::use(password_hash), soci::use(role),
        soci::use(t), soci::use(t), soci::into(id);
  });
  if (!st) return st.error();
  return static_cast<int64_t>(id);
}

Result<std::optional<UserRecord>> AccountsRepo::find_user_by_email(const std::string& email) {
  return select_one<UserRecord>(
      db_, std::string(kUserColumns) + "WHERE email = :e",
      [&](const soci::row& r) -> UserRecord { return read_user(r); }, email);
}

Result<std::optional<UserRecord>> AccountsRepo::find_user(int64_t id) {
  const ll key = id;
  return select_one<UserRecord>(
      db_, std::string(kUserColumns) + "WHERE id = :i",
      [&](const soci::row& r) -> UserRecord { return read_user(r); }, key);
}

Result<std::optional<UserRecord>> AccountsRepo::find_user_by_public_id(
    const std::string& public_id) {
  return select_one<UserRecord>(
      db_, std::string(kUserColumns) + "WHERE public_id = :p",
      [&](const soci::row& r) -> UserRecord { return read_user(r); }, public_id);
}

Result<std::vector<UserRecord>> AccountsRepo::list_users(int limit) {
  std::vector<UserRecord> out;
  const int n = limit;
  auto st = db_.run([&](soci::session& s) {
    each_row(
        db_, s, std::string(kUserColumns) + "ORDER BY id DESC LIMIT :n",
        [&](const soci::row& r) { out.push_back(read_user(r)); }, n);
  });
  if (!st) return st.error();
  return out;
}

Status AccountsRepo::update_password(int64_t user_id, const std::string& password_hash,
                                     int64_t now) {
  const ll id = user_id, t = now;
  return db_.run([&](soci::session& s) {
    s << "UPDATE users SET password_hash = :h, password_changed_at = :t WHERE id = :i",
        soci::use(password_hash), soci::use(t), soci::use(id);
  });
}

Status AccountsRepo::delete_user(int64_t user_id,
                                 const std::function<void(soci::session&)>& erase_features) {
  const ll id = user_id;
  return db_.transaction([&](soci::session& s) {
    std::string email;
    soci::indicator ind = soci::i_null;
    s << "SELECT email FROM users WHERE id = :i", soci::use(id), soci::into(email, ind);
    if (ind != soci::i_ok) throw StoreError{Error{ErrorCode::kNotFound, "no such user", ""}};
    erase_features(s);
    s << "DELETE FROM recovery_codes WHERE user_id = :i", soci::use(id);
    s << "DELETE FROM known_devices WHERE user_id = :i", soci::use(id);
    s << "DELETE FROM grants WHERE subject_user_id = :s OR grantee_user_id = :g", soci::use(id),
        soci::use(id);
    s << "DELETE FROM access_audit WHERE subject_user_id = :i", soci::use(id);
    // What this person did to others' data stays in those people's audit, without the link.
    s << "UPDATE access_audit SET actor_user_id = NULL WHERE actor_user_id = :i", soci::use(id);
    s << "UPDATE group_audit SET actor_user_id = NULL WHERE actor_user_id = :i", soci::use(id);
    s << "DELETE FROM sessions WHERE user_id = :i", soci::use(id);
    s << "DELETE FROM login_failures WHERE account_key = :e", soci::use(email);
    s << "DELETE FROM users WHERE id = :i", soci::use(id);
  });
}

Result<int64_t> AccountsRepo::count_users() {
  ll n = 0;
  auto st = db_.run([&](soci::session& s) { s << "SELECT COUNT(*) FROM users", soci::into(n); });
  if (!st) return st.error();
  return static_cast<int64_t>(n);
}

Result<int64_t> AccountsRepo::create_session(const std::string& token_hash,
                                             const std::string& csrf_token,
                                             std::optional<int64_t> user_id, int64_t now) {
  ll id = 0;
  const ll t = now;
  ll uid = user_id.value_or(0);
  soci::indicator uid_ind = user_id ? soci::i_ok : soci::i_null;
  auto st = db_.run([&](soci::session& s) {
    s << "INSERT INTO sessions(token_hash, csrf_token, user_id, created_at, last_seen_at, "
         "authenticated_at) VALUES(:h, :c, :u, :t1, :t2, :t3) RETURNING id",
        soci::use(token_hash), soci::use(csrf_token), soci::use(uid, uid_ind), soci::use(t),
        soci::use(t), soci::use(t), soci::into(id);
  });
  if (!st) return st.error();
  return static_cast<int64_t>(id);
}

Status AccountsRepo::set_theme(int64_t user_id, const std::string& theme) {
  const ll id = user_id;
  return db_.run([&](soci::session& s) {
    s << "UPDATE users SET theme = :t WHERE id = :i", soci::use(theme), soci::use(id);
  });
}

Result<std::optional<SessionRecord>> AccountsRepo::find_session(const std::string& token_hash) {
  return select_one<SessionRecord>(
      db_, std::string(kSessionColumns) + "WHERE token_hash = :h",
      [&](const soci::row& r) -> SessionRecord { return read_session(r); }, token_hash);
}

Status AccountsRepo::set_second_factor(int64_t session_id, int64_t now) {
  const ll id = session_id, t = now;
  return db_.run([&](soci::session& s) {
    s << "UPDATE sessions SET second_factor_at = :t, authenticated_at = :t2 WHERE id = :i",
        soci::use(t), soci::use(t), soci::use(id);
  });
}

Status AccountsRepo::set_pending_user(int64_t session_id, std::optional<int64_t> user_id) {
  const ll id = session_id;
  ll uid = user_id.value_or(0);
  soci::indicator ind = user_id ? soci::i_ok : soci::i_null;
  return db_.run([&](soci::session& s) {
    s << "UPDATE sessions SET pending_user_id = :u WHERE id = :i", soci::use(uid, ind),
        soci::use(id);
  });
}

Status AccountsRepo::set_authenticated(int64_t session_id, int64_t now) {
  const ll id = session_id, t = now;
  return db_.run([&](soci::session& s) {
    s << "UPDATE sessions SET authenticated_at = :t WHERE id = :i", soci::use(t), soci::use(id);
  });
}

Status AccountsRepo::touch_session(int64_t session_id, int64_t now) {
  const ll id = session_id, t = now;
  return db_.run([&](soci::session& s) {
    s << "UPDATE sessions SET last_seen_at = :t WHERE id = :i", soci::use(t), soci::use(id);
  });
}

Status AccountsRepo::delete_session(int64_t session_id) {
  const ll id = session_id;
  return db_.run(
      [&](soci::session& s) { s << "DELETE FROM sessions WHERE id = :i", soci::use(id); });
}

Status AccountsRepo::delete_user_sessions(int64_t user_id, int64_t keep_session_id) {
  const ll id = user_id, keep = keep_session_id;
  return db_.run([&](soci::session& s) {
    s << "DELETE FROM sessions WHERE user_id = :u AND id <> :k", soci::use(id), soci::use(keep);
  });
}

Result<std::vector<SessionRecord>> AccountsRepo::user_sessions(int64_t user_id) {
  const ll id = user_id;
  return select_all<SessionRecord>(
      db_, std::string(kSessionColumns) + "WHERE user_id = :u ORDER BY id",
      [&](const soci::row& r) -> SessionRecord { return read_session(r); }, id);
}

Status AccountsRepo::record_login_failure(const std::string& account_key,
                                          const std::string& address, int64_t now) {
  const ll t = now;
  return db_.run([&](soci::session& s) {
    s << "INSERT INTO login_failures(account_key, address, at) VALUES(:k, :a, :t)",
        soci::use(account_key), soci::use(address), soci::use(t);
  });
}

Result<std::vector<int64_t>> AccountsRepo::failures_for_account(const std::string& account_key,
                                                                int64_t since) {
  std::vector<int64_t> out;
  const ll t = since;
  auto st = db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT at FROM login_failures WHERE account_key = :k AND at >= :t "
                      "ORDER BY at DESC",
         soci::use(account_key), soci::use(t));
    out = times(rows);
  });
  if (!st) return st.error();
  return out;
}

Result<std::vector<int64_t>> AccountsRepo::failures_for_address(const std::string& address,
                                                                int64_t since) {
  std::vector<int64_t> out;
  const ll t = since;
  auto st = db_.run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT at FROM login_failures WHERE address = :a AND at >= :t "
                      "ORDER BY at DESC",
         soci::use(address), soci::use(t));
    out = times(rows);
  });
  if (!st) return st.error();
  return out;
}

Status AccountsRepo::clear_login_failures(const std::string& account_key) {
  return db_.run([&](soci::session& s) {
    s << "DELETE FROM login_failures WHERE account_key = :k", soci::use(account_key);
  });
}

Status AccountsRepo::prune_login_failures(int64_t before) {
  const ll t = before;
  return db_.run(
      [&](soci::session& s) { s << "DELETE FROM login_failures WHERE at < :t", soci::use(t); });
}

Status AccountsRepo::add_device(int64_t user_id, const std::string& token_hash, int64_t now) {
  const ll uid = user_id, t = now;
  return db_.run([&](soci::session& s) {
    s << "INSERT INTO known_devices(user_id, token_hash, created_at, last_used_at) "
         "VALUES(:u, :h, :c, :l)",
        soci::use(uid), soci::use(token_hash), soci::use(t), soci::use(t);
  });
}

Result<bool> AccountsRepo::touch_device(int64_t user_id, const std::string& token_hash,
                                        int64_t now) {
  const ll uid = user_id, t = now;
  long long changed = 0;
  auto st = db_.run([&](soci::session& s) {
    soci::statement update =
        (s.prepare << "UPDATE known_devices SET last_used_at = :t WHERE user_id = :u AND "
                      "token_hash = :h",
         soci::use(t), soci::use(uid), soci::use(token_hash));
    update.execute(true);
    changed = update.get_affected_rows();
  });
  if (!st) return st.error();
  return changed == 1;
}

Result<std::vector<std::pair<int64_t, int64_t>>> AccountsRepo::devices(int64_t user_id) {
  const ll uid = user_id;
  return select_all<std::pair<int64_t, int64_t>>(
      db_, "SELECT created_at, last_used_at FROM known_devices WHERE user_id = :u ORDER BY id",
      [](const soci::row& r) -> std::pair<int64_t, int64_t> {
        return {get_int64(r, 0), get_int64(r, 1)};
      },
      uid);
}

Result<int64_t> AccountsRepo::prune_sessions(int64_t idle_before, int64_t started_before) {
  const ll idle = idle_before, started = started_before;
  long long removed = 0;
  auto st = db_.run([&](soci::session& s) {
    soci::statement del = (s.prepare << "DELETE FROM sessions WHERE last_seen_at < :i OR "
                                        "created_at < :s",
                           soci::use(idle), soci::use(started));
    del.execute(true);
    removed = del.get_affected_rows();
  });
  if (!st) return st.error();
  return static_cast<int64_t>(removed);
}

Status AccountsRepo::add_signup_request(const SignupRequestRecord& r) {
  const ll created = r.created_at, expires = r.expires_at;
  ll session = r.anonymous_session_id.value_or(0);
  soci::indicator session_ind = r.anonymous_session_id ? soci::i_ok : soci::i_null;
  return db_.transaction([&](soci::session& s) {
    // A newer request replaces an older one: only the latest link works.
    s << "DELETE FROM signup_requests WHERE email = :e", soci::use(r.email);
    s << "INSERT INTO signup_requests(token_hash, email, password_hash, anonymous_session_id, "
         "created_at, expires_at) VALUES(:t, :e, :p, :s, :c, :x)",
        soci::use(r.token_hash), soci::use(r.email), soci::use(r.password_hash),
        soci::use(session, session_ind), soci::use(created), soci::use(expires);
  });
}

Result<std::optional<SignupRequestRecord>> AccountsRepo::take_signup_request(
    const std::string& token_hash, int64_t now) {
  std::optional<SignupRequestRecord> found;
  const ll t = now;
  auto st = db_.transaction([&](soci::session& s) {
    SignupRequestRecord r;
    ll session = 0, created = 0, expires = 0;
    soci::indicator session_ind = soci::i_null;
    s << "SELECT email, password_hash, anonymous_session_id, created_at, expires_at FROM "
         "signup_requests WHERE token_hash = :t AND expires_at > :n",
        soci::use(token_hash), soci::use(t), soci::into(r.email), soci::into(r.password_hash),
        soci::into(session, session_ind), soci::into(created), soci::into(expires);
    if (!s.got_data()) return;
    // Taken once: a link cannot create a second account or be replayed.
    s << "DELETE FROM signup_requests WHERE token_hash = :t", soci::use(token_hash);
    r.token_hash = token_hash;
    if (session_ind == soci::i_ok) r.anonymous_session_id = session;
    r.created_at = created;
    r.expires_at = expires;
    found = std::move(r);
  });
  if (!st) return st.error();
  return found;
}

Result<bool> AccountsRepo::signup_request_exists(const std::string& token_hash, int64_t now) {
  const ll t = now;
  long long n = 0;
  auto st = db_.run([&](soci::session& s) {
    s << "SELECT COUNT(*) FROM signup_requests WHERE token_hash = :t AND expires_at > :n",
        soci::use(token_hash), soci::use(t), soci::into(n);
  });
  if (!st) return st.error();
  return n > 0;
}

Status AccountsRepo::prune_signup_requests(int64_t now) {
  const ll t = now;
  return db_.run([&](soci::session& s) {
    s << "DELETE FROM signup_requests WHERE expires_at <= :n", soci::use(t);
  });
}

}  // namespace sb::store
