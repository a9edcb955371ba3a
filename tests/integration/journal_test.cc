// The journal through HTTP on both back ends: entries are private, searchable, editable, and
// no free text is ever stored in plaintext.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <boost/json.hpp>

#include "core/dates.h"
#include "features/journal/journal.h"
#include "support/test_site.h"

namespace sb::web {

using testing::Browser;
using testing::TestBackend;
using testing::TestSite;

constexpr const char* kSecret = "Kestrelmoon argued with my sister about the wedding";
constexpr const char* kPassword = "a long enough password";

class JournalTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    site = std::make_unique<TestSite>(GetParam());
    ASSERT_TRUE(site->ready());
    b = std::make_unique<Browser>(site->browser());
    ASSERT_EQ(testing::sign_up(*b, "writer@example.org", kPassword).status, 303);
    b->get("/journal/new?kind=full");
  }
  std::string create_full(const std::string& situation,
                          const std::string& urge = "call her ten times") {
    auto r = b->post("/journal", {{"kind", "full"},
                                  {"occurred_on", "2026-11-20"},
                                  {"situation", situation},
                                  {"people", "my sister Ottoline"},
                                  {"feeling_hurt", "7"},
                                  {"feeling_angry", "4"},
                                  {"body", "tight chest"},
                                  {"first_thought", "she never listens to me"},
                                  {"urge", urge},
                                  {"action", "went for a walk"},
                                  {"my_motive", "wanting to matter"},
                                  {"their_motive", "she was stressed"},
                                  {"tags", "family, wedding"}});
    EXPECT_EQ(r.status, 303) << r.body;
    auto loc = r.header("location").value_or("");
    return loc.substr(9, loc.find('?') - 9);  // "/journal/<id>?saved=1"
  }
  std::unique_ptr<TestSite> site;
  std::unique_ptr<Browser> b;
};

TEST_P(JournalTest, QuickAndFullEntriesAreSavedShownListedAndSearchable) {
  auto quick = b->post("/journal", {{"kind", "quick"},
                                    {"occurred_on", "2026-11-21"},
                                    {"situation", "Quiet evening alone"},
                                    {"feeling_lonely", "5"}});
  EXPECT_EQ(quick.status, 303);
  const std::string id = create_full(kSecret);
  auto page = b->get("/journal/" + id);
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Kestrelmoon"), std::string::npos);
  EXPECT_NE(page.body.find("hurt (7/10)"), std::string::npos);
  auto list = b->get("/journal");
  EXPECT_NE(list.body.find("Quiet evening alone"), std::string::npos);
  EXPECT_NE(list.body.find("Kestrelmoon"), std::string::npos);
  auto search = b->get("/journal?q=WEDDING");
  EXPECT_NE(search.body.find("Kestrelmoon"), std::string::npos);
  EXPECT_EQ(search.body.find("Quiet evening alone"), std::string::npos);
}

TEST_P(JournalTest, TheListShowsFiftyEntriesAPageNewestFirst) {
  for (int i = 1; i <= 53; ++i) {
    const std::string date = date_of_day(*parse_date("2026-01-01") + i);
    ASSERT_EQ(b->post("/journal", {{"kind", "quick"},
                                   {"occurred_on", date},
                                   {"situation", "Numbered entry " + std::to_string(i) + "."}})
                  .status,
              303);
  }
  auto first = b->get("/journal");
  EXPECT_NE(first.body.find("Numbered entry 53."), std::string::npos);
  EXPECT_NE(first.body.find("Numbered entry 4."), std::string::npos);
  EXPECT_EQ(first.body.find("Numbered entry 3."), std::string::npos);
  EXPECT_NE(first.body.find("href=\"/journal?page=2\">Older entries"), std::string::npos);
  EXPECT_EQ(first.body.find("Newer entries"), std::string::npos);
  auto second = b->get("/journal?page=2");
  EXPECT_NE(second.body.find("Numbered entry 3."), std::string::npos);
  EXPECT_NE(second.body.find("Numbered entry 1."), std::string::npos);
  EXPECT_EQ(second.body.find("Numbered entry 4."), std::string::npos);
  EXPECT_EQ(second.body.find("Older entries"), std::string::npos);
  EXPECT_NE(second.body.find("href=\"/journal?page=1\">← Newer entries"), std::string::npos);
  // A search still reads every entry; a nonsense page number is the first page.
  EXPECT_NE(b->get("/journal?q=entry%201.").body.find("Numbered entry 1."), std::string::npos);
  EXPECT_EQ(b->get("/journal?page=-4").status, 200);
  EXPECT_EQ(b->get("/journal?page=x").status, 200);
}

TEST_P(JournalTest, InvalidEntriesReRenderWithTheErrorAndKeepWhatWasTyped) {
  auto r = b->post("/journal",
                   {{"kind", "full"}, {"occurred_on", "2026-13-45"}, {"situation", "keep me"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("YYYY-MM-DD"), std::string::npos);
  EXPECT_NE(r.body.find("keep me"), std::string::npos);
  auto bad_intensity = b->post("/journal", {{"kind", "quick"},
                                            {"occurred_on", "2026-11-01"},
                                            {"situation", "x"},
                                            {"feeling_sad", "11"}});
  EXPECT_EQ(bad_intensity.status, 422);
  // One strict number parser for every form: "7x" is not 7 (it used to be, here only).
  auto not_a_number = b->post("/journal", {{"kind", "quick"},
                                           {"occurred_on", "2026-11-01"},
                                           {"situation", "x"},
                                           {"feeling_sad", "7x"}});
  EXPECT_EQ(not_a_number.status, 422);
  EXPECT_NE(not_a_number.body.find("Intensity goes from 0 to 10"), std::string::npos);
  EXPECT_EQ(
      b->post("/journal", {{"kind", "quick"}, {"occurred_on", "2026-11-01"}, {"situation", " "}})
          .status,
      422);
}

TEST_P(JournalTest, EditAndDelete) {
  const std::string id = create_full("first version");
  EXPECT_EQ(
      b->post("/journal/" + id,
              {{"kind", "quick"}, {"occurred_on", "2026-11-22"}, {"situation", "second version"}})
          .status,
      303);
  EXPECT_NE(b->get("/journal/" + id).body.find("second version"), std::string::npos);
  EXPECT_EQ(b->post("/journal/" + id + "/delete", {}).status, 303);
  EXPECT_EQ(b->get("/journal/" + id).status, 404);
}

TEST_P(JournalTest, CrisisWordsShowHelpBesideTheSavedEntry) {
  const std::string id = create_full("Bad night", "I wanted to hurt myself");
  auto page = b->get("/journal/" + id + "?saved=1");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Your entry is saved"), std::string::npos) << "saving is never blocked";
  EXPECT_NE(page.body.find("class=\"crisis\""), std::string::npos);
  EXPECT_NE(page.body.find("href=\"/help\""), std::string::npos);
  const std::string calm = create_full("A calm walk");
  EXPECT_EQ(b->get("/journal/" + calm).body.find("class=\"crisis\""), std::string::npos);
}

TEST_P(JournalTest, AnotherUserCannotReadChangeOrDeleteAnEntry) {
  const std::string id = create_full(kSecret);
  Browser other = site->browser();
  ASSERT_EQ(testing::sign_up(other, "other@example.org", kPassword).status, 303);
  other.get("/journal/new");
  EXPECT_EQ(other.get("/journal/" + id).status, 404);
  EXPECT_EQ(other.get("/journal/" + id + "/edit").status, 404);
  EXPECT_EQ(other
                .post("/journal/" + id,
                      {{"kind", "quick"}, {"occurred_on", "2026-11-22"}, {"situation", "hijacked"}})
                .status,
            404);
  EXPECT_EQ(other.post("/journal/" + id + "/delete", {}).status, 404);
  // The query is echoed back, so look for the rest of the entry's text.
  EXPECT_EQ(other.get("/journal?q=Kestrelmoon").body.find("argued with my sister"),
            std::string::npos);
  EXPECT_NE(b->get("/journal/" + id).body.find("Kestrelmoon"), std::string::npos);
  Browser anonymous = site->browser();
  EXPECT_EQ(anonymous.get("/journal/" + id).status, 303);  // sent to sign in
}

TEST_P(JournalTest, NoFreeTextIsStoredInPlaintext) {
  create_full(kSecret);
  // Every text column of the table, read straight from the store.
  std::string stored;
  ASSERT_TRUE(site->db->run([&](soci::session& s) {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT public_id, occurred_on, kind, sealed FROM journal_entries");
    for (const auto& r : rows) {
      for (size_t i = 0; i < 4; ++i) stored += r.get<std::string>(i) + "\n";
    }
  }));
  ASSERT_FALSE(stored.empty());
  for (const char* plain : {"Kestrelmoon", "Ottoline", "tight chest", "never listens", "ten times",
                            "walk", "wanting to matter", "stressed", "wedding", "hurt"}) {
    EXPECT_EQ(stored.find(plain), std::string::npos) << plain;
  }
  if (GetParam() == TestBackend::kSqlite) {
    // The raw database file and its write-ahead log, byte for byte.
    const auto files = testing::raw_sqlite_files();
    ASSERT_FALSE(files.empty());
    for (const auto& [name, bytes] : files) {
      EXPECT_EQ(bytes.find("Kestrelmoon"), std::string::npos) << name;
      EXPECT_EQ(bytes.find("Ottoline"), std::string::npos) << name;
    }
  }
}

TEST_P(JournalTest, ExportAndAccountDeletionCoverTheJournal) {
  create_full(kSecret);
  b->get("/account");
  auto doc = boost::json::parse(b->post("/account/export", {}).body);
  ASSERT_EQ(doc.at("journal").as_array().size(), 1u);
  EXPECT_EQ(doc.at("journal").as_array()[0].at("situation").as_string(), kSecret);
  ASSERT_EQ(b->post("/account/delete", {{"password", kPassword}}).status, 303);
  long long n = -1;
  ASSERT_TRUE(site->db->run(
      [&](soci::session& s) { s << "SELECT COUNT(*) FROM journal_entries", soci::into(n); }));
  EXPECT_EQ(n, 0);
}

// Invalid UTF-8 used to be stored and then broke the list, search and export for good.
TEST_P(JournalTest, InvalidUtf8IsRefusedWithTheFieldAndLengthsCountCharacters) {
  auto bad = b->post(
      "/journal", {{"kind", "quick"}, {"occurred_on", "2026-11-01"}, {"situation", "bad\xFF\xFE"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("situation&quot; holds characters that are not valid text"),
            std::string::npos);
  EXPECT_EQ(b->get("/journal").status, 200);
  EXPECT_EQ(b->get("/journal?q=bad").status, 200);
  b->get("/account");
  EXPECT_EQ(b->post("/account/export", {}).status, 200);
  // 4,000 characters are allowed whatever their bytes ("é" is two), 4,001 are not.
  std::string e4000;
  for (int i = 0; i < 4000; ++i) e4000 += "\xC3\xA9";
  b->get("/journal/new");
  EXPECT_EQ(
      b->post("/journal", {{"kind", "quick"}, {"occurred_on", "2026-11-01"}, {"situation", e4000}})
          .status,
      303);
  b->get("/journal/new");
  EXPECT_EQ(b->post("/journal",
                    {{"kind", "quick"}, {"occurred_on", "2026-11-01"}, {"situation", e4000 + "x"}})
                .status,
            422);
  auto long_tag = b->post("/journal", {{"kind", "quick"},
                                       {"occurred_on", "2026-11-01"},
                                       {"situation", "x"},
                                       {"tags", std::string(41, 't')}});
  EXPECT_EQ(long_tag.status, 422);
  EXPECT_NE(long_tag.body.find("up to 40 characters"), std::string::npos);
}

// What a person typed can start like a spreadsheet formula; the CSV export keeps it text.
TEST_P(JournalTest, TheCsvExportNeutralisesFormulas) {
  auto r = b->post("/journal", {{"kind", "quick"},
                                {"occurred_on", "2026-11-01"},
                                {"situation", "=HYPERLINK(\"http://evil.example\",\"x\")"}});
  ASSERT_EQ(r.status, 303);
  b->get("/account");
  auto csv = b->post("/account/export", {{"format", "csv"}});
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.header("cache-control"), "no-store");
  EXPECT_NE(csv.body.find("\"'=HYPERLINK("), std::string::npos) << csv.body.substr(0, 600);
  EXPECT_EQ(csv.body.find(",=HYPERLINK"), std::string::npos);
  EXPECT_EQ(csv.body.find(",\"=HYPERLINK"), std::string::npos);
}

TEST_P(JournalTest, KeyRotationReEncryptsAndAWrongKeyGivesAClearError) {
  create_full(kSecret);
  auto site_key = crypto::DataKey::load_or_create(site->key_path);
  ASSERT_TRUE(site_key);
  auto new_key = crypto::DataKey::load_or_create(testing::temp_path("rotated.key"));
  ASSERT_TRUE(new_key);
  auto n = growth::Journal::rotate_key(*site->db, *site_key, *new_key);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 1);
  // The running site still holds the old key: it refuses instead of showing garbage.
  auto page = b->get("/journal");
  EXPECT_EQ(page.status, 503);
  // The page says the store is unavailable, with a reference; the key ids stay in the log.
  EXPECT_EQ(page.body.find("data-key"), std::string::npos);
  EXPECT_EQ(page.body.find(site_key->id()), std::string::npos);
  EXPECT_EQ(page.body.find(new_key->id()), std::string::npos);
  EXPECT_NE(page.body.find("reference"), std::string::npos);
  // Running the rotation again is safe, and the new key opens everything.
  auto again = growth::Journal::rotate_key(*site->db, *site_key, *new_key);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
  long long uid = 0;
  ASSERT_TRUE(site->db->run([&](soci::session& s) {
    s << "SELECT id FROM users WHERE email = 'writer@example.org'", soci::into(uid);
  }));
  growth::Journal with_new(*site->db, site->clock, *new_key);
  auto entries = with_new.list(Owner{uid, 0});
  ASSERT_TRUE(entries) << entries.error().message;
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].situation, kSecret);
}

TEST_P(JournalTest, SkillLibraryHasTwelveSkillsInThreeGroupsWithATimerForBreathing) {
  auto page = b->get("/skills");
  ASSERT_EQ(page.status, 200);
  size_t links = 0;
  for (size_t p = 0; (p = page.body.find("href=\"/skills/", p)) != std::string::npos; ++p) ++links;
  EXPECT_GE(links, 12u);
  for (const char* group :
       {"Accepting emotions", "Keeping control of what you do", "manageable and meaningful"}) {
    EXPECT_NE(page.body.find(group), std::string::npos) << group;
  }
  auto breathing = b->get("/skills/slow-breathing");
  EXPECT_NE(breathing.body.find("class=\"breath breath-4-6\""), std::string::npos);
  EXPECT_EQ(b->get("/skills/ten-minute-pause").body.find("class=\"breath "), std::string::npos);
  EXPECT_EQ(b->get("/skills/no-such-skill").status, 404);
}

TEST_P(JournalTest, PracticeLogsDistressBeforeAndAfterPrivatelyAndEncrypted) {
  b->get("/skills/slow-breathing");
  EXPECT_EQ(b->post("/skills/slow-breathing/log",
                    {{"before", "8"}, {"after", "5"}, {"note", "Zephyrine helped"}})
                .status,
            303);
  EXPECT_EQ(b->post("/skills/slow-breathing/log", {{"before", "6"}, {"after", "5"}}).status, 303);
  EXPECT_EQ(b->post("/skills/slow-breathing/log", {{"before", "11"}, {"after", "5"}}).status, 422);
  EXPECT_EQ(b->post("/skills/slow-breathing/log", {{"before", "x"}, {"after", "5"}}).status, 422);
  auto page = b->get("/skills/slow-breathing");
  EXPECT_NE(page.body.find("dropped by <strong>2.0</strong>"), std::string::npos);
  EXPECT_EQ(page.body.find("crisis-title"), std::string::npos);
  auto worrying = b->post("/skills/slow-breathing/log",
                          {{"before", "9"}, {"after", "8"}, {"note", "Some days I want to die"}});
  ASSERT_EQ(worrying.status, 303);
  EXPECT_NE(b->get("/skills/slow-breathing").body.find("crisis-title"), std::string::npos);
  EXPECT_EQ(b->get("/skills/square-breathing").body.find("crisis-title"), std::string::npos)
      << "only beside the skill whose log holds the note";
  EXPECT_NE(page.body.find("Zephyrine helped"), std::string::npos);
  Browser other = site->browser();
  ASSERT_EQ(testing::sign_up(other, "other2@example.org", kPassword).status, 303);
  EXPECT_EQ(other.get("/skills/slow-breathing").body.find("Zephyrine"), std::string::npos);
  std::string stored;
  ASSERT_TRUE(site->db->run([&](soci::session& s) {
    soci::rowset<soci::row> rows = (s.prepare << "SELECT skill_id, note_sealed FROM practice_logs");
    for (const auto& r : rows) stored += r.get<std::string>(0) + r.get<std::string>(1);
  }));
  EXPECT_EQ(stored.find("Zephyrine"), std::string::npos);
  b->get("/account");
  auto doc = boost::json::parse(b->post("/account/export", {}).body);
  EXPECT_EQ(doc.at("practice_logs").as_array().size(), 3u);
  ASSERT_EQ(b->post("/account/delete", {{"password", kPassword}}).status, 303);
  long long n = -1;
  ASSERT_TRUE(site->db->run(
      [&](soci::session& s) { s << "SELECT COUNT(*) FROM practice_logs", soci::into(n); }));
  EXPECT_EQ(n, 0);
}

TEST_P(JournalTest, WeeklyCheckInScoresEachAreaReplacesWithinAWeekAndCharts) {
  b->get("/checkin");
  std::map<std::string, std::string> form = {
      {"acc1", "5"}, {"acc2", "4"}, {"acc3", "1"},   // accepting: (5+4+5)/3
      {"beh1", "3"}, {"beh2", "3"}, {"beh3", "3"},   // behaviour: 3
      {"mea1", "2"}, {"mea2", "1"}, {"mea3", "5"}};  // meaning: (2+1+1)/3
  auto missing = form;
  missing.erase("beh2");
  auto refused = b->post("/checkin", missing);
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("Please answer every statement"), std::string::npos);
  EXPECT_NE(refused.body.find("value=\"5\" checked"), std::string::npos)
      << "answers given are kept";
  EXPECT_EQ(b->post("/checkin", form).status, 303);
  auto page = b->get("/checkin");
  EXPECT_NE(page.body.find("Accepting emotions 4.7"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("Keeping control of what I do when upset 3.0"), std::string::npos);
  EXPECT_NE(page.body.find("Life feels manageable and meaningful 1.3"), std::string::npos);
  form["mea2"] = "5";  // the same week again: replaces
  EXPECT_EQ(b->post("/checkin", form).status, 303);
  site->clock.advance(7 * 86400);  // next week: a new point (and a new session)
  b->get("/signin");
  ASSERT_EQ(b->post("/signin", {{"email", "writer@example.org"}, {"password", kPassword}}).status,
            303);
  b->get("/checkin");
  EXPECT_EQ(b->post("/checkin", form).status, 303);
  page = b->get("/checkin");
  EXPECT_NE(page.body.find("Life feels manageable and meaningful 2.7"), std::string::npos);
  size_t weeks = 0;
  for (size_t p = 0; (p = page.body.find("<li>Week of", p)) != std::string::npos; ++p) ++weeks;
  EXPECT_EQ(weeks, 2u);
  EXPECT_NE(page.body.find("<polyline"), std::string::npos);
  Browser other = site->browser();
  ASSERT_EQ(testing::sign_up(other, "other3@example.org", kPassword).status, 303);
  EXPECT_EQ(other.get("/checkin").body.find("<li>Week of"), std::string::npos);
  b->get("/account");
  auto doc = boost::json::parse(b->post("/account/export", {}).body);
  EXPECT_EQ(doc.at("checkins").as_array().size(), 2u);
  ASSERT_EQ(b->post("/account/delete", {{"password", kPassword}}).status, 303);
  long long n = -1;
  ASSERT_TRUE(site->db->run(
      [&](soci::session& s) { s << "SELECT COUNT(*) FROM regulation_checkins", soci::into(n); }));
  EXPECT_EQ(n, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, JournalTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace sb::web
