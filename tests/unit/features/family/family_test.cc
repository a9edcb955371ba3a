#include "features/family/family.h"

#include <gtest/gtest.h>

#include "core/dates.h"

namespace sb::family {
namespace {

int64_t day(const char* d) { return *parse_date(d); }

TEST(Age, CountsWholeMonths) {
  EXPECT_EQ(age_in_months(day("2025-03-14"), day("2025-03-14")), 0);
  EXPECT_EQ(age_in_months(day("2025-03-14"), day("2025-04-13")), 0);
  EXPECT_EQ(age_in_months(day("2025-03-14"), day("2025-04-14")), 1);
  EXPECT_EQ(age_in_months(day("2024-01-31"), day("2024-02-29")), 0);
  EXPECT_EQ(age_in_months(day("2020-06-01"), day("2026-12-02")), 78);
  EXPECT_EQ(age_words(0), "under a month");
  EXPECT_EQ(age_words(1), "1 month");
  EXPECT_EQ(age_words(23), "23 months");
  EXPECT_EQ(age_words(27), "2 years and 3 months");
  EXPECT_EQ(age_words(78), "6 years");
}

LogEntry entry(int64_t at, const char* cue, std::vector<std::string> responses,
               const char* speed = "now") {
  LogEntry e;
  e.at = at;
  e.cue = cue;
  e.responses = std::move(responses);
  e.speed = speed;
  e.outcome = "settled";
  return e;
}

TEST(Reflect, SharesOfDistressMetWithComfort) {
  const int64_t t = day("2026-11-30") * 86400 + 9 * 3600;
  const auto r = reflect({entry(t, "cry", {"comfort"}), entry(t + 60, "fuss", {"eyes"}),
                          entry(t + 120, "cry", {"care", "touch"}),
                          entry(t + 180, "play", {"space"}, "minutes")});
  EXPECT_EQ(r.entries, 4);
  EXPECT_EQ(r.distress, 3);
  EXPECT_EQ(r.distress_comforted, 2);  // eye contact alone is not comfort for an upset child
  EXPECT_EQ(r.bids, 1);
  EXPECT_EQ(r.bids_answered, 1);
  EXPECT_EQ(r.space, 1);
  EXPECT_EQ(r.quick, 3);
  ASSERT_FALSE(r.lines.empty());
  EXPECT_NE(r.lines[0].find("upset 3 times"), std::string::npos) << r.lines[0];
  EXPECT_NE(r.lines[0].find("(67%)"), std::string::npos) << r.lines[0];
  bool both = false;
  for (const auto& l : r.lines) both = both || l.find("both comfort and room") != std::string::npos;
  EXPECT_TRUE(both);
}

TEST(Reflect, ARepairIsAComfortingMomentWithinADayOfAMiss) {
  const int64_t t = day("2026-11-30") * 86400;
  // Missed at 08:00, comforted at 09:00: repaired. Missed at 20:00 on Sunday, comforted on
  // Monday at 07:00 (the day after the week): repaired too. Missed on Wednesday, nothing after.
  const std::vector<LogEntry> week = {entry(t + 8 * 3600, "cry", {"missed"}, ""),
                                      entry(t + 9 * 3600, "reach", {"touch"}),
                                      entry(t + 2 * 86400, "fuss", {"missed"}, ""),
                                      entry(t + 6 * 86400 + 20 * 3600, "cry", {"missed"}, "")};
  const auto r = reflect(week, {entry(t + 7 * 86400 + 7 * 3600, "look", {"reassure"})});
  EXPECT_EQ(r.missed, 3);
  EXPECT_EQ(r.repaired, 2);
  bool named = false;
  for (const auto& l : r.lines)
    named = named || l.find("reconnected afterwards twice") != std::string::npos;
  EXPECT_TRUE(named);
}

TEST(Reflect, AnEmptyWeekInvitesWithoutJudging) {
  const auto r = reflect({});
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_NE(r.lines[0].find("One moment is enough"), std::string::npos);
}

TEST(Reflect, OnlyJoiningInSuggestsRoomToExplore) {
  const int64_t t = day("2026-11-30") * 86400;
  const auto r = reflect({entry(t, "play", {"praise"}), entry(t + 9, "reach", {"touch"})});
  bool suggested = false;
  for (const auto& l : r.lines)
    suggested = suggested || l.find("explore while") != std::string::npos;
  EXPECT_TRUE(suggested);
}

Stage stage() {
  Stage s;
  s.id = "secure-base";
  s.signs = {{"a", "A"}, {"b", "B"}, {"c", "C"}};
  return s;
}

SignCheck check(const char* on, std::map<std::string, std::string> answers,
                const char* stage_id = "secure-base") {
  return SignCheck{0, on, stage_id, std::move(answers), "you"};
}

TEST(Trends, DirectionAndPersistence) {
  const auto t =
      trends(stage(), {check("2026-10-01", {{"a", "rarely"}, {"b", "often"}, {"c", "rarely"}}),
                       check("2026-10-10", {{"a", "sometimes"}, {"c", "rarely"}}),
                       check("2026-10-20", {{"a", "often"}, {"b", "rarely"}}),
                       check("2026-10-21", {{"b", "unsure"}}, "other-stage")});
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].direction, "more often than at first");
  EXPECT_FALSE(t[0].persisting);
  EXPECT_EQ(t[1].answers.size(), 2u);  // the other stage's check is not counted
  EXPECT_EQ(t[1].direction, "less often than at first");
  // "Rarely" twice, but only nine days apart: not yet persisting.
  EXPECT_EQ(t[2].direction, "about the same as at first");
  EXPECT_FALSE(t[2].persisting);
  const auto later = trends(
      stage(), {check("2026-10-01", {{"c", "rarely"}}), check("2026-10-15", {{"c", "unsure"}}),
                check("2026-10-15", {{"c", "rarely"}})});
  EXPECT_TRUE(later[2].persisting);  // two rare answers two weeks apart; "not sure" skipped
}

TEST(SignBook, TheShippedStagesCoverEveryAgeInOrder) {
  auto book = SignBook::load(std::string(SECUREBASE_CONTENT_DIR) + "/family/signs.json");
  ASSERT_TRUE(book) << book.error().message;
  int expected_from = 0;
  for (const auto& s : book->stages) {
    EXPECT_EQ(s.from_months, expected_from) << s.id;
    EXPECT_GT(s.to_months, s.from_months) << s.id;
    EXPECT_GE(s.signs.size(), 3u) << s.id;
    expected_from = s.to_months;
  }
  EXPECT_EQ(expected_from, 18 * 12);
  EXPECT_EQ(book->stage_for(2)->id, "first-months");
  EXPECT_EQ(book->stage_for(8)->id, "first-attachments");
  EXPECT_EQ(book->stage_for(14)->id, "secure-base");
  EXPECT_EQ(book->stage_for(30)->id, "partnership");
  EXPECT_EQ(book->stage_for(100)->id, "feelings-words");
}

}  // namespace
}  // namespace sb::family
