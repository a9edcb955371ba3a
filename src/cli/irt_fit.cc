#include "cli/irt_fit.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <thread>

#include "psychometrics/calibrate.h"
#include "psychometrics/fit.h"
#include "psychometrics/responses.h"

namespace sb::cli {
namespace {

struct FitArgs {
  std::string data, instrument, rows = "all", dimension, report;
  bool fixed = false;
  unsigned threads = 0;
} fit_args;

CLI::App* fit_cmd = nullptr;

int fail(const std::string& message) {
  std::cerr << "securebase irt: " << message << "\n";
  return 1;
}

std::string p_value(double p) {
  if (std::isnan(p)) return "–";
  return p < 0.001 ? "< .001" : fmt::format("{:.3f}", p);
}

std::vector<size_t> items_of(const psy::Instrument& ins, int dimension) {
  std::vector<size_t> columns;
  for (size_t j = 0; j < ins.items.size(); ++j) {
    if (ins.dimension_index(ins.items[j].dimension) == dimension) columns.push_back(j);
  }
  return columns;
}

std::string model_fit_row(const std::string& name, const Result<psy::ModelFit>& fit) {
  if (!fit) return fmt::format("| {} | – | {} |  |  |  |  |  |  |\n", name, fit.error().message);
  return fmt::format("| {} | {} | {:.1f} | {} | {} | {:.3f} | {:.3f} | {:.3f} | {:.3f} |\n", name,
                     fit->persons, fit->m2, fit->df, p_value(fit->p), fit->rmsea, fit->srmsr,
                     fit->cfi, fit->tli);
}

std::string item_fit_table(const psy::Instrument& ins, const psy::Model& model,
                           const psy::ResponseMatrix& data, const psy::FitOptions& options) {
  std::string md =
      "| Item | Dimension | S-X² | df | p | p (BH) | RMSEA |\n|---|---|---|---|---|---|---|\n";
  std::vector<std::pair<size_t, psy::ItemFit>> rows;
  for (int d = 0; d < model.dimensions; ++d) {
    const auto columns = items_of(ins, d);
    const auto sub = psy::submodel(model, columns);
    auto fits = psy::sx2_item_fit(sub, psy::complete_cases(data, columns), options);
    if (!fits) return "S-X² could not be computed: " + fits.error().message + "\n";
    for (size_t i = 0; i < columns.size(); ++i) rows.emplace_back(columns[i], (*fits)[i]);
  }
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<double> p;
  p.reserve(rows.size());
  for (const auto& [j, f] : rows) p.push_back(std::isnan(f.p) ? 1.0 : f.p);
  const auto adjusted = psy::benjamini_hochberg(p);
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& [j, f] = rows[i];
    md += fmt::format("| {} | {} | {:.1f} | {} | {} | {} | {:.3f} |\n", ins.items[j].id,
                      ins.items[j].dimension, f.sx2, f.df, p_value(f.p), p_value(adjusted[i]),
                      f.rmsea);
  }
  return md;
}

std::string dependence_table(const psy::Instrument& ins, const psy::Model& model,
                             const psy::ResponseMatrix& data, const psy::FitOptions& options) {
  std::string md;
  for (int d = 0; d < model.dimensions; ++d) {
    const auto columns = items_of(ins, d);
    auto pairs = psy::local_dependence(psy::submodel(model, columns),
                                       psy::complete_cases(data, columns), options);
    if (!pairs) return "Local dependence could not be computed: " + pairs.error().message + "\n";
    std::vector<double> p;
    double q3_sum = 0;
    for (const auto& pair : *pairs) {
      p.push_back(pair.p);
      q3_sum += pair.q3;
    }
    const auto adjusted = psy::benjamini_hochberg(p);
    const double q3_mean = q3_sum / static_cast<double>(pairs->size());
    size_t flagged = 0, q3_high = 0;
    for (size_t i = 0; i < pairs->size(); ++i) {
      flagged += adjusted[i] < 0.05;
      q3_high += (*pairs)[i].q3 - q3_mean > 0.2;
    }
    std::vector<size_t> order(pairs->size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return (*pairs)[a].standardized > (*pairs)[b].standardized;
    });
    md += fmt::format(
        "\n**{}**: {} item pairs; {} with LD X² significant after Benjamini–Hochberg at .05; mean "
        "Q3 {:.3f}; {} pairs with Q3 more than 0.2 above the mean. The five most dependent "
        "pairs:\n\n| Pair | LD X² | df | standardised | p (BH) | Q3 |\n|---|---|---|---|---|---|\n",
        ins.dimensions[static_cast<size_t>(d)].id, pairs->size(), flagged, q3_mean, q3_high);
    for (size_t r = 0; r < std::min<size_t>(5, order.size()); ++r) {
      const auto& pair = (*pairs)[order[r]];
      md +=
          fmt::format("| {}–{} | {:.1f} | {} | {:+.1f} | {} | {:.3f} |\n",
                      ins.items[columns[pair.first]].id, ins.items[columns[pair.second]].id,
                      pair.ld_x2, pair.df, pair.standardized, p_value(adjusted[order[r]]), pair.q3);
    }
  }
  return md;
}

std::string write_report(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return out ? "" : "cannot write " + path;
}

int run_fit() {
  auto ins = psy::load_instrument(fit_args.instrument);
  if (!ins) return fail(ins.error().message);
  auto table = psy::read_csv(fit_args.data);
  if (!table) return fail(table.error().message);
  auto range = psy::parse_row_range(fit_args.rows);
  if (!range) return fail(range.error().message);
  auto data = psy::keyed_responses(*ins, *table, *range);
  if (!data) return fail(data.error().message);
  const int chosen = fit_args.dimension.empty() ? -1 : ins->dimension_index(fit_args.dimension);
  if (!fit_args.dimension.empty() && chosen < 0)
    return fail("the instrument has no dimension \"" + fit_args.dimension + "\"");
  // One dimension: its items alone, as a one-dimensional instrument.
  if (chosen >= 0) {
    const auto columns = items_of(*ins, chosen);
    psy::Instrument one = *ins;
    one.items.clear();
    one.dimensions = {ins->dimensions[static_cast<size_t>(chosen)]};
    one.classification.reset();
    for (size_t c : columns) one.items.push_back(ins->items[c]);
    psy::ResponseMatrix sub;
    sub.rows = data->rows;
    sub.cols = columns.size();
    for (size_t r = 0; r < data->rows; ++r)
      for (size_t c : columns) sub.data.push_back(data->at(r, c));
    *ins = std::move(one);
    *data = std::move(sub);
  }
  const auto started = std::chrono::steady_clock::now();
  psy::Model model;
  if (fit_args.fixed) {
    auto m = ins->model();
    if (!m) return fail(m.error().message);
    model = *m;
  } else {
    std::vector<int> dims;
    for (const auto& item : ins->items) dims.push_back(ins->dimension_index(item.dimension));
    psy::CalibrationOptions options;
    options.threads =
        fit_args.threads ? fit_args.threads : std::max(1u, std::thread::hardware_concurrency());
    auto cal = psy::calibrate(*data, ins->categories, dims,
                              static_cast<int>(ins->dimensions.size()), options);
    if (!cal) return fail(cal.error().message);
    model = cal->model;
  }
  std::string md = fit_markdown(*ins, model, *data, !fit_args.fixed);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  md += fmt::format("\n{} rows; {} in {:.2f} s.\n", data->rows,
                    fit_args.fixed ? "fit statistics with the instrument's parameters"
                                   : "calibration and fit statistics",
                    seconds);
  std::cout << md;
  if (!fit_args.report.empty()) {
    if (auto error = write_report(fit_args.report, md); !error.empty()) return fail(error);
  }
  return 0;
}

}  // namespace

std::string fit_markdown(const psy::Instrument& ins, const psy::Model& model,
                         const psy::ResponseMatrix& data, bool estimated) {
  psy::FitOptions options;
  options.estimated = estimated;
  std::string md =
      "#### Model fit (M2*, limited information, complete cases)\n\n| Model | N | M2 | df | p "
      "| RMSEA | SRMSR | CFI | TLI |\n|---|---|---|---|---|---|---|---|---|\n";
  for (int d = 0; d < model.dimensions; ++d) {
    const auto columns = items_of(ins, d);
    md += model_fit_row(
        ins.dimensions[static_cast<size_t>(d)].id + " alone",
        psy::m2_fit(psy::submodel(model, columns), psy::complete_cases(data, columns), options));
  }
  if (model.dimensions == 2) {
    std::vector<size_t> all(model.size());
    for (size_t j = 0; j < all.size(); ++j) all[j] = j;
    md += model_fit_row("both dimensions, correlated (31 × 31 grid)",
                        psy::m2_fit(model, psy::complete_cases(data, all), options));
  }
  md += "\n#### Item fit (S-X², summed score within the item's dimension)\n\n";
  md += item_fit_table(ins, model, data, options);
  md += "\n#### Local dependence (LD X² and Q3, pairs within a dimension)\n";
  md += dependence_table(ins, model, data, options);
  return md;
}

void add_fit_commands(CLI::App& irt) {
  fit_cmd = irt.add_subcommand(
      "fit", "Item fit (S-X2), model fit (M2, RMSEA, SRMSR, CFI, TLI) and local dependence.");
  fit_cmd->add_option("--data", fit_args.data, "CSV of responses with a header row.")->required();
  fit_cmd->add_option("--instrument", fit_args.instrument, "Instrument definition (JSON).")
      ->required();
  fit_cmd->add_option("--rows", fit_args.rows, "Data rows to use, e.g. 1-20000 (default all).");
  fit_cmd->add_option(
      "--dimension", fit_args.dimension,
      "Only this dimension's items (default: every dimension and the whole model).");
  fit_cmd->add_flag("--fixed", fit_args.fixed,
                    "Use the instrument's parameters instead of calibrating on these rows first.");
  fit_cmd->add_option("--threads", fit_args.threads, "Threads for calibration (0: one per core).");
  fit_cmd->add_option("--report", fit_args.report, "Also write the Markdown here.");
}

int run_fit_commands() {
  if (fit_cmd && fit_cmd->parsed()) return run_fit();
  return -1;
}

}  // namespace sb::cli
