// Encryption of free-text personal data at rest: XChaCha20-Poly1305 (libsodium) under a data
// key kept in a key file (mode 0600, created on first use). Each ciphertext names the key it
// was made with and is bound to where it belongs (associated data), so a wrong key or a
// ciphertext moved to another row gives a clear error, never garbage.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sb::crypto {

class DataKey {
 public:
  // Reads the key file, or creates it (mode 0600) when it does not exist.
  static Result<DataKey> load_or_create(const std::string& path);
  static DataKey generate();

  const std::string& id() const { return id_; }
  // "v1:<key id>:<base64 of nonce and ciphertext>"
  std::string encrypt(std::string_view plaintext, std::string_view associated) const;
  Result<std::string> decrypt(std::string_view sealed, std::string_view associated) const;
  Status save(const std::string& path) const;  // refuses to overwrite an existing file

 private:
  std::array<unsigned char, 32> key_{};
  std::string id_;
};

// For key rotation: `sealed` re-encrypted under `to`, or nullopt when it already is (so an
// interrupted rotation can simply run again). An error when neither key opens it.
Result<std::optional<std::string>> reseal(const DataKey& from, const DataKey& to,
                                          std::string_view sealed, std::string_view associated);

}  // namespace sb::crypto
