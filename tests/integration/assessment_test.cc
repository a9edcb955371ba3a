// Taking the assessment through HTTP: tampered, replayed and invalid answers are refused and
// leave the stored assessment unchanged; a full run is scored and kept.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <boost/json.hpp>

#include "features/assessment/assessment.h"
#include "psychometrics/responses.h"
#include "support/test_site.h"

namespace sb::web {

using testing::Browser;
using testing::find_input;
using testing::TestBackend;
using testing::TestSite;

class AssessmentTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    site = std::make_unique<TestSite>(GetParam());
    ASSERT_TRUE(site->ready());
    b = std::make_unique<Browser>(site->browser());
    b->get("/assessment");
    auto started = b->post("/assessment/start", {{"consent", "yes"}});
    ASSERT_EQ(started.status, 303);
    path = *started.header("location");
  }
  int64_t stored_answers() {
    long long n = -1;
    EXPECT_TRUE(site->db->run(
        [&](soci::session& s) { s << "SELECT COUNT(*) FROM assessment_answers", soci::into(n); }));
    return n;
  }
  // Answers the current question; returns the HTTP status.
  int answer(const std::string& value) {
    auto q = b->get(path);
    return b
        ->post(path + "/answer", {{"position", find_input(q.body, "position")},
                                  {"item", find_input(q.body, "item")},
                                  {"answer", value}})
        .status;
  }
  std::unique_ptr<TestSite> site;
  std::unique_ptr<Browser> b;
  std::string path;
};

// Every question page promises a visitor they can come back; the start page keeps that promise
// for visitors who have not signed in too (their session holds the unfinished assessment).
TEST_P(AssessmentTest, AnAnonymousVisitorWhoComesBackCanContinue) {
  ASSERT_EQ(answer("3"), 303);
  auto start = b->get("/assessment");
  EXPECT_NE(start.body.find("Continue your unfinished assessment"), std::string::npos);
  EXPECT_NE(start.body.find("href=\"" + path + "\""), std::string::npos);
  Browser stranger = site->browser();
  EXPECT_EQ(stranger.get("/assessment").body.find("Continue your unfinished"), std::string::npos)
      << "another visitor does not see it";
}

TEST_P(AssessmentTest, QuestionPageShowsOneStatementWithSevenChoicesAndProgress) {
  auto q = b->get(path);
  ASSERT_EQ(q.status, 200);
  EXPECT_EQ(find_input(q.body, "position"), "0");
  EXPECT_NE(q.body.find("<progress"), std::string::npos);
  size_t radios = 0;
  for (size_t p = 0; (p = q.body.find("type=\"radio\"", p)) != std::string::npos; ++p) ++radios;
  EXPECT_EQ(radios, 7u);
  EXPECT_NE(q.body.find("Strongly agree"), std::string::npos);
}

TEST_P(AssessmentTest, OutOfRangeUnknownItemTamperedAndReplayedAnswersAreRefused) {
  ASSERT_EQ(answer("4"), 303);
  ASSERT_EQ(stored_answers(), 1);
  auto q = b->get(path);
  const std::string position = find_input(q.body, "position"), item = find_input(q.body, "item");
  // Out of range and not a number.
  EXPECT_EQ(
      b->post(path + "/answer", {{"position", position}, {"item", item}, {"answer", "8"}}).status,
      422);
  EXPECT_EQ(
      b->post(path + "/answer", {{"position", position}, {"item", item}, {"answer", "0"}}).status,
      422);
  EXPECT_EQ(
      b->post(path + "/answer", {{"position", position}, {"item", item}, {"answer", "x"}}).status,
      422);
  // Unknown item id.
  EXPECT_EQ(b->post(path + "/answer", {{"position", position}, {"item", "NOPE99"}, {"answer", "3"}})
                .status,
            422);
  // A real item that is not the one asked now (tampered hidden field).
  const std::string other_item = item == "ANX01" ? "AVO02" : "ANX01";
  EXPECT_EQ(
      b->post(path + "/answer", {{"position", position}, {"item", other_item}, {"answer", "3"}})
          .status,
      409);
  // A replay of the first answer (old position).
  EXPECT_EQ(b->post(path + "/answer", {{"position", "0"}, {"item", item}, {"answer", "3"}}).status,
            409);
  // A position from the future.
  EXPECT_EQ(b->post(path + "/answer", {{"position", "5"}, {"item", item}, {"answer", "3"}}).status,
            409);
  EXPECT_EQ(stored_answers(), 1) << "nothing was written by refused answers";
  EXPECT_EQ(find_input(b->get(path).body, "position"), "1");
  // The same valid form submitted twice is stored once.
  const std::map<std::string, std::string> form = {
      {"position", position}, {"item", item}, {"answer", "5"}};
  EXPECT_EQ(b->post(path + "/answer", form).status, 303);
  EXPECT_EQ(b->post(path + "/answer", form).status, 409);
  EXPECT_EQ(stored_answers(), 2);
}

TEST_P(AssessmentTest, ChangingTheLastAnswerRemovesOnlyIt) {
  ASSERT_EQ(answer("2"), 303);
  ASSERT_EQ(answer("6"), 303);
  EXPECT_EQ(b->post(path + "/back", {{"position", "0"}}).status, 303);  // not the last: ignored
  EXPECT_EQ(stored_answers(), 2);
  auto back = b->post(path + "/back", {{"position", "1"}});
  EXPECT_EQ(back.status, 303);
  EXPECT_EQ(*back.header("location"), path + "?was=6");
  EXPECT_EQ(stored_answers(), 1);
  auto q = b->get(*back.header("location"));
  EXPECT_NE(q.body.find("value=\"6\" required checked"), std::string::npos);
}

TEST_P(AssessmentTest, CompletesScoresAndRefusesFurtherAnswers) {
  int answered = 0;
  while (answered < 40) {
    auto q = b->get(path);
    if (q.status == 303) break;  // redirected to the result
    ASSERT_EQ(answer("7"), 303);
    ++answered;
  }
  EXPECT_GE(answered, 6);
  EXPECT_LE(answered, 20);
  auto result = b->get(path + "/result");
  ASSERT_EQ(result.status, 200);
  EXPECT_NE(result.body.find("<svg class=\"attachment-map\""), std::string::npos);
  // Each score has plain words beside its number: where it lies and what that means.
  int explained = 0;
  for (size_t at = 0;
       (at = result.body.find("<span class=\"score-words\">", at)) != std::string::npos; ++at) {
    const std::string words = result.body.substr(at + 26, 60);
    EXPECT_TRUE(
        words.starts_with("Well above typical: you") || words.starts_with("Above typical: you") ||
        words.starts_with("About typical: you") || words.starts_with("Below typical: you") ||
        words.starts_with("Well below typical: you"))
        << words;
    ++explained;
  }
  EXPECT_EQ(explained, 2);
  // Next steps lead to the growth tools, and every such link resolves.
  size_t links = 0;
  for (size_t p = 0; (p = result.body.find("href=\"/skills/", p)) != std::string::npos; ++p) {
    const size_t start = p + 6;
    const std::string target = result.body.substr(start, result.body.find('"', start) - start);
    EXPECT_EQ(b->get(target).status, 200) << target;
    ++links;
  }
  EXPECT_GE(links, 1u);
  EXPECT_NE(result.body.find("href=\"/journal"), std::string::npos);
  EXPECT_NE(result.body.find("provisional"), std::string::npos);
  EXPECT_NE(result.body.find("Secure"), std::string::npos);
  const int64_t before = stored_answers();
  EXPECT_EQ(b->post(path + "/answer",
                    {{"position", std::to_string(answered)}, {"item", "ANX01"}, {"answer", "1"}})
                .status,
            303);  // complete: sent on to the result, nothing stored
  EXPECT_EQ(stored_answers(), before);
}

TEST_P(AssessmentTest, AnonymousResultMovesToTheAccountOnSignUpAndIsExported) {
  while (b->get(path).status == 200) ASSERT_EQ(answer("1"), 303);
  ASSERT_EQ(testing::sign_up(*b, "keeper@example.org", "a long enough password").status, 303);
  auto history = b->get("/assessments");
  EXPECT_EQ(history.status, 200);
  EXPECT_NE(history.body.find("<svg class=\"history-chart\""), std::string::npos);
  auto csv = b->get("/assessments/export.csv");
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 2);  // header and one result
  b->get("/account");
  auto doc = boost::json::parse(b->post("/account/export", {}).body);
  EXPECT_EQ(doc.at("assessments").as_array().size(), 1u);
  EXPECT_EQ(doc.at("assessments").as_array()[0].at("status").as_string(), "completed");
  // Deleting the account removes the assessment and its answers.
  ASSERT_EQ(b->post("/account/delete", {{"password", "a long enough password"}}).status, 303);
  EXPECT_EQ(stored_answers(), 0);
}

TEST_P(AssessmentTest, ConsentedAnswerSetsExportForRecalibrationWithoutOwnerData) {
  int answered = 0;
  while (b->get(path).status == 200) {
    ASSERT_EQ(answer("5"), 303);
    ++answered;
  }
  Browser declined = site->browser();  // a second taker who does not consent
  declined.get("/assessment");
  const std::string other = *declined.post("/assessment/start", {}).header("location");
  auto q = declined.get(other);
  declined.post(other + "/answer",
                {{"position", "0"}, {"item", find_input(q.body, "item")}, {"answer", "2"}});

  auto ins = psy::load_instrument(std::string(SECUREBASE_CONTENT_DIR) +
                                  "/instruments/securebase-relationships.json");
  ASSERT_TRUE(ins);
  assessment::Assessments assessments(*site->db, site->clock, *ins);
  EXPECT_EQ(*assessments.consented_count(), 1);
  auto csv = assessments.consented_answers_csv();
  ASSERT_TRUE(csv);
  EXPECT_EQ(std::count(csv->begin(), csv->end(), '\n'), 2);  // header and one answer set
  EXPECT_EQ(csv->rfind("ANX01,", 0), 0u);
  const std::string row = csv->substr(csv->find('\n') + 1);
  EXPECT_EQ(static_cast<int>(std::count(row.begin(), row.end(), '5')), answered);
  EXPECT_EQ(csv->find('@'), std::string::npos);
  // The export is what `securebase irt calibrate` reads.
  auto table = psy::parse_csv(*csv);
  ASSERT_TRUE(table);
  auto keyed = psy::keyed_responses(*ins, *table, {});
  ASSERT_TRUE(keyed);
  EXPECT_EQ(keyed->rows, 1u);
}

TEST_P(AssessmentTest, SomeoneElsesAssessmentIsNotFound) {
  Browser stranger = site->browser();
  stranger.get("/assessment");
  EXPECT_EQ(stranger.get(path).status, 404);
  EXPECT_EQ(stranger.get(path + "/result").status, 404);
  EXPECT_EQ(stranger.get("/assessment/..%2F..%2Fetc").status, 404);
}

}  // namespace sb::web

namespace sb::web {

namespace json = boost::json;

bool is_fhir_datetime(const std::string& s) {
  // YYYY-MM-DDThh:mm:ssZ (the form SecureBase writes; valid FHIR dateTime/instant).
  return s.size() == 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
         s[16] == ':' && s[19] == 'Z';
}

TEST_P(AssessmentTest, FhirExportHasTheRequiredElementsAndValueTypes) {
  while (b->get(path).status == 200) ASSERT_EQ(answer("6"), 303);
  ASSERT_EQ(testing::sign_up(*b, "fhir@example.org", "a long enough password").status, 303);
  b->get("/assessment");
  b->post("/assessment/start", {});  // a second one, left in progress
  auto res = b->get("/assessments/export.fhir.json");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.header("content-type"), "application/fhir+json");
  auto bundle = json::parse(res.body).as_object();
  EXPECT_EQ(bundle.at("resourceType").as_string(), "Bundle");
  EXPECT_EQ(bundle.at("type").as_string(), "collection");
  std::map<std::string, int> kinds;
  for (const auto& e : bundle.at("entry").as_array()) {
    EXPECT_TRUE(e.at("fullUrl").is_string());
    const auto& r = e.at("resource").as_object();
    const std::string type(r.at("resourceType").as_string());
    ++kinds[type];
    if (type == "Questionnaire") {
      EXPECT_EQ(r.at("status").as_string(), "active");  // required, from the publication-status set
      EXPECT_TRUE(r.at("url").is_string());
      EXPECT_EQ(r.at("item").as_array().size(), 48u);
      for (const auto& item : r.at("item").as_array()) {
        EXPECT_TRUE(item.at("linkId").is_string());  // required for every item
        EXPECT_EQ(item.at("type").as_string(), "choice");
        EXPECT_EQ(item.at("answerOption").as_array().size(), 7u);
        EXPECT_TRUE(item.at("answerOption").as_array()[0].at("valueCoding").at("code").is_string());
      }
    } else if (type == "QuestionnaireResponse") {
      const std::string status(r.at("status").as_string());
      EXPECT_TRUE(status == "completed" || status == "in-progress") << status;
      EXPECT_TRUE(is_fhir_datetime(std::string(r.at("authored").as_string())));
      EXPECT_NE(std::string(r.at("questionnaire").as_string()).find('|'),
                std::string::npos);  // canonical|version
      for (const auto& item : r.at("item").as_array()) {
        EXPECT_TRUE(item.at("linkId").is_string());
        EXPECT_TRUE(item.at("answer").as_array()[0].at("valueCoding").at("code").is_string());
      }
    } else if (type == "Observation") {
      EXPECT_EQ(r.at("status").as_string(), "final");                               // required
      EXPECT_TRUE(r.at("code").at("coding").as_array()[0].at("code").is_string());  // required
      EXPECT_TRUE(r.at("valueQuantity").at("value").is_number());
      EXPECT_TRUE(is_fhir_datetime(std::string(r.at("effectiveDateTime").as_string())));
      EXPECT_EQ(std::string(r.at("derivedFrom").as_array()[0].at("reference").as_string())
                    .rfind("QuestionnaireResponse/", 0),
                0u);
      EXPECT_TRUE(r.at("component").as_array()[0].at("valueQuantity").at("value").is_number());
    }
  }
  EXPECT_EQ(kinds["Questionnaire"], 1);
  EXPECT_EQ(kinds["QuestionnaireResponse"], 2);
  EXPECT_EQ(kinds["Observation"], 2);  // anxiety and avoidance of the completed one
}

}  // namespace sb::web

namespace sb::web {
INSTANTIATE_TEST_SUITE_P(Backends, AssessmentTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });
}  // namespace sb::web
