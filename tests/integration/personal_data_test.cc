// Every table that holds a person's data belongs to a module that exports and erases it; and no
// page ever shows store or driver text when the store fails under a feature.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <boost/json.hpp>
#include <set>

#include "accounts/access_repo.h"
#include "accounts/data_key.h"
#include "features/clinician/care_repo.h"
#include "features/directory/directory_repo.h"
#include "store/migrations.h"
#include "support/access_matrix.h"
#include "support/test_site.h"

namespace sb {
namespace {

using testing::Browser;
using testing::TestBackend;
using testing::TestSite;

constexpr const char* kPassword = "a long enough password";
// Tables that are not keyed by a person: the schema's own record, and sign-in failures (keyed
// by the e-mail typed, pruned after an hour, erased with the account by that e-mail), and the
// id of the data key the store is under.
// signup_requests holds an address and a password hash before any account exists: it belongs
// to nobody yet, is deleted when its link is used, and is pruned a day after it was made.
// directory_listings are public listings of professionals (most from the NPI register), not
// data of the people who use SecureBase; directory_version is one counter.
// study_sessions are a research study's sessions under participant codes (pseudonymous, no
// account behind them); they go with their study, which goes with its owner.
// calibrations and instrument_versions hold the questionnaire's parameters and counts of
// answers, never a person's answers or who they are (who started or published one is in the
// access audit).
const std::set<std::string> kNotPersonal = {
    "schema_migrations", "login_failures",     "data_key",
    "signup_requests",   "directory_listings", "directory_version",
    "study_sessions",    "calibrations",       "instrument_versions"};

long long id_of(store::Database& db, const std::string& email) {
  long long id = 0;
  EXPECT_TRUE(db.run([&](soci::session& s) {
    s << "SELECT id FROM users WHERE email = :e", soci::use(email), soci::into(id);
  }));
  return id;
}

long long rows_of(store::Database& db, const web::PersonalTable& t, long long user) {
  long long n = 0;
  const std::string where = t.through.empty() ? t.subject_column + " = :u"
                                              : t.subject_column + " IN (SELECT id FROM " +
                                                    t.through + " WHERE user_id = :u)";
  EXPECT_TRUE(db.run([&](soci::session& s) {
    s << "SELECT COUNT(*) FROM " + t.table + " WHERE " + where, soci::use(user), soci::into(n);
  }));
  return n;
}

class PersonalDataTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    site = std::make_unique<TestSite>(GetParam());
    ASSERT_TRUE(site->ready());
  }
  // A member who has used every feature, two-factor included, and whom an administrator has
  // looked at and a clinician has been granted a scope by.
  Browser full_member(const std::string& email) {
    Browser b = site->browser();
    testing::sign_up(b, email, kPassword);
    objects = testing::create_owned_objects(b);
    b.post("/skills/slow-breathing/log", {{"before", "6"}, {"after", "3"}, {"note", "Quillfern"}});
    auto checkin = b.get("/checkin");
    std::map<std::string, std::string> answers;
    for (size_t at = 0;
         (at = checkin.body.find("type=\"radio\" id=\"", at)) != std::string::npos;) {
      const size_t name_at = checkin.body.find("name=\"", at) + 6;
      answers[checkin.body.substr(name_at, checkin.body.find('"', name_at) - name_at)] = "3";
      at = name_at;
    }
    EXPECT_EQ(b.post("/checkin", answers).status, 303);
    b.post("/plan", {{"include_slow-breathing", "1"}, {"times_slow-breathing", "2"}});
    // Signing in again makes this a known device of the account.
    testing::sign_out(b);
    b.get("/signin");
    EXPECT_EQ(b.post("/signin", {{"email", email}, {"password", kPassword}}).status, 303);
    b.get("/account");
    testing::enable_two_factor(b, *site);
    // A claim on a directory listing (the listing is the register's; the claim is theirs).
    auto vocabulary = directory::Vocabulary::load(std::string(SECUREBASE_CONTENT_DIR) +
                                                  "/directory/vocabulary.json");
    EXPECT_TRUE(vocabulary);
    directory::Listing listing;
    listing.npi = "1234567893";
    listing.name = "A Listing To Claim";
    listing.source = directory::Source::kNppes;
    listing.lat = 41.92;
    listing.lon = -87.65;
    EXPECT_TRUE(store::DirectoryRepo(*site->db, *vocabulary).import({listing}, site->clock.now()));
    EXPECT_EQ(b.post("/clinician/claim", {{"npi", "1234567893"}, {"licence", "LCSW 1"}}).status,
              303);
    // A child's profile with a logged moment, a signs check, an invitation and a look at it.
    b.get("/family");
    const auto added = b.post("/family/children", {{"name", "Pip"}, {"birth_date", "2025-06-01"}});
    EXPECT_EQ(added.status, 303);
    child_path = added.header("location").value_or("");
    child_path = child_path.substr(0, child_path.find('?'));
    b.get(child_path);
    EXPECT_EQ(b.post(child_path + "/log", {{"cue", "cry"},
                                           {"response", "comfort"},
                                           {"speed", "now"},
                                           {"outcome", "settled"},
                                           {"note", "Thimbleweed"}})
                  .status,
              303);
    std::map<std::string, std::string> signs;
    for (const char* sign : {"smiles-back", "stays-close-strangers", "favourite-people",
                             "waits-plan", "talks-feelings"})
      signs[sign] = "often";
    EXPECT_EQ(b.post(child_path + "/signs", signs).status, 303);
    const std::string page = b.post(child_path + "/invite", {}).body;
    const std::string marker = "class=\"care-code\">";
    const size_t at = page.find(marker);
    EXPECT_NE(at, std::string::npos);
    invite_code = page.substr(at + marker.size(), 12);
    // A study of their own with an invitation, and a session coded in a lab's study.
    b.get("/studies");
    const auto own = b.post("/studies", {{"name", "My study"}});
    EXPECT_EQ(own.status, 303);
    const std::string own_path = own.header("location").value_or("");
    b.get(own_path);
    EXPECT_EQ(b.post(own_path + "/invite", {}).status, 200);
    Browser lab = site->browser();
    testing::sign_up(lab, "lab@example.org", kPassword);
    lab.get("/studies");
    const std::string lab_path =
        lab.post("/studies", {{"name", "Lab study"}}).header("location").value_or("");
    lab.get(lab_path);
    const std::string lab_page = lab.post(lab_path + "/invite", {}).body;
    const std::string lab_code = lab_page.substr(lab_page.find(marker) + marker.size(), 12);
    EXPECT_EQ(lab.post(lab_path + "/sessions", {{"participant", "P-7"}}).status, 303);
    b.get("/studies");
    EXPECT_EQ(b.post("/studies/join", {{"code", lab_code}}).status, 303);
    const std::string session =
        testing::between(b.get(lab_path).body, lab_path + "/sessions/", "\"");
    EXPECT_EQ(b.post(lab_path + "/sessions/" + session + "/code", {{"e5_proximity", "6"},
                                                                   {"e5_contact", "6"},
                                                                   {"e5_resistance", "1"},
                                                                   {"e5_avoidance", "1"},
                                                                   {"e8_proximity", "6"},
                                                                   {"e8_contact", "6"},
                                                                   {"e8_resistance", "1"},
                                                                   {"e8_avoidance", "1"},
                                                                   {"disorganisation", "1"},
                                                                   {"classification", "B"}})
                  .status,
              303);
    return b;
  }

  std::unique_ptr<TestSite> site;
  std::map<std::string, std::string> objects;
  std::string child_path, invite_code;
};

TEST_P(PersonalDataTest, EveryTableIsNamedByAModule) {
  std::set<std::string> declared;
  for (const auto& m : site->app->modules()) {
    for (const auto& t : m->personal_tables()) {
      EXPECT_TRUE(declared.insert(t.table).second) << t.table << " is declared twice";
    }
  }
  auto tables = store::table_names(*site->db);
  ASSERT_TRUE(tables);
  std::set<std::string> existing(tables->begin(), tables->end());
  for (const auto& t : existing) {
    EXPECT_TRUE(declared.count(t) || kNotPersonal.count(t))
        << "table " << t << " holds data no module exports or erases: declare it in its "
        << "module's personal_tables()";
  }
  for (const auto& t : declared) EXPECT_TRUE(existing.count(t)) << t << " does not exist";
}

TEST_P(PersonalDataTest, EveryPersonalTableIsExportedAndErased) {
  Browser a = full_member("full@example.org");
  Browser b = site->browser();
  testing::sign_up(b, "bystander@example.org", kPassword);
  b.get("/journal/new");
  b.post("/journal", {{"kind", "quick"}, {"occurred_on", "2026-11-02"}, {"situation", "Mine"}});
  // The bystander cares for A's child too: the child stays with them when A goes.
  b.get("/family");
  EXPECT_EQ(b.post("/family/join", {{"code", invite_code}}).status, 303) << invite_code;
  const long long a_id = id_of(*site->db, "full@example.org");
  const long long b_id = id_of(*site->db, "bystander@example.org");
  // An administrator's look (an audit row) and a clinician's grant (a grant row).
  accounts::Accounts accounts(*site->db, site->clock, testing::fast_password_policy());
  auto clinician = accounts.create_user("clin@example.org", kPassword, accounts::Role::kClinician);
  ASSERT_TRUE(clinician);
  store::AccessRepo access(*site->db);
  ASSERT_TRUE(access.create_grant({0, a_id, *clinician, "checkin:read", 1, std::nullopt, {}}));
  ASSERT_TRUE(access.record({0, a_id, *clinician, "clin@example.org", "clinician", "consent",
                             "checkin:read", "GET /test", 1, "127.0.0.1"}));
  // A connection with that clinician, and a code as if the member were a clinician too.
  store::CareRepo care(*site->db);
  store::CareLinkRecord link;
  link.public_id = "link-of-full";
  link.client_user_id = a_id;
  link.clinician_user_id = *clinician;
  link.status = "requested";
  link.created_at = 1;
  auto link_id = care.add_link(link);
  ASSERT_TRUE(link_id);
  ASSERT_TRUE(care.add_request({0, *link_id, a_id, "checkin", 1, 1, std::nullopt}));
  ASSERT_TRUE(care.add_code(a_id, "code-hash-of-full", 1, 2));
  // A note as if the member were a clinician, sealed as the clinician feature seals them.
  auto key = crypto::DataKey::load(site->key_path);
  ASSERT_TRUE(key);
  ASSERT_TRUE(care.add_note(
      {0, a_id, std::nullopt, key->encrypt("A note", "care_note:" + std::to_string(a_id)), 1}));

  a.get("/account");
  auto exported = a.post("/account/export", {});
  ASSERT_EQ(exported.status, 200);
  const auto doc = boost::json::parse(exported.body).as_object();
  for (size_t i = 0; i < site->app->modules().size(); ++i) {
    const auto& m = site->app->modules()[i];
    for (const auto& t : m->personal_tables()) {
      EXPECT_GT(rows_of(*site->db, t, a_id), 0)
          << t.table << ": the test's member should have rows here (feature "
          << site->app->feature_names()[i] << ")";
    }
    auto sections = m->export_sections(Owner{a_id, 0});
    ASSERT_TRUE(sections) << sections.error().message;
    if (!m->personal_tables().empty()) {
      EXPECT_FALSE(sections->empty()) << site->app->feature_names()[i] << " exports nothing";
    }
    for (const auto& [name, value] : *sections) {
      EXPECT_TRUE(doc.contains(name)) << "the account export lacks section " << name;
      const bool empty = (value.is_array() && value.as_array().empty()) ||
                         (value.is_object() && value.as_object().empty()) || value.is_null();
      EXPECT_FALSE(empty) << "section " << name << " is empty for a member who used it";
    }
  }
  const std::string csv = a.post("/account/export", {{"format", "csv"}}).body;
  for (const char* section :
       {"journal,", "practice_logs,", "checkins,", "reconsiderations,", "weekly_plan,",
        "assessments,", "access_to_my_data,", "grants,", "devices,"}) {
    EXPECT_NE(csv.find(std::string("\r\n") + section), std::string::npos) << section;
  }

  ASSERT_EQ(a.post("/account/delete", {{"password", kPassword}}).status, 303);
  for (const auto& m : site->app->modules()) {
    for (const auto& t : m->personal_tables()) {
      EXPECT_EQ(rows_of(*site->db, t, a_id), 0) << t.table << " kept rows of a deleted account";
    }
  }
  EXPECT_GT(rows_of(*site->db, {"journal_entries", "user_id"}, b_id), 0)
      << "another person's data stays";
  EXPECT_GT(rows_of(*site->db, {"children", "owner_user_id"}, b_id), 0)
      << "a child with another caregiver passes to them";
  EXPECT_EQ(b.get(child_path).status, 200) << "the other caregiver still sees the child";
}

// Each feature's tables are taken away under it; every one of its routes still answers with a
// plain page: no SQL, no driver message, no bound values, no ids.
TEST_P(PersonalDataTest, AStoreFailureNeverShowsStoreText) {
  const auto rows = testing::read_matrix();
  for (size_t i = 0; i < site->app->modules().size(); ++i) {
    const std::string feature = site->app->feature_names()[i];
    const auto tables = site->app->modules()[i]->personal_tables();
    if (tables.empty() || feature == "account") continue;  // account: see the next test
    SCOPED_TRACE("feature " + feature);
    TestSite fresh(GetParam());
    ASSERT_TRUE(fresh.ready());
    Browser a = fresh.browser();
    testing::sign_up(a, "victim@example.org", kPassword);
    auto vars = testing::create_owned_objects(a);
    for (const auto& t : tables) {
      ASSERT_TRUE(fresh.db->run([&](soci::session& s) {
        s << std::string("DROP TABLE ") + t.table +
                 (fresh.db->backend() == store::Backend::kPostgres ? " CASCADE" : "");
      }));
    }
    int failed = 0;
    for (const auto& d : fresh.app->routes()) {
      if (d.feature != feature) continue;
      for (const auto& row : rows) {
        if (row.method != d.method || row.pattern != d.pattern) continue;
        const std::string path = testing::expand(row.path, vars);
        auto res = row.method == "GET" ? a.get(path) : a.post(path, testing::parse_form(row.form));
        if (res.status >= 500) ++failed;
        for (const char* leak : {"store error", "SELECT", "INSERT", "UPDATE ", "DELETE ",
                                 "no such table", "does not exist", "relation ", "soci", "sqlite",
                                 "postgres", "user_id", "with :", "while preparing"}) {
          EXPECT_EQ(res.body.find(leak), std::string::npos)
              << row.method << " " << path << " shows \"" << leak << "\"";
        }
        if (res.status >= 500) {
          EXPECT_NE(res.body.find("reference"), std::string::npos) << path;
        }
      }
    }
    EXPECT_GT(failed, 0) << "dropping the tables should make some route fail";
  }
}

TEST_P(PersonalDataTest, AStoreFailureUnderSessionsShowsAPlainPage) {
  Browser a = site->browser();
  testing::sign_up(a, "victim@example.org", kPassword);
  ASSERT_TRUE(site->db->run([&](soci::session& s) {
    s << std::string("DROP TABLE sessions") +
             (site->db->backend() == store::Backend::kPostgres ? " CASCADE" : "");
  }));
  for (const char* path : {"/account", "/journal", "/assessment", "/"}) {
    auto res = a.get(path);
    EXPECT_EQ(res.status, 503) << path;
    EXPECT_EQ(res.body.find("sessions"), std::string::npos) << path;
    EXPECT_EQ(res.body.find("SELECT"), std::string::npos) << path;
    EXPECT_NE(res.body.find("reference"), std::string::npos) << path;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, PersonalDataTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace sb
