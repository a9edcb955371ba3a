#include "accounts/data_key.h"

#include <soci/soci.h>

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace sb::crypto {
namespace {

constexpr const char* kHeader = "securebase-data-key v1";

std::string key_id(const std::array<unsigned char, 32>& key) {
  unsigned char digest[8];
  crypto_generichash(digest, sizeof digest, key.data(), key.size(), nullptr, 0);
  char hex[17];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string to_base64(const unsigned char* data, size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

bool from_base64(std::string_view text, std::vector<unsigned char>& out) {
  out.resize(text.size());
  size_t len = 0;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return false;
  }
  out.resize(len);
  return true;
}

}  // namespace

DataKey DataKey::generate() {
  DataKey k;
  crypto_aead_xchacha20poly1305_ietf_keygen(k.key_.data());
  k.id_ = key_id(k.key_);
  return k;
}

Status DataKey::save(const std::string& path) const {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0)
    return Error{ErrorCode::kUnavailable, "cannot create the key file " + path, "data_key"};
  const std::string text = std::string(kHeader) + "\n" + to_base64(key_.data(), key_.size()) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::fsync(fd);
  ::close(fd);
  if (!ok) return Error{ErrorCode::kUnavailable, "cannot write the key file " + path, "data_key"};
  return ok_status();
}

Result<DataKey> DataKey::load_or_create(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    DataKey k = generate();
    if (auto st = k.save(path); !st) return st.error();
    return k;
  }
  return load(path);
}

Result<DataKey> DataKey::load(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    return Error{ErrorCode::kNotFound,
                 "the data key file " + path +
                     " does not exist. Every server of one store needs the same key file: copy "
                     "it from another server, or, for a new store only, create one with "
                     "`securebase admin create-key --out " +
                     path + "`",
                 "data_key"};
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    return Error{ErrorCode::kPermissionDenied,
                 "the key file " + path + " can be read by others; make it private with chmod 600",
                 "data_key"};
  }
  std::ifstream in(path);
  std::string header, encoded;
  std::getline(in, header);
  std::getline(in, encoded);
  std::vector<unsigned char> raw;
  if (header != kHeader || !from_base64(encoded, raw) || raw.size() != 32) {
    return Error{ErrorCode::kInvalidArgument,
                 "the key file " + path + " is not a SecureBase data key", "data_key"};
  }
  DataKey k;
  std::copy(raw.begin(), raw.end(), k.key_.begin());
  k.id_ = key_id(k.key_);
  sodium_memzero(raw.data(), raw.size());
  return k;
}

std::string DataKey::encrypt(std::string_view plaintext, std::string_view associated) const {
  std::vector<unsigned char> buf(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() +
                                 crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned char* nonce = buf.data();
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &len,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(associated.data()), associated.size(), nullptr, nonce,
      key_.data());
  return "v1:" + id_ + ":" +
         to_base64(buf.data(), crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + len);
}

Result<std::string> DataKey::decrypt(std::string_view sealed, std::string_view associated) const {
  if (sealed.substr(0, 3) != "v1:" || sealed.size() < 21 || sealed[19] != ':') {
    // Stored data, not anybody's input: a fault of the store, shown to people as such.
    return Error{ErrorCode::kInternal, "stored data is not in SecureBase's encrypted format", ""};
  }
  const std::string_view id = sealed.substr(3, 16);
  if (id != id_) {
    return Error{ErrorCode::kUnavailable,
                 "stored data was encrypted with data key " + std::string(id) +
                     ", but this server has key " + id_ + " (wrong --data-key file?)",
                 ""};
  }
  std::vector<unsigned char> raw;
  if (!from_base64(sealed.substr(20), raw) ||
      raw.size() < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                       crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return Error{ErrorCode::kInternal, "stored encrypted data is damaged", ""};
  }
  std::string out(raw.size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES -
                      crypto_aead_xchacha20poly1305_ietf_ABYTES,
                  '\0');
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &len, nullptr,
          raw.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          raw.size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          reinterpret_cast<const unsigned char*>(associated.data()), associated.size(), raw.data(),
          key_.data()) != 0) {
    return Error{ErrorCode::kInternal, "stored encrypted data failed its integrity check", ""};
  }
  out.resize(len);
  return out;
}

Result<std::optional<std::string>> reseal(const DataKey& from, const DataKey& to,
                                          std::string_view sealed, std::string_view associated) {
  auto plain = from.decrypt(sealed, associated);
  if (!plain) {
    if (to.decrypt(sealed, associated)) return std::optional<std::string>();
    return plain.error();
  }
  return std::optional<std::string>(to.encrypt(*plain, associated));
}

}  // namespace sb::crypto

namespace sb::crypto {

Status check_store_key(store::Database& db, const DataKey& key, int64_t now) {
  std::string recorded;
  auto st = db.transaction([&](soci::session& s) {
    soci::indicator ind = soci::i_null;
    s << "SELECT key_id FROM data_key WHERE only_row = 1", soci::into(recorded, ind);
    if (ind == soci::i_ok) return;
    const long long t = now;
    s << "INSERT INTO data_key(only_row, key_id, recorded_at) VALUES(1, :k, :t)",
        soci::use(key.id()), soci::use(t);
    recorded = key.id();
  });
  if (!st) return st.error();
  if (recorded != key.id()) {
    return Error{ErrorCode::kPermissionDenied,
                 "the store's sealed data is under data key " + recorded +
                     ", but this server's key file holds key " + key.id() +
                     ": start it with the key file the other servers use (nothing was changed)",
                 "data_key"};
  }
  return ok_status();
}

Status record_store_key(store::Database& db, const DataKey& key, int64_t now) {
  const long long t = now;
  return db.transaction([&](soci::session& s) {
    s << "DELETE FROM data_key";
    s << "INSERT INTO data_key(only_row, key_id, recorded_at) VALUES(1, :k, :t)",
        soci::use(key.id()), soci::use(t);
  });
}

}  // namespace sb::crypto
