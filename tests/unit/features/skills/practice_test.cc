// The practice log on its own: distress ratings, unknown skills, order and averages.
#include <gtest/gtest.h>

#include "accounts/accounts_repo.h"
#include "accounts/crypto.h"
#include "features/skills/skills.h"
#include "support/test_db.h"

namespace sb::growth {
namespace {

class PracticeServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto::init();
    db = testing::fresh_database(testing::TestBackend::kSqlite);
    ASSERT_TRUE(db);
    auto lib = SkillLibrary::load(std::string(SECUREBASE_CONTENT_DIR) + "/skills.json");
    ASSERT_TRUE(lib);
    library = std::make_unique<SkillLibrary>(std::move(*lib));
    store::AccountsRepo users(*db);
    me = Owner{*users.create_user("me@example.org", "h", "member", 1), 0};
    other = Owner{*users.create_user("other@example.org", "h", "member", 1), 0};
  }

  ManualClock clock{1'800'000'000};
  crypto::DataKey key = crypto::DataKey::generate();
  std::unique_ptr<store::Database> db;
  std::unique_ptr<SkillLibrary> library;
  Owner me, other;
};

TEST_F(PracticeServiceTest, RatingsGoFromZeroToTenAndSkillsMustExist) {
  Practice p(*db, clock, key, *library);
  EXPECT_EQ(p.log(me, "slow-breathing", 11, 3, "").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(p.log(me, "slow-breathing", 5, -1, "").error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(p.log(me, "no-such-skill", 5, 3, ""));
  EXPECT_TRUE(p.logs(me)->empty());
  EXPECT_TRUE(p.log(me, "slow-breathing", 0, 10, ""));
}

TEST_F(PracticeServiceTest, LogsAreNewestFirstPerPersonWithTheirNotes) {
  Practice p(*db, clock, key, *library);
  ASSERT_TRUE(p.log(me, "slow-breathing", 8, 3, "first"));
  clock.advance(60);
  ASSERT_TRUE(p.log(me, "slow-breathing", 6, 4, "second"));
  ASSERT_TRUE(p.log(other, "slow-breathing", 9, 9, "theirs"));
  auto mine = p.logs(me, "slow-breathing");
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].note, "second");
  EXPECT_EQ((*mine)[1].note, "first");
  auto summaries = p.summaries(me);
  ASSERT_EQ(summaries->size(), 2u);
  EXPECT_EQ((*summaries)[0].before, 8) << "summaries are oldest first";
  EXPECT_TRUE((*summaries)[0].note.empty()) << "summaries decrypt nothing";
  const auto drops = average_drop_per_skill(*mine);
  EXPECT_DOUBLE_EQ(drops.at("slow-breathing"), 3.5);
}

}  // namespace
}  // namespace sb::growth
