// The progress dashboard for a person with five years of data: 2,000 journal entries, 5,000
// practice logs, 250 weekly check-ins and 20 completed assessments. Measures the server time of
// GET /progress through App::handle (session lookup, store reads, decryption of the last twelve
// months of entries, aggregation, SVG and page rendering), without the socket.
//
//   build/release/dashboard_bench                       # SQLite in a temporary folder
//   SECUREBASE_BENCH_DATABASE=postgresql://... build/release/dashboard_bench
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>

#include "accounts/accounts.h"
#include "accounts/crypto.h"
#include "app/app.h"
#include "app/features.h"
#include "core/dates.h"
#include "features/assessment/assessment.h"
#include "features/checkin/checkin.h"
#include "features/journal/journal.h"
#include "features/skills/skills.h"
#include "store/database.h"

namespace {

using namespace sb;

constexpr int kYears = 5, kEntries = 2000, kPractices = 5000, kCheckins = 250, kAssessments = 20;
constexpr int64_t kDay = 86400;

struct World {
  std::filesystem::path dir;
  std::unique_ptr<store::Database> db;
  ManualClock clock{1'800'000'000 - kYears * 365 * kDay};
  std::unique_ptr<app::App> app;
  std::string cookie;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "dashboard_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T must(Result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message);
  return std::move(*r);
}

void complete_assessment(assessment::Assessments& a, const Owner& owner, std::mt19937& rng) {
  const std::string id = must(a.start(owner, false), "start assessment");
  std::uniform_int_distribution<int> answer(1, 7);
  for (int position = 0;; ++position) {
    auto step = must(a.current(owner, id), "next question");
    if (step.completed) return;
    must(a.answer(owner, id, position, step.question->item_id, answer(rng)), "answer");
  }
}

World& world() {
  static World* w = [] {
    auto* w = new World;
    crypto::init();
    const char* url = std::getenv("SECUREBASE_BENCH_DATABASE");
    w->dir = std::filesystem::temp_directory_path() /
             ("securebase-dashboard-bench-" + std::to_string(getpid()));
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
    // A new store gets its key as `securebase admin create-key` makes one.
    auto key = must(crypto::DataKey::load_or_create(cfg.data_key_file), "data key");
    w->app = must(app::App::create(cfg, *w->db, w->clock), "create app");

    accounts::Accounts accounts(*w->db, w->clock, cfg.password_policy);
    const std::string email = "five.years." + std::to_string(getpid()) + "@example.org";
    auto issued =
        must(accounts.sign_up(email, "a long enough password", {}, "127.0.0.1"), "sign up");
    const Owner owner{issued.visitor.user_id, 0};
    growth::Journal journal(*w->db, w->clock, key);
    auto skills = must(growth::SkillLibrary::load(cfg.content_dir + "/skills.json"), "skills");
    growth::Practice practice(*w->db, w->clock, key, skills);
    auto form = must(growth::CheckinForm::load(cfg.content_dir + "/checkin.json"), "check-in");
    growth::Checkins checkins(*w->db, w->clock, form);
    auto instrument =
        must(psy::load_instrument(cfg.content_dir + "/instruments/securebase-relationships.json"),
             "instrument");
    assessment::Assessments assessments(*w->db, w->clock, instrument);

    std::mt19937 rng(20261127);
    std::uniform_int_distribution<int> intensity(1, 10), distress(3, 9), drop(0, 4);
    const auto& feelings = growth::feelings();
    const int days = kYears * 365;
    int entries = 0, practices = 0, weeks = 0, taken = 0;
    for (int d = 0; d < days; ++d) {
      // Spread each kind of record evenly over the five years, in time order.
      for (; entries < static_cast<int64_t>(kEntries) * (d + 1) / days; ++entries) {
        growth::JournalEntry e;
        e.kind = entries % 3 ? "quick" : "full";
        e.occurred_on = date_of_day(day_of(w->clock.now()));
        e.situation = "Entry " + std::to_string(entries) +
                      ": a conversation that stayed with me longer than I expected, and what I "
                      "noticed about how I reacted to it.";
        e.first_thought = "They do not really want to hear from me.";
        e.urge = "Withdraw and wait for them to notice.";
        e.action = "Said how I felt, briefly and calmly.";
        e.emotions[feelings[rng() % feelings.size()]] = intensity(rng);
        e.emotions[feelings[rng() % feelings.size()]] = intensity(rng);
        e.tags = {"work", "family"};
        must(journal.create(owner, e), "journal entry");
      }
      for (; practices < static_cast<int64_t>(kPractices) * (d + 1) / days; ++practices) {
        const auto& skill = skills.skills()[rng() % skills.skills().size()];
        const int before = distress(rng);
        must(practice.log(owner, skill.id, before, std::max(0, before - drop(rng)),
                          practices % 4 ? "" : "Helped a little."),
             "practice log");
      }
      if (d % 7 == 6 && weeks < kCheckins) {
        std::map<std::string, int> answers;
        for (const auto& area : form.areas) {
          for (const auto& item : area.items) answers[item.id] = 1 + static_cast<int>(rng() % 5);
        }
        must(checkins.submit(owner, answers), "check-in");
        ++weeks;
      }
      if (d % (days / kAssessments) == 0 && taken < kAssessments) {
        complete_assessment(assessments, owner, rng);
        ++taken;
      }
      w->clock.advance(kDay);
    }
    std::fprintf(stderr,
                 "seeded %d journal entries, %d practice logs, %d check-ins, %d assessments over "
                 "%d days\n",
                 entries, practices, weeks, taken, days);
    auto session =
        must(accounts.sign_in(email, "a long enough password", "127.0.0.1", {}), "sign in");
    w->cookie = w->app->session_cookie_name() + "=" + session.session->token;
    return w;
  }();
  return *w;
}

web::Request page_request(const World& w, const std::string& path) {
  web::Request req;
  req.method = "GET";
  req.target = req.path = path;
  req.headers["cookie"] = w.cookie;
  req.remote_address = "127.0.0.1";
  return req;
}

void time_page(benchmark::State& state, const std::string& path) {
  World& w = world();
  size_t bytes = 0;
  for (auto _ : state) {
    auto req = page_request(w, path);
    auto res = w.app->handle(req);
    if (res.status != 200) {
      state.SkipWithError(("status " + std::to_string(res.status)).c_str());
      break;
    }
    bytes = res.body.size();
    benchmark::DoNotOptimize(res);
  }
  state.counters["page_bytes"] = static_cast<double>(bytes);
}

void BM_DashboardFiveYears(benchmark::State& state) { time_page(state, "/progress"); }
BENCHMARK(BM_DashboardFiveYears)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// The journal's first page (50 entries) for the same person: only that page is decrypted.
void BM_JournalFirstPageFiveYears(benchmark::State& state) { time_page(state, "/journal"); }
BENCHMARK(BM_JournalFirstPageFiveYears)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
