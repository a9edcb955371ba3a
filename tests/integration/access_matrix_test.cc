// The access matrix (access_matrix.txt): every route x every actor, run against the real site
// on SQLite and PostgreSQL. See the file's header for the columns and outcomes.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/strings.h"
#include "support/access_matrix.h"
#include "support/test_site.h"

namespace sb {
namespace {

using testing::Browser;
using testing::HttpResponse;
using testing::MatrixRow;
using testing::parse_form;
using testing::read_matrix;
using testing::TestBackend;
using testing::TestSite;

constexpr const char* kPassword = "a long enough password";
// Member A last (A's own rows change A's objects); the revoked clinician before the granted
// one, whose rows end A's connection with them.
const std::vector<std::string> kActors = {
    "anonymous",         "member_b",          "admin",
    "admin_no_2fa",      "clinician",         "clinician_revoked",
    "clinician_granted", "caregiver_invited", "caregiver_removed",
    "study_coder",       "member_a"};

using testing::between;

// A connects with the clinician through a code, the clinician accepts, A shares `scopes`.
// Returns the connection's id.
std::string connect(Browser& client, Browser& clinician, const std::vector<std::string>& scopes) {
  clinician.get("/clinician/clients");
  const std::string code =
      between(clinician.post("/clinician/codes", {}).body, "class=\"care-code\">", "<");
  EXPECT_EQ(code.size(), 12u) << "a code is shown once";
  client.get("/care");
  EXPECT_EQ(client.post("/care/connect", {{"code", code}}).status, 303);
  const std::string link =
      between(clinician.get("/clinician/clients").body, "/clinician/links/", "/accept");
  EXPECT_FALSE(link.empty());
  EXPECT_EQ(clinician.post("/clinician/links/" + link + "/accept", {}).status, 303);
  client.get("/care");
  for (const auto& scope : scopes)
    EXPECT_EQ(client.post("/care/" + link + "/share", {{"scope", scope}}).status, 303) << scope;
  return link;
}

std::string outcome_of(const HttpResponse& r) {
  const std::string location = r.header("location").value_or("");
  if (r.status == 303 && location == "/signin") return "signin";
  if (r.status == 303 && location == "/account/two-factor?required=1") return "2fa";
  if (r.status == 303 && location.starts_with("/account/confirm")) return "confirm";
  if (r.status == 403 && r.body.find("did not come from SecureBase") != std::string::npos)
    return "csrf";
  if (r.status == 403) return "forbidden";
  if (r.status == 404) return "missing";
  if (r.status == 410) return "gone";
  if (r.status == 429) return "throttled";
  if ((r.status >= 200 && r.status < 400) || r.status == 409 || r.status == 422) return "ok";
  return "status " + std::to_string(r.status);
}

class AccessMatrixTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    site = std::make_unique<TestSite>(GetParam());
    ASSERT_TRUE(site->ready());
  }

  Browser signed_in(const std::string& email, accounts::Role role) {
    if (role != accounts::Role::kMember) {
      accounts::Accounts accounts(*site->db, site->clock, testing::fast_password_policy());
      EXPECT_TRUE(accounts.create_user(email, kPassword, role));
      Browser b = site->browser();
      b.get("/signin");
      b.post("/signin", {{"email", email}, {"password", kPassword}});
      b.get("/account");
      return b;
    }
    Browser b = site->browser();
    testing::sign_up(b, email, kPassword);
    b.get("/account");
    return b;
  }

  std::string expand(const std::string& path) const { return testing::expand(path, vars); }

  HttpResponse run(Browser& b, const std::string& actor, const MatrixRow& row) {
    if (actor == "anonymous") b.forget_cookies();
    const std::string path = expand(row.path);
    if (row.method == "GET") return b.get(path);
    return b.post(path, parse_form(row.form), actor != "anonymous");
  }

  std::unique_ptr<TestSite> site;
  std::map<std::string, std::string> vars;
};

TEST_P(AccessMatrixTest, EveryRouteHasARowThatAgreesWithItsDeclaredNeed) {
  const auto rows = read_matrix();
  std::map<std::string, const MatrixRow*> by_route;
  for (const auto& r : rows) {
    EXPECT_TRUE(by_route.emplace(r.method + " " + r.pattern, &r).second)
        << "line " << r.line << " repeats a route";
  }
  std::set<std::string> declared;
  for (const auto& d : site->app->routes()) {
    const std::string key = d.method + " " + d.pattern;
    declared.insert(key);
    auto found = by_route.find(key);
    if (found == by_route.end()) {
      ADD_FAILURE() << key << " (" << d.need.describe() << ") has no row in access_matrix.txt";
      continue;
    }
    const MatrixRow& row = *found->second;
    // What the declared need implies for the actors that need no data to decide.
    using Who = web::Need::Who;
    const bool personal = !d.is_public && d.need.who != Who::kAnyone && d.need.who != Who::kVisitor;
    if (personal) {
      EXPECT_EQ(row.expected.at("anonymous"), d.method == "GET" ? "signin" : "csrf")
          << key << ": a route for members must send anonymous visitors to sign in";
    }
    if (d.need.who == Who::kAdmin) {
      EXPECT_EQ(row.expected.at("member_b"), "forbidden") << key;
      EXPECT_EQ(row.expected.at("clinician"), "forbidden") << key;
      EXPECT_EQ(row.expected.at("admin_no_2fa"), "2fa") << key;
    }
    if (d.need.who == Who::kClinician) {
      EXPECT_EQ(row.expected.at("member_b"), "forbidden") << key;
      EXPECT_EQ(row.expected.at("admin"), "forbidden") << key;
      EXPECT_EQ(row.expected.at("clinician"), "2fa") << key << ": clinicians need two-factor";
    }
    if (d.method != "GET" && !d.is_public) {
      EXPECT_EQ(row.expected.at("anonymous"), "csrf") << key << ": every form needs its token";
    }
  }
  for (const auto& [key, row] : by_route) {
    EXPECT_TRUE(declared.count(key))
        << "access_matrix.txt:" << row->line << " names " << key << ", which no feature declares";
  }
}

TEST_P(AccessMatrixTest, EveryActorGetsWhatTheMatrixSays) {
  const auto rows = read_matrix();
  Browser a = signed_in("member-a@example.org", accounts::Role::kMember);
  vars = testing::create_owned_objects(a);
  std::map<std::string, Browser> actors;
  actors.emplace("anonymous", site->browser());
  actors.emplace("member_a", a);
  actors.emplace("member_b", signed_in("member-b@example.org", accounts::Role::kMember));
  actors.emplace("admin", signed_in("admin@example.org", accounts::Role::kAdmin));
  testing::enable_two_factor(actors.at("admin"), *site);
  actors.emplace("admin_no_2fa", signed_in("admin2@example.org", accounts::Role::kAdmin));
  actors.emplace("clinician", signed_in("clinician@example.org", accounts::Role::kClinician));
  for (const char* name : {"clinician_revoked", "clinician_granted"}) {
    actors.emplace(name, signed_in(std::string(name) + "@example.org", accounts::Role::kClinician));
    testing::enable_two_factor(actors.at(name), *site);
  }
  vars["care_link_a"] =
      connect(a, actors.at("clinician_granted"), {"share:results", "share:checkins"});
  const std::string revoked = connect(a, actors.at("clinician_revoked"), {"share:results"});
  a.get("/care");
  EXPECT_EQ(a.post("/care/" + revoked + "/stop", {{"scope", "share:results"}}).status, 303);
  // A's child, shared with an invited caregiver; another joined and was removed; a third
  // (not an actor) is there for the removal row.
  a.get("/family");
  const auto added = a.post("/family/children", {{"name", "Moss"}, {"birth_date", "2025-06-01"}});
  ASSERT_EQ(added.status, 303);
  vars["child_a"] = between(added.header("location").value_or("") + "?", "/family/", "?");
  auto join = [&](Browser& b) {
    a.get("/family/" + vars["child_a"]);
    const std::string code = between(a.post("/family/" + vars["child_a"] + "/invite", {}).body,
                                     "class=\"care-code\">", "<");
    b.get("/family");
    EXPECT_EQ(b.post("/family/join", {{"code", code}}).status, 303) << code;
  };
  for (const char* name : {"caregiver_invited", "caregiver_removed"}) {
    actors.emplace(name, signed_in(std::string(name) + "@example.org", accounts::Role::kMember));
    join(actors.at(name));
  }
  Browser spare = signed_in("caregiver-spare@example.org", accounts::Role::kMember);
  join(spare);
  auto public_id_of = [&](const std::string& email) {
    std::string public_id;
    EXPECT_TRUE(site->db->run([&](soci::session& s) {
      s << "SELECT public_id FROM users WHERE email = :e", soci::use(email), soci::into(public_id);
    }));
    return public_id;
  };
  vars["caregiver_spare"] = public_id_of("caregiver-spare@example.org");
  // A's study, with one coder and one session.
  a.get("/studies");
  const auto study = a.post("/studies", {{"name", "Matrix study"}});
  ASSERT_EQ(study.status, 303);
  vars["study_a"] = between(study.header("location").value_or("") + "?", "/studies/", "?");
  a.get("/studies/" + vars["study_a"]);
  const std::string study_code = between(a.post("/studies/" + vars["study_a"] + "/invite", {}).body,
                                         "class=\"care-code\">", "<");
  actors.emplace("study_coder", signed_in("study-coder@example.org", accounts::Role::kMember));
  actors.at("study_coder").get("/studies");
  EXPECT_EQ(actors.at("study_coder").post("/studies/join", {{"code", study_code}}).status, 303);
  a.get("/studies/" + vars["study_a"]);
  EXPECT_EQ(a.post("/studies/" + vars["study_a"] + "/sessions", {{"participant", "P-100"}}).status,
            303);
  vars["study_session_a"] = between(a.get("/studies/" + vars["study_a"]).body,
                                    "/studies/" + vars["study_a"] + "/sessions/", "\"");
  a.get("/family/" + vars["child_a"]);
  EXPECT_EQ(a.post("/family/" + vars["child_a"] + "/caregivers/" +
                       public_id_of("caregiver_removed@example.org") + "/remove",
                   {})
                .status,
            303);
  vars["member_a"] = [&] {
    long long id = 0;
    std::string public_id;
    EXPECT_TRUE(site->db->run([&](soci::session& s) {
      s << "SELECT id, public_id FROM users WHERE email = 'member-a@example.org'", soci::into(id),
          soci::into(public_id);
    }));
    return public_id;
  }();

  int checked = 0;
  for (const auto& actor : kActors) {
    if (actor == "member_a") {
      // Before member A acts: nobody else changed or removed A's objects.
      auto entry = a.get("/journal/" + vars["journal_a"]);
      EXPECT_NE(entry.body.find("Kestrelmoon"), std::string::npos) << "A's journal entry changed";
      EXPECT_NE(a.get("/reconsider/" + vars["reconsider_a"]).body.find("Brindlewick"),
                std::string::npos);
      EXPECT_EQ(testing::find_input(a.get("/assessment/" + vars["assessment_a"]).body, "position"),
                "2")
          << "A's answers are untouched";
      EXPECT_EQ(site->browser().get("/calendar/" + vars["feed_a"]).status, 200);
      // ... and the administrator's look at A's account is on A's access page.
      auto access = a.get("/account/access");
      EXPECT_NE(access.body.find("An administrator (admin@example.org)"), std::string::npos);
      EXPECT_NE(access.body.find("/admin/members/" + vars["member_a"]), std::string::npos);
      EXPECT_EQ(access.body.find("admin2@example.org"), std::string::npos)
          << "a refused request is not an access";
    }
    Browser& b = actors.at(actor);
    for (const auto& row : rows) {
      const auto res = run(b, actor, row);
      EXPECT_EQ(outcome_of(res), row.expected.at(actor))
          << actor << " " << row.method << " " << expand(row.path)
          << " (access_matrix.txt:" << row.line << ")";
      ++checked;
    }
  }
  std::printf("access matrix on %s: %d route x actor checks\n",
              testing::backend_name(GetParam()).c_str(), checked);
}

INSTANTIATE_TEST_SUITE_P(Backends, AccessMatrixTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace sb
