#include "accounts/crypto.h"

#include <gtest/gtest.h>

#include <set>

namespace sb::crypto {

TEST(Crypto, TokensAreLongRandomAndUrlSafe) {
  init();
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto t = random_token(32);
    EXPECT_EQ(t.size(), 43u);  // 256 bits in unpadded base64
    EXPECT_EQ(
        t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(Crypto, Sha256MatchesKnownVector) {
  init();
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, DefaultPasswordHashUsesOwaspMinimumArgon2id) {
  init();
  auto h = hash_password("correct horse battery", PasswordPolicy{});
  ASSERT_TRUE(h);
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_NE(h->find("m=19456,t=2,p=1"), std::string::npos) << *h;
  EXPECT_TRUE(verify_password("correct horse battery", *h));
  EXPECT_FALSE(verify_password("correct horse batterY", *h));
  EXPECT_FALSE(password_needs_rehash(*h, PasswordPolicy{}));
  EXPECT_TRUE(password_needs_rehash(*h, PasswordPolicy{3, 19u * 1024u * 1024u}));
}

TEST(Crypto, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

}  // namespace sb::crypto
