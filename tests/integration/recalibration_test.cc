// Recalibrating the questionnaire from the admin pages through a running server: the answers
// per item against the rule, a calibration started by an administrator and run by the
// server's background worker with its progress in the store, the report beside the current
// version, publishing it as the next version, and assessments keeping the version they began.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "features/assessment/recalibration.h"
#include "psychometrics/bifactor.h"
#include "psychometrics/instrument.h"
#include "psychometrics/simulate.h"
#include "support/test_site.h"

namespace sb::web {
namespace {

using testing::Browser;
using testing::TestBackend;
using testing::TestSite;

constexpr char kPassword[] = "correct horse battery staple";
constexpr char kBase[] = "/admin/questionnaire";

class RecalibrationTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    site = std::make_unique<TestSite>(GetParam());
    ASSERT_TRUE(site->ready());
    auto loaded = psy::load_instrument(std::string(SECUREBASE_CONTENT_DIR) +
                                       "/instruments/securebase-relationships.json");
    ASSERT_TRUE(loaded) << loaded.error().message;
    bank = *loaded;
  }

  // `people` consented, completed assessments answering every item, simulated from the bank;
  // with `facet_slope`, each item also loads that much on its facet's own trait, its general
  // parameters steepened so that its curve with that trait integrated out stays the bank's.
  void seed_answer_sets(size_t people, double facet_slope = 0.0) {
    const auto truth = facet_slope > 0 ? psy::with_facet_slopes(bank, facet_slope) : bank;
    auto model = truth.model();
    ASSERT_TRUE(model);
    const auto data = psy::simulate(*model, people, 5);
    std::vector<long long> assessment;
    std::vector<int> position, answer;
    std::vector<std::string> item;
    ASSERT_TRUE(site->db->transaction([&](soci::session& s) {
      for (size_t r = 0; r < people; ++r) {
        long long id = 0;
        const std::string public_id = "seeded-" + std::to_string(r);
        s << "INSERT INTO assessments(public_id, instrument_id, instrument_version, consent, "
             "status, started_at, completed_at, result_json) VALUES(:p, :i, :v, 1, 'completed', "
             "1, 2, '{}') RETURNING id",
            soci::use(public_id), soci::use(bank.id), soci::use(bank.version), soci::into(id);
        for (size_t j = 0; j < bank.items.size(); ++j) {
          int raw = 0;  // the answer on the 1..K scale whose keyed category was simulated
          for (int x = 1; x <= bank.categories; ++x)
            if (bank.key(j, x) == data.responses.at(r, j)) raw = x;
          assessment.push_back(id);
          position.push_back(static_cast<int>(j));
          item.push_back(bank.items[j].id);
          answer.push_back(raw);
        }
      }
      s << "INSERT INTO assessment_answers(assessment_id, position, item_id, answer, answered_at) "
           "VALUES(:a, :p, :i, :x, 2)",
          soci::use(assessment), soci::use(position), soci::use(item), soci::use(answer);
    }));
  }

  Browser admin() { return testing::signed_in_admin(*site, "root@example.org", kPassword); }

  std::string calibration_status(long long id) {
    std::string status;
    EXPECT_TRUE(site->db->run([&](soci::session& s) {
      s << "SELECT status FROM calibrations WHERE id = :i", soci::use(id), soci::into(status);
    }));
    return status;
  }

  // The newest calibration's page once the server's worker has run it through, or "" when it
  // failed or five minutes passed.
  std::string finished_calibration_path() {
    long long id = 0;
    EXPECT_TRUE(site->db->run(
        [&](soci::session& s) { s << "SELECT MAX(id) FROM calibrations", soci::into(id); }));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    while (calibration_status(id) != "done" && calibration_status(id) != "failed" &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (calibration_status(id) != "done") return "";
    return std::string(kBase) + "/calibrations/" + std::to_string(id);
  }

  // A version as the store holds it after publishing.
  Result<psy::Instrument> published_version(const std::string& version) {
    std::string stored;
    EXPECT_TRUE(site->db->run([&](soci::session& s) {
      s << "SELECT instrument_json FROM instrument_versions WHERE version = :v", soci::use(version),
          soci::into(stored);
    }));
    return psy::parse_instrument(stored);
  }

  // The version an assessment just started through the pages was stored with.
  std::string version_of_new_assessment(Browser& b) {
    b.get("/assessment");
    auto started = b.post("/assessment/start", {{"consent", "yes"}});
    EXPECT_EQ(started.status, 303);
    const std::string location = started.header("location").value_or("");
    last_location = location;
    const std::string public_id = location.substr(location.rfind('/') + 1);
    std::string version;
    EXPECT_TRUE(site->db->run([&](soci::session& s) {
      s << "SELECT instrument_version FROM assessments WHERE public_id = :p", soci::use(public_id),
          soci::into(version);
    }));
    return version;
  }

  std::unique_ptr<TestSite> site;
  psy::Instrument bank;
  std::string last_location;  // of the assessment version_of_new_assessment started
};

TEST_P(RecalibrationTest, BeforeTheRuleIsMetNoCalibrationStarts) {
  seed_answer_sets(40);
  Browser root = admin();
  auto page = root.get(kBase);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("0 of 48"), std::string::npos) << "items ready";
  EXPECT_NE(page.body.find("<td>40</td>"), std::string::npos) << "answers per item";
  EXPECT_EQ(page.body.find("Start a calibration"), std::string::npos);
  EXPECT_NE(page.body.find("Not yet:"), std::string::npos);
  EXPECT_EQ(root.post(std::string(kBase) + "/calibrations", {}).status, 409);
  long long queued = -1;
  ASSERT_TRUE(site->db->run(
      [&](soci::session& s) { s << "SELECT COUNT(*) FROM calibrations", soci::into(queued); }));
  EXPECT_EQ(queued, 0);
}

TEST_P(RecalibrationTest, AnAdministratorCalibratesInTheBackgroundAndPublishesTheNextVersion) {
  seed_answer_sets(900);
  Browser root = admin();
  Browser person = site->browser();
  // Someone mid-way through an assessment when the new version is published.
  EXPECT_EQ(version_of_new_assessment(person), "0.1.0");
  const std::string begun_before = last_location;

  auto page = root.get(kBase);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("48 of 48"), std::string::npos);
  ASSERT_NE(page.body.find("Start a calibration"), std::string::npos);
  auto started = root.post(std::string(kBase) + "/calibrations", {});
  ASSERT_EQ(started.status, 303);
  EXPECT_EQ(started.header("location"), std::string(kBase) + "?done=started");
  // One at a time: a second start is refused while the first is queued or running.
  EXPECT_EQ(root.post(std::string(kBase) + "/calibrations", {}).status, 409);

  // The server's worker runs it; the test only watches the store.
  const std::string report_path = finished_calibration_path();
  ASSERT_FALSE(report_path.empty()) << "the calibration did not finish";
  auto report = root.get(report_path);
  ASSERT_EQ(report.status, 200);
  EXPECT_NE(report.body.find("900 answer sets"), std::string::npos);
  EXPECT_NE(report.body.find("Link to the current scale"), std::string::npos);
  EXPECT_NE(report.body.find("RMSEA"), std::string::npos) << "complete sets: fit is computed";
  EXPECT_NE(report.body.find("S-X²"), std::string::npos);
  EXPECT_NE(report.body.find("Publish as version 0.2.0"), std::string::npos);
  // Until it is published nothing changes for people taking the assessment.
  EXPECT_EQ(version_of_new_assessment(person), "0.1.0");

  auto published = root.post(report_path + "/publish", {});
  ASSERT_EQ(published.status, 303);
  EXPECT_EQ(root.post(report_path + "/publish", {}).status, 409) << "published once only";
  EXPECT_NE(root.get(kBase).body.find("Version 0.2.0, published"), std::string::npos);

  // New assessments use the new version; one begun before keeps its own and still runs.
  Browser newcomer = site->browser();
  EXPECT_EQ(version_of_new_assessment(newcomer), "0.2.0");
  long long unfinished_with_old = 0;
  ASSERT_TRUE(site->db->run([&](soci::session& s) {
    s << "SELECT COUNT(*) FROM assessments WHERE status = 'in_progress' AND instrument_version = "
         "'0.1.0'",
        soci::into(unfinished_with_old);
  }));
  EXPECT_EQ(unfinished_with_old, 2);
  auto question = person.get(begun_before);
  ASSERT_EQ(question.status, 200);
  EXPECT_EQ(person
                .post(begun_before + "/answer",
                      {{"position", testing::find_input(question.body, "position")},
                       {"item", testing::find_input(question.body, "item")},
                       {"answer", "4"}})
                .status,
            303);
  auto parsed = published_version("0.2.0");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->version, "0.2.0");
  EXPECT_FALSE(parsed->items[0].provisional);
}

// Answers whose facets share more than the scales explain: the report says the bifactor model
// is favoured and will score the scales, publishing carries the facet slopes into the version,
// and the adaptive test runs on it.
TEST_P(RecalibrationTest, WhereFacetsShareMoreThePublishedVersionScoresWithTheBifactorModel) {
  seed_answer_sets(900, 1.5);
  Browser root = admin();
  ASSERT_EQ(root.post(std::string(kBase) + "/calibrations", {}).status, 303);
  const std::string report_path = finished_calibration_path();
  ASSERT_FALSE(report_path.empty()) << "the calibration did not finish";
  auto report = root.get(report_path);
  ASSERT_EQ(report.status, 200);
  size_t adopted = 0;
  for (size_t at = report.body.find("scores this scale with the bifactor model");
       at != std::string::npos;
       at = report.body.find("scores this scale with the bifactor model", at + 1))
    ++adopted;
  EXPECT_EQ(adopted, 2u) << "both scales";
  EXPECT_NE(report.body.find("(facet "), std::string::npos) << "items show their facet slope";

  ASSERT_EQ(root.post(report_path + "/publish", {}).status, 303);
  auto parsed = published_version("0.2.0");
  ASSERT_TRUE(parsed) << parsed.error().message;
  auto model = parsed->model();
  ASSERT_TRUE(model);
  EXPECT_EQ(model->facets, 8);

  // Someone takes the new version: the adaptive test asks and scores with the facets.
  Browser person = site->browser();
  EXPECT_EQ(version_of_new_assessment(person), "0.2.0");
  const std::string path = last_location;
  int answered = 0;
  while (answered < 30) {
    auto question = person.get(path);
    if (question.status == 303) break;  // the test has ended: on to the result
    ASSERT_EQ(question.status, 200);
    ASSERT_EQ(
        person
            .post(path + "/answer", {{"position", testing::find_input(question.body, "position")},
                                     {"item", testing::find_input(question.body, "item")},
                                     {"answer", answered % 2 ? "6" : "3"}})
            .status,
        303);
    ++answered;
  }
  EXPECT_GE(answered, 6) << "the minimum length";
  EXPECT_LE(answered, 20) << "the maximum length";
  std::string status;
  ASSERT_TRUE(site->db->run([&](soci::session& s) {
    s << "SELECT status FROM assessments WHERE instrument_version = '0.2.0'", soci::into(status);
  }));
  EXPECT_EQ(status, "completed");
  auto result = person.get(path + "/result");
  ASSERT_EQ(result.status, 200);
  // Every item had full answers, so none is provisional any more and no footnote says so.
  EXPECT_EQ(result.body.find("provisional"), std::string::npos);
}

// A version calibrated elsewhere (admin import-instrument) is published in the store too, so
// every server of the store uses it without a restart.
TEST_P(RecalibrationTest, AnImportedVersionIsUsedByNewAssessmentsOnceAndOnlyOnce) {
  assessment::Assessments assessments(*site->db, site->clock, bank);
  assessment::Recalibrations recalibrations(*site->db, site->clock, assessments, 1);
  psy::Instrument imported = bank;
  imported.version = "0.5.0";
  ASSERT_TRUE(recalibrations.import_version(imported));
  const auto again = recalibrations.import_version(imported);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  psy::Instrument other = bank;
  other.id = "someone-elses";
  other.version = "0.6.0";
  EXPECT_FALSE(recalibrations.import_version(other));
  Browser person = site->browser();
  EXPECT_EQ(version_of_new_assessment(person), "0.5.0");
  Browser root = admin();
  EXPECT_NE(root.get(kBase).body.find("imported from a file"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, RecalibrationTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace sb::web
