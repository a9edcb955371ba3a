#include "accounts/two_factor.h"

#include <fmt/format.h>
#include <liboath/oath.h>
#include <qrencode.h>
#include <soci/soci.h>

#include <cctype>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

#include "accounts/crypto.h"
#include "core/strings.h"
#include "store/errors.h"
#include "store/query.h"

namespace sb::accounts {
namespace {

using ll = long long;
constexpr int kDigits = 6;
constexpr int kStepSeconds = 30;
constexpr int kWindowSteps = 1;  // one step either side, for clocks a little apart

Error wrong_code() {
  return invalid("code",
                 "That code is not right, or it was already used. Please try the next one.");
}

std::string normalise_code(const std::string& raw) {
  std::string out;
  for (char c : raw) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(c));
  }
  return out;
}

// liboath wants oath_init() once before anything else; thread-safe through the static.
void ensure_oath() {
  static const bool ready = oath_init() == OATH_OK;
  (void)ready;
}

std::string format_recovery(const std::string& raw10) {
  return raw10.substr(0, 5) + "-" + raw10.substr(5, 5);
}

}  // namespace

std::string TwoFactor::base32(const std::string& raw) {
  ensure_oath();
  char* out = nullptr;
  size_t len = 0;
  if (oath_base32_encode(raw.data(), raw.size(), &out, &len) != OATH_OK) return "";
  std::string s(out, len);
  free(out);
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

std::string TwoFactor::totp_at(const std::string& secret, int64_t unix_time) {
  ensure_oath();
  char code[kDigits + 1] = {};
  oath_totp_generate(secret.data(), secret.size(), static_cast<time_t>(unix_time), kStepSeconds, 0,
                     kDigits, code);
  return code;
}

std::string TwoFactor::totp_for_base32(const std::string& secret_base32, int64_t unix_time) {
  ensure_oath();
  char* raw = nullptr;
  size_t len = 0;
  if (oath_base32_decode(secret_base32.data(), secret_base32.size(), &raw, &len) != OATH_OK)
    return "";
  std::string secret(raw, len);
  free(raw);
  return totp_at(secret, unix_time);
}

namespace {
std::string totp_associated(int64_t user_id) { return "totp:" + std::to_string(user_id); }
}  // namespace

std::string TwoFactor::associated(int64_t user_id) const { return totp_associated(user_id); }

Result<int> TwoFactor::rotate_key(store::Database& db, const crypto::DataKey& from,
                                  const crypto::DataKey& to) {
  int changed = 0;
  auto st = db.transaction([&](soci::session& s) {
    for (const char* column : {"totp_sealed", "totp_pending_sealed"}) {
      std::vector<std::pair<ll, std::string>> rows;
      store::each_row(
          db, s,
          std::string("SELECT id, ") + column + " FROM users WHERE " + column + " IS NOT NULL",
          [&](const soci::row& r) {
            rows.emplace_back(store::get_int64(r, 0), r.get<std::string>(1));
          });
      for (const auto& [id, sealed] : rows) {
        auto resealed = crypto::reseal(from, to, sealed, totp_associated(id));
        if (!resealed) throw store::StoreError{resealed.error()};
        if (!*resealed) continue;
        s << std::string("UPDATE users SET ") + column + " = :s WHERE id = :i",
            soci::use(**resealed), soci::use(id);
        ++changed;
      }
    }
  });
  if (!st) return st.error();
  return changed;
}

Result<std::string> TwoFactor::secret_of(int64_t user_id, const char* column) {
  std::string sealed;
  soci::indicator ind = soci::i_null;
  const ll uid = user_id;
  auto st = db_.run([&](soci::session& s) {
    s << std::string("SELECT ") + column + " FROM users WHERE id = :u", soci::use(uid),
        soci::into(sealed, ind);
  });
  if (!st) return st.error();
  if (ind != soci::i_ok || sealed.empty())
    return Error{ErrorCode::kNotFound, "no two-factor secret", ""};
  return key_.decrypt(sealed, associated(user_id));
}

bool TwoFactor::enabled(int64_t user_id) {
  ll n = 0;
  const ll uid = user_id;
  auto st = db_.run([&](soci::session& s) {
    s << "SELECT COUNT(*) FROM users WHERE id = :u AND totp_enabled_at IS NOT NULL", soci::use(uid),
        soci::into(n);
  });
  return st && n == 1;
}

Result<Enrolment> TwoFactor::begin(int64_t user_id, const std::string& account_label) {
  const std::string secret = crypto::random_bytes(20);  // 160 bits, as RFC 4226 recommends
  const std::string sealed = key_.encrypt(secret, associated(user_id));
  const ll uid = user_id;
  auto st = db_.run([&](soci::session& s) {
    s << "UPDATE users SET totp_pending_sealed = :p WHERE id = :u", soci::use(sealed),
        soci::use(uid);
  });
  if (!st) return st.error();
  return pending(user_id, account_label);
}

Result<Enrolment> TwoFactor::pending(int64_t user_id, const std::string& account_label) {
  auto secret = secret_of(user_id, "totp_pending_sealed");
  if (!secret) return secret.error();
  Enrolment e;
  e.secret_base32 = base32(*secret);
  e.otpauth_uri = "otpauth://totp/SecureBase:" + account_label + "?secret=" + e.secret_base32 +
                  "&issuer=SecureBase&digits=6&period=30";
  e.qr_svg = qr_svg(e.otpauth_uri);
  return e;
}

Result<std::vector<std::string>> TwoFactor::enable(int64_t user_id, const std::string& code) {
  auto secret = secret_of(user_id, "totp_pending_sealed");
  if (!secret) {
    if (secret.error().code == ErrorCode::kNotFound)
      return invalid("code", "Please start again: scan the new code shown on this page.");
    return secret.error();
  }
  const int64_t now = clock_.now();
  const std::string typed = normalise_code(code);
  int64_t matched_step = -1;
  for (int d = -kWindowSteps; d <= kWindowSteps; ++d) {
    const int64_t t = now + d * kStepSeconds;
    if (crypto::constant_time_equal(typed, totp_at(*secret, t))) matched_step = t / kStepSeconds;
  }
  if (matched_step < 0) return wrong_code();
  const std::string sealed = key_.encrypt(*secret, associated(user_id));
  const ll uid = user_id, t = now, step = matched_step;
  auto st = db_.run([&](soci::session& s) {
    s << "UPDATE users SET totp_sealed = :s, totp_pending_sealed = NULL, totp_enabled_at = :t, "
         "totp_last_step = :p WHERE id = :u",
        soci::use(sealed), soci::use(t), soci::use(step), soci::use(uid);
  });
  if (!st) return st.error();
  return new_recovery_codes(user_id);
}

Status TwoFactor::verify(int64_t user_id, const std::string& code) {
  const std::string typed = normalise_code(code);
  if (typed.empty()) return invalid("code", "Please enter the code from your app.");
  const ll uid = user_id;
  if (typed.size() == static_cast<size_t>(kDigits)) {
    auto secret = secret_of(user_id, "totp_sealed");
    if (!secret) return secret.error().code == ErrorCode::kNotFound ? wrong_code() : secret.error();
    const int64_t now = clock_.now();
    for (int d = -kWindowSteps; d <= kWindowSteps; ++d) {
      const int64_t t = now + d * kStepSeconds;
      if (!crypto::constant_time_equal(typed, totp_at(*secret, t))) continue;
      // Accept each step once: the update only succeeds when the step is newer than the last.
      const ll step = t / kStepSeconds;
      int changed = 0;
      auto st = db_.transaction([&](soci::session& s) {
        soci::statement update =
            (s.prepare << "UPDATE users SET totp_last_step = :p WHERE id = :u AND "
                          "(totp_last_step IS NULL OR totp_last_step < :p2)",
             soci::use(step), soci::use(uid), soci::use(step));
        update.execute(true);
        changed = static_cast<int>(update.get_affected_rows());
      });
      if (!st) return st;
      return changed == 1 ? ok_status() : Status(wrong_code());
    }
    return wrong_code();
  }
  // A recovery code: ten letters and digits, typed with or without the dash.
  const std::string hash = crypto::sha256_hex("recovery:" + typed);
  int changed = 0;
  const ll now = clock_.now();
  auto st = db_.transaction([&](soci::session& s) {
    soci::statement update =
        (s.prepare << "UPDATE recovery_codes SET used_at = :t WHERE user_id = :u AND code_hash = "
                      ":h AND used_at IS NULL",
         soci::use(now), soci::use(uid), soci::use(hash));
    update.execute(true);
    changed = static_cast<int>(update.get_affected_rows());
  });
  if (!st) return st;
  return changed == 1 ? ok_status() : Status(wrong_code());
}

Status TwoFactor::disable(int64_t user_id) {
  const ll uid = user_id;
  return db_.transaction([&](soci::session& s) {
    s << "UPDATE users SET totp_sealed = NULL, totp_pending_sealed = NULL, totp_enabled_at = "
         "NULL, totp_last_step = NULL WHERE id = :u",
        soci::use(uid);
    s << "DELETE FROM recovery_codes WHERE user_id = :u", soci::use(uid);
  });
}

Result<std::vector<std::string>> TwoFactor::new_recovery_codes(int64_t user_id) {
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";  // no 0/o, 1/l/i
  std::vector<std::string> codes;
  for (int i = 0; i < kRecoveryCodeCount; ++i) {
    std::string raw;
    for (unsigned char b : crypto::random_bytes(10)) raw += kAlphabet[b % (sizeof(kAlphabet) - 1)];
    codes.push_back(raw);
  }
  const ll uid = user_id, now = clock_.now();
  auto st = db_.transaction([&](soci::session& s) {
    s << "DELETE FROM recovery_codes WHERE user_id = :u", soci::use(uid);
    for (const auto& c : codes) {
      const std::string hash = crypto::sha256_hex("recovery:" + c);
      s << "INSERT INTO recovery_codes(user_id, code_hash, created_at) VALUES(:u, :h, :t)",
          soci::use(uid), soci::use(hash), soci::use(now);
    }
  });
  if (!st) return st.error();
  for (auto& c : codes) c = format_recovery(c);
  return codes;
}

Result<int> TwoFactor::recovery_codes_left(int64_t user_id) {
  ll n = 0;
  const ll uid = user_id;
  auto st = db_.run([&](soci::session& s) {
    s << "SELECT COUNT(*) FROM recovery_codes WHERE user_id = :u AND used_at IS NULL",
        soci::use(uid), soci::into(n);
  });
  if (!st) return st.error();
  return static_cast<int>(n);
}

std::string qr_svg(const std::string& text) {
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!qr) return "";
  const int n = qr->width, quiet = 4, size = n + 2 * quiet;
  std::string path;
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      if (qr->data[y * n + x] & 1)
        fmt::format_to(std::back_inserter(path), "M{} {}h1v1h-1z", x + quiet, y + quiet);
    }
  }
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {0}\" width=\"220\" "
      "height=\"220\" role=\"img\" aria-label=\"QR code for your authenticator app\" "
      "shape-rendering=\"crispEdges\"><rect width=\"{0}\" height=\"{0}\" fill=\"#fff\"/>"
      "<path fill=\"#000\" d=\"{1}\"/></svg>",
      size, path);
}

}  // namespace sb::accounts
