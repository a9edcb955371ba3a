// Small wrappers over libsodium for tokens and password hashes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sb::crypto {

// Must be called once before any other function here (idempotent, thread-safe).
void init();

// `bytes` random bytes.
std::string random_bytes(size_t bytes);
// `bytes` random bytes as unpadded URL-safe base64.
std::string random_token(size_t bytes = 32);
// SHA-256 as lower-case hex: how session tokens are stored.
std::string sha256_hex(std::string_view data);
bool constant_time_equal(std::string_view a, std::string_view b);
// A one-time code a person reads out or types: XXXX-XXXX-XX from 32 unambiguous symbols (50 bits).
std::string readable_code();
// What was typed, without dashes and spaces, in capitals: the form a code is hashed in.
std::string normalised_code(std::string_view typed);

struct PasswordPolicy {
  // OWASP's minimum for argon2id is m = 19 MiB, t = 2, p = 1.
  unsigned long long ops_limit = 2;
  size_t mem_limit = 19u * 1024u * 1024u;
};

// The encoded hash carries its own parameters, so they can be raised later.
Result<std::string> hash_password(std::string_view password, const PasswordPolicy& policy);
bool verify_password(std::string_view password, const std::string& encoded_hash);
// How many password hashes this process has computed (hashing and verifying), for the abuse
// tests and /metrics.
uint64_t password_hashes_computed();
bool password_needs_rehash(const std::string& encoded_hash, const PasswordPolicy& policy);

}  // namespace sb::crypto
