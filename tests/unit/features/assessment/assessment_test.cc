// The assessment service on its own: the adaptive flow, refusals that store nothing, ownership,
// anonymous work and its adoption, and the result.
#include "features/assessment/assessment.h"

#include <gtest/gtest.h>

#include <numeric>

#include "accounts/accounts_repo.h"
#include "support/test_db.h"

namespace sb::assessment {
namespace {

class AssessmentServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db = testing::fresh_database(testing::TestBackend::kSqlite);
    ASSERT_TRUE(db);
    auto ins = psy::load_instrument(std::string(SECUREBASE_CONTENT_DIR) +
                                    "/instruments/securebase-relationships.json");
    ASSERT_TRUE(ins);
    instrument = std::make_unique<psy::Instrument>(std::move(*ins));
    service = std::make_unique<Assessments>(*db, clock, *instrument);
    store::AccountsRepo users(*db);
    user = *users.create_user("me@example.org", "h", "member", 1);
    other = *users.create_user("other@example.org", "h", "member", 1);
  }
  // Answers every question with `value` until the assessment completes; returns how many.
  int finish(const Owner& owner, const std::string& id, int value) {
    for (int n = 0; n < 100; ++n) {
      auto step = service->current(owner, id);
      if (!step || step->completed) return n;
      EXPECT_TRUE(
          service->answer(owner, id, step->question->position, step->question->item_id, value));
    }
    return -1;
  }

  ManualClock clock{1'800'000'000};
  std::unique_ptr<store::Database> db;
  std::unique_ptr<psy::Instrument> instrument;
  std::unique_ptr<Assessments> service;
  int64_t user = 0, other = 0;
};

TEST_F(AssessmentServiceTest, RefusedAnswersStoreNothing) {
  const Owner me{user, 0};
  auto id = service->start(me, false);
  ASSERT_TRUE(id);
  auto q = *service->current(me, *id)->question;
  EXPECT_EQ(service->answer(me, *id, q.position, q.item_id, 0).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(service->answer(me, *id, q.position, "no-such-item", 3).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(service->answer(me, *id, q.position + 1, q.item_id, 3).error().code,
            ErrorCode::kConflict);
  EXPECT_EQ(service->current(me, *id)->question->position, 0) << "nothing was stored";
  // Someone else's assessment is "not found", whatever is wrong with the answer.
  EXPECT_EQ(service->answer(Owner{other, 0}, *id, q.position, "no-such-item", 3).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(service->current(Owner{other, 0}, *id).error().code, ErrorCode::kNotFound);
}

TEST_F(AssessmentServiceTest, CompletesWithinTheBoundsAndScoresAResult) {
  const Owner me{user, 0};
  auto id = service->start(me, true);
  const int asked = finish(me, *id, 6);
  EXPECT_GE(asked, 6);
  EXPECT_LE(asked, instrument->items.size() ? 20 : 0);
  auto r = service->result(me, *id);
  ASSERT_TRUE(r);
  const double total =
      std::accumulate(r->style_probability.begin(), r->style_probability.end(), 0.0);
  EXPECT_NEAR(total, 1.0, 1e-9);
  EXPECT_EQ(r->items_answered, asked);
  EXPECT_GT(r->anxiety.se, 0);
  EXPECT_EQ(*service->consented_count(), 1);
  EXPECT_FALSE(service->answer(me, *id, asked, instrument->items[0].id, 3))
      << "a completed assessment takes no more answers";
}

TEST_F(AssessmentServiceTest, BackTakesOnlyTheLastAnswer) {
  const Owner me{user, 0};
  auto id = service->start(me, false);
  for (int i = 0; i < 2; ++i) {
    auto q = *service->current(me, *id)->question;
    ASSERT_TRUE(service->answer(me, *id, q.position, q.item_id, 2 + i));
  }
  EXPECT_EQ(service->back(me, *id, 0).error().code, ErrorCode::kConflict);
  EXPECT_EQ(*service->back(me, *id, 1), 3);
  EXPECT_EQ(service->current(me, *id)->question->position, 1);
}

TEST_F(AssessmentServiceTest, AnAnonymousSessionFindsItsWorkAndHandsItOver) {
  const Owner visitor{std::nullopt, 77};
  auto id = service->start(visitor, false);
  ASSERT_TRUE(id);
  auto unfinished = service->unfinished(visitor);
  ASSERT_TRUE(unfinished);
  ASSERT_EQ(unfinished->size(), 1u) << "a visitor who comes back can continue";
  EXPECT_EQ(unfinished->front(), *id);
  EXPECT_TRUE(service->unfinished(Owner{std::nullopt, 78})->empty());
  ASSERT_TRUE(service->adopt(77, user));
  EXPECT_TRUE(service->unfinished(visitor)->empty()) << "adopted work leaves the session";
  EXPECT_EQ(service->unfinished(Owner{user, 0})->size(), 1u);
}

}  // namespace
}  // namespace sb::assessment
