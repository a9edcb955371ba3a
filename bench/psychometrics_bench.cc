// Timing goals of the psychometrics engine (docs/BENCHMARKS.md):
//   calibrating one 18-item scale on 20,000 rows: under 1 s on one core;
//   one CAT step (update + next-item choice) on a 100-item bank: under 50 µs;
//   at least 100,000 full 36-item two-dimensional EAP scorings per second per core.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

#include "psychometrics/calibrate.h"
#include "psychometrics/cat.h"
#include "psychometrics/instrument.h"
#include "psychometrics/responses.h"
#include "psychometrics/simulate.h"

namespace sb::psy {
namespace {

struct EcrData {
  Instrument instrument;
  ResponseMatrix rows;  // rows 1-20,000
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
    return EcrData{std::move(*ins), std::move(*rows)};
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
    start.push_back(post);
    used.push_back(u);
  }
  for (auto _ : state) {
    Posterior post = start[person];
    scorer.update(post, 1, sim.responses.at(person, 1));
    auto decision = engine.decide(post, used[person], 11);
    benchmark::DoNotOptimize(decision);
    person = (person + 1) % 64;
  }
}
BENCHMARK(BM_CatStep100ItemBank)->Unit(benchmark::kMicrosecond);

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

BENCHMARK_MAIN();
