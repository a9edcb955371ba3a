#include "accounts/two_factor.h"

#include <gtest/gtest.h>

#include "accounts/accounts_repo.h"
#include "accounts/crypto.h"
#include "support/test_db.h"

namespace sb::accounts {
namespace {

// RFC 6238, appendix B: the SHA-1 key "12345678901234567890"; the RFC lists eight digits, of
// which authenticator apps show the last six.
TEST(Totp, MatchesTheRfc6238TestVectors) {
  const std::string key = "12345678901234567890";
  EXPECT_EQ(TwoFactor::totp_at(key, 59), "287082");          // 94287082
  EXPECT_EQ(TwoFactor::totp_at(key, 1111111109), "081804");  // 07081804
  EXPECT_EQ(TwoFactor::totp_at(key, 1234567890), "005924");  // 89005924
  EXPECT_EQ(TwoFactor::totp_at(key, 2000000000), "279037");  // 69279037
  EXPECT_EQ(TwoFactor::totp_for_base32(TwoFactor::base32(key), 59), "287082");
}

class TwoFactorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto::init();
    db = testing::fresh_database(testing::TestBackend::kSqlite);
    ASSERT_TRUE(db);
    store::AccountsRepo users(*db);
    user = *users.create_user("me@example.org", "h", "member", 1);
  }
  ManualClock clock{1'800'000'000};
  crypto::DataKey key = crypto::DataKey::generate();
  std::unique_ptr<store::Database> db;
  int64_t user = 0;
};

TEST_F(TwoFactorTest, EnrolVerifyOnceAndRecover) {
  TwoFactor tf(*db, clock, key);
  auto e = tf.begin(user, "me@example.org");
  ASSERT_TRUE(e);
  EXPECT_NE(e->qr_svg.find("<svg"), std::string::npos);
  EXPECT_NE(e->otpauth_uri.find("secret=" + e->secret_base32), std::string::npos);
  EXPECT_FALSE(tf.enable(user, "000000")) << "a wrong code does not turn it on";
  EXPECT_FALSE(tf.enabled(user));
  auto codes = tf.enable(user, TwoFactor::totp_for_base32(e->secret_base32, clock.now()));
  ASSERT_TRUE(codes);
  EXPECT_EQ(codes->size(), 10u);
  EXPECT_TRUE(tf.enabled(user));
  // The code used to enable cannot be used again; the next step's can, once.
  EXPECT_FALSE(tf.verify(user, TwoFactor::totp_for_base32(e->secret_base32, clock.now())));
  clock.advance(30);
  const std::string next = TwoFactor::totp_for_base32(e->secret_base32, clock.now());
  EXPECT_TRUE(tf.verify(user, next));
  EXPECT_FALSE(tf.verify(user, next)) << "replayed";
  // A recovery code works once, with or without its dash, in any case.
  std::string code = codes->front();
  for (auto& c : code) c = static_cast<char>(std::toupper(c));
  EXPECT_TRUE(tf.verify(user, code));
  EXPECT_FALSE(tf.verify(user, codes->front()));
  EXPECT_EQ(*tf.recovery_codes_left(user), 9);
  ASSERT_TRUE(tf.disable(user));
  EXPECT_FALSE(tf.enabled(user));
  EXPECT_FALSE(tf.verify(user, (*codes)[1])) << "codes go with two-factor";
}

TEST_F(TwoFactorTest, TheSecretIsSealedAndRotatesWithTheKey) {
  TwoFactor tf(*db, clock, key);
  auto e = tf.begin(user, "me@example.org");
  ASSERT_TRUE(tf.enable(user, TwoFactor::totp_for_base32(e->secret_base32, clock.now())));
  crypto::DataKey next = crypto::DataKey::generate();
  EXPECT_EQ(*TwoFactor::rotate_key(*db, key, next), 1);
  EXPECT_EQ(*TwoFactor::rotate_key(*db, key, next), 0) << "already under the new key";
  TwoFactor rotated(*db, clock, next);
  clock.advance(30);
  EXPECT_TRUE(rotated.verify(user, TwoFactor::totp_for_base32(e->secret_base32, clock.now())));
}

}  // namespace
}  // namespace sb::accounts
