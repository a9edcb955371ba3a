// Two-factor sign-in: time-based one-time codes (RFC 6238: HMAC-SHA1, 30-second steps, six
// digits, as authenticator apps expect) and ten one-time recovery codes. The TOTP secret is
// sealed with the data key; recovery codes are stored only as hashes. A code is accepted once:
// the last step used is remembered, so a code seen over someone's shoulder cannot be replayed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "accounts/data_key.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/database.h"

namespace sb::accounts {

inline constexpr int kRecoveryCodeCount = 10;

struct Enrolment {
  std::string secret_base32;  // for typing into an app by hand
  std::string otpauth_uri;    // what the QR code holds
  std::string qr_svg;         // the QR code, drawn as SVG
};

class TwoFactor {
 public:
  TwoFactor(store::Database& db, const Clock& clock, const crypto::DataKey& key)
      : db_(db), clock_(clock), key_(key) {}

  bool enabled(int64_t user_id);
  // A new secret waiting for its first code; replaces any earlier pending one.
  Result<Enrolment> begin(int64_t user_id, const std::string& account_label);
  // The pending secret again (the enrolment page after a wrong code).
  Result<Enrolment> pending(int64_t user_id, const std::string& account_label);
  // Turns two-factor on when `code` matches the pending secret; returns the recovery codes,
  // shown once.
  Result<std::vector<std::string>> enable(int64_t user_id, const std::string& code);
  // A current TOTP code or an unused recovery code (which is then used up).
  Status verify(int64_t user_id, const std::string& code);
  Status disable(int64_t user_id);
  // New recovery codes; the old ones stop working.
  Result<std::vector<std::string>> new_recovery_codes(int64_t user_id);
  Result<int> recovery_codes_left(int64_t user_id);

  // RFC 6238 for a raw secret at a Unix time (exposed for the RFC's test vectors).
  static std::string totp_at(const std::string& secret, int64_t unix_time);
  static std::string base32(const std::string& raw);
  // The code an app shows at `unix_time` for a key typed in as base32.
  static std::string totp_for_base32(const std::string& secret_base32, int64_t unix_time);
  // Re-encrypts the TOTP secrets from one data key to another; returns how many changed.
  static Result<int> rotate_key(store::Database& db, const crypto::DataKey& from,
                                const crypto::DataKey& to);

 private:
  std::string associated(int64_t user_id) const;
  Result<std::string> secret_of(int64_t user_id, const char* column);

  store::Database& db_;
  const Clock& clock_;
  const crypto::DataKey& key_;
};

// A QR code of `text` as an SVG drawing (libqrencode), black modules on white with a quiet zone.
std::string qr_svg(const std::string& text);

}  // namespace sb::accounts
