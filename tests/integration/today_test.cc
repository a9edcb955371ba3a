// Today, the signed-in home, and the two-tap mood check, through HTTP on both back ends.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <string>

#include "support/test_site.h"

namespace sb::web {

using testing::Browser;
using testing::TestBackend;
using testing::TestSite;

constexpr const char* kPassword = "a long enough password";

class TodayTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    site = std::make_unique<TestSite>(GetParam());
    ASSERT_TRUE(site->ready());
    b = std::make_unique<Browser>(site->browser());
    auto signed_up = testing::sign_up(*b, "today@example.org", kPassword);
    ASSERT_EQ(signed_up.status, 303);
    EXPECT_EQ(signed_up.header("location").value_or(""), "/today?welcome=1")
        << "a new account lands on Today";
    b->get("/today");  // the page a person lands on, and its forms' token
  }
  static size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }
  std::unique_ptr<TestSite> site;
  std::unique_ptr<Browser> b;
};

// One tap on the grid saves a mood; feeling words and a note can follow, and the journal's
// search finds the feeling words. The note is sealed like every free text.
TEST_P(TodayTest, AMoodCheckIsOneTapFromTodayAndWordsCanFollow) {
  auto today = b->get("/today");
  ASSERT_EQ(today.status, 200);
  EXPECT_EQ(count(today.body, "name=\"mood\""), 25u) << "a five by five grid";
  EXPECT_NE(today.body.find("aria-label=\"pleasant and calm\""), std::string::npos);

  auto saved = b->post("/mood", {{"mood", "4-2"}});
  ASSERT_EQ(saved.status, 303);
  const std::string at = saved.header("location").value_or("");
  ASSERT_EQ(at.rfind("/mood/", 0), 0u) << at;
  EXPECT_NE(b->get("/today").body.find("Earlier today: "), std::string::npos);
  EXPECT_NE(b->get(at).body.find("Saved: you feel pleasant and calm."), std::string::npos);
  // The calendar colours the day, and the year view counts it.
  const auto calendar = b->get("/journal/calendar").body;
  EXPECT_NE(calendar.find("mood-day mood-4-2"), std::string::npos);
  EXPECT_NE(calendar.find("1 day with a mood check, most often pleasant and calm."),
            std::string::npos);

  // Chips are checkboxes of one name: the form sends it once for each.
  auto words = b->request("POST", at,
                          "csrf=" + testing::url_encode(b->csrf()) +
                              "&feeling=hopeful&feeling=tender&note=Wintergreen+walk+by+the+canal",
                          "application/x-www-form-urlencoded");
  ASSERT_EQ(words.status, 303);
  EXPECT_EQ(words.header("location").value_or(""), "/today?mood=saved");
  EXPECT_NE(b->get("/journal?q=hopeful").body.find("Wintergreen walk"), std::string::npos)
      << "search covers the feeling words";
  EXPECT_NE(b->get("/progress").body.find("hopeful"), std::string::npos)
      << "the dashboard counts feelings chosen without a strength";
  bool plaintext = false;
  ASSERT_TRUE(site->db->transaction([&](soci::session& s) {
    soci::rowset<std::string> rows = (s.prepare << "SELECT sealed FROM journal_entries");
    for (const auto& sealed : rows)
      plaintext = plaintext || sealed.find("Wintergreen") != std::string::npos ||
                  sealed.find("hopeful") != std::string::npos;
  }));
  EXPECT_FALSE(plaintext);
}

TEST_P(TodayTest, AMoodOutsideTheGridOrSomeoneElsesIsRefused) {
  EXPECT_EQ(b->post("/mood", {{"mood", "6-1"}}).status, 422);
  EXPECT_EQ(b->post("/mood", {{"mood", "0-3"}}).status, 422);
  EXPECT_EQ(b->post("/mood", {{"mood", "3"}}).status, 422);
  const std::string at = b->post("/mood", {{"mood", "1-5"}}).header("location").value_or("");
  EXPECT_EQ(b->post(at, {{"feeling", "not-a-feeling"}}).status, 422);
  Browser other = site->browser();
  ASSERT_EQ(testing::sign_up(other, "someone@example.org", kPassword).status, 303);
  other.get("/today");
  EXPECT_EQ(other.get(at).status, 404);
  EXPECT_EQ(other.post(at, {{"note", "mine now"}}).status, 404);
}

// Today says what is waiting: the plan's practices, an exercise without its follow-up, the
// weekly check-in until it is done, and the latest result (none yet).
TEST_P(TodayTest, TodayShowsThePlanWhatWaitsTheCheckInAndTheLatestResult) {
  auto empty = b->get("/today");
  EXPECT_NE(empty.body.find("Make a weekly plan"), std::string::npos);
  EXPECT_NE(empty.body.find("Do this week's check-in"), std::string::npos);
  EXPECT_NE(empty.body.find("You have not taken the assessment yet"), std::string::npos);
  EXPECT_EQ(empty.body.find("How did it go?"), std::string::npos);

  // The test clock's day is a Friday (weekday 4).
  b->get("/plan");
  ASSERT_EQ(b->post("/plan", {{"include_slow-breathing", "1"},
                              {"times_slow-breathing", "3"},
                              {"day_slow-breathing_4", "1"}})
                .status,
            303);
  ASSERT_EQ(b->post("/reconsider", {{"occurred_on", "2027-01-14"},
                                    {"happened", "Marlowe did not answer my message"},
                                    {"first_id", "rejecting"},
                                    {"alt_1_text", "busy at work"},
                                    {"alt_2_text", "phone off"},
                                    {"chosen", "wait until evening"}})
                .status,
            303);
  std::map<std::string, std::string> answers;
  for (const char* item : {"acc1", "acc2", "acc3", "beh1", "beh2", "beh3", "mea1", "mea2", "mea3"})
    answers[item] = "3";
  ASSERT_EQ(b->post("/checkin", answers).status, 303);
  const auto checkin = b->get("/checkin?saved=1").body;
  EXPECT_NE(checkin.find("Week of Monday 11 January: "), std::string::npos) << "a spoken date";
  EXPECT_EQ(checkin.find("3.0;"), std::string::npos) << "no stray punctuation";
  EXPECT_LT(checkin.find("Your check-ins over time"), checkin.find("name=\"acc1\""))
      << "after saving, the results come before the form";
  ASSERT_EQ(b->post("/plan/feed", {}).status, 303);
  EXPECT_NE(b->get("/plan?feed=1").body.find("href=\"webcal://"), std::string::npos)
      << "a link a calendar app subscribes from";

  auto page = b->get("/today");
  EXPECT_NE(page.body.find("planned for today"), std::string::npos);
  EXPECT_NE(page.body.find("0 of 3 this week"), std::string::npos);
  EXPECT_NE(page.body.find("Marlowe did not answer my message"), std::string::npos);
  EXPECT_NE(page.body.find("Done for this week"), std::string::npos);
  EXPECT_NE(page.body.find("Friday 15 January"), std::string::npos) << "the date as people say it";
}

TEST_P(TodayTest, SignedInTheHomeAndSignInLeadToToday) {
  auto home = b->get("/");
  EXPECT_EQ(home.status, 303);
  EXPECT_EQ(home.header("location").value_or(""), "/today");
  ASSERT_EQ(testing::sign_out(*b).status, 303);
  b->get("/signin");
  auto in = b->post("/signin", {{"email", "today@example.org"}, {"password", kPassword}});
  EXPECT_EQ(in.status, 303);
  EXPECT_EQ(in.header("location").value_or(""), "/today");
  EXPECT_NE(b->get("/menu").body.find(">Sign out</button>"), std::string::npos)
      << "the menu signs out";
}

// Light or dark: the device decides until the account chooses; the choice follows the account
// to every page and every device, and is part of the export.
TEST_P(TodayTest, ALightOrDarkChoiceFollowsTheAccount) {
  auto before = b->get("/today");
  EXPECT_EQ(before.body.find("data-theme="), std::string::npos);
  EXPECT_NE(before.body.find("media=\"(prefers-color-scheme: dark)\""), std::string::npos);
  b->get("/account");
  ASSERT_EQ(b->post("/account/theme", {{"theme", "dark"}}).status, 303);
  auto after = b->get("/journal");
  EXPECT_NE(after.body.find("<html lang=\"en\" data-theme=\"dark\">"), std::string::npos);
  EXPECT_EQ(after.body.find("media=\"(prefers-color-scheme: dark)\""), std::string::npos);
  EXPECT_NE(b->get("/account").body.find("value=\"dark\" checked"), std::string::npos);
  EXPECT_EQ(b->post("/account/theme", {{"theme", "purple"}}).status, 422);
  // Another device: signing in again brings the choice along.
  Browser other = site->browser();
  other.get("/signin");
  ASSERT_EQ(other.post("/signin", {{"email", "today@example.org"}, {"password", kPassword}}).status,
            303);
  EXPECT_NE(other.get("/today").body.find("data-theme=\"dark\""), std::string::npos);
  // Someone else's pages are not touched.
  Browser someone = site->browser();
  ASSERT_EQ(testing::sign_up(someone, "someone-else@example.org", kPassword).status, 303);
  EXPECT_EQ(someone.get("/today").body.find("data-theme="), std::string::npos);
  b->get("/account");
  ASSERT_EQ(b->post("/account/theme", {{"theme", "light"}}).status, 303);
  EXPECT_NE(b->get("/today").body.find("data-theme=\"light\""), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, TodayTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace sb::web
