// A server never makes itself a new data key, and never starts with a key other than the one the
// store's sealed data is under (a missing key file used to create a new key silently, after which
// people's rows ended up under two keys).
#include <gtest/gtest.h>

#include <filesystem>

#include "app/app.h"
#include "support/fast_policy.h"
#include "support/test_db.h"

namespace sb {
namespace {

using testing::TestBackend;

class KeySafetyTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    crypto::init();
    db = testing::fresh_database(GetParam());
    ASSERT_TRUE(db);
    key_a = testing::temp_path("a.key");
    key_b = testing::temp_path("b.key");
    ASSERT_TRUE(crypto::DataKey::generate().save(key_a));
    ASSERT_TRUE(crypto::DataKey::generate().save(key_b));
  }
  Result<std::unique_ptr<app::App>> start(const std::string& key_file) {
    app::AppConfig cfg;
    cfg.content_dir = SECUREBASE_CONTENT_DIR;
    cfg.places_file = SECUREBASE_PLACES_FILE;
    cfg.access_log = false;
    cfg.password_policy = testing::fast_password_policy();
    cfg.data_key_file = key_file;
    return app::App::create(cfg, *db, clock);
  }

  ManualClock clock{1'800'000'000};
  std::unique_ptr<store::Database> db;
  std::string key_a, key_b;
};

TEST_P(KeySafetyTest, AMissingKeyFileIsAnErrorAndNoKeyIsCreated) {
  const std::string missing = testing::temp_path("missing.key");
  auto app = start(missing);
  ASSERT_FALSE(app);
  EXPECT_NE(app.error().message.find("securebase admin create-key"), std::string::npos)
      << app.error().message;
  EXPECT_FALSE(std::filesystem::exists(missing)) << "no key was made behind the operator's back";
}

TEST_P(KeySafetyTest, AnotherKeyThanTheStoresIsRefusedAndTheRightOneStillStarts) {
  ASSERT_TRUE(start(key_a)) << "the first server records its key in a new store";
  auto other = start(key_b);
  ASSERT_FALSE(other);
  const auto a = *crypto::DataKey::load(key_a), b = *crypto::DataKey::load(key_b);
  EXPECT_NE(other.error().message.find(a.id()), std::string::npos) << other.error().message;
  EXPECT_NE(other.error().message.find(b.id()), std::string::npos);
  EXPECT_TRUE(start(key_a)) << "the right key still starts";
}

TEST_P(KeySafetyTest, AfterRotationOnlyTheNewKeyStarts) {
  auto first = start(key_a);
  ASSERT_TRUE(first);
  const auto a = *crypto::DataKey::load(key_a), b = *crypto::DataKey::load(key_b);
  ASSERT_TRUE((*first)->rotate_key(a, b));
  ASSERT_TRUE(crypto::record_store_key(*db, b, clock.now()));
  EXPECT_TRUE(start(key_b));
  EXPECT_FALSE(start(key_a));
}

INSTANTIATE_TEST_SUITE_P(Backends, KeySafetyTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace sb
