#include "cli/irt_studies.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iostream>
#include <thread>

#include "psychometrics/dif.h"
#include "psychometrics/evaluation.h"
#include "psychometrics/sample_size.h"

namespace sb::cli {
namespace {

struct DifArgs {
  std::string data, instrument, rows = "all", column, reference, focal, report;
  unsigned threads = 0;
} dif_args;

CLI::App* dif_cmd = nullptr;

std::string p_value(double p) { return p < 0.001 ? "< .001" : fmt::format("{:.3f}", p); }

bool parse_number(const std::string& text, double* out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// True when `value` belongs to the group: equal, or inside its "LOW-HIGH" range.
bool in_group(const std::string& value, const GroupSpec& g) {
  const auto dash = g.value.find('-', 1);
  double low, high, v;
  if (dash != std::string::npos && parse_number(g.value.substr(0, dash), &low) &&
      parse_number(g.value.substr(dash + 1), &high)) {
    return parse_number(value, &v) && v >= low && v <= high;
  }
  return value == g.value;
}

std::string dimension_dif(const psy::Instrument& ins, const psy::ResponseMatrix& all,
                          const std::vector<int>& group, int dimension, unsigned threads) {
  std::vector<size_t> columns;
  for (size_t j = 0; j < ins.items.size(); ++j) {
    if (ins.dimension_index(ins.items[j].dimension) == dimension) columns.push_back(j);
  }
  psy::ResponseMatrix sub;
  sub.rows = all.rows;
  sub.cols = columns.size();
  for (size_t r = 0; r < all.rows; ++r) {
    for (size_t c : columns) sub.data.push_back(all.at(r, c));
  }
  psy::DifOptions options;
  options.threads = threads;
  auto result = psy::dif_analysis(sub, group, ins.categories, options);
  const auto& id = ins.dimensions[static_cast<size_t>(dimension)].id;
  if (!result) return fmt::format("**{}**: not computed ({}).\n", id, result.error().message);
  size_t flagged = 0, large = 0;
  for (const auto& d : result->items) {
    flagged += d.flagged;
    large += d.flagged && d.unsigned_difference >= 0.1;
  }
  std::string md = fmt::format(
      "**{}** (reference {} people, focal {}; focal latent mean {:+.3f}, SD {:.3f} on the "
      "reference scale; {} round{} of purification): {} of {} items flagged at BH-adjusted .05, "
      "{} of them with an expected-score difference of at least 0.1 points.\n\n"
      "| Item | LR χ² | df | p | p (BH) | signed difference | unsigned | flagged |\n"
      "|---|---|---|---|---|---|---|---|\n",
      id, result->reference, result->focal, result->focal_mean, result->focal_sd, result->rounds,
      result->rounds == 1 ? "" : "s", flagged, result->items.size(), large);
  for (size_t i = 0; i < columns.size(); ++i) {
    const auto& d = result->items[i];
    md += fmt::format("| {} | {:.1f} | {} | {} | {} | {:+.3f} | {:.3f} | {} |\n",
                      ins.items[columns[i]].id, d.lr, d.df, p_value(d.p), p_value(d.p_adjusted),
                      d.signed_difference, d.unsigned_difference, d.flagged ? "yes" : "");
  }
  return md;
}

std::string stop_name(const psy::CatOptions& o) {
  std::string s = o.se_target <= 0 ? fmt::format("fixed {} items", o.max_items)
                                   : fmt::format("SD ≤ {} (min {}, max {})", o.se_target,
                                                 o.min_items, o.max_items);
  if (o.se_target > 0 && o.min_se_reduction > 0)
    s += fmt::format(" or predicted SD drop < {}", o.min_se_reduction);
  if (o.randomesque > 1) s += fmt::format(", chosen at random among the best {}", o.randomesque);
  return s;
}

const char* selection_name(psy::Selection s) {
  switch (s) {
    case psy::Selection::kPosteriorWeightedInformation:
      return "posterior-weighted information";
    case psy::Selection::kKullbackLeibler:
      return "Kullback–Leibler";
    case psy::Selection::kExpectedPosteriorVariance:
      return "minimum expected posterior variance";
  }
  return "";
}

int run_dif() {
  auto ins = psy::load_instrument(dif_args.instrument);
  if (!ins) return std::cerr << "securebase irt: " << ins.error().message << "\n", 1;
  auto table = psy::read_csv(dif_args.data);
  if (!table) return std::cerr << "securebase irt: " << table.error().message << "\n", 1;
  auto range = psy::parse_row_range(dif_args.rows);
  if (!range) return std::cerr << "securebase irt: " << range.error().message << "\n", 1;
  if (std::find(table->header.begin(), table->header.end(), dif_args.column) ==
      table->header.end()) {
    std::cerr << "securebase irt: the data have no column \"" << dif_args.column << "\"\n";
    return 1;
  }
  const unsigned threads =
      dif_args.threads ? dif_args.threads : std::max(1u, std::thread::hardware_concurrency());
  const std::string md =
      dif_markdown(*ins, *table, *range, dif_args.column, {dif_args.reference, dif_args.reference},
                   {dif_args.focal, dif_args.focal}, threads);
  std::cout << md;
  if (!dif_args.report.empty()) {
    std::ofstream out(dif_args.report, std::ios::binary | std::ios::trunc);
    out << md;
    out.close();
    if (!out) return std::cerr << "securebase irt: cannot write " << dif_args.report << "\n", 1;
  }
  return 0;
}

}  // namespace

std::string dif_markdown(const psy::Instrument& ins, const psy::CsvTable& table,
                         psy::RowRange range, const std::string& column, const GroupSpec& reference,
                         const GroupSpec& focal, unsigned threads) {
  auto data = psy::keyed_responses(ins, table, range);
  if (!data) return "Not computed: " + data.error().message + "\n";
  const auto at = std::find(table.header.begin(), table.header.end(), column);
  if (at == table.header.end()) return "Not computed: no column " + column + "\n";
  const auto c = static_cast<size_t>(at - table.header.begin());
  const size_t first = range.first - 1;
  std::vector<int> group(data->rows, -1);
  size_t left_out = 0;
  for (size_t r = 0; r < data->rows; ++r) {
    const auto& row = table.rows[first + r];
    const std::string& value = c < row.size() ? row[c] : std::string();
    group[r] = in_group(value, reference) ? 0 : in_group(value, focal) ? 1 : -1;
    left_out += group[r] < 0;
  }
  std::string md = fmt::format(
      "Groups by `{}`: reference {} ({}), focal {} ({}); {} rows in neither were left out.\n\n",
      column, reference.name, reference.value, focal.name, focal.value, left_out);
  for (int d = 0; d < static_cast<int>(ins.dimensions.size()); ++d) {
    md += dimension_dif(ins, *data, group, d, threads) + "\n";
  }
  return md;
}

std::string cat_comparison_markdown(const psy::Instrument& ins, const psy::Model& model,
                                    const psy::ResponseMatrix& data, const psy::CatOptions& base) {
  std::vector<psy::CatOptions> stops;
  psy::CatOptions fixed = base;
  fixed.se_target = 0;
  fixed.min_se_reduction = 0;
  fixed.min_items = fixed.max_items = 12;
  stops.push_back(fixed);
  for (double drop : {0.0, 0.01, 0.02}) {
    psy::CatOptions o = base;
    o.min_se_reduction = drop;
    stops.push_back(o);
  }
  std::string md = "| Selection | Dependence penalty | Stop | mean items | at the cap |";
  for (const auto& d : ins.dimensions) md += " r " + d.id + " |";
  for (const auto& d : ins.dimensions) md += " RMSE " + d.id + " |";
  md += " style agreement |\n|---|---|---|---|---|";
  for (size_t i = 0; i < 2 * ins.dimensions.size(); ++i) md += "---|";
  md += "---|\n";
  for (auto rule : {psy::Selection::kPosteriorWeightedInformation, psy::Selection::kKullbackLeibler,
                    psy::Selection::kExpectedPosteriorVariance}) {
    for (double penalty : {0.0, base.dependence_penalty}) {
      for (auto stop : stops) {
        stop.selection = rule;
        stop.dependence_penalty = penalty;
        const std::string penalty_name =
            penalty > 0 ? fmt::format("(1 − Q3)^{}", penalty) : std::string("none");
        std::cerr << "comparing adaptive rules: " << selection_name(rule) << ", " << penalty_name
                  << ", " << stop_name(stop) << "\n";
        const auto sim = psy::simulate_cat(ins, model, data, stop);
        md += fmt::format("| {} | {} | {} | {:.2f} | {:.1f}% |", selection_name(rule), penalty_name,
                          stop_name(stop), sim.mean_items, 100 * sim.at_cap);
        for (double r : sim.correlation) md += fmt::format(" {:.3f} |", r);
        for (double e : sim.rmse) md += fmt::format(" {:.3f} |", e);
        md += fmt::format(" {:.1f}% |\n", 100 * sim.style_agreement);
      }
      if (base.dependence_penalty <= 0 || model.residual_correlations.empty()) break;
    }
  }
  return md;
}

std::string dependence_penalty_markdown(const psy::Instrument& ins, const psy::Model& model,
                                        const psy::ResponseMatrix& data,
                                        const psy::CatOptions& base) {
  std::string md = "| Penalty exponent | fixed 12:";
  for (const auto& d : ins.dimensions) md += " r " + d.id + " |";
  md += " default stop: mean items | at the cap |";
  for (const auto& d : ins.dimensions) md += " r " + d.id + " |";
  md += " style agreement |\n|---|";
  for (size_t i = 0; i < 2 * ins.dimensions.size() + 3; ++i) md += "---|";
  md += "\n";
  for (double penalty : {0.0, 2.0, 4.0, 6.0, 8.0, 12.0, 20.0}) {
    std::cerr << "dependence penalty " << penalty << "\n";
    psy::CatOptions fixed = base;
    fixed.dependence_penalty = penalty;
    fixed.se_target = 0;
    fixed.min_se_reduction = 0;
    fixed.min_items = fixed.max_items = 12;
    psy::CatOptions stop = base;
    stop.dependence_penalty = penalty;
    const auto at12 = psy::simulate_cat(ins, model, data, fixed);
    const auto sim = psy::simulate_cat(ins, model, data, stop);
    md += fmt::format("| {}{} |", penalty, penalty == base.dependence_penalty ? " (default)" : "");
    for (double r : at12.correlation) md += fmt::format(" {:.3f} |", r);
    md += fmt::format(" {:.2f} | {:.1f}% |", sim.mean_items, 100 * sim.at_cap);
    for (double r : sim.correlation) md += fmt::format(" {:.3f} |", r);
    md += fmt::format(" {:.1f}% |\n", 100 * sim.style_agreement);
  }
  return md;
}

std::string sample_size_markdown(const psy::Instrument& bank, const psy::CatOptions& cat,
                                 unsigned threads) {
  auto model = bank.model();
  if (!model) return "Not computed: " + model.error().message + "\n";
  psy::CatOptions options = cat;
  if (bank.classification) {
    options.cut[bank.dimension_index(bank.classification->anxiety)] =
        bank.classification->cut_anxiety;
    options.cut[bank.dimension_index(bank.classification->avoidance)] =
        bank.classification->cut_avoidance;
  }
  psy::SampleSizeOptions study;
  study.threads = threads;
  std::cerr << "sample-size study on " << bank.id << "\n";
  const auto result = psy::sample_size_study(*model, options, study);
  const auto& rows = result.sizes;
  std::string md = fmt::format(
      "Bank: `{}` {} ({} items, {} categories), its current parameters as the truth; each "
      "simulated respondent takes the adaptive test with the product's options ({}), so "
      "answers are missing as the test leaves them. An item is recalibrated when it has at least "
      "{} answers and every category chosen at least {} times; each dimension is linked back to "
      "the current scale by Stocking–Lord. {} replications per size; score RMSE compares EAP "
      "scores of {} fresh respondents' adaptive answers under the estimated and the true "
      "parameters.\n\n| Respondents | answers per item (min / median) | items recalibrated | slope "
      "RMSE | threshold RMSE | score RMSE | failed calibrations |\n|---|---|---|---|---|---|---|\n",
      bank.id, bank.version, bank.items.size(), bank.categories, stop_name(options),
      study.min_answers, study.min_per_category, study.replications, study.scored);
  size_t never = 0;
  for (const auto& r : rows) {
    md += fmt::format("| {} | {:.0f} / {:.0f} | {:.1f} of {} | {:.3f} | {:.3f} | {:.3f} | {} |\n",
                      r.respondents, r.min_answers, r.median_answers, r.items_calibrated,
                      bank.items.size(), r.slope_rmse, r.threshold_rmse, r.score_rmse, r.failures);
    never = static_cast<size_t>(
        std::lround(static_cast<double>(bank.items.size()) - r.items_calibrated));
  }
  md +=
      "\nThe same recalibrated items by how many answers each had (all sizes and replications "
      "together):\n\n| answers per item | items | slope RMSE | threshold RMSE "
      "|\n|---|---|---|---|\n";
  size_t rule = 0;
  for (const auto& bin : result.bins) {
    md += fmt::format("| {}{} | {} | {:.3f} | {:.3f} |\n", bin.from,
                      bin.to >= 1000000 ? " or more" : fmt::format("–{}", bin.to - 1), bin.items,
                      bin.slope_rmse, bin.threshold_rmse);
    if (!rule && bin.items > 0 && bin.slope_rmse <= 0.2 && bin.threshold_rmse <= 0.2)
      rule = bin.from;
  }
  md += rule ? fmt::format(
                   "\n**Rule**: an item's recalibrated parameters replace its provisional ones "
                   "once it has at least **{}** consented answers (with every category chosen at "
                   "least {} times): from there, slope and threshold RMSE are at most 0.2 here.",
                   rule, study.min_per_category)
             : std::string("\nNo answer count here brought slope and threshold RMSE to 0.2.");
  if (never > 0) {
    md += fmt::format(
        " At the largest size, {} items still had too few answers: the adaptive test seldom or "
        "never chooses them while the bank's provisional parameters tie or favour others, so "
        "answers from the adaptive test alone cannot recalibrate them.",
        never);
  }
  md += "\n";
  return md;
}

void add_dif_command(CLI::App& irt) {
  dif_cmd = irt.add_subcommand(
      "dif", "Differential item functioning between two groups (likelihood-ratio tests).");
  dif_cmd->add_option("--data", dif_args.data, "CSV of responses with a header row.")->required();
  dif_cmd->add_option("--instrument", dif_args.instrument, "Instrument definition (JSON).")
      ->required();
  dif_cmd->add_option("--group", dif_args.column, "The column that defines the groups.")
      ->required();
  dif_cmd
      ->add_option("--reference", dif_args.reference,
                   "The reference group's value, or a numeric range LOW-HIGH.")
      ->required();
  dif_cmd->add_option("--focal", dif_args.focal, "The focal group's value, or LOW-HIGH.")
      ->required();
  dif_cmd->add_option("--rows", dif_args.rows, "Data rows to use (default all).");
  dif_cmd->add_option("--threads", dif_args.threads, "Threads for the E-step (0: one per core).");
  dif_cmd->add_option("--report", dif_args.report, "Also write the Markdown here.");
}

int run_dif_command() {
  if (dif_cmd && dif_cmd->parsed()) return run_dif();
  return -1;
}

}  // namespace sb::cli
