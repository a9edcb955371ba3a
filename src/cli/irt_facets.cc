#include "cli/irt_facets.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <thread>

#include "psychometrics/bifactor.h"
#include "psychometrics/responses.h"

namespace sb::cli {
namespace {

struct FacetsArgs {
  std::string data, instrument, rows = "all";
  unsigned threads = 0;
  int points = 21;
  size_t scored = 2000;
} args;

CLI::App* command = nullptr;

int fail(const std::string& message) {
  std::cerr << "securebase irt: " << message << "\n";
  return 1;
}

// Mean posterior SD of the general score over the first `n` rows.
double mean_posterior_sd(const psy::BifactorModel& model, const psy::ResponseMatrix& data, size_t n,
                         const psy::BifactorOptions& options) {
  n = std::min(n, data.rows);
  double total = 0;
  for (size_t r = 0; r < n; ++r) total += psy::bifactor_eap(model, data.row(r), options).se;
  return n ? total / static_cast<double>(n) : 0;
}

std::string row(const std::string& name, const psy::BifactorFit& fit, size_t persons, double sd) {
  const auto ic = psy::information_criteria(fit.log_likelihood, fit.parameters, persons);
  return fmt::format("| {} | {:.1f} | {} | {:.1f} | {:.1f} | {:.3f} | {}{} |\n", name,
                     fit.log_likelihood, fit.parameters, ic.aic, ic.bic, sd, fit.em_steps,
                     fit.converged ? "" : " (not converged)");
}

int run() {
  auto ins = psy::load_instrument(args.instrument);
  if (!ins) return fail(ins.error().message);
  auto table = psy::read_csv(args.data);
  if (!table) return fail(table.error().message);
  auto range = psy::parse_row_range(args.rows);
  if (!range) return fail(range.error().message);
  auto data = psy::keyed_responses(*ins, *table, *range);
  if (!data) return fail(data.error().message);
  psy::BifactorOptions options;
  options.quadrature_points = args.points;
  options.threads = args.threads ? args.threads : std::max(1u, std::thread::hardware_concurrency());
  std::string md =
      "| Dimension and model | log-likelihood | parameters | AIC | BIC | mean posterior SD of the "
      "score | EM steps |\n|---|---|---|---|---|---|---|\n";
  std::string reading;
  for (size_t d = 0; d < ins->dimensions.size(); ++d) {
    std::vector<size_t> columns;
    std::vector<int> facet;
    std::map<std::string, int> facet_ids;
    for (size_t j = 0; j < ins->items.size(); ++j) {
      const auto& item = ins->items[j];
      if (item.dimension != ins->dimensions[d].id) continue;
      columns.push_back(j);
      facet.push_back(item.facet.empty()
                          ? -1
                          : facet_ids.try_emplace(item.facet, facet_ids.size()).first->second);
    }
    psy::ResponseMatrix sub{data->rows, columns.size(), {}};
    sub.data.reserve(data->rows * columns.size());
    for (size_t r = 0; r < data->rows; ++r)
      for (size_t c : columns) sub.data.push_back(data->at(r, c));
    auto bifactor = psy::calibrate_bifactor(sub, ins->categories, facet, options);
    if (!bifactor) return fail(ins->dimensions[d].id + ": " + bifactor.error().message);
    auto between = options;
    between.specific = false;
    auto one = psy::calibrate_bifactor(sub, ins->categories, facet, between);
    if (!one) return fail(ins->dimensions[d].id + ": " + one.error().message);
    const auto& name = ins->dimensions[d].name;
    md += row(name + ": one trait", *one, sub.rows,
              mean_posterior_sd(one->model, sub, args.scored, between));
    md += row(fmt::format("{}: bifactor, {} facets", name, bifactor->model.facets), *bifactor,
              sub.rows, mean_posterior_sd(bifactor->model, sub, args.scored, options));
    const auto ic_one = psy::information_criteria(one->log_likelihood, one->parameters, sub.rows);
    const auto ic_bi =
        psy::information_criteria(bifactor->log_likelihood, bifactor->parameters, sub.rows);
    if (bifactor->model.facets == 0) {
      reading += "- " + name + ": no facet has two items here, so the two models are the same.\n";
      continue;
    }
    reading += fmt::format("- {}: BIC favours {} (by {:.1f}); AIC favours {} (by {:.1f}).\n", name,
                           ic_bi.bic < ic_one.bic ? "the bifactor model" : "one trait",
                           std::abs(ic_bi.bic - ic_one.bic),
                           ic_bi.aic < ic_one.aic ? "the bifactor model" : "one trait",
                           std::abs(ic_bi.aic - ic_one.aic));
  }
  std::cout << md << "\n" << reading;
  return 0;
}

}  // namespace

void add_facets_command(CLI::App& irt) {
  command = irt.add_subcommand(
      "facets",
      "Per dimension: one trait against a bifactor model over the instrument's facets "
      "(information criteria), and the posterior SD each gives the score.");
  command->add_option("--data", args.data, "CSV of responses with a header row.")->required();
  command->add_option("--instrument", args.instrument, "Instrument definition with facets (JSON).")
      ->required();
  command->add_option("--rows", args.rows, "Data rows to use, e.g. 1-20000 (default all).");
  command->add_option("--points", args.points, "Quadrature points per trait.")
      ->check(CLI::Range(7, 61))
      ->capture_default_str();
  command->add_option("--scored", args.scored, "Rows whose posterior SD is averaged.")
      ->capture_default_str();
  command->add_option("--threads", args.threads, "Threads (0: one per core).");
}

int run_facets_command() {
  if (command && command->parsed()) return run();
  return -1;
}

}  // namespace sb::cli
