// The recalibration service on its own: version names, one calibration at a time, a stopped
// server's calibration given up, and a shutdown that does not wait for a calibration.
#include "features/assessment/recalibration.h"

#include <gtest/gtest.h>

#include "psychometrics/simulate.h"
#include "support/test_db.h"

namespace sb::assessment {
namespace {

TEST(NextVersion, BumpsTheMinorOfASemanticVersionAndOtherwiseAddsTheCalibration) {
  EXPECT_EQ(next_version("0.1.0", 3), "0.2.0");
  EXPECT_EQ(next_version("1.9.4", 3), "1.10.0");
  EXPECT_EQ(next_version("2026-spring", 7), "2026-spring-r7");
  EXPECT_EQ(next_version("1.2", 7), "1.2-r7");
}

class RecalibrationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db = testing::fresh_database(testing::TestBackend::kSqlite);
    ASSERT_TRUE(db);
    auto ins = psy::load_instrument(std::string(SECUREBASE_CONTENT_DIR) +
                                    "/instruments/securebase-relationships.json");
    ASSERT_TRUE(ins);
    instrument = std::make_unique<psy::Instrument>(std::move(*ins));
    assessments = std::make_unique<Assessments>(*db, clock, *instrument);
    service = std::make_unique<Recalibrations>(*db, clock, *assessments, 1);
  }

  // Complete answer sets simulated from the bank, enough for every item to be ready.
  void seed(size_t people) {
    auto model = instrument->model();
    ASSERT_TRUE(model);
    const auto data = psy::simulate(*model, people, 3);
    std::vector<std::vector<store::AnswerRecord>> sets(people);
    for (size_t r = 0; r < people; ++r) {
      for (size_t j = 0; j < instrument->items.size(); ++j) {
        int raw = 0;
        for (int x = 1; x <= instrument->categories; ++x)
          if (instrument->key(j, x) == data.responses.at(r, j)) raw = x;
        sets[r].push_back({static_cast<int>(j), instrument->items[j].id, raw, 0});
      }
    }
    store::AssessmentsRepo repo(*db);
    ASSERT_TRUE(
        repo.add_unowned_answer_sets(instrument->id, instrument->version, sets, "t-", clock.now()));
    seeded.insert(seeded.end(), sets.begin(), sets.end());
  }

  ManualClock clock{1'800'000'000};
  std::unique_ptr<store::Database> db;
  std::unique_ptr<psy::Instrument> instrument;
  std::unique_ptr<Assessments> assessments;
  std::unique_ptr<Recalibrations> service;
  std::vector<std::vector<store::AnswerRecord>> seeded;
  const std::atomic<bool> keep_going{false}, stop_now{true};
};

TEST_F(RecalibrationServiceTest, ReadsEveryConsentedSetWholeAcrossItsChunks) {
  seed(1234);  // more than two chunks of 500, the last one partial
  store::AssessmentsRepo repo(*db);
  const auto sets = repo.consented_answers(instrument->id);
  ASSERT_TRUE(sets) << sets.error().message;
  ASSERT_EQ(sets->size(), seeded.size());
  for (size_t r = 0; r < seeded.size(); ++r) {
    ASSERT_EQ((*sets)[r].size(), seeded[r].size()) << "set " << r;
    for (size_t k = 0; k < seeded[r].size(); ++k) {
      EXPECT_EQ((*sets)[r][k].item_id, seeded[r][k].item_id);
      EXPECT_EQ((*sets)[r][k].answer, seeded[r][k].answer);
    }
  }
}

TEST_F(RecalibrationServiceTest, NothingQueuedNothingRuns) {
  auto ran = service->run_next(keep_going);
  ASSERT_TRUE(ran);
  EXPECT_FALSE(*ran);
}

TEST_F(RecalibrationServiceTest, OneAtATimeUntilItsServerStopsAnswering) {
  seed(700);
  auto first = service->start();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(service->start()) << "the first is still queued";
  // A server claims it and then dies: its heartbeat ages.
  store::RecalibrationsRepo repo(*db);
  auto claimed = repo.claim_next(clock.now());
  ASSERT_TRUE(claimed && claimed->has_value());
  clock.advance(Recalibrations::kStaleAfterSeconds - 1);
  EXPECT_FALSE(service->start()) << "still within its heartbeat";
  clock.advance(2);
  auto second = service->start();
  ASSERT_TRUE(second) << second.error().message;
  auto gone = service->find(*first);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, "failed");
  EXPECT_NE(gone->error.find("stopped"), std::string::npos);
}

TEST_F(RecalibrationServiceTest, AStoppingServerGivesUpAndSaysSo) {
  seed(700);
  auto id = service->start();
  ASSERT_TRUE(id) << id.error().message;
  auto ran = service->run_next(stop_now);
  ASSERT_TRUE(ran);
  EXPECT_TRUE(*ran);
  auto c = service->find(*id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, "failed");
  EXPECT_EQ(c->error, "The server stopped while it was running.");
  EXPECT_FALSE(service->publish(*id)) << "a failed calibration cannot be published";
}

TEST_F(RecalibrationServiceTest, AFinishedCalibrationPublishesOnceAndNewAssessmentsUseIt) {
  seed(700);
  auto id = service->start();
  ASSERT_TRUE(id) << id.error().message;
  auto ran = service->run_next(keep_going);
  ASSERT_TRUE(ran && *ran);
  auto c = service->find(*id);
  ASSERT_TRUE(c);
  ASSERT_EQ(c->status, "done") << c->error;
  EXPECT_EQ(c->progress, 100);
  EXPECT_EQ(c->response_sets, 700);
  auto version = service->publish(*id);
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_EQ(*version, "0.2.0");
  EXPECT_FALSE(service->publish(*id));
  auto bank = assessments->current_bank();
  ASSERT_TRUE(bank);
  EXPECT_EQ((*bank)->instrument.version, "0.2.0");
  EXPECT_EQ(assessments->bank("0.1.0")->instrument.version, "0.1.0") << "the old one still runs";
  // A calibration of the old version cannot be published over the new one.
  store::RecalibrationsRepo repo(*db);
  auto stale = repo.queue(instrument->id, "0.1.0", clock.now(), clock.now());
  ASSERT_TRUE(stale);
  ASSERT_TRUE(service->run_next(keep_going));
  const auto refused = service->publish(*stale);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
}

}  // namespace
}  // namespace sb::assessment
