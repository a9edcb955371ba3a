#include "accounts/crypto.h"

#include <cctype>

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <semaphore>
#include <thread>
#include <vector>

namespace sb::crypto {

void init() {
  if (sodium_init() < 0) std::abort();  // no safe way to go on without a working RNG
}

std::string random_bytes(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return raw;
}

std::string random_token(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string readable_code() {
  // Codes are read aloud or typed from paper: letters and digits without look-alikes.
  static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";  // 32 symbols
  std::string code;
  for (unsigned char b : random_bytes(10)) {
    if (code.size() == 4 || code.size() == 9) code += '-';
    code += kAlphabet[b % 32];
  }
  return code;
}

std::string normalised_code(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

namespace {

// Password hashing is memory-hard on purpose (19 MiB and two passes each). Many at once would
// take every core and the memory with them, so at most one per core runs; the rest wait here.
std::counting_semaphore<64>& hashing_slots() {
  static std::counting_semaphore<64> slots(
      std::clamp<std::ptrdiff_t>(std::thread::hardware_concurrency(), 1, 64));
  return slots;
}

struct HashingSlot {
  HashingSlot() { hashing_slots().acquire(); }
  ~HashingSlot() { hashing_slots().release(); }
  HashingSlot(const HashingSlot&) = delete;
  HashingSlot& operator=(const HashingSlot&) = delete;
};

std::atomic<uint64_t> hashes_done{0};

}  // namespace

uint64_t password_hashes_computed() { return hashes_done.load(); }

Result<std::string> hash_password(std::string_view password, const PasswordPolicy& policy) {
  HashingSlot slot;
  ++hashes_done;
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), policy.ops_limit,
                            policy.mem_limit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error{ErrorCode::kUnavailable, "not enough memory to hash the password", ""};
  }
  return std::string(out);
}

bool verify_password(std::string_view password, const std::string& encoded_hash) {
  HashingSlot slot;
  ++hashes_done;
  return crypto_pwhash_str_verify(encoded_hash.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(const std::string& encoded_hash, const PasswordPolicy& policy) {
  return crypto_pwhash_str_needs_rehash(encoded_hash.c_str(), policy.ops_limit, policy.mem_limit) !=
         0;
}

}  // namespace sb::crypto
