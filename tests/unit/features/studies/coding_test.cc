#include "features/studies/coding.h"

#include <gtest/gtest.h>

namespace sb::studies {
namespace {

EpisodeScores reunion(int episode, int prox, int contact, int resist, int avoid, int crying = 0) {
  return {episode,
          {{"proximity", prox}, {"contact", contact}, {"resistance", resist}, {"avoidance", avoid}},
          crying};
}

SessionCode session(const std::string& participant, const std::string& coder,
                    const std::string& cls, int prox, int avoid, int resist = 1,
                    int disorganisation = 1) {
  SessionCode c;
  c.participant = participant;
  c.coder = coder;
  for (int e = 1; e <= 8; ++e)
    if (e == 5 || e == 8)
      c.episodes.push_back(reunion(e, prox, prox, resist, avoid, e == 8 ? 1 : 0));
    else
      c.episodes.push_back({e, {}, e == 6 ? 3 : 0});
  c.disorganisation = disorganisation;
  c.classification = cls;
  return c;
}

TEST(Episodes, EightWithTheUsualTiming) {
  ASSERT_EQ(episodes().size(), 8u);
  EXPECT_EQ(episodes()[0].usual_seconds, 30);
  for (size_t i = 1; i < 8; ++i) EXPECT_EQ(episodes()[i].usual_seconds, 180);
  EXPECT_TRUE(episodes()[4].reunion);
  EXPECT_TRUE(episodes()[7].reunion);
  EXPECT_TRUE(episodes()[3].separation && episodes()[5].separation && episodes()[6].separation);
}

TEST(Episodes, ShortenedSeparationsAndExtendedReunionsAreNamed) {
  EXPECT_EQ(timing_words({4, {}, 0, 45}), "shortened to 45 s");
  EXPECT_EQ(timing_words({5, {}, 0, 240}), "extended to 240 s");
  EXPECT_EQ(timing_words({2, {}, 0, 180}), "180 s");
  EXPECT_EQ(timing_words({4, {}, 0, 0}), "");
  EXPECT_FALSE(validate([] {
    SessionCode c;
    c.participant = "P-1";
    c.coder = "coder 1";
    c.classification = "B";
    c.episodes = {
        {5, {{"proximity", 5}, {"contact", 5}, {"resistance", 1}, {"avoidance", 1}}, 0, 901},
        {8, {{"proximity", 5}, {"contact", 5}, {"resistance", 1}, {"avoidance", 1}}, 0, 0}};
    return c;
  }()));
}

TEST(Validate, NamesWhatIsWrong) {
  EXPECT_TRUE(validate(session("P-001", "coder 1", "B", 6, 1)));
  auto bad = session("P-001", "coder 1", "B", 6, 1);
  bad.episodes[4].scales["avoidance"] = 8;
  EXPECT_EQ(validate(bad).error().field, "avoidance");
  bad = session("P-001", "coder 1", "B", 6, 1);
  bad.episodes[1].scales["proximity"] = 3;  // episode 2 is not a reunion
  EXPECT_EQ(validate(bad).error().field, "proximity");
  bad = session("Jane Smith?", "coder 1", "B", 6, 1);
  EXPECT_EQ(validate(bad).error().field, "participant");
  bad = session("P-001", "coder 1", "B", 6, 1);
  bad.subgroup = "A1";
  EXPECT_EQ(validate(bad).error().field, "subgroup");
  bad = session("P-001", "coder 1", "D", 6, 1, 1, 10);
  EXPECT_EQ(validate(bad).error().field, "disorganisation");
  bad = session("P-001", "coder 1", "B", 6, 1);
  bad.episodes.erase(bad.episodes.begin() + 7);
  EXPECT_EQ(validate(bad).error().field, "episode");
}

TEST(Suggest, EachRuleWithItsWordsAndNothingWhenNoneFits) {
  EXPECT_EQ(suggest(session("p1", "c", "B", 6, 1)).label, "B");
  EXPECT_EQ(suggest(session("p1", "c", "A", 2, 6)).label, "A");
  EXPECT_EQ(suggest(session("p1", "c", "C", 5, 1, 6)).label, "C");
  const auto d = suggest(session("p1", "c", "D", 6, 1, 1, 7));
  EXPECT_EQ(d.label, "D");
  EXPECT_NE(d.rule.find("5 or more"), std::string::npos);
  const auto none = suggest(session("p1", "c", "B", 3, 4, 4));
  EXPECT_EQ(none.label, "");
  EXPECT_NE(none.rule.find("none of the rules"), std::string::npos);
}

TEST(Agreement, KappaScalesAndDisagreements) {
  std::vector<SessionCode> one, two;
  // Ten sessions: eight agree on the classification; one A/B and one C/D disagreement.
  const char* first[] = {"B", "B", "B", "A", "A", "C", "B", "D", "A", "C"};
  const char* second[] = {"B", "B", "B", "A", "B", "C", "B", "D", "A", "D"};
  for (int i = 0; i < 10; ++i) {
    const std::string p = "P" + std::to_string(i);
    one.push_back(session(p, "coder 1", first[i], 2 + i % 5, 1 + i % 6));
    two.push_back(session(p, "coder 2", second[i], 2 + i % 5, 1 + (i + (i == 3 ? 3 : 0)) % 6));
  }
  const auto r = agreement(one, two);
  EXPECT_EQ(r.sessions, 10);
  ASSERT_TRUE(r.has_kappa);
  EXPECT_NEAR(r.classification_kappa.observed, 0.8, 1e-12);
  EXPECT_GT(r.classification_kappa.value, 0.6);
  EXPECT_LT(r.classification_kappa.value, 0.8);
  ASSERT_EQ(r.scales.size(), 4u);
  EXPECT_EQ(r.scales[0].scale, "proximity");
  EXPECT_EQ(r.scales[0].pairs, 20);
  EXPECT_NEAR(r.scales[0].weighted_kappa.value, 1.0, 1e-12);  // identical proximity scores
  EXPECT_NEAR(r.scales[0].icc.value, 1.0, 1e-12);
  EXPECT_LT(r.scales[3].icc.value, 1.0);  // avoidance differs for P3
  // Resistance is 1 everywhere: neither statistic is defined, and the report says so.
  EXPECT_FALSE(r.scales[2].has_kappa);
  EXPECT_FALSE(r.scales[2].has_icc);
  EXPECT_TRUE(r.scales[3].has_kappa && r.scales[3].has_icc);
  // Two classification disagreements, and P3's avoidance 3 points apart in both reunions.
  int classification = 0, avoidance = 0;
  for (const auto& d : r.disagreements) {
    classification += d.what == "classification";
    avoidance += d.participant == "P3" && d.what.find("Avoidance") != std::string::npos;
  }
  EXPECT_EQ(classification, 2);
  EXPECT_EQ(avoidance, 2);
}

TEST(Csv, RoundTripsExactly) {
  std::vector<SessionCode> codes = {session("P-01", "coder 1", "B", 6, 1),
                                    session("P-01", "coder 2", "D", 5, 2, 3, 6),
                                    session("P_02", "final", "A", 2, 6)};
  codes[0].subgroup = "B3";
  codes[1].subgroup = "D-B";
  codes[1].disorganisation_indices = {"I", "V"};
  codes[1].episodes[3].seconds = 50;   // a separation cut short
  codes[1].episodes[4].seconds = 240;  // a reunion extended
  const std::string csv = to_csv("Study 7", codes);
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "study,participant,coder,episode,seconds,proximity,contact,resistance,avoidance,crying,"
            "disorganisation_indices,disorganisation,classification,subgroup");
  size_t rows = 0;
  for (size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", at + 1)) ++rows;
  EXPECT_EQ(rows, 1u + 3 * 8);  // one row per session x coder x episode
  auto back = from_csv(csv);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, codes);
  EXPECT_EQ(to_csv("Study 7", *back), csv);
  // A damaged file is refused with the reason.
  std::string broken = csv;
  broken.replace(broken.find(",B3"), 3, ",B9");
  auto refused = from_csv(broken);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("B9 is not a subgroup of B"), std::string::npos);
}

}  // namespace
}  // namespace sb::studies
