// The weekly check-in on its own: scoring per area, one per week, and history.
#include "features/checkin/checkin.h"

#include <gtest/gtest.h>

#include "accounts/accounts_repo.h"
#include "support/test_db.h"

namespace sb::growth {
namespace {

class CheckinServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db = testing::fresh_database(testing::TestBackend::kSqlite);
    ASSERT_TRUE(db);
    auto f = CheckinForm::load(std::string(SECUREBASE_CONTENT_DIR) + "/checkin.json");
    ASSERT_TRUE(f);
    form = *f;
    store::AccountsRepo users(*db);
    me = Owner{*users.create_user("me@example.org", "h", "member", 1), 0};
  }
  // The area's mean after reverse-keyed statements are turned around (6 - x on 1..5).
  double expected_mean(size_t area, const std::map<std::string, int>& answers) const {
    double sum = 0;
    for (const auto& item : form.areas[area].items) {
      const int v = answers.at(item.id);
      sum += item.reverse ? 6 - v : v;
    }
    return sum / static_cast<double>(form.areas[area].items.size());
  }
  std::map<std::string, int> all(int value) const {
    std::map<std::string, int> a;
    for (const auto& area : form.areas)
      for (const auto& item : area.items) a[item.id] = value;
    return a;
  }

  ManualClock clock{1'800'000'000};  // a Friday
  std::unique_ptr<store::Database> db;
  CheckinForm form;
  Owner me;
};

TEST_F(CheckinServiceTest, ScoresAreAreaMeansAndEveryStatementIsNeeded) {
  auto answers = all(2);
  answers[form.areas[0].items[0].id] = 5;
  auto scores = score_checkin(form, answers);
  ASSERT_TRUE(scores);
  EXPECT_DOUBLE_EQ(scores->at(form.areas[0].id), expected_mean(0, answers));
  EXPECT_DOUBLE_EQ(scores->at(form.areas[1].id), expected_mean(1, answers));
  EXPECT_NE(expected_mean(0, answers), 2.0) << "the test needs a reverse-keyed statement";
  answers.erase(form.areas[1].items[0].id);
  EXPECT_FALSE(score_checkin(form, answers));
  answers = all(6);
  EXPECT_FALSE(score_checkin(form, answers)) << "the scale goes from 1 to 5";
}

TEST_F(CheckinServiceTest, OnePerWeekTheLaterOneReplacesTheEarlier) {
  Checkins c(*db, clock, form);
  ASSERT_TRUE(c.submit(me, all(2)));
  clock.advance(3600);
  ASSERT_TRUE(c.submit(me, all(4)));
  auto history = c.history(me);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 1u);
  EXPECT_DOUBLE_EQ(history->front().by_area.at(form.areas[0].id), expected_mean(0, all(4)));
  EXPECT_EQ(history->front().week_start, week_start_of(clock.now()));
  clock.advance(7 * 86400);
  ASSERT_TRUE(c.submit(me, all(3)));
  EXPECT_EQ(c.history(me)->size(), 2u);
  EXPECT_FALSE(c.submit(me, {})) << "an empty check-in is refused";
  EXPECT_EQ(c.history(me)->size(), 2u);
}

}  // namespace
}  // namespace sb::growth
