#include "features/plan/plan.h"

#include <gtest/gtest.h>

#include "core/dates.h"

namespace sb::growth {
namespace {

int64_t at(const std::string& date, int hour = 12) {
  return *parse_date(date) * 86400 + hour * 3600;
}

WeeklyPlan two_skills(const std::string& started) {
  WeeklyPlan p;
  p.items = {{"slow-breathing", 2, 0b0001001, "07:30"}, {"kind-word", 2, 0, "19:00"}};
  p.started_at = at(started);
  return p;
}

}  // namespace

TEST(Streak, AWeekCountsAtHalfThePlanAndPracticeAboveTargetDoesNotMakeUpForOthers) {
  const auto plan = two_skills("2027-01-04");  // Monday; 4 planned a week
  // Week 1: two of slow-breathing -> counts. Week 2: five of slow-breathing count as two.
  // Week 3: one -> does not count. Week 4 (in progress): nothing yet.
  std::vector<PracticeEntry> log = {{"slow-breathing", at("2027-01-05"), 5, 3, ""},
                                    {"slow-breathing", at("2027-01-06"), 5, 3, ""},
                                    {"other-skill", at("2027-01-07"), 5, 3, ""}};
  for (int i = 0; i < 5; ++i) log.push_back({"slow-breathing", at("2027-01-12"), 5, 3, ""});
  log.push_back({"kind-word", at("2027-01-20"), 5, 3, ""});
  auto s = compute_streak(plan, log, at("2027-01-26"));
  ASSERT_EQ(s.recent.size(), 4u);
  EXPECT_EQ(s.recent[0].done, 2);
  EXPECT_TRUE(s.recent[0].counts);
  EXPECT_EQ(s.recent[1].done, 2) << "capped at the item's weekly target";
  EXPECT_TRUE(s.recent[1].counts);
  EXPECT_EQ(s.recent[2].done, 1);
  EXPECT_FALSE(s.recent[2].counts);
  EXPECT_EQ(s.current, 0);
  EXPECT_EQ(s.best, 2);
}

TEST(Streak, TheWeekInProgressAddsButNeverBreaks) {
  const auto plan = two_skills("2027-01-04");
  std::vector<PracticeEntry> log = {{"slow-breathing", at("2027-01-05"), 5, 3, ""},
                                    {"kind-word", at("2027-01-06"), 5, 3, ""}};
  EXPECT_EQ(compute_streak(plan, log, at("2027-01-13")).current, 1);  // week 2 not yet kept
  log.push_back({"kind-word", at("2027-01-13"), 5, 3, ""});
  log.push_back({"kind-word", at("2027-01-14"), 5, 3, ""});
  EXPECT_EQ(compute_streak(plan, log, at("2027-01-14")).current, 2);
  // Practice from before the plan existed does not count.
  EXPECT_EQ(compute_streak(two_skills("2027-01-11"), log, at("2027-01-14")).current, 1);
  EXPECT_EQ(compute_streak(WeeklyPlan{}, log, at("2027-01-14")).current, 0);
}

TEST(Streak, RecentShowsAtMostEightWeeks) {
  auto s = compute_streak(two_skills("2026-01-05"), {}, at("2027-01-14"));
  EXPECT_EQ(s.recent.size(), 8u);
  EXPECT_EQ(s.recent.back().week_start, "2027-01-11");
}

TEST(PlanCodec, RoundTripsAndRefusesGarbage) {
  auto p = two_skills("2027-01-04");
  p.checkin_day = 6;
  auto back = decode_plan(encode_plan(p));
  ASSERT_TRUE(back);
  ASSERT_EQ(back->items.size(), 2u);
  EXPECT_EQ(back->items[0].skill_id, "slow-breathing");
  EXPECT_EQ(back->items[0].days, 0b0001001u);
  EXPECT_EQ(back->items[0].time, "07:30");
  EXPECT_EQ(back->checkin_day, 6);
  EXPECT_FALSE(decode_plan("{\"items\": 3}"));
  EXPECT_FALSE(decode_plan("not json"));
}

TEST(Ics, EscapesTextAndFoldsLongLinesWithoutSplittingCharacters) {
  EXPECT_EQ(ics_escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
  EXPECT_EQ(ics_fold("SHORT"), "SHORT\r\n");
  const std::string line = "DESCRIPTION:" + std::string(100, 'x');
  const std::string folded = ics_fold(line);
  EXPECT_EQ(folded.substr(0, 75), line.substr(0, 75));
  EXPECT_EQ(folded.substr(75, 3), "\r\n ");
  std::string unfolded;
  for (size_t i = 0; i < folded.size(); ++i) {
    if (folded.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    unfolded += folded[i];
  }
  EXPECT_EQ(unfolded, line + "\r\n");
  // An escape is never split: "\," at octets 75-76 moves to the next line whole.
  const std::string escaped = ics_fold(std::string(74, 'a') + "\\,b");
  EXPECT_EQ(escaped, std::string(74, 'a') + "\r\n \\,b\r\n");
  // "é" is two octets; no fold may fall between them, and no line may exceed 75 octets.
  std::string accents = "SUMMARY:";
  for (int i = 0; i < 60; ++i) accents += "é";
  const std::string f = ics_fold(accents);
  size_t start = 0;
  for (size_t end; (end = f.find("\r\n", start)) != std::string::npos; start = end + 2) {
    EXPECT_LE(end - start, 75u);
    if (end + 3 < f.size()) {
      EXPECT_NE(static_cast<unsigned char>(f[end + 3]) & 0xC0, 0x80);
    }
  }
}

}  // namespace sb::growth

namespace sb::growth {

TEST(Streak, ChangingThePlanNeverRewritesPastWeeks) {
  WeeklyPlan plan;
  plan.items = {{"slow-breathing", 2, 0, "07:30"}};
  plan.started_at = at("2027-01-04");
  record_version(plan, at("2027-01-05"));
  plan.items[0].times_per_week = 6;  // raised in the second week
  record_version(plan, at("2027-01-12"));
  ASSERT_EQ(plan.versions.size(), 2u);
  std::vector<PracticeEntry> log = {{"slow-breathing", at("2027-01-05"), 5, 3, ""},
                                    {"slow-breathing", at("2027-01-12"), 5, 3, ""},
                                    {"slow-breathing", at("2027-01-13"), 5, 3, ""}};
  auto s = compute_streak(plan, log, at("2027-01-19"));
  ASSERT_EQ(s.recent.size(), 3u);
  EXPECT_EQ(s.recent[0].planned, 2);
  EXPECT_TRUE(s.recent[0].counts);
  EXPECT_EQ(s.recent[1].planned, 6);
  EXPECT_FALSE(s.recent[1].counts);
  EXPECT_EQ(s.best, 1);
  // A second change in the same week replaces that week's version; the codec keeps versions.
  plan.items[0].times_per_week = 1;
  record_version(plan, at("2027-01-14"));
  auto back = decode_plan(encode_plan(plan));
  ASSERT_TRUE(back);
  ASSERT_EQ(back->versions.size(), 2u);
  EXPECT_EQ(date_of_day(back->versions[1].from_monday), "2027-01-11");
  EXPECT_EQ(back->versions[1].targets[0].second, 1);
}

}  // namespace sb::growth
