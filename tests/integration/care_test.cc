// Working with a therapist, through HTTP on both back ends: a one-time code, the clinician's
// acceptance, sharing scope by scope (with an end date), what the clinician sees and is
// refused, journal entries marked for sharing, the client's access list, ending the
// connection, and the clinician's shorter idle timeout.
#include <gtest/gtest.h>

#include <soci/soci.h>

#include "accounts/data_key.h"
#include "features/clinician/care.h"
#include "support/test_site.h"

namespace sb::web {
namespace {

using testing::Browser;
using testing::TestBackend;
using testing::TestSite;

constexpr const char* kPassword = "a long enough password";

using testing::between;

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class CareTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    site = std::make_unique<TestSite>(GetParam());
    ASSERT_TRUE(site->ready());
    client = std::make_unique<Browser>(site->browser());
    ASSERT_EQ(testing::sign_up(*client, "client@example.org", kPassword).status, 303);
    accounts::Accounts accounts(*site->db, site->clock, testing::fast_password_policy());
    ASSERT_TRUE(
        accounts.create_user("therapist@example.org", kPassword, accounts::Role::kClinician));
    therapist = std::make_unique<Browser>(site->browser());
    therapist->get("/signin");
    therapist->post("/signin", {{"email", "therapist@example.org"}, {"password", kPassword}});
    secret = testing::enable_two_factor(*therapist, *site);
  }

  std::string new_code() {
    therapist->get("/clinician/clients");
    return between(therapist->post("/clinician/codes", {}).body, "class=\"care-code\">", "<");
  }

  // The client connects with a fresh code and the therapist accepts; returns the link id.
  std::string connect() {
    client->get("/care");
    EXPECT_EQ(client->post("/care/connect", {{"code", new_code()}}).status, 303);
    const auto clients = therapist->get("/clinician/clients");
    const std::string link = between(clients.body, "/clinician/links/", "/accept");
    EXPECT_FALSE(link.empty()) << clients.body;
    EXPECT_EQ(therapist->post("/clinician/links/" + link + "/accept", {}).status, 303);
    return link;
  }

  int share(const std::string& link, const std::string& scope, const std::string& until = "") {
    client->get("/care");
    std::map<std::string, std::string> form{{"scope", scope}};
    if (!until.empty()) form["until"] = until;
    return client->post("/care/" + link + "/share", form).status;
  }

  std::string client_path() {
    const auto page = therapist->get("/clinician/clients");
    return "/clinician/clients/" + between(page.body, "<a href=\"/clinician/clients/", "\"");
  }

  std::unique_ptr<TestSite> site;
  std::unique_ptr<Browser> client, therapist;
  std::string secret;
};

TEST_P(CareTest, SharedScopesAreSeenOthersRefusedAndRevokingStopsAtOnce) {
  // Something to share: a check-in, a mood check, two journal entries (one marked).
  client->get("/checkin");
  std::map<std::string, std::string> answers;
  for (const char* id : {"acc1", "acc2", "acc3", "beh1", "beh2", "beh3", "mea1", "mea2", "mea3"})
    answers[id] = "4";
  ASSERT_EQ(client->post("/checkin", answers).status, 303);
  client->get("/journal/new");
  ASSERT_EQ(client
                ->post("/journal", {{"kind", "quick"},
                                    {"occurred_on", "2027-01-14"},
                                    {"situation", "Quillon and I argued about the trip"},
                                    {"shared", "1"}})
                .status,
            303);
  ASSERT_EQ(client
                ->post("/journal", {{"kind", "quick"},
                                    {"occurred_on", "2027-01-14"},
                                    {"situation", "Private thoughts about Marrowlight"}})
                .status,
            303);

  const std::string link = connect();
  const std::string path = client_path();
  ASSERT_NE(path, "/clinician/clients/");
  // Connected, nothing shared: the overview only.
  EXPECT_EQ(therapist->get(path).status, 200);
  EXPECT_EQ(therapist->get(path + "/checkins").status, 403);

  ASSERT_EQ(share(link, "share:checkins"), 303);
  ASSERT_EQ(share(link, "share:journal"), 303);
  auto checkins = therapist->get(path + "/checkins");
  ASSERT_EQ(checkins.status, 200);
  EXPECT_NE(checkins.body.find("Accepting emotions 3.3 of 5"), std::string::npos) << checkins.body;
  auto journal = therapist->get(path + "/journal");
  ASSERT_EQ(journal.status, 200);
  EXPECT_NE(journal.body.find("Quillon and I argued"), std::string::npos);
  EXPECT_EQ(journal.body.find("Marrowlight"), std::string::npos) << "an unmarked entry, shown";
  // What was not shared is refused, scope by scope.
  for (const char* scope : {"results", "practice", "reconsider", "moods"})
    EXPECT_EQ(therapist->get(path + "/" + scope).status, 403) << scope;

  // The client stops one scope: the next request for it is refused, the other still works.
  client->get("/care");
  ASSERT_EQ(client->post("/care/" + link + "/stop", {{"scope", "share:checkins"}}).status, 303);
  EXPECT_EQ(therapist->get(path + "/checkins").status, 403);
  EXPECT_EQ(therapist->get(path + "/journal").status, 200);

  // Every read is on the client's access page: the overview twice, check-ins once, the
  // journal twice; refused requests are not reads.
  const auto access = client->get("/account/access");
  EXPECT_EQ(count(access.body, "GET " + path + "/checkins"), 1u) << access.body;
  EXPECT_EQ(count(access.body, "GET " + path + "/journal"), 2u);
  EXPECT_EQ(count(access.body, "GET " + path + "<"), 1u);
  EXPECT_EQ(count(access.body, "therapist@example.org"), 4u);

  // Ending the connection ends everything at once.
  client->get("/care");
  ASSERT_EQ(client->post("/care/" + link + "/end", {}).status, 303);
  EXPECT_EQ(therapist->get(path).status, 403);
  EXPECT_EQ(therapist->get(path + "/journal").status, 403);
  EXPECT_EQ(share(link, "share:results"), 422) << "nothing can be shared on an ended connection";
}

// The client list shows the latest result and the change since the first only for clients
// who share results, and each such look is on that client's access list.
TEST_P(CareTest, TheClientListShowsSharedResultsAndRecordsTheLook) {
  for (int taken = 0; taken < 2; ++taken) {
    client->get("/assessment");
    const std::string path = *client->post("/assessment/start", {}).header("location");
    for (int i = 0; i < 40; ++i) {
      auto q = client->get(path);
      if (q.status == 303) break;
      client->post(path + "/answer", {{"position", testing::find_input(q.body, "position")},
                                      {"item", testing::find_input(q.body, "item")},
                                      {"answer", taken == 0 ? "7" : "1"}});
    }
  }
  const std::string link = connect();
  auto before = therapist->get("/clinician/clients");
  EXPECT_NE(before.body.find("not shared, or none yet"), std::string::npos);
  EXPECT_EQ(before.body.find("Anxiety +"), std::string::npos);
  EXPECT_EQ(before.body.find("Anxiety -"), std::string::npos);
  ASSERT_EQ(share(link, "share:results"), 303);
  auto after = therapist->get("/clinician/clients");
  EXPECT_NE(after.body.find("Anxiety "), std::string::npos) << after.body;
  EXPECT_NE(after.body.find("reliably"), std::string::npos)
      << "all 7s then all 1s: a reliable change on at least one dimension";
  const auto access = client->get("/account/access");
  EXPECT_EQ(count(access.body, "GET /clinician/clients<"), 1u)
      << "one look at the list while results were shared";
}

// A therapist asks for the weekly check-in: the client's Today lists it until it is done; the
// therapist sees done or due only while check-ins are shared; the client can say no.
TEST_P(CareTest, RequestedMeasuresAreDueDoneOrDeclined) {
  const std::string link = connect();
  const std::string path = client_path();
  therapist->get(path);
  ASSERT_EQ(therapist->post(path + "/requests", {{"kind", "checkin"}, {"every_weeks", "1"}}).status,
            303);
  EXPECT_EQ(therapist->post(path + "/requests", {{"kind", "diary"}, {"every_weeks", "1"}}).status,
            422);
  EXPECT_NE(client->get("/today").body.find("asked for the weekly check-in"), std::string::npos);
  // ... and in the client's calendar feed, every week from the day it was asked.
  client->get("/plan");
  ASSERT_EQ(client->post("/plan/feed", {}).status, 303);
  const std::string feed = "/calendar/" + between(client->get("/plan").body, "/calendar/", "\"");
  const auto ics = site->browser().get(feed);
  ASSERT_EQ(ics.status, 200) << feed;
  EXPECT_NE(ics.body.find("SUMMARY:Weekly check-in\\, asked by therapist@example.org"),
            std::string::npos)
      << ics.body;
  EXPECT_NE(ics.body.find("RRULE:FREQ=WEEKLY;INTERVAL=1"), std::string::npos);
  EXPECT_NE(therapist->get(path).body.find("not shared, so you cannot see whether it is done"),
            std::string::npos);
  ASSERT_EQ(share(link, "share:checkins"), 303);
  EXPECT_NE(therapist->get(path).body.find("the weekly check-in, every week: due now"),
            std::string::npos);
  EXPECT_NE(therapist->get("/clinician/clients").body.find("check-in: due"), std::string::npos)
      << "the client list says what is due";
  client->get("/checkin");
  std::map<std::string, std::string> answers;
  for (const char* id : {"acc1", "acc2", "acc3", "beh1", "beh2", "beh3", "mea1", "mea2", "mea3"})
    answers[id] = "3";
  ASSERT_EQ(client->post("/checkin", answers).status, 303);
  EXPECT_EQ(client->get("/today").body.find("asked for the weekly check-in"), std::string::npos);
  EXPECT_NE(therapist->get(path).body.find("the weekly check-in, every week: done; next on"),
            std::string::npos);
  EXPECT_NE(therapist->get("/clinician/clients").body.find("check-in: done"), std::string::npos);
  const auto care = client->get("/care");
  const std::string decline = between(care.body, "action=\"/care/" + link + "/requests/", "\"");
  ASSERT_FALSE(decline.empty()) << care.body;
  ASSERT_EQ(client->post("/care/" + link + "/requests/" + decline, {}).status, 303);
  EXPECT_NE(therapist->get(path).body.find("declined by your client"), std::string::npos);
  EXPECT_EQ(site->browser().get(feed).body.find("asked by"), std::string::npos)
      << "a declined request leaves the calendar";
}

// The clinician's notes are theirs: on their page and in their export, sealed at rest, never on
// the client's pages.
TEST_P(CareTest, AClinicianKeepsSealedNotes) {
  const std::string link = connect();
  const std::string path = client_path();
  therapist->get(path);
  ASSERT_EQ(therapist
                ->post("/clinician/links/" + link + "/notes",
                       {{"note", "Talked about Quillowmere and the trip."}})
                .status,
            303);
  EXPECT_EQ(therapist->post("/clinician/links/" + link + "/notes", {{"note", "   "}}).status, 422);
  EXPECT_NE(therapist->get(path).body.find("Talked about Quillowmere"), std::string::npos);
  EXPECT_EQ(client->get("/care").body.find("Quillowmere"), std::string::npos);
  EXPECT_EQ(client->get("/account/access").body.find("Quillowmere"), std::string::npos);
  therapist->get("/account");
  const auto exported = therapist->post("/account/export", {});
  EXPECT_NE(exported.body.find("Talked about Quillowmere"), std::string::npos)
      << "the note is in the clinician's export";
  client->get("/account");
  EXPECT_EQ(client->post("/account/export", {}).body.find("Quillowmere"), std::string::npos);
  if (GetParam() == TestBackend::kSqlite) {
    for (const auto& [name, bytes] : testing::raw_sqlite_files())
      EXPECT_EQ(bytes.find("Quillowmere"), std::string::npos) << name << ": the note is sealed";
  }
}

// Key rotation re-seals the notes: the new key opens them, the old one no longer does.
TEST_P(CareTest, RotatingTheKeyResealsTheNotes) {
  const std::string link = connect();
  therapist->get(client_path());
  ASSERT_EQ(
      therapist->post("/clinician/links/" + link + "/notes", {{"note", "Before rotation"}}).status,
      303);
  const auto old_key = crypto::DataKey::load(site->key_path);
  ASSERT_TRUE(old_key);
  const auto new_key = crypto::DataKey::generate();
  auto rotated = care::Care::rotate_key(*site->db, *old_key, new_key);
  ASSERT_TRUE(rotated);
  EXPECT_EQ(*rotated, 1);
  long long therapist_id = 0;
  ASSERT_TRUE(site->db->run([&](soci::session& s) {
    s << "SELECT id FROM users WHERE email = 'therapist@example.org'", soci::into(therapist_id);
  }));
  care::Care with_new(*site->db, site->clock, new_key), with_old(*site->db, site->clock, *old_key);
  auto notes = with_new.all_notes(therapist_id);
  ASSERT_TRUE(notes);
  ASSERT_EQ(notes->size(), 1u);
  EXPECT_EQ(notes->front().text, "Before rotation");
  EXPECT_FALSE(with_old.all_notes(therapist_id));
}

// "Since our last session": what the client did since the day the clinician recorded, one line
// per shared scope and nothing for the rest.
TEST_P(CareTest, SinceTheLastSessionCountsWhatIsShared) {
  const std::string link = connect();
  const std::string path = client_path();
  ASSERT_EQ(share(link, "share:checkins"), 303);
  EXPECT_NE(therapist->get(path).body.find("Record a session"), std::string::npos);
  ASSERT_EQ(therapist->post("/clinician/links/" + link + "/session", {}).status, 303);
  client->get("/checkin");
  std::map<std::string, std::string> answers;
  for (const char* id : {"acc1", "acc2", "acc3", "beh1", "beh2", "beh3", "mea1", "mea2", "mea3"})
    answers[id] = "2";
  ASSERT_EQ(client->post("/checkin", answers).status, 303);
  client->get("/skills/slow-breathing");
  client->post("/skills/slow-breathing/log", {{"before", "6"}, {"after", "3"}});
  const auto page = therapist->get(path);
  EXPECT_NE(page.body.find("Since Friday 15 January, of what client@example.org shares"),
            std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("<li>1 weekly check-in</li>"), std::string::npos);
  EXPECT_EQ(page.body.find("skill practice"), std::string::npos) << "practice is not shared";
}

TEST_P(CareTest, CodesAreSingleUseAndExpireAfterSevenDays) {
  const std::string code = new_code();
  ASSERT_EQ(code.size(), 12u);
  client->get("/care");
  ASSERT_EQ(client->post("/care/connect", {{"code", code}}).status, 303);
  Browser other = site->browser();
  ASSERT_EQ(testing::sign_up(other, "other@example.org", kPassword).status, 303);
  other.get("/care");
  auto again = other.post("/care/connect", {{"code", code}});
  EXPECT_EQ(again.status, 422);
  EXPECT_NE(again.body.find("already used"), std::string::npos);
  const std::string old = new_code();
  site->clock.advance(8 * 86400);
  other.get("/signin");
  ASSERT_EQ(other.post("/signin", {{"email", "other@example.org"}, {"password", kPassword}}).status,
            303);
  other.get("/care");
  EXPECT_EQ(other.post("/care/connect", {{"code", old}}).status, 422);
  EXPECT_EQ(other.post("/care/connect", {{"code", "not a code"}}).status, 422);
}

TEST_P(CareTest, AShareWithAnEndDateStopsAfterIt) {
  const std::string link = connect();
  const std::string path = client_path();
  EXPECT_EQ(share(link, "share:moods", "2027-01-01"), 422) << "an end date in the past";
  ASSERT_EQ(share(link, "share:moods", "2027-01-16"), 303);  // tomorrow (the clock: 2027-01-15)
  EXPECT_EQ(therapist->get(path + "/moods").status, 200);
  EXPECT_NE(client->get("/care").body.find("until the end of Saturday 16 January"),
            std::string::npos);
  site->clock.advance(2 * 86400);
  for (Browser* b : {therapist.get()}) {
    b->get("/signin");
    b->post("/signin", {{"email", "therapist@example.org"}, {"password", kPassword}});
    b->get("/signin/code");
    b->post("/signin/code",
            {{"code", accounts::TwoFactor::totp_for_base32(secret, site->clock.now())}});
  }
  EXPECT_EQ(therapist->get(path).status, 200) << "still connected";
  EXPECT_EQ(therapist->get(path + "/moods").status, 403) << "the share ended";
}

TEST_P(CareTest, AClinicianIsSignedOutAfterFifteenIdleMinutes) {
  EXPECT_EQ(therapist->get("/clinician/clients").status, 200);
  site->clock.advance(16 * 60);
  auto later = therapist->get("/clinician/clients");
  EXPECT_EQ(later.status, 303);
  EXPECT_EQ(later.header("location").value_or(""), "/signin");
  // A member's session is not cut as short.
  client->get("/today");
  site->clock.advance(16 * 60);
  EXPECT_EQ(client->get("/today").status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, CareTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace sb::web
