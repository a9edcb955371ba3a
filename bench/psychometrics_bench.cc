// Timing goals of the psychometrics engine (docs/BENCHMARKS.md):
//   calibrating one 18-item scale on 20,000 rows: under 1 s on one core;
//   one CAT step (update + next-item choice) on a 100-item bank: under 50 µs;
//   at least 100,000 full 36-item two-dimensional EAP scorings per second per core;
//   fit statistics (S-X2, M2, LD) of one 18-item scale on all 30,000 rows: `irt fit` under 2 s;
//   the joint two-dimensional calibration of the 36 items on 30,000 rows: under 10 s;
//   a recalibration of 5,000 adaptive answer sets running beside adaptive-test steps: the
//   steps' p99 stays under 20 ms.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <thread>

#include "psychometrics/calibrate.h"
#include "psychometrics/cat.h"
#include "psychometrics/fit.h"
#include "psychometrics/instrument.h"
#include "psychometrics/responses.h"
#include "psychometrics/sample_size.h"
#include "psychometrics/simulate.h"

namespace sb::psy {
namespace {

struct EcrData {
  Instrument instrument;
  ResponseMatrix rows;  // rows 1-20,000
  ResponseMatrix all;   // rows 1-30,000
};

const EcrData& ecr() {
  static const EcrData data = [] {
    auto ins = load_instrument(std::string(SECUREBASE_CONTENT_DIR) + "/instruments/ecr-1998.json");
    auto table = read_csv(std::string(SECUREBASE_SHARED_DIR) + "/data/ecr/responses.csv");
    if (!ins || !table) {
      std::cerr << "the ECR data or instrument is missing\n";
      std::exit(1);
    }
    auto rows = keyed_responses(*ins, *table, {1, 20000});
    auto all = keyed_responses(*ins, *table, {1, 30000});
    return EcrData{std::move(*ins), std::move(*rows), std::move(*all)};
  }();
  return data;
}

void BM_CalibrateEcrScaleOneCore(benchmark::State& state) {
  const auto& d = ecr();
  const int dim = static_cast<int>(state.range(0));
  std::vector<size_t> columns;
  for (size_t j = 0; j < d.instrument.items.size(); ++j) {
    if (d.instrument.dimension_index(d.instrument.items[j].dimension) == dim) columns.push_back(j);
  }
  CalibrationOptions options;
  options.threads = 1;
  DimensionFit fit;
  for (auto _ : state) {
    auto items = calibrate_dimension(d.rows, 5, columns, options, &fit);
    benchmark::DoNotOptimize(items);
  }
  state.counters["em_steps"] = fit.em_steps;
  state.counters["rows"] = static_cast<double>(d.rows.rows);
}
BENCHMARK(BM_CalibrateEcrScaleOneCore)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);

// SecureBase's own bank, or nothing (and the benchmark marked as failed) if it is missing.
std::optional<Instrument> load_bank(benchmark::State& state) {
  auto bank = load_instrument(std::string(SECUREBASE_CONTENT_DIR) +
                              "/instruments/securebase-relationships.json");
  if (!bank) {
    state.SkipWithError("the bank is missing");
    return std::nullopt;
  }
  return std::move(*bank);
}

void BM_CatStep100ItemBank(benchmark::State& state) {
  static const Model model = random_model(100, 5, 2, 0.2, 1);
  static const Scorer scorer(model);
  CatEngine engine(scorer, CatOptions{});
  const auto sim = simulate(model, 64, 9);
  size_t person = 0;
  // A posterior after ten answers, then one more answer and a next-item choice per step.
  std::vector<Posterior> start;
  std::vector<std::vector<bool>> used;
  for (size_t p = 0; p < 64; ++p) {
    Posterior post = scorer.posterior({});
    std::vector<bool> u(model.size(), false);
    for (size_t j = 0; j < 10; ++j) {
      scorer.update(post, j * 7, sim.responses.at(p, j * 7));
      u[j * 7] = true;
    }
    u[1] = true;
    start.push_back(post);
    used.push_back(u);
  }
  std::vector<size_t> asked;
  for (size_t j = 0; j < 10; ++j) asked.push_back(j * 7);
  asked.push_back(1);
  for (auto _ : state) {
    Posterior post = start[person];
    scorer.update(post, 1, sim.responses.at(person, 1));
    auto decision = engine.decide(post, used[person], asked);
    benchmark::DoNotOptimize(decision);
    person = (person + 1) % 64;
  }
}
BENCHMARK(BM_CatStep100ItemBank)->Unit(benchmark::kMicrosecond);

// The same step on SecureBase's 48-item bank (eight facets of six items), between-item (0) and
// as a bifactor version whose every item also loads 1.0 on its facet's own trait (1): a
// facet item's answer probabilities then come from integrating that trait out, per candidate.
void BM_CatStepBank(benchmark::State& state) {
  auto bank = load_bank(state);
  if (!bank) return;
  if (state.range(0) == 1) {
    for (auto& item : bank->items) item.specific_slope = 1.0;
  }
  const Model model = *bank->model();
  const Scorer scorer(model);
  const CatEngine engine(scorer, CatOptions{});
  const auto sim = simulate(model, 64, 9);
  // Ten answers, then one more answer and a next-item choice per step.
  std::vector<size_t> asked;
  for (size_t j = 0; asked.size() < 10; j += 4) asked.push_back(j);
  std::vector<Posterior> start;
  for (size_t p = 0; p < 64; ++p) {
    Posterior post = scorer.posterior({});
    for (size_t j : asked) scorer.update(post, j, sim.responses.at(p, j));
    start.push_back(std::move(post));
  }
  const size_t next = 1;
  std::vector<bool> used(model.size(), false);
  for (size_t j : asked) used[j] = true;
  used[next] = true;
  asked.push_back(next);
  size_t person = 0;
  for (auto _ : state) {
    Posterior post = start[person];
    scorer.update(post, next, sim.responses.at(person, next));
    auto decision = engine.decide(post, used, asked);
    benchmark::DoNotOptimize(decision);
    person = (person + 1) % 64;
  }
  state.counters["facets"] = model.facets;
}
BENCHMARK(BM_CatStepBank)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_Eap36ItemsTwoDimensions(benchmark::State& state) {
  const auto& d = ecr();
  static const Model model = *d.instrument.model();
  static const Scorer scorer(model);
  size_t row = 0;
  for (auto _ : state) {
    auto e = scorer.eap(d.rows.row(row));
    benchmark::DoNotOptimize(e);
    row = (row + 1) % d.rows.rows;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Eap36ItemsTwoDimensions);

}  // namespace
}  // namespace sb::psy

namespace sb::psy {
namespace {

std::vector<size_t> columns_of(const Instrument& ins, int dim) {
  std::vector<size_t> columns;
  for (size_t j = 0; j < ins.items.size(); ++j) {
    if (ins.dimension_index(ins.items[j].dimension) == dim) columns.push_back(j);
  }
  return columns;
}

// What `irt fit --dimension` computes after calibrating: M2, S-X2 and LD on 30,000 rows.
void BM_FitStatisticsEcrScale(benchmark::State& state) {
  const auto& d = ecr();
  const auto columns = columns_of(d.instrument, static_cast<int>(state.range(0)));
  const Model model = submodel(*d.instrument.model(), columns);
  const ResponseMatrix complete = complete_cases(d.all, columns);
  for (auto _ : state) {
    auto m2 = m2_fit(model, complete);
    auto items = sx2_item_fit(model, complete);
    auto pairs = local_dependence(model, complete);
    benchmark::DoNotOptimize(m2);
    benchmark::DoNotOptimize(items);
    benchmark::DoNotOptimize(pairs);
  }
  state.counters["rows"] = static_cast<double>(complete.rows);
}
BENCHMARK(BM_FitStatisticsEcrScale)->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(3);

// Both dimensions and their correlation fitted jointly on all 30,000 rows, two threads.
void BM_JointCalibrationEcr36Items(benchmark::State& state) {
  const auto& d = ecr();
  std::vector<int> dims;
  for (const auto& item : d.instrument.items)
    dims.push_back(d.instrument.dimension_index(item.dimension));
  CalibrationOptions options;
  options.threads = 2;
  CalibrationResult last;
  for (auto _ : state) {
    auto fit = calibrate(d.all, 5, dims, 2, options);
    if (!fit)
      state.SkipWithError(fit.error().message.c_str());
    else
      last = std::move(*fit);
  }
  state.counters["log_likelihood"] = last.log_likelihood;
  state.counters["gain_over_sequential"] = last.log_likelihood - last.sequential_log_likelihood;
  state.counters["joint_em_steps"] = last.joint_steps;
  state.counters["correlation"] = last.model.correlation;
}
BENCHMARK(BM_JointCalibrationEcr36Items)->Unit(benchmark::kMillisecond)->Iterations(3);

// Adaptive-test steps (update and next-item choice) on SecureBase's 48-item bank, alone and
// while another thread recalibrates the bank from 5,000 adaptive answer sets over and over.
// Reports each step's p99 in microseconds.
void BM_CatStepP99DuringRecalibration(benchmark::State& state) {
  auto bank = load_bank(state);
  if (!bank) return;
  const Model model = *bank->model();
  CatOptions cat;
  cat.randomesque = 3;
  const auto sets = adaptive_answers(model, cat, 5000, 11);
  // Only items the test asked often enough can be calibrated (docs/VALIDATION.md).
  std::vector<std::vector<size_t>> calibrated(2);
  for (size_t j = 0; j < model.size(); ++j) {
    size_t answers = 0;
    for (size_t r = 0; r < sets.rows; ++r) answers += sets.at(r, j) != kMissing;
    if (answers >= 500) calibrated[static_cast<size_t>(model.dimension[j])].push_back(j);
  }
  const bool background = state.range(0) == 1;
  std::atomic<bool> stop{false};
  std::atomic<int> recalibrations{0};
  std::thread worker;
  if (background) {
    worker = std::thread([&] {
      while (!stop) {
        for (int dim = 0; dim < 2 && !stop; ++dim) {
          CalibrationOptions options;
          options.threads = 1;
          auto fit = calibrate_dimension(sets, model.categories,
                                         calibrated[static_cast<size_t>(dim)], options, nullptr);
          if (!fit) std::abort();  // a benchmark of nothing would mislead
          benchmark::DoNotOptimize(fit);
        }
        ++recalibrations;
      }
    });
  }
  const Scorer scorer(model);
  const CatEngine engine(scorer, cat);
  const auto people = simulate(model, 200, 5).responses;
  std::vector<double> micros;
  for (auto _ : state) {
    for (size_t r = 0; r < people.rows; ++r) {
      Posterior p = scorer.posterior({});
      std::vector<bool> used(model.size(), false);
      std::vector<size_t> asked;
      while (true) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto decision = engine.decide(p, used, asked);
        if (!decision.done) {
          scorer.update(p, *decision.next_item, people.at(r, *decision.next_item));
          used[*decision.next_item] = true;
          asked.push_back(*decision.next_item);
        }
        micros.push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0)
                .count());
        if (decision.done) break;
      }
    }
  }
  stop = true;
  if (worker.joinable()) worker.join();
  std::sort(micros.begin(), micros.end());
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["steps"] = static_cast<double>(micros.size());
  state.counters["recalibrations_done"] = recalibrations.load();
}
BENCHMARK(BM_CatStepP99DuringRecalibration)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(20);

}  // namespace
}  // namespace sb::psy

BENCHMARK_MAIN();
