#include "accounts/data_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "accounts/crypto.h"
#include "support/test_db.h"

namespace sb::crypto {

TEST(DataKey, RoundTripsAndBindsToItsPlace) {
  init();
  const DataKey key = DataKey::generate();
  const std::string sealed = key.encrypt("I felt left out at dinner", "journal:abc:1");
  EXPECT_EQ(sealed.find("left out"), std::string::npos);
  EXPECT_EQ(sealed.rfind("v1:" + key.id() + ":", 0), 0u);
  auto plain = key.decrypt(sealed, "journal:abc:1");
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, "I felt left out at dinner");
  auto moved = key.decrypt(sealed, "journal:abc:2");  // the same ciphertext on another user's row
  ASSERT_FALSE(moved);
  EXPECT_NE(moved.error().message.find("integrity"), std::string::npos);
  EXPECT_NE(key.encrypt("same", "x"), key.encrypt("same", "x")) << "a fresh nonce every time";
}

TEST(DataKey, WrongKeyGivesAClearErrorNotGarbage) {
  init();
  const DataKey a = DataKey::generate(), b = DataKey::generate();
  auto r = b.decrypt(a.encrypt("private", "ad"), "ad");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(a.id()), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("wrong --data-key"), std::string::npos);
  auto damaged = a.decrypt("v1:" + a.id() + ":AAAA", "ad");
  EXPECT_FALSE(damaged);
  EXPECT_FALSE(a.decrypt("plain text", "ad"));
}

TEST(DataKey, KeyFileIsCreatedPrivateAndReloads) {
  init();
  const std::string path = testing::temp_path("keys/data.key");
  auto created = DataKey::load_or_create(path);
  ASSERT_TRUE(created) << created.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = DataKey::load_or_create(path);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id(), created->id());
  EXPECT_EQ(*again->decrypt(created->encrypt("x", "y"), "y"), "x");
  ::chmod(path.c_str(), 0644);
  auto exposed = DataKey::load_or_create(path);
  ASSERT_FALSE(exposed);
  EXPECT_NE(exposed.error().message.find("chmod 600"), std::string::npos);
  const std::string junk = testing::temp_path("junk.key");
  std::ofstream(junk) << "not a key\n";
  ::chmod(junk.c_str(), 0600);
  EXPECT_FALSE(DataKey::load_or_create(junk));
}

}  // namespace sb::crypto
