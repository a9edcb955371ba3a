// Pause and reconsider, the weekly plan with its calendar feed, the progress dashboard and the
// journal calendar, through HTTP on both back ends.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <boost/json.hpp>

#include "cli/demo_data.h"
#include "features/plan/plan.h"
#include "features/reconsider/reconsider.h"
#include "support/test_site.h"

namespace sb::web {

using testing::Browser;
using testing::TestBackend;
using testing::TestSite;

constexpr const char* kPassword = "a long enough password";
constexpr const char* kEmail = "grower@example.org";

// The site's clock starts on Friday 2027-01-15, 08:00 UTC.
class GrowthToolsTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    site = std::make_unique<TestSite>(GetParam());
    ASSERT_TRUE(site->ready());
    b = std::make_unique<Browser>(site->browser());
    ASSERT_EQ(testing::sign_up(*b, kEmail, kPassword).status, 303);
    b->get("/reconsider/new");
  }
  std::map<std::string, std::string> exercise(const std::string& first_id,
                                              const std::string& happened) {
    return {{"occurred_on", "2027-01-14"},
            {"happened", happened},
            {"first_id", first_id},
            {"first_text", "Nobody ever stays"},
            {"first_support", "Quillon went quiet after dinner"},
            {"alt_1_text", "Quillon was exhausted from the night shift"},
            {"alt_1_support", "yawned twice"},
            {"alt_2_text", "Quillon was worrying about a sister"},
            {"alt_2_support", ""},
            {"alt_3_text", ""},
            {"urge", "send five texts in a row"},
            {"chosen", "ask how the day went, tomorrow morning"}};
  }
  std::string create(const std::map<std::string, std::string>& form) {
    auto r = b->post("/reconsider", form);
    EXPECT_EQ(r.status, 303) << r.body;
    const std::string loc = r.header("location").value_or("");
    return loc.substr(12, loc.find('?') - 12);  // "/reconsider/<id>?saved=1"
  }
  // Moving the clock more than 30 minutes ends the session; sign in again as a person would.
  void advance_days(int days) {
    site->clock.advance(static_cast<int64_t>(days) * 86400);
    b->get("/signin");
    ASSERT_EQ(b->post("/signin", {{"email", kEmail}, {"password", kPassword}}).status, 303);
  }
  // Slow breathing twice a week, reminders Monday and Thursday at 07:30, check-in on Sunday.
  testing::HttpResponse save_breathing_plan() {
    b->get("/plan");
    return b->post("/plan", {{"include_slow-breathing", "1"},
                             {"times_slow-breathing", "2"},
                             {"day_slow-breathing_0", "1"},
                             {"day_slow-breathing_3", "1"},
                             {"time_slow-breathing", "07:30"},
                             {"checkin_day", "6"}});
  }
  long long count(const std::string& table) {
    return testing::count_of(*site->db, "SELECT COUNT(*) FROM " + table);
  }
  std::string feed_path(const std::string& plan_page) {
    const size_t at = plan_page.find("/calendar/");
    if (at == std::string::npos) return "";
    return plan_page.substr(at, plan_page.find('"', at) - at);
  }
  std::unique_ptr<TestSite> site;
  std::unique_ptr<Browser> b;
};

TEST_P(GrowthToolsTest, ReconsiderExerciseWithFollowUpAndRecurringInterpretations) {
  // Fewer than two other explanations: refused, with everything typed kept.
  auto form = exercise("rejecting", "Quillon did not answer my message all evening");
  form["alt_2_text"] = "";
  auto refused = b->post("/reconsider", form);
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("at least two other possible explanations"), std::string::npos);
  EXPECT_NE(refused.body.find("Quillon did not answer my message all evening"), std::string::npos);
  EXPECT_NE(refused.body.find("value=\"rejecting\" checked"), std::string::npos);
  auto too_long = exercise("rejecting", "Quillon did not answer");
  too_long["alt_1_text"] = "";
  too_long["alt_3_text"] = std::string(4001, 'x');
  auto long_refused = b->post("/reconsider", too_long);
  EXPECT_EQ(long_refused.status, 422);
  EXPECT_NE(long_refused.body.find("up to 4,000 characters"), std::string::npos);
  EXPECT_EQ(count("reconsiderations"), 0);
  form["first_id"] = "made-up";
  form["alt_2_text"] = "x";
  EXPECT_EQ(b->post("/reconsider", form).status, 422);

  const std::string first = create(exercise("rejecting", "Quillon did not answer all evening"));
  const std::string second = create(exercise("rejecting", "Quillon cancelled our walk"));
  const std::string third = create(exercise("own", "Quillon laughed at my idea"));
  auto page = b->get("/reconsider/" + first);
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("They are pushing me away."), std::string::npos);
  EXPECT_NE(page.body.find("Quillon was exhausted from the night shift"), std::string::npos);
  EXPECT_NE(page.body.find("ask how the day went"), std::string::npos);
  EXPECT_NE(page.body.find("Follow up: how did it go?"), std::string::npos);
  EXPECT_EQ(page.body.find("crisis-title"), std::string::npos);

  // Follow-ups: an unknown outcome is refused; then two are recorded.
  EXPECT_EQ(b->post("/reconsider/" + first + "/followup", {{"outcome", "great"}}).status, 422);
  EXPECT_EQ(b->post("/reconsider/" + first + "/followup",
                    {{"how_it_went", "We talked it through over breakfast"}, {"outcome", "better"}})
                .status,
            303);
  EXPECT_EQ(b->post("/reconsider/" + third + "/followup", {{"outcome", "same"}}).status, 303);
  page = b->get("/reconsider/" + first);
  EXPECT_NE(page.body.find("We talked it through over breakfast"), std::string::npos);
  EXPECT_EQ(page.body.find("Follow up: how did it go?"), std::string::npos);

  auto list = b->get("/reconsider");
  EXPECT_NE(list.body.find("They are pushing me away. <span class=\"muted\">(2×)"),
            std::string::npos)
      << list.body;
  EXPECT_NE(list.body.find("Nobody ever stays <span class=\"muted\">(1×)"), std::string::npos);
  EXPECT_NE(list.body.find("Of the 2 you followed up, <strong>1</strong> went better"),
            std::string::npos);
  EXPECT_NE(list.body.find("follow-up waiting"), std::string::npos);  // the second one

  // Editing changes what was written and keeps the follow-up already given.
  EXPECT_EQ(b->get("/reconsider/" + first + "/edit").status, 200);
  auto changed = exercise("rejecting", "Quillon did not answer until late evening");
  changed["chosen"] = "ask about the day at breakfast";
  auto bad = changed;
  bad["happened"] = "  ";
  auto refused_edit = b->post("/reconsider/" + first, bad);
  EXPECT_EQ(refused_edit.status, 422);
  EXPECT_NE(refused_edit.body.find("ask about the day at breakfast"), std::string::npos);
  EXPECT_EQ(b->post("/reconsider/" + first, changed).status, 303);
  page = b->get("/reconsider/" + first);
  EXPECT_NE(page.body.find("Quillon did not answer until late evening"), std::string::npos);
  EXPECT_NE(page.body.find("We talked it through over breakfast"), std::string::npos);
  EXPECT_EQ(page.body.find("Quillon did not answer all evening"), std::string::npos);

  EXPECT_EQ(b->post("/reconsider/" + second + "/delete", {}).status, 303);
  EXPECT_EQ(b->get("/reconsider/" + second).status, 404);
  EXPECT_EQ(count("reconsiderations"), 2);
}

TEST_P(GrowthToolsTest, CrisisWordsInAnExerciseShowHelpAndNeverBlockSaving) {
  auto form =
      exercise("leaving", "Another fight; part of me thinks they'd be better off without me");
  const std::string id = create(form);
  ASSERT_FALSE(id.empty());
  auto page = b->get("/reconsider/" + id);
  EXPECT_NE(page.body.find("crisis-title"), std::string::npos);
  EXPECT_NE(page.body.find("116 123"), std::string::npos);
  EXPECT_NE(page.body.find("href=\"/help\""), std::string::npos);
  // A follow-up can raise it too.
  const std::string calm = create(exercise("leaving", "A quiet disagreement about dishes"));
  EXPECT_EQ(b->get("/reconsider/" + calm).body.find("crisis-title"), std::string::npos);
  b->post("/reconsider/" + calm + "/followup",
          {{"how_it_went", "I felt like I cannot go on like this"}, {"outcome", "worse"}});
  EXPECT_NE(b->get("/reconsider/" + calm).body.find("crisis-title"), std::string::npos);
}

TEST_P(GrowthToolsTest, NoFreeTextOfTheNewToolsIsStoredInPlaintext) {
  const std::string id = create(exercise("own", "Pellucid argument about the holidays"));
  b->post("/reconsider/" + id + "/followup",
          {{"how_it_went", "Marrowlight calm afterwards"}, {"outcome", "better"}});
  b->get("/plan");
  ASSERT_EQ(b->post("/plan/feed", {}).status, 303);
  const std::string path = feed_path(b->get("/plan").body);
  const std::string token = path.substr(10, path.size() - 14);
  ASSERT_GE(token.size(), 40u) << path;
  std::string stored;
  ASSERT_TRUE(site->db->run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT public_id, occurred_on, sealed FROM reconsiderations");
    for (const auto& r : rows) {
      for (size_t i = 0; i < 3; ++i) stored += r.get<std::string>(i) + "\n";
    }
    soci::rowset<soci::row> feeds =
        (s.prepare << "SELECT token_hash, token_sealed FROM calendar_feeds");
    for (const auto& r : feeds) stored += r.get<std::string>(0) + r.get<std::string>(1) + "\n";
  }));
  ASSERT_FALSE(stored.empty());
  for (const char* plain : {"Pellucid", "holidays", "Nobody ever stays", "Quillon", "night shift",
                            "yawned", "five texts", "tomorrow morning", "Marrowlight"}) {
    EXPECT_EQ(stored.find(plain), std::string::npos) << plain;
  }
  EXPECT_EQ(stored.find(token), std::string::npos) << "the feed token is stored hashed and sealed";
  if (GetParam() == TestBackend::kSqlite) {
    const auto files = testing::raw_sqlite_files();
    ASSERT_FALSE(files.empty());
    for (const auto& [name, bytes] : files) {
      for (const char* plain : {"Pellucid", "Quillon", "Marrowlight"})
        EXPECT_EQ(bytes.find(plain), std::string::npos) << name << " " << plain;
      EXPECT_EQ(bytes.find(token), std::string::npos) << name;
    }
  }
}

// The plan page lists the chosen skills; the others are offered in one "add a skill" picker.
TEST_P(GrowthToolsTest, PlanAddsOneSkillAtATimeAndTakesOneOut) {
  auto empty = b->get("/plan");
  EXPECT_EQ(empty.body.find("name=\"remove_"), std::string::npos) << "no skill fields yet";
  EXPECT_NE(empty.body.find("Start with one skill"), std::string::npos);
  ASSERT_EQ(b->post("/plan/add", {{"skill", "slow-breathing"}, {"times", "2"}, {"day_new_1", "1"}})
                .status,
            303);
  auto page = b->get("/plan");
  EXPECT_NE(page.body.find("name=\"remove_slow-breathing\""), std::string::npos);
  EXPECT_EQ(page.body.find("<option value=\"slow-breathing\""), std::string::npos)
      << "a chosen skill leaves the picker";
  EXPECT_NE(page.body.find("id=\"day_slow-breathing_1\" name=\"day_slow-breathing_1\" "
                           "value=\"1\" checked"),
            std::string::npos);
  auto twice = b->post("/plan/add", {{"skill", "slow-breathing"}, {"times", "3"}});
  EXPECT_EQ(twice.status, 422);
  EXPECT_NE(twice.body.find("already in your plan"), std::string::npos);
  EXPECT_EQ(b->post("/plan/add", {{"skill", "no-such-skill"}, {"times", "3"}}).status, 422);
  EXPECT_EQ(b->post("/plan/add", {{"skill", "name-the-feeling"}, {"times", "0"}}).status, 422);
  ASSERT_EQ(b->post("/plan/add", {{"skill", "name-the-feeling"}, {"times", "3"}}).status, 303);
  // Saving with "take out" ticked for one keeps the other as it was.
  b->get("/plan");
  ASSERT_EQ(b->post("/plan", {{"include_slow-breathing", "1"},
                              {"times_slow-breathing", "2"},
                              {"day_slow-breathing_1", "1"},
                              {"include_name-the-feeling", "1"},
                              {"times_name-the-feeling", "3"},
                              {"remove_name-the-feeling", "1"}})
                .status,
            303);
  page = b->get("/plan");
  EXPECT_EQ(page.body.find("name=\"remove_name-the-feeling\""), std::string::npos);
  EXPECT_NE(page.body.find("name=\"remove_slow-breathing\""), std::string::npos);
  EXPECT_NE(page.body.find("This week: 0 of 2 planned"), std::string::npos);
}

TEST_P(GrowthToolsTest, WeeklyPlanGentleStreaksAndInvalidPlans) {
  b->get("/plan");
  EXPECT_EQ(
      b->post("/plan", {{"include_slow-breathing", "1"}, {"times_slow-breathing", "0"}}).status,
      422);
  auto bad_time = b->post("/plan", {{"include_slow-breathing", "1"},
                                    {"times_slow-breathing", "2"},
                                    {"time_slow-breathing", "25:99"}});
  EXPECT_EQ(bad_time.status, 422);
  EXPECT_NE(bad_time.body.find("HH:MM"), std::string::npos);
  ASSERT_EQ(save_breathing_plan().status, 303);
  auto page = b->get("/plan");
  EXPECT_NE(page.body.find("Every week is a fresh start"), std::string::npos);
  EXPECT_NE(page.body.find("This week: 0 of 2 planned"), std::string::npos);
  b->get("/skills/slow-breathing");
  b->post("/skills/slow-breathing/log", {{"before", "6"}, {"after", "4"}});
  page = b->get("/plan");
  EXPECT_NE(page.body.find("1 week in a row that counted"), std::string::npos) << page.body;
  advance_days(7);  // a new week with nothing done yet: the streak holds while it is in progress
  page = b->get("/plan");
  EXPECT_NE(page.body.find("1 week in a row that counted"), std::string::npos);
  b->get("/skills/slow-breathing");
  b->post("/skills/slow-breathing/log", {{"before", "5"}, {"after", "5"}});
  b->post("/skills/slow-breathing/log", {{"before", "5"}, {"after", "3"}});
  EXPECT_NE(b->get("/plan").body.find("2 weeks in a row that counted"), std::string::npos);
  advance_days(14);  // a whole week missed: no blame, a fresh start, the best run remembered
  page = b->get("/plan");
  EXPECT_NE(page.body.find("Every week is a fresh start"), std::string::npos);
  EXPECT_NE(page.body.find("Your longest run so far: 2 weeks"), std::string::npos);
  // Changing the plan keeps its history.
  ASSERT_EQ(
      b->post("/plan", {{"include_slow-breathing", "1"}, {"times_slow-breathing", "4"}}).status,
      303);
  EXPECT_NE(b->get("/plan").body.find("Your longest run so far: 2 weeks"), std::string::npos);
}

TEST_P(GrowthToolsTest, CalendarFeedIsPrivateReplaceableAndRevocable) {
  b->get("/plan");
  ASSERT_EQ(save_breathing_plan().status, 303);
  EXPECT_EQ(b->post("/plan/feed", {}).status, 303);
  const std::string path = feed_path(b->get("/plan").body);
  ASSERT_EQ(path.rfind("/calendar/", 0), 0u);
  Browser calendar_app = site->browser();  // no session: the token is the only credential
  auto ics = calendar_app.get(path);
  ASSERT_EQ(ics.status, 200);
  EXPECT_EQ(ics.header("content-type"), "text/calendar; charset=utf-8");
  EXPECT_EQ(ics.header("cache-control"), "private, no-store");
  EXPECT_EQ(ics.body.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  EXPECT_NE(ics.body.find("RRULE:FREQ=WEEKLY;BYDAY=MO,TH\r\n"), std::string::npos) << ics.body;
  EXPECT_NE(ics.body.find("DTSTART:20270111T073000\r\n"), std::string::npos) << ics.body;
  EXPECT_NE(ics.body.find("SUMMARY:Practise: Slow breathing\r\n"), std::string::npos);
  EXPECT_NE(ics.body.find("RRULE:FREQ=WEEKLY;BYDAY=SU\r\n"), std::string::npos);
  EXPECT_EQ(ics.body.find(kEmail), std::string::npos);
  EXPECT_EQ(calendar_app.get(path.substr(0, path.size() - 6) + "xy.ics").status, 404);
  // A new address: the old one stops working at once.
  b->get("/plan");
  ASSERT_EQ(b->post("/plan/feed", {}).status, 303);
  const std::string replaced = feed_path(b->get("/plan").body);
  EXPECT_NE(replaced, path);
  EXPECT_EQ(calendar_app.get(path).status, 404);
  EXPECT_EQ(calendar_app.get(replaced).status, 200);
  // Revoked: nothing answers.
  ASSERT_EQ(b->post("/plan/feed/revoke", {}).status, 303);
  EXPECT_EQ(calendar_app.get(replaced).status, 404);
  EXPECT_NE(b->get("/plan").body.find("Create my calendar address"), std::string::npos);
}

TEST_P(GrowthToolsTest, DashboardDrawsEveryChartFromTheUsersOwnData) {
  auto empty = b->get("/progress");
  ASSERT_EQ(empty.status, 200);
  EXPECT_NE(empty.body.find("practice-title"), std::string::npos);
  EXPECT_EQ(empty.body.find("drops-title"), std::string::npos);
  EXPECT_NE(empty.body.find("Take the <a href=\"/assessment\">assessment</a>"), std::string::npos);
  b->get("/journal/new");
  ASSERT_EQ(b->post("/journal", {{"kind", "quick"},
                                 {"occurred_on", "2027-01-12"},
                                 {"situation", "A hard phone call"},
                                 {"feeling_anxious", "7"},
                                 {"feeling_hurt", "4"}})
                .status,
            303);
  b->get("/skills/slow-breathing");
  b->post("/skills/slow-breathing/log", {{"before", "8"}, {"after", "4"}});
  b->post("/skills/slow-breathing/log", {{"before", "6"}, {"after", "4"}});
  b->get("/checkin");
  ASSERT_EQ(b->post("/checkin", {{"acc1", "3"},
                                 {"acc2", "3"},
                                 {"acc3", "3"},
                                 {"beh1", "3"},
                                 {"beh2", "3"},
                                 {"beh3", "3"},
                                 {"mea1", "3"},
                                 {"mea2", "3"},
                                 {"mea3", "3"}})
                .status,
            303);
  auto page = b->get("/progress");
  ASSERT_EQ(page.status, 200);
  for (const char* chart :
       {"practice-title", "journal-title", "drops-title", "feelings-title", "checkin-title"}) {
    EXPECT_NE(page.body.find(chart), std::string::npos) << chart;
  }
  EXPECT_NE(page.body.find("2 practices logged in all"), std::string::npos);
  EXPECT_NE(
      page.body.find(
          "<td><a href=\"/skills/slow-breathing\">Slow breathing</a></td><td>3.0</td><td>2</td>"),
      std::string::npos);
  EXPECT_NE(page.body.find("<th scope=\"col\">anxious</th>"), std::string::npos);
  EXPECT_NE(page.body.find("anxious in 2027-01: 1 entries, mean intensity 7.0"), std::string::npos);
  Browser other = site->browser();
  ASSERT_EQ(testing::sign_up(other, "someone.else@example.org", kPassword).status, 303);
  auto theirs = other.get("/progress");
  EXPECT_NE(theirs.body.find("0 practices logged in all"), std::string::npos);
  EXPECT_EQ(theirs.body.find("anxious"), std::string::npos);
}

TEST_P(GrowthToolsTest, JournalCalendarCountsEntriesPerDayAndLinksToThem) {
  b->get("/journal/new");
  for (const char* what : {"Morning walk", "Evening call"}) {
    ASSERT_EQ(
        b->post("/journal", {{"kind", "quick"}, {"occurred_on", "2027-01-12"}, {"situation", what}})
            .status,
        303);
  }
  ASSERT_EQ(b->post("/journal",
                    {{"kind", "quick"}, {"occurred_on", "2026-12-30"}, {"situation", "Old year"}})
                .status,
            303);
  auto cal = b->get("/journal/calendar");
  ASSERT_EQ(cal.status, 200);
  EXPECT_NE(cal.body.find("January 2027"), std::string::npos);
  EXPECT_NE(cal.body.find("href=\"/journal?on=2027-01-12\" aria-label=\"12: 2 entries\""),
            std::string::npos)
      << cal.body;
  EXPECT_EQ(cal.body.find("Old year"), std::string::npos);
  EXPECT_NE(cal.body.find("2 entries this month"), std::string::npos);
  auto december = b->get("/journal/calendar?month=2026-12");
  EXPECT_NE(december.body.find("aria-label=\"30: 1 entry\""), std::string::npos);
  for (const char* bad : {"2026-13", "9999-12", "1900-01", "0001-01", "2026-1", "x"}) {
    EXPECT_EQ(b->get(std::string("/journal/calendar?month=") + bad).status, 400) << bad;
  }
  EXPECT_EQ(b->get("/journal/calendar?month=9999-11").status, 200);
  auto day = b->get("/journal?on=2027-01-12");
  EXPECT_NE(day.body.find("Morning walk"), std::string::npos);
  EXPECT_NE(day.body.find("Evening call"), std::string::npos);
  EXPECT_EQ(day.body.find("Old year"), std::string::npos);
}

TEST_P(GrowthToolsTest, ExportInJsonAndCsvAndDeletionCoverTheNewTools) {
  const std::string id = create(exercise("rejecting", "Quillon forgot the anniversary"));
  b->get("/plan");
  ASSERT_EQ(
      b->post("/plan", {{"include_grounding-5-4-3-2-1", "1"}, {"times_grounding-5-4-3-2-1", "3"}})
          .status,
      303)
      << "the skill ids in content/skills.json";
  ASSERT_EQ(b->post("/plan/feed", {}).status, 303);
  b->get("/account");
  auto doc = boost::json::parse(b->post("/account/export", {}).body);
  ASSERT_EQ(doc.at("reconsiderations").as_array().size(), 1u);
  EXPECT_EQ(doc.at("reconsiderations").as_array()[0].at("happened").as_string(),
            "Quillon forgot the anniversary");
  EXPECT_EQ(doc.at("weekly_plan").at("plan").at("items").as_array()[0].at("times").as_int64(), 3);
  EXPECT_TRUE(doc.at("weekly_plan").at("calendar_feed_active").as_bool());
  auto csv = b->post("/account/export", {{"format", "csv"}});
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.rfind("section,item,field,value\r\n", 0), 0u);
  EXPECT_NE(csv.body.find("reconsiderations,1,happened,Quillon forgot the anniversary\r\n"),
            std::string::npos)
      << csv.body.substr(0, 2000);
  EXPECT_NE(csv.body.find("reconsiderations,1,alternatives[0].text,Quillon was exhausted from "
                          "the night shift\r\n"),
            std::string::npos);
  EXPECT_NE(csv.body.find("weekly_plan,,plan.items[0].skill,grounding-5-4-3-2-1\r\n"),
            std::string::npos);
  ASSERT_EQ(b->post("/account/delete", {{"password", kPassword}}).status, 303);
  EXPECT_EQ(count("reconsiderations"), 0);
  EXPECT_EQ(count("weekly_plans"), 0);
  EXPECT_EQ(count("calendar_feeds"), 0);
  (void)id;
}

TEST_P(GrowthToolsTest, KeyRotationCoversEveryToolAndAWrongKeyGivesAClearError) {
  create(exercise("own", "Quillon was late again"));
  b->get("/journal/new");
  b->post("/journal", {{"kind", "quick"}, {"occurred_on", "2027-01-12"}, {"situation", "note"}});
  b->get("/skills/slow-breathing");
  b->post("/skills/slow-breathing/log", {{"before", "6"}, {"after", "4"}, {"note", "ok"}});
  b->get("/plan");
  ASSERT_EQ(b->post("/plan/feed", {}).status, 303);
  const std::string path = feed_path(b->get("/plan").body);
  auto old_key = crypto::DataKey::load_or_create(site->key_path);
  auto new_key = crypto::DataKey::load_or_create(testing::temp_path("rotated-growth.key"));
  ASSERT_TRUE(old_key && new_key);
  auto n = site->app->rotate_key(*old_key, *new_key);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 4);  // one exercise, one journal entry, one practice note, one feed token
  auto again = site->app->rotate_key(*old_key, *new_key);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
  // The running site still has the old key: a clear error, not garbage.
  auto page = b->get("/reconsider");
  EXPECT_EQ(page.status, 503);
  // The page says the store is unavailable, with a reference; the key ids stay in the log.
  EXPECT_EQ(page.body.find("data-key"), std::string::npos);
  EXPECT_EQ(page.body.find(old_key->id()), std::string::npos);
  EXPECT_EQ(page.body.find(new_key->id()), std::string::npos);
  EXPECT_NE(page.body.find("reference"), std::string::npos);
  // The feed is found by the hash of its token, so calendar apps keep working.
  EXPECT_EQ(site->browser().get(path).status, 200);
  long long uid = 0;
  ASSERT_TRUE(site->db->run([&](soci::session& s) {
    const std::string email = kEmail;
    s << "SELECT id FROM users WHERE email = :e", soci::use(email), soci::into(uid);
  }));
  growth::Reconsider with_new(*site->db, site->clock, *new_key);
  auto all = with_new.list(Owner{uid, 0});
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].happened, "Quillon was late again");
}

INSTANTIATE_TEST_SUITE_P(Backends, GrowthToolsTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace sb::web

namespace sb::web {

// `make run` seeds the demo account through the same services; every tool then has something
// to show, including both assessments on the dashboard.
TEST(DemoData, SeedsEveryToolSoTheDashboardShowsAllSixCharts) {
  TestSite site(TestBackend::kSqlite);
  ASSERT_TRUE(site.ready());
  Browser b = site.browser();
  ASSERT_EQ(testing::sign_up(b, "demo-like@example.org", kPassword).status, 303);
  long long uid = 0;
  ASSERT_TRUE(
      site.db->run([&](soci::session& s) { s << "SELECT MAX(id) FROM users", soci::into(uid); }));
  auto key = crypto::DataKey::load_or_create(site.key_path);
  ASSERT_TRUE(key);
  auto st = cli::seed_demo_data(*site.db, SECUREBASE_CONTENT_DIR, *key, uid, site.clock.now());
  ASSERT_TRUE(st) << st.error().message;
  auto page = b.get("/progress");
  ASSERT_EQ(page.status, 200);
  for (const char* chart : {"practice-title", "drops-title", "feelings-title", "journal-title",
                            "checkin-title", "hist-title"}) {
    EXPECT_NE(page.body.find(chart), std::string::npos) << chart;
  }
  EXPECT_NE(b.get("/plan").body.find("weeks in a row that counted"), std::string::npos);
  auto reconsider = b.get("/reconsider");
  EXPECT_NE(reconsider.body.find("Of the 1 you followed up, <strong>1</strong> went better"),
            std::string::npos);
}

}  // namespace sb::web
