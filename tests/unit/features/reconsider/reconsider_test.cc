#include "features/reconsider/reconsider.h"

#include <gtest/gtest.h>

#include "core/safety.h"

namespace sb::growth {

namespace {
Reconsideration made(const std::string& first_id, const std::string& text, bool followed,
                     const std::string& outcome = "") {
  Reconsideration r;
  r.first_id = first_id;
  r.first.text = text;
  r.followed_up = followed;
  r.outcome = outcome;
  return r;
}
}  // namespace

TEST(ReconsiderSummary, CountsRecurringInterpretationsAndOutcomes) {
  const std::vector<Reconsideration> all = {
      made("rejecting", "They are pushing me away.", true, "better"),
      made("own", "Nobody stays", true, "worse"),
      made("rejecting", "They are pushing me away.", false),
      made("own", "  nobody STAYS ", true, "better"),
      made("leaving", "They are getting ready to leave me.", true, "unsure"),
      made("rejecting", "They are pushing me away.", true, "same")};
  const auto s = summarise(all);
  EXPECT_EQ(s.total, 6);
  EXPECT_EQ(s.followed_up, 5);
  EXPECT_EQ(s.better, 2);
  EXPECT_EQ(s.same, 1);
  EXPECT_EQ(s.worse, 1);
  EXPECT_EQ(s.unsure, 1);
  ASSERT_EQ(s.recurring.size(), 3u);
  EXPECT_EQ(s.recurring[0].interpretation, "They are pushing me away.");
  EXPECT_EQ(s.recurring[0].count, 3);
  EXPECT_EQ(s.recurring[1].count, 2) << "own words match ignoring case and spaces";
  EXPECT_EQ(s.recurring[2].count, 1);
}

TEST(ReconsiderSummary, CommonInterpretationsHaveUniqueIds) {
  std::set<std::string> ids;
  for (const auto& i : common_interpretations()) EXPECT_TRUE(ids.insert(i.id).second) << i.id;
  EXPECT_GE(ids.size(), 6u);
  EXPECT_FALSE(ids.count("own"));
}

TEST(Safety, PhrasesSuggestingCrisisAreNoticedAndEverydayWordsAreNot) {
  EXPECT_TRUE(sb::suggests_crisis("Sometimes I want to die"));
  EXPECT_TRUE(sb::suggests_crisis("thinking about SUICIDE"));
  EXPECT_TRUE(sb::suggests_crisis("they'd be better off without me"));
  EXPECT_TRUE(sb::suggests_crisis("I can’t go on"));
  EXPECT_FALSE(sb::suggests_crisis("This deadline is killing me"));
  EXPECT_FALSE(sb::suggests_crisis("I died laughing at the film"));
  Reconsideration r = made("own", "fine", false);
  r.alternatives = {{"tired", ""}, {"busy", "I might hurt myself if this goes on"}};
  EXPECT_TRUE(suggests_crisis(r)) << "every text field of the exercise is read";
}

}  // namespace sb::growth
