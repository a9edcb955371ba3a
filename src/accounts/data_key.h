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
#include "store/database.h"

namespace sb::crypto {

class DataKey {
 public:
  // Reads the key file; a missing file is an error (a server must never make itself a new key
  // while the store holds data sealed with another: see `securebase admin create-key`).
  static Result<DataKey> load(const std::string& path);
  // Reads the key file, or creates it (mode 0600) when it does not exist: for commands where
  // making a key is what the operator asked for (create-key, the new key of rotate-key).
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
// The store records the id of the key its sealed data is under (one row). A server whose key is
// another refuses to start instead of sealing new data under a second key.
// Records `key` when the store has no key yet; an error naming both ids when it has another.
Status check_store_key(store::Database& db, const DataKey& key, int64_t now);
// After a rotation: the store's data is now under `key`.
Status record_store_key(store::Database& db, const DataKey& key, int64_t now);

Result<std::optional<std::string>> reseal(const DataKey& from, const DataKey& to,
                                          std::string_view sealed, std::string_view associated);

}  // namespace sb::crypto
