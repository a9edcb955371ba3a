// A clinician's client list with 200 clients who each share two years of measures: 26
// assessment results (one every four weeks) and 104 weekly check-ins, with results and
// check-ins shared, each asked for both measures. Measures the server time of GET
// /clinician/clients through App::handle (session, the policy's batch consent check and the 400
// audit rows it writes, the batch reads of results, check-ins and requests, the reliable-change
// flags and due states, rendering), without the socket.
//
//   build/release/clinician_bench                       # SQLite in a temporary folder
//   SECUREBASE_BENCH_DATABASE=postgresql://... build/release/clinician_bench
#include <benchmark/benchmark.h>
#include <soci/soci.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>

#include "accounts/access_repo.h"
#include "accounts/accounts.h"
#include "accounts/crypto.h"
#include "app/app.h"
#include "app/features.h"
#include "features/assessment/assessment.h"
#include "features/checkin/checkin.h"
#include "features/clinician/care_repo.h"
#include "store/database.h"

namespace {

using namespace sb;

constexpr int kClients = 200, kWeeks = 104, kEveryWeeks = 4;
constexpr int64_t kWeek = 7 * 86400;

struct World {
  std::filesystem::path dir;
  std::unique_ptr<store::Database> db;
  ManualClock clock{1'800'000'000 - kWeeks * kWeek};
  std::unique_ptr<app::App> app;
  std::string cookie;
  int clients_shown = 0;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "clinician_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T must(Result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message);
  return std::move(*r);
}

void must(const Status& s, const char* what) {
  if (!s) die(std::string(what) + ": " + s.error().message);
}

// A result as the scoring would store it; the numbers drift a little over the two years.
assessment::AssessmentResult result_at(std::mt19937& rng, int week) {
  std::normal_distribution<double> noise(0, 0.3);
  assessment::AssessmentResult r;
  r.instrument_id = "securebase-relationships";
  r.instrument_version = "bench";
  r.items_answered = 12;
  r.anxiety = {"anxiety", "Attachment anxiety", 0.8 - week * 0.01 + noise(rng), 0.35, 4.5, 70};
  r.avoidance = {"avoidance", "Attachment avoidance", 0.2 + noise(rng), 0.35, 3.5, 55};
  r.style_probability = {0.2, 0.5, 0.1, 0.2};
  r.top = psy::Style::kPreoccupied;
  r.runner_up = psy::Style::kSecure;
  return r;
}

World& world() {
  static World* w = [] {
    auto* w = new World;
    crypto::init();
    const char* url = std::getenv("SECUREBASE_BENCH_DATABASE");
    w->dir = std::filesystem::temp_directory_path() /
             ("securebase-clinician-bench-" + std::to_string(getpid()));
    std::filesystem::create_directories(w->dir);
    w->db = must(store::Database::open(url ? url : "sqlite://" + (w->dir / "bench.db").string(), 4),
                 "open store");
    must(store::migrate(*w->db, app::migrations()), "migrate");
    app::AppConfig cfg;
    cfg.content_dir = SECUREBASE_CONTENT_DIR;
    cfg.data_key_file = (w->dir / "data.key").string();
    cfg.secure_cookies = false;
    cfg.access_log = false;
    cfg.password_policy = {1, 8192};  // sign-in speed is not what is measured here
    must(crypto::DataKey::load_or_create(cfg.data_key_file), "data key");
    w->app = must(app::App::create(cfg, *w->db, w->clock), "create app");

    accounts::Accounts accounts(*w->db, w->clock, cfg.password_policy);
    const std::string suffix = std::to_string(getpid());
    const std::string therapist_email = "therapist." + suffix + "@example.org";
    const int64_t therapist = must(
        accounts.create_user(therapist_email, "a long enough password", accounts::Role::kClinician),
        "clinician");
    auto form = must(growth::CheckinForm::load(cfg.content_dir + "/checkin.json"), "check-in");
    growth::Checkins checkins(*w->db, w->clock, form);
    store::AssessmentsRepo assessments(*w->db);
    store::AccessRepo access(*w->db);
    store::CareRepo care(*w->db);

    std::vector<int64_t> clients;
    for (int i = 0; i < kClients; ++i) {
      const int64_t client =
          must(accounts.create_user("client." + std::to_string(i) + "." + suffix + "@example.org",
                                    "a long enough password", accounts::Role::kMember),
               "client");
      clients.push_back(client);
      store::CareLinkRecord link;
      link.public_id = "bench-link-" + std::to_string(i) + "-" + suffix;
      link.client_user_id = client;
      link.clinician_user_id = therapist;
      link.status = "active";
      link.created_at = w->clock.now();
      const int64_t link_id = must(care.add_link(link), "link");
      // Each client was asked for the weekly check-in and, every four weeks, the assessment.
      must(care.add_request({0, link_id, client, "checkin", 1, w->clock.now(), std::nullopt}),
           "request");
      must(care.add_request({0, link_id, client, "assessment", 4, w->clock.now(), std::nullopt}),
           "request");
      for (const char* scope : {"care:connected", "share:results", "share:checkins"})
        must(access.create_grant({0, client, therapist, scope, w->clock.now(), std::nullopt, {}}),
             "grant");
    }
    std::mt19937 rng(20261202);
    for (int week = 0; week < kWeeks; ++week) {
      must(w->db->in_transaction([&]() -> Status {
        for (size_t i = 0; i < clients.size(); ++i) {
          const Owner owner{clients[i], 0};
          std::map<std::string, int> answers;
          for (const auto& area : form.areas)
            for (const auto& item : area.items) answers[item.id] = 1 + static_cast<int>(rng() % 5);
          if (auto st = checkins.submit(owner, answers); !st) return st;
          if (week % kEveryWeeks != 0) continue;
          auto id = assessments.create(
              "bench-" + std::to_string(week) + "-" + std::to_string(i) + "-" + suffix, owner,
              "securebase-relationships", "bench", false, w->clock.now());
          if (!id) return id.error();
          auto st = assessments.complete(*id, assessment::result_to_json(result_at(rng, week)),
                                         w->clock.now());
          if (!st) return st;
        }
        return ok_status();
      }),
           "two years of measures");
      w->clock.advance(kWeek);
    }
    std::fprintf(stderr, "seeded %d clients, each with %d check-ins and %d results\n", kClients,
                 kWeeks, kWeeks / kEveryWeeks);

    auto session = must(
        accounts.sign_in(therapist_email, "a long enough password", "127.0.0.1", {}), "sign in");
    // The clinician has two-factor on and this session passed it.
    must(w->db->run([&](soci::session& s) {
      const long long id = therapist, at = w->clock.now();
      s << "UPDATE users SET totp_enabled_at = :t WHERE id = :i", soci::use(at), soci::use(id);
      const long long sid = session.session->visitor.session_id;
      s << "UPDATE sessions SET second_factor_at = :t WHERE id = :i", soci::use(at), soci::use(sid);
    }),
         "two-factor");
    w->cookie = w->app->session_cookie_name() + "=" + session.session->token;
    return w;
  }();
  return *w;
}

void BM_ClientListTwoHundredClientsTwoYears(benchmark::State& state) {
  World& w = world();
  size_t bytes = 0, with_results = 0;
  for (auto _ : state) {
    web::Request req;
    req.method = "GET";
    req.target = req.path = "/clinician/clients";
    req.headers["cookie"] = w.cookie;
    req.remote_address = "127.0.0.1";
    auto res = w.app->handle(req);
    if (res.status != 200) {
      state.SkipWithError(("status " + std::to_string(res.status)).c_str());
      break;
    }
    bytes = res.body.size();
    with_results = 0;
    for (size_t at = res.body.find("Anxiety "); at != std::string::npos;
         at = res.body.find("Anxiety ", at + 1))
      ++with_results;
    benchmark::DoNotOptimize(res);
  }
  state.counters["page_bytes"] = static_cast<double>(bytes);
  // Every client's latest result is on the page: the list did its work.
  state.counters["clients_with_results"] = static_cast<double>(with_results);
}
BENCHMARK(BM_ClientListTwoHundredClientsTwoYears)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();
