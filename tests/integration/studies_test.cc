// Coding studies through HTTP on both back ends: coders join by invitation, code blind (no one
// sees another's code until all have submitted), the agreement report, the conferenced final
// code beside the originals, and the research CSV that re-imports into another study exactly.
#include <gtest/gtest.h>

#include "support/test_site.h"

namespace sb::web {
namespace {

using testing::between;
using testing::Browser;
using testing::TestBackend;
using testing::TestSite;

constexpr const char* kPassword = "a long enough password";

std::map<std::string, std::string> code_form(const char* cls, int prox, int avoid) {
  std::map<std::string, std::string> f;
  for (int e : {5, 8}) {
    const std::string p = "e" + std::to_string(e) + "_";
    f[p + "proximity"] = std::to_string(prox);
    f[p + "contact"] = std::to_string(prox);
    f[p + "resistance"] = "1";
    f[p + "avoidance"] = std::to_string(avoid);
  }
  f["e6_crying"] = "3";
  f["e4_seconds"] = "60";  // the first separation cut short
  f["disorganisation"] = "2";
  f["classification"] = cls;
  return f;
}

class StudiesTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    site = std::make_unique<TestSite>(GetParam());
    ASSERT_TRUE(site->ready());
    for (const char* who : {"owner", "coder-one", "coder-two", "outsider"}) {
      people[who] = std::make_unique<Browser>(site->browser());
      ASSERT_EQ(testing::sign_up(*people[who], std::string(who) + "@example.org", kPassword).status,
                303);
    }
    study = make_study("Lab A", {"coder-one", "coder-two"});
  }

  std::string make_study(const std::string& name, const std::vector<std::string>& coders) {
    Browser& owner = *people["owner"];
    owner.get("/studies");
    const std::string path =
        owner.post("/studies", {{"name", name}}).header("location").value_or("");
    for (const auto& c : coders) {
      owner.get(path);
      const std::string code =
          between(owner.post(path + "/invite", {}).body, "class=\"care-code\">", "<");
      people[c]->get("/studies");
      EXPECT_EQ(people[c]->post("/studies/join", {{"code", code}}).status, 303);
    }
    return path;
  }

  std::string add_session(const std::string& path, const std::string& participant) {
    Browser& owner = *people["owner"];
    owner.get(path);
    EXPECT_EQ(owner.post(path + "/sessions", {{"participant", participant}}).status, 303);
    const std::string page = owner.get(path).body;
    const size_t at = page.find(">" + participant + "<");
    const size_t href = page.rfind(path + "/sessions/", at);
    return page.substr(href, page.find('"', href) - href);
  }

  std::unique_ptr<TestSite> site;
  std::map<std::string, std::unique_ptr<Browser>> people;
  std::string study;
};

TEST_P(StudiesTest, CodingIsBlindUntilEveryCoderHasSubmitted) {
  const std::string session = add_session(study, "P-001");
  Browser& one = *people["coder-one"];
  Browser& two = *people["coder-two"];
  one.get(session);
  ASSERT_EQ(one.post(session + "/code", code_form("B", 6, 1)).status, 303);
  // Coder two, and the owner, see nothing of coder one's code yet.
  const auto before = two.get(session).body;
  EXPECT_EQ(before.find("coder 1:"), std::string::npos);
  EXPECT_NE(before.find("Coded blind"), std::string::npos);
  EXPECT_EQ(people["owner"]->get(session).body.find("coder 1:"), std::string::npos);
  EXPECT_EQ(people["owner"]->get(study + "/export.csv").body.find("P-001"), std::string::npos);
  // The final code waits for everyone.
  people["owner"]->get(session);
  EXPECT_EQ(people["owner"]->post(session + "/final", code_form("B", 6, 1)).status, 422);
  ASSERT_EQ(two.post(session + "/code", code_form("A", 2, 6)).status, 303);
  const auto after = one.get(session).body;
  EXPECT_NE(after.find("coder 1: B"), std::string::npos);
  EXPECT_NE(after.find("coder 2: A"), std::string::npos);
  EXPECT_NE(after.find("Suggestion from SecureBase"), std::string::npos);
  EXPECT_NE(after.find("shortened to 60 s"), std::string::npos);
  // Coders cannot change a complete session; the owner records the conferenced code beside them.
  EXPECT_EQ(one.post(session + "/code", code_form("C", 5, 1)).status, 422);
  people["owner"]->get(session);
  ASSERT_EQ(people["owner"]->post(session + "/final", code_form("B", 5, 2)).status, 303);
  const auto final_page = people["owner"]->get(session).body;
  EXPECT_NE(final_page.find("Final code (conferenced)"), std::string::npos);
  EXPECT_NE(final_page.find("coder 2: A"), std::string::npos) << "the originals stay";
  // Members only.
  EXPECT_EQ(people["outsider"]->get(study).status, 403);
  EXPECT_EQ(people["outsider"]->get(session).status, 403);
  EXPECT_EQ(one.post(study + "/invite", {}).status, 403) << "coders do not invite";
}

TEST_P(StudiesTest, AgreementReportAndExportThatReimportsExactly) {
  const char* first[] = {"B", "B", "A", "C", "B", "D"};
  const char* second[] = {"B", "B", "A", "B", "B", "D"};
  for (int i = 0; i < 6; ++i) {
    const std::string s = add_session(study, "P-" + std::to_string(10 + i));
    people["coder-one"]->get(s);
    ASSERT_EQ(people["coder-one"]->post(s + "/code", code_form(first[i], 2 + i, 1 + i % 3)).status,
              303);
    people["coder-two"]->get(s);
    ASSERT_EQ(people["coder-two"]->post(s + "/code", code_form(second[i], 2 + i, 1 + i % 3)).status,
              303);
  }
  const auto report = people["owner"]->get(study + "/agreement").body;
  EXPECT_NE(report.find("coder 1 and coder 2"), std::string::npos);
  EXPECT_NE(report.find("6 sessions"), std::string::npos);
  EXPECT_NE(report.find("P-13: classification, C against B"), std::string::npos);
  const auto summary = people["owner"]->get(study + "/report").body;
  EXPECT_NE(summary.find("about 65%"), std::string::npos);
  EXPECT_NE(summary.find("5 sessions classified"), std::string::npos) << "P-13 is still open";
  // Export, import into a new study whose coders carry the same labels, export again.
  const std::string csv = people["owner"]->get(study + "/export.csv").body;
  EXPECT_NE(csv.find("P-10,coder 1,5,"), std::string::npos);
  const std::string copy = make_study("Lab A", {"coder-one", "coder-two"});
  people["owner"]->get(copy);
  const auto imported = people["owner"]->post(copy + "/import", {{"csv", csv}});
  ASSERT_EQ(imported.status, 303) << between(imported.body, "role=\"alert\"><p>", "<");
  EXPECT_EQ(people["owner"]->get(copy + "/export.csv").body, csv);
  EXPECT_NE(people["owner"]->get(copy + "?imported=24").body.find("Imported 24 codes."),
            std::string::npos);
  EXPECT_EQ(people["owner"]->get(copy).body.find("Imported"), std::string::npos)
      << "no notice when nothing was imported";
  // A file naming a coder the study does not have is refused, and nothing is kept.
  const std::string lone = make_study("Lab B", {"coder-one"});
  people["owner"]->get(lone);
  const auto refused = people["owner"]->post(lone + "/import", {{"csv", csv}});
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("coder 2, who is not a coder of this study"), std::string::npos);
  EXPECT_EQ(people["owner"]->get(lone).body.find("P-10"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, StudiesTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace sb::web
