#include "cli/irt.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/irt_facets.h"
#include "cli/irt_fit.h"
#include "cli/irt_studies.h"
#include "psychometrics/evaluation.h"
#include "psychometrics/linking.h"
#include "psychometrics/provisional.h"
#include "psychometrics/reliability.h"
#include "psychometrics/responses.h"

namespace sb::cli {
namespace {

struct IrtArgs {
  std::string data, instrument, out, report, rows = "all";
  std::string calibration_rows = "1-20000", validation_rows = "20001-30000";
  unsigned threads = 0;
  double se = 0.3;
  int max_items = 20, min_items = 6, randomesque = 1;
  uint64_t seed = 1;
  double confidence = 0.8;
  std::string selection = "variance";
  double min_se_reduction = psy::CatOptions{}.min_se_reduction;
  double dependence_penalty = psy::CatOptions{}.dependence_penalty;
  bool quiet = false;
  bool extended = false;
  std::string bank;
  // Calibration precision (irt calibrate): the joint step's grid and the EM's stopping rule.
  int joint_points = psy::CalibrationOptions{}.joint_points;
  double joint_range = psy::CalibrationOptions{}.joint_range;
  double tolerance = psy::CalibrationOptions{}.loglik_tolerance;
} args;

CLI::App* calibrate_cmd = nullptr;
CLI::App* score_cmd = nullptr;
CLI::App* cat_cmd = nullptr;
CLI::App* validate_cmd = nullptr;
CLI::App* provisional_cmd = nullptr;
std::string reference_path;
std::string link_to;

int fail(const std::string& message) {
  std::cerr << "securebase irt: " << message << "\n";
  return 1;
}

// Writes the whole file or says why not: a full disk or a missing folder must not exit 0.
Status write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Error{ErrorCode::kUnavailable, "cannot write " + path, "out"};
  out << text;
  out.close();
  if (!out) return Error{ErrorCode::kUnavailable, "could not finish writing " + path, "out"};
  return ok_status();
}

// A calibration that the loader would refuse, or that hides a mis-keyed item, is not written.
Status check_calibration(const psy::Instrument& ins, const psy::CalibrationReport& rep) {
  for (const auto& d : rep.dimensions) {
    for (size_t i = 0; i < d.item_ids.size(); ++i) {
      if (d.item_rest[i] < 0) {
        return invalid("instrument",
                       fmt::format("item {} correlates negatively with its scale {} (item-rest r "
                                   "= {:.2f}): check its keying (\"reverse\") and calibrate again",
                                   d.item_ids[i], d.id, d.item_rest[i]));
      }
    }
  }
  for (size_t j = 0; j < ins.items.size(); ++j) {
    const auto& p = ins.items[j].parameters;
    if (!p) return invalid("instrument", "item " + ins.items[j].id + " got no parameters");
    double widest = 0;
    for (size_t k = 0; k < p->c.size(); ++k) widest = std::max(widest, std::abs(p->threshold(k)));
    if (!(p->a > 0.05) || !std::isfinite(widest) || widest > 20) {
      return invalid("instrument",
                     fmt::format("item {} did not calibrate (slope {:.3g}, thresholds up to "
                                 "±{:.3g}): is it answered at all, and keyed the right way?",
                                 ins.items[j].id, p->a, widest));
    }
  }
  if (auto again = psy::parse_instrument(psy::instrument_to_json(ins)); !again)
    return invalid("instrument", "the calibrated instrument would not load: " +
                                     again.error().field + " " + again.error().message);
  return ok_status();
}

unsigned thread_count() {
  return args.threads ? args.threads : std::max(1u, std::thread::hardware_concurrency());
}

struct Loaded {
  psy::Instrument instrument;
  psy::CsvTable table;
};

Result<Loaded> load_inputs() {
  auto ins = psy::load_instrument(args.instrument);
  if (!ins) return ins.error();
  auto table = psy::read_csv(args.data);
  if (!table) return table.error();
  return Loaded{std::move(*ins), std::move(*table)};
}

Result<psy::ResponseMatrix> rows_of(const Loaded& in, const std::string& range_text) {
  auto range = psy::parse_row_range(range_text);
  if (!range) return range.error();
  return psy::keyed_responses(in.instrument, in.table, *range);
}

psy::CalibrationOptions calibration_options() {
  psy::CalibrationOptions o;
  o.threads = thread_count();
  o.joint_points = args.joint_points;
  o.joint_range = args.joint_range;
  o.loglik_tolerance = args.tolerance;
  o.param_tolerance = args.tolerance;
  if (!args.quiet) {
    o.progress = [](int, int steps, double ll) {
      std::cerr << fmt::format("\r  EM steps {:4d}  log-likelihood {:.4f}   ", steps, ll)
                << std::flush;
    };
  }
  return o;
}

std::string calibration_markdown(const psy::Instrument& ins, const psy::CalibrationReport& rep) {
  std::string md;
  md += fmt::format(
      "Respondents: {}; log-likelihood of the two-dimensional model: {:.2f}; "
      "latent correlation {:.3f} (SE {:.3f}); wall time {:.2f} s.\n\n",
      rep.respondents, rep.log_likelihood, rep.correlation, rep.correlation_se, rep.seconds);
  if (rep.joint_steps > 0) {
    md += fmt::format(
        "Joint fit: each dimension is fitted alone, then the correlation, then items and "
        "correlation together by EM on a {} × {} grid over ±{:g} ({} EM steps, {}converged, "
        "{:.2f} s). Log-likelihood on that grid before the joint step {:.4f}, after it {:.4f} "
        "(gain {:.4f}). "
        "Standard errors below are from the one-dimension fits.\n\n",
        args.joint_points, args.joint_points, args.joint_range, rep.joint_steps,
        rep.joint_converged ? "" : "not ", rep.joint_seconds, rep.sequential_log_likelihood,
        rep.log_likelihood, rep.log_likelihood - rep.sequential_log_likelihood);
  }
  md +=
      "| Dimension | EM steps | converged | seconds | log-likelihood | alpha | omega | marginal "
      "reliability |\n";
  md += "|---|---|---|---|---|---|---|---|\n";
  for (const auto& d : rep.dimensions) {
    md += fmt::format("| {} | {} | {} | {:.3f} | {:.2f} | {:.3f} | {:.3f} | {:.3f} |\n", d.id,
                      d.fit.em_steps, d.fit.converged ? "yes" : "no", d.fit.seconds,
                      d.fit.log_likelihood, d.alpha, d.omega, d.marginal);
  }
  md +=
      "\n### Item parameters (keyed direction)\n\n| Item | Dimension | reverse | a (SE) | "
      "thresholds b1..bK-1 (SE) | item-rest r |\n|---|---|---|---|---|---|\n";
  for (size_t j = 0; j < ins.items.size(); ++j) {
    const auto& e = rep.items[j];
    std::string b;
    for (size_t k = 0; k < e.b.size(); ++k)
      b += fmt::format("{}{:.2f} ({:.3f})", k ? ", " : "", e.b[k], e.se_b[k]);
    double ir = NAN;
    for (const auto& d : rep.dimensions) {
      for (size_t i = 0; i < d.item_ids.size(); ++i) {
        if (d.item_ids[i] == ins.items[j].id) ir = d.item_rest[i];
      }
    }
    md += fmt::format("| {} | {} | {} | {:.3f} ({:.3f}) | {} | {:.3f} |\n", ins.items[j].id,
                      ins.items[j].dimension, ins.items[j].reverse ? "yes" : "", e.item.a, e.se_a,
                      b, ir);
  }
  md += "\n### Test information\n\n| theta |";
  for (const auto& d : rep.dimensions) md += " " + d.id + " |";
  md += "\n|---|";
  for (size_t i = 0; i < rep.dimensions.size(); ++i) md += "---|";
  md += "\n";
  for (size_t t = 0; t < rep.dimensions[0].information.size(); ++t) {
    md += fmt::format("| {:+.1f} |", rep.dimensions[0].information[t].first);
    for (const auto& d : rep.dimensions) md += fmt::format(" {:.2f} |", d.information[t].second);
    md += "\n";
  }
  return md;
}

int run_calibrate() {
  auto in = load_inputs();
  if (!in) return fail(in.error().message);
  auto data = rows_of(*in, args.rows);
  if (!data) return fail(data.error().message);
  std::cerr << "calibrating " << in->instrument.id << " on " << data->rows << " rows\n";
  auto rep = psy::calibrate_instrument(in->instrument, *data, calibration_options());
  std::cerr << "\n";
  if (!rep) return fail(rep.error().message);
  if (auto st = check_calibration(in->instrument, *rep); !st)
    return fail(st.error().message + "; nothing was written");
  in->instrument.calibration_note =
      fmt::format("Calibrated by securebase irt calibrate on {} rows ({}).", data->rows, args.rows);
  if (!link_to.empty()) {
    auto current = psy::load_instrument(link_to);
    if (!current) return fail(current.error().message);
    auto links = psy::link_instrument(in->instrument, *current);
    if (!links) return fail(links.error().message + "; nothing was written");
    for (const auto& l : *links) {
      const std::string line = fmt::format(
          "linked {} to {} {} by Stocking-Lord on {} anchor items: theta_current = {:.4f} x "
          "theta_new {:+.4f}",
          l.dimension, current->id, current->version, l.anchors, l.link.constants.A,
          l.link.constants.B);
      std::cerr << line << "\n";
      in->instrument.calibration_note += " " + line + ".";
    }
  }
  if (auto st = write_file(args.out, psy::instrument_to_json(in->instrument)); !st)
    return fail(st.error().message);
  std::cout << calibration_markdown(in->instrument, *rep);
  if (!args.report.empty()) {
    if (auto st = write_file(args.report, calibration_markdown(in->instrument, *rep)); !st)
      return fail(st.error().message);
  }
  std::cerr << "wrote " << args.out << "\n";
  return 0;
}

int run_score() {
  auto in = load_inputs();
  if (!in) return fail(in.error().message);
  auto model = in->instrument.model();
  if (!model) return fail(model.error().message);
  auto data = rows_of(*in, args.rows);
  if (!data) return fail(data.error().message);
  psy::InstrumentScorer scorer(in->instrument, *model);
  std::ofstream file;
  if (!args.out.empty()) {
    file.open(args.out, std::ios::binary | std::ios::trunc);
    if (!file) return fail("cannot write " + args.out);
  }
  std::ostream& out = args.out.empty() ? std::cout : file;
  out << "row";
  for (const auto& d : in->instrument.dimensions) {
    out << "," << d.id << "_eap," << d.id << "_psd," << d.id << "_map," << d.id << "_se," << d.id
        << "_mean";
  }
  const bool classify = in->instrument.classification && model->dimensions == 2;
  if (classify)
    out << ",style,p_secure,p_anxious_preoccupied,p_avoidant_dismissive,p_fearful_avoidant,between,"
           "brennan_1998";
  out << "\n";
  for (size_t r = 0; r < data->rows; ++r) {
    const auto s = scorer.score(data->row(r));
    out << r + 1;
    // A dimension with no answers has only the prior to report: its cells stay empty, and no
    // style is given without both dimensions.
    std::vector<bool> answered(s.eap.size(), false);
    for (size_t j = 0; j < model->items.size(); ++j) {
      if (data->row(r)[j] != psy::kMissing)
        answered[static_cast<size_t>(model->dimension[j])] = true;
    }
    for (size_t d = 0; d < s.eap.size(); ++d) {
      if (!answered[d]) {
        out << ",,,,,";
        continue;
      }
      out << fmt::format(",{:.4f},{:.4f},{:.4f},{:.4f},{:.4f}", s.eap[d].theta, s.eap[d].se,
                         s.map[d].theta, s.map[d].se, s.classic[d]);
    }
    if (classify && std::find(answered.begin(), answered.end(), false) != answered.end()) {
      out << ",not enough answers,,,,,,\n";
      continue;
    }
    if (classify) {
      out << "," << psy::style_id(s.styles.top);
      for (double p : s.styles.p) out << fmt::format(",{:.4f}", p);
      out << "," << (s.styles.between() ? "yes" : "no") << ","
          << (s.has_brennan ? psy::style_id(s.brennan) : "");
    }
    out << "\n";
  }
  out.flush();
  if (!out) return fail("could not finish writing " + (args.out.empty() ? "the scores" : args.out));
  return 0;
}

psy::CatOptions cat_options() {
  psy::CatOptions o;
  o.se_target = args.se;
  o.selection = args.selection == "information" ? psy::Selection::kPosteriorWeightedInformation
                : args.selection == "kl"        ? psy::Selection::kKullbackLeibler
                                                : psy::Selection::kExpectedPosteriorVariance;
  o.min_se_reduction = args.min_se_reduction;
  o.dependence_penalty = args.dependence_penalty;
  o.max_items = args.max_items;
  o.min_items = args.min_items;
  o.randomesque = args.randomesque;
  o.seed = args.seed;
  o.classification_confidence = args.confidence;
  return o;
}

std::string cat_markdown(const psy::Instrument& ins, const psy::CatSimulation& s) {
  std::string md = fmt::format(
      "Persons: {}; mean items in total {:.2f}; reaching the maximum {:.1f}%; style agreement "
      "with the full bank {:.1f}%; {:.1f} µs per step (update and next-item choice).\n\n",
      s.persons, s.mean_items, 100 * s.at_cap, 100 * s.style_agreement, s.microseconds_per_step);
  md += "| Dimension | mean items | r with full-bank EAP | RMSE |\n|---|---|---|---|\n";
  for (size_t d = 0; d < s.correlation.size(); ++d) {
    md += fmt::format("| {} | {:.2f} | {:.3f} | {:.3f} |\n", ins.dimensions[d].id,
                      s.mean_items_per_dimension[d], s.correlation[d], s.rmse[d]);
  }
  return md;
}

int run_simulate_cat() {
  auto in = load_inputs();
  if (!in) return fail(in.error().message);
  auto model = in->instrument.model();
  if (!model) return fail(model.error().message);
  auto data = rows_of(*in, args.rows);
  if (!data) return fail(data.error().message);
  const auto sim = psy::simulate_cat(in->instrument, *model, *data, cat_options());
  std::cout << cat_markdown(in->instrument, sim);
  return 0;
}

// Shares of the four styles under each rule, and how often the rules agree.
std::string classification_markdown(const psy::Instrument& ins, const psy::Model& model,
                                    const psy::ResponseMatrix& data) {
  psy::InstrumentScorer scorer(ins, model);
  std::array<double, 4> posterior{}, brennan{}, midpoint{};
  double between = 0, agree_brennan = 0, agree_midpoint = 0, n = 0, nb = 0;
  const int anx = ins.dimension_index(ins.classification->anxiety);
  const int av = ins.dimension_index(ins.classification->avoidance);
  const double mid = (ins.categories + 1) / 2.0;
  for (size_t r = 0; r < data.rows; ++r) {
    const auto s = scorer.score(data.row(r));
    posterior[static_cast<size_t>(s.styles.top)] += 1;
    between += s.styles.between();
    n += 1;
    if (!s.has_brennan) continue;
    nb += 1;
    brennan[static_cast<size_t>(s.brennan)] += 1;
    const bool hx = s.classic[static_cast<size_t>(anx)] > mid,
               hv = s.classic[static_cast<size_t>(av)] > mid;
    const auto m = static_cast<psy::Style>(hx && hv ? 3 : hv ? 2 : hx ? 1 : 0);
    midpoint[static_cast<size_t>(m)] += 1;
    agree_brennan += s.brennan == s.styles.top;
    agree_midpoint += m == s.styles.top;
  }
  std::string md =
      "| Style | posterior quadrant (modal) | Brennan et al. 1998 functions | classic scale "
      "midpoint |\n|---|---|---|---|\n";
  for (size_t k = 0; k < 4; ++k) {
    md += fmt::format("| {} | {:.1f}% | {:.1f}% | {:.1f}% |\n",
                      psy::style_name(static_cast<psy::Style>(k)), 100 * posterior[k] / n,
                      100 * brennan[k] / nb, 100 * midpoint[k] / nb);
  }
  md += fmt::format(
      "\nTop posterior probability under 0.6 (reported as between two styles): {:.1f}%. "
      "Agreement of the posterior rule with Brennan's functions: {:.1f}%; with the midpoint split: "
      "{:.1f}% (complete cases: {}).\n",
      100 * between / n, 100 * agree_brennan / nb, 100 * agree_midpoint / nb, nb);
  return md;
}

// "Q12–Q16 0.478, …": the n largest stored residual correlations.
std::string largest_residual_correlations(const psy::Instrument& ins, size_t n) {
  auto pairs = ins.residual_correlations;
  std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return a.q3 > b.q3; });
  std::string out;
  for (size_t i = 0; i < std::min(n, pairs.size()); ++i) {
    out += fmt::format("{}{}–{} {:.3f}", i ? ", " : "", ins.items[pairs[i].first].id,
                       ins.items[pairs[i].second].id, pairs[i].q3);
  }
  return out.empty() ? "none" : out;
}

int run_validate() {
  auto in = load_inputs();
  if (!in) return fail(in.error().message);
  auto cal = rows_of(*in, args.calibration_rows);
  if (!cal) return fail(cal.error().message);
  auto val = rows_of(*in, args.validation_rows);
  if (!val) return fail(val.error().message);
  std::cerr << "calibrating on rows " << args.calibration_rows << "\n";
  auto rep = psy::calibrate_instrument(in->instrument, *cal, calibration_options());
  std::cerr << "\n";
  if (!rep) return fail(rep.error().message);
  in->instrument.calibration_note = fmt::format(
      "Calibrated by `securebase irt validate` on rows {} of the ECR archive sample ({} "
      "respondents); "
      "validated on rows {}.",
      args.calibration_rows, cal->rows, args.validation_rows);
  auto model = in->instrument.model();
  if (!model) return fail(model.error().message);

  std::string md = "# Validation of the psychometrics engine on real ECR data\n\n";
  md +=
      "Generated by `make validation` (which runs `securebase irt validate`); do not edit by "
      "hand.\n\n";
  md += fmt::format(
      "Data: `../shared/data/ecr/responses.csv` (30,000 real responses to the ECR, 5-point, 0 = "
      "missing). "
      "Calibration rows {} ({} respondents); validation rows {} ({} respondents). Item wording is "
      "not "
      "part of SecureBase; items are identified by number.\n\n",
      args.calibration_rows, cal->rows, args.validation_rows, val->rows);
  md += "## Calibration (graded response model, EM with SQUAREM)\n\n" +
        calibration_markdown(in->instrument, *rep);

  md +=
      "\n## Reliability on the validation rows\n\n| Dimension | Cronbach's alpha (complete cases) "
      "| McDonald's omega | "
      "marginal reliability (EAP) |\n|---|---|---|---|\n";
  psy::Scorer scorer(*model);
  for (int d = 0; d < model->dimensions; ++d) {
    std::vector<psy::Estimate> e;
    for (size_t r = 0; r < val->rows; ++r) {
      if (std::isnan(psy::classic_means(*model, val->row(r))[static_cast<size_t>(d)])) continue;
      e.push_back(scorer.eap(val->row(r))[static_cast<size_t>(d)]);
    }
    const auto cols = model->items_of(d);
    md += fmt::format("| {} | {:.3f} | {:.3f} | {:.3f} |\n",
                      in->instrument.dimensions[static_cast<size_t>(d)].id,
                      psy::cronbach_alpha(*val, cols), psy::mcdonald_omega(*val, cols),
                      psy::marginal_reliability(e));
  }
  md +=
      "\nTarget from the issue: alpha avoidance .94 ± .01, anxiety .92 ± .01 (the archive's "
      "complete cases give "
      ".938 and .916).\n";

  md += fmt::format(
      "\n## Classification on the validation rows\n\nCut points on theta (where the expected item "
      "mean "
      "equals the scale midpoint, 3 on 1-5): anxiety {:.3f}, avoidance {:.3f}. Brennan's functions "
      "are "
      "applied to the 5-point means mapped linearly onto 1-7.\n\n",
      in->instrument.classification->cut_anxiety, in->instrument.classification->cut_avoidance);
  md += classification_markdown(in->instrument, *model, *val);

  md += "\n## Post-hoc adaptive testing on the validation rows\n\n";
  auto options = cat_options();
  md += fmt::format(
      "### The default rule: stopping at posterior SD ≤ {} (minimum {} items, maximum {}){}\n\n",
      options.se_target, options.min_items, options.max_items,
      options.min_se_reduction > 0
          ? fmt::format(", or once no item is expected to lower a dimension's SD by {}",
                        options.min_se_reduction)
          : std::string());
  md += fmt::format(
      "Next item: {}{}; a dimension whose side of its style cut point is less than {:.0f}% "
      "certain keeps being asked about, up to the maximum.\n\n",
      options.selection == psy::Selection::kExpectedPosteriorVariance
          ? "the one expected to leave the smallest posterior variance"
      : options.selection == psy::Selection::kKullbackLeibler
          ? "posterior-weighted Kullback–Leibler information"
          : "posterior-weighted Fisher information",
      options.dependence_penalty > 0 && !model->residual_correlations.empty()
          ? fmt::format(
                ", its value multiplied by (1 − Q3)^{} for each asked item whose residuals "
                "correlate with its own by Q3 on the calibration rows ({} pairs of items on one "
                "dimension with a positive Q3 of at least 0.005 are stored)",
                options.dependence_penalty, model->residual_correlations.size())
          : std::string(),
      100 * options.classification_confidence);
  std::cerr << "simulating CAT (SE stop)\n";
  const auto sim = psy::simulate_cat(in->instrument, *model, *val, options);
  md += cat_markdown(in->instrument, sim);
  psy::CatOptions fixed = options;
  fixed.se_target = 0.0;
  fixed.min_items = fixed.max_items = 12;
  std::cerr << "simulating CAT (12 items)\n";
  const auto sim12 = psy::simulate_cat(in->instrument, *model, *val, fixed);
  md += "\n### Fixed length: 12 items in total (the length of the 12-item short form)\n\n" +
        cat_markdown(in->instrument, sim12);
  md +=
      "\nGoals: at 12 items in total, r ≥ .95 with the full 18-item EAP on both dimensions; under "
      "the default stop, r ≥ .95 on both, style agreement ≥ 90% and fewer than 20% reaching the "
      "maximum. Every selection and stopping rule compared is in the table further down (`make "
      "validation`).\n";
  md +=
      "\n<!-- extended analyses: `make validation` adds what follows; `make test` compares the "
      "figures above -->\n";
  if (args.extended) {
    std::cerr << "fit statistics\n";
    md += "\n## Model and item fit on the calibration rows\n\n" +
          fit_markdown(in->instrument, *model, *cal, true);
    const psy::RowRange everything{1, in->table.rows.size(), true};
    std::cerr << "DIF by gender\n";
    md +=
        "\n## Differential item functioning (all 30,000 rows)\n\nEach item is tested by a "
        "likelihood ratio: a two-group model with the item's parameters equal in both groups "
        "against one where they may differ, the other items as anchors and the focal group's "
        "latent mean and SD free; items flagged at Benjamini–Hochberg-adjusted .05 are taken "
        "out of the anchor set and every item is tested again until the flagged set stops "
        "changing. The signed difference is the focal group's expected item score (0-4 "
        "points) minus the reference group's at the same trait level, averaged over the "
        "focal group.\n\n### By gender\n\n" +
        dif_markdown(in->instrument, in->table, everything, "gender", {"men", "1"}, {"women", "2"},
                     thread_count());
    std::cerr << "DIF by age\n";
    md +=
        "\n### By age\n\nAges are typed as free text; values that are not whole numbers "
        "from 13 to 90 are impossible or implausible and are left out.\n\n" +
        dif_markdown(in->instrument, in->table, everything, "age", {"13-24", "13-24"},
                     {"25-90", "25-90"}, thread_count());
    md += "\n## Comparing adaptive-test rules on the validation rows\n\n" +
          cat_comparison_markdown(in->instrument, *model, *val, options);
    md += fmt::format(
        "\n### Choosing the dependence penalty on the calibration rows\n\nThe calibration "
        "stores, for each pair of items on one dimension, the correlation of their residuals "
        "at the EAP scores (Yen's Q3) when it is positive: {} pairs here, the largest {}. "
        "Such items share wording or keying beyond the trait, so asking both tells less than "
        "the model says; the adaptive test multiplies a candidate's value and its predicted SD "
        "reduction by (1 − Q3) to the exponent below for each asked item it pairs with. The "
        "exponent was chosen here, on rows {} (those the calibration and Q3 came from); the "
        "validation rows above then test the choice on people it never saw.\n\n",
        model->residual_correlations.size(), largest_residual_correlations(in->instrument, 3),
        args.calibration_rows);
    md += dependence_penalty_markdown(in->instrument, *model, *cal, options);
    if (!args.bank.empty()) {
      auto bank = psy::load_instrument(args.bank);
      if (!bank) return fail(bank.error().message);
      // The adaptive test as the assessment runs it (src/features/assessment/assessment.cc):
      // the default rules with exposure control among the best three items.
      psy::CatOptions product = options;
      product.randomesque = 3;
      md += "\n## How many answers a recalibration needs\n\n" +
            sample_size_markdown(*bank, product, thread_count());
    }
  }
  md +=
      "\n## Sources\n\n- Brennan, K. A., Clark, C. L., & Shaver, P. R. (1998). Self-report "
      "measurement of adult "
      "attachment: An integrative overview. In J. A. Simpson & W. S. Rholes (Eds.), *Attachment "
      "theory and close "
      "relationships* (pp. 46–76). Guilford. (Scale structure, scoring key and classification "
      "functions.)\n"
      "- Samejima, F. (1969). Estimation of latent ability using a response pattern of graded "
      "scores. "
      "*Psychometrika Monograph Supplement*, 17.\n- Bock, R. D., & Aitkin, M. (1981). Marginal "
      "maximum likelihood "
      "estimation of item parameters: Application of an EM algorithm. *Psychometrika*, 46, "
      "443–459.\n"
      "- Varadhan, R., & Roland, C. (2008). Simple and globally convergent methods for "
      "accelerating the "
      "convergence of any EM algorithm. *Scandinavian Journal of Statistics*, 35, 335–353.\n"
      "- Orlando, M., & Thissen, D. (2000). Likelihood-based item-fit indices for dichotomous "
      "item response theory models. *Applied Psychological Measurement*, 24, 50–64. Kang, T., "
      "& Chen, T. T. (2008). Performance of the generalized S-X² item fit index for "
      "polytomous IRT models. *Journal of Educational Measurement*, 45, 391–406.\n"
      "- Maydeu-Olivares, A., & Joe, H. (2006). Limited information goodness-of-fit testing in "
      "multidimensional contingency tables. *Psychometrika*, 71, 713–732. Cai, L., & Hansen, "
      "M. (2013). Limited-information goodness-of-fit testing of hierarchical item factor "
      "models. *British Journal of Mathematical and Statistical Psychology*, 66, 245–276.\n"
      "- Chen, W.-H., & Thissen, D. (1997). Local dependence indexes for item pairs using item "
      "response theory. *Journal of Educational and Behavioral Statistics*, 22, 265–289. Yen, "
      "W. M. (1984). Effects of local item dependence on the fit and equating performance of "
      "the three-parameter logistic model. *Applied Psychological Measurement*, 8, 125–145.\n"
      "- Thissen, D., Steinberg, L., & Wainer, H. (1988). Use of item response theory in the "
      "study of group differences in trace lines. In H. Wainer & H. Braun (Eds.), *Test "
      "validity*. Erlbaum. Benjamini, Y., & Hochberg, Y. (1995). Controlling the false "
      "discovery rate. *Journal of the Royal Statistical Society B*, 57, 289–300.\n"
      "- Stocking, M. L., & Lord, F. M. (1983). Developing a common metric in item response "
      "theory. *Applied Psychological Measurement*, 7, 201–210.\n"
      "- Chang, H.-H., & Ying, Z. (1996). A global information approach to computerized "
      "adaptive testing. *Applied Psychological Measurement*, 20, 213–229. van der Linden, W. "
      "J. (1998). Bayesian item selection criteria for adaptive testing. *Psychometrika*, 63, "
      "201–216. Choi, S. W., Grady, M. W., & Dodd, B. G. (2011). A new stopping rule for "
      "computerized adaptive testing. *Educational and Psychological Measurement*, 71, 37–53.\n"
      "- Data: Open Psychometrics raw data archive, ECR-data-1March2018 (first 30,000 rows).\n";

  if (auto st = check_calibration(in->instrument, *rep); !st)
    return fail(st.error().message + "; nothing was written");
  if (auto st = write_file(args.out, psy::instrument_to_json(in->instrument)); !st)
    return fail(st.error().message);
  if (auto st = write_file(args.report, md); !st) return fail(st.error().message);
  std::cout << md;
  std::cerr << "wrote " << args.out << " and " << args.report << "\n";
  return 0;
}

int run_provisional() {
  auto bank = psy::load_instrument(args.instrument);
  if (!bank) return fail(bank.error().message);
  auto reference = psy::load_instrument(reference_path);
  if (!reference) return fail(reference.error().message);
  if (auto st = psy::apply_provisional_parameters(*bank, *reference); !st)
    return fail(st.error().message);
  if (auto st = write_file(args.out, psy::instrument_to_json(*bank)); !st)
    return fail(st.error().message);
  std::cerr << "wrote " << args.out << "\n";
  return 0;
}

}  // namespace

void add_irt_commands(CLI::App& app) {
  auto* irt = app.add_subcommand(
      "irt", "Item response theory tools: calibrate, score, simulate-cat, validate.");
  irt->require_subcommand(1);
  auto common = [](CLI::App* c, bool needs_out, bool threads = false) {
    c->add_option("--data", args.data,
                  "CSV of responses with a header row; item columns hold 1..K, 0 = no answer.")
        ->required();
    c->add_option("--instrument", args.instrument,
                  "Instrument definition (JSON, see docs/INSTRUMENTS.md).")
        ->required();
    if (threads)
      c->add_option("--threads", args.threads, "Threads for the E-step (0: one per core).");
    c->add_flag("--quiet", args.quiet, "No progress output.");
    if (needs_out)
      c->add_option("--out", args.out, "Where to write the calibrated instrument.")->required();
  };
  calibrate_cmd = irt->add_subcommand(
      "calibrate", "Fit the graded response model by marginal maximum likelihood.");
  common(calibrate_cmd, true, true);
  calibrate_cmd->add_option("--rows", args.rows, "Data rows to use, e.g. 1-20000 (default all).");
  calibrate_cmd->add_option("--report", args.report,
                            "Also write the calibration report (Markdown) here.");
  calibrate_cmd->add_option(
      "--link-to", link_to,
      "The version in use (calibrated JSON): put the new parameters, norms and cut points on "
      "its scale (Stocking-Lord, shared items as anchors), so old and new scores compare.");
  calibrate_cmd
      ->add_option("--joint-points", args.joint_points,
                   "Two dimensions: grid points per dimension for the joint step and its "
                   "log-likelihood (more: slower, closer to the exact integral).")
      ->check(CLI::Range(11, 201))
      ->capture_default_str();
  calibrate_cmd
      ->add_option("--joint-range", args.joint_range,
                   "Two dimensions: the joint grid spans this many SDs either side of 0.")
      ->check(CLI::Range(3.0, 10.0))
      ->capture_default_str();
  calibrate_cmd
      ->add_option("--tolerance", args.tolerance,
                   "EM stops when an accelerated cycle changes the log-likelihood and every "
                   "parameter by less than this.")
      ->check(CLI::Validator(
          [](const std::string& text) {
            double value = 0;
            const bool number = CLI::detail::lexical_cast(text, value);
            return number && value > 0 && value <= 1e-2
                       ? std::string()
                       : "'" + text + "' must be a number above 0 and at most 0.01";
          },
          "in (0, 0.01]"))
      ->capture_default_str();

  score_cmd = irt->add_subcommand(
      "score", "Score each row: EAP, MAP, classic means and style probabilities.");
  common(score_cmd, false);
  score_cmd->add_option("--rows", args.rows, "Data rows to score (default all).");
  score_cmd->add_option("--out", args.out, "CSV file to write (default standard output).");

  auto cat_flags = [](CLI::App* c) {
    c->add_option("--se", args.se,
                  "Stop when every dimension's posterior SD is at or below this (0: never stop "
                  "early, ask --max items).")
        ->check(CLI::Range(0.0, 5.0))
        ->capture_default_str();
    c->add_option("--max", args.max_items, "Maximum items in total.")
        ->check(CLI::Range(1, 10000))
        ->capture_default_str();
    c->add_option("--min", args.min_items, "Minimum items in total (at most --max).")
        ->check(CLI::Range(0, 10000))
        ->capture_default_str();
    c->add_option("--randomesque", args.randomesque,
                  "Choose among the best N items at random (exposure control).")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    c->add_option("--seed", args.seed, "Seed for the randomesque choice.")->capture_default_str();
    c->add_option(
         "--classification-confidence", args.confidence,
         "Keep asking about a dimension until its side of the style cut point is this certain "
         "(0 turns it off, below 1), within --max.")
        ->check(CLI::Range(0.0, 0.9999))
        ->capture_default_str();
    c->add_option("--selection", args.selection,
                  "Next-item rule: information (posterior-weighted Fisher), kl "
                  "(Kullback-Leibler) or variance (minimum expected posterior variance).")
        ->check(CLI::IsMember({"information", "kl", "variance"}))
        ->capture_default_str();
    c->add_option("--min-se-reduction", args.min_se_reduction,
                  "Also stop asking about a dimension once no item is expected to lower its "
                  "posterior SD by this much (0 turns it off).")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    c->add_option("--dependence-penalty", args.dependence_penalty,
                  "Put off items whose residuals correlate with an asked item's (the instrument's "
                  "residual_correlations): each candidate's value is multiplied by (1 - Q3) to "
                  "this power (0 turns it off).")
        ->check(CLI::Range(0.0, 100.0))
        ->capture_default_str();
    c->callback([] {
      if (args.min_items > args.max_items)
        throw CLI::ValidationError("--min", "--min " + std::to_string(args.min_items) +
                                                " is more than --max " +
                                                std::to_string(args.max_items));
    });
  };
  cat_cmd = irt->add_subcommand("simulate-cat", "Post-hoc adaptive testing on real response rows.");
  common(cat_cmd, false);
  cat_cmd->add_option("--rows", args.rows, "Data rows to simulate (default all).");
  cat_flags(cat_cmd);

  validate_cmd = irt->add_subcommand(
      "validate", "Calibrate on some rows, validate on others, write docs/VALIDATION.md.");
  common(validate_cmd, true, true);
  validate_cmd->add_option("--report", args.report, "Markdown report to write.")->required();
  validate_cmd->add_option("--calibration-rows", args.calibration_rows, "Rows to calibrate on.")
      ->capture_default_str();
  validate_cmd->add_option("--validation-rows", args.validation_rows, "Rows to validate on.")
      ->capture_default_str();
  cat_flags(validate_cmd);
  validate_cmd->add_flag("--extended", args.extended,
                         "Add the longer analyses: model and item fit, DIF by gender and age, "
                         "the adaptive-rule comparison and the sample-size study (--bank).");
  validate_cmd->add_option("--bank", args.bank,
                           "SecureBase's own bank with parameters, for the sample-size study.");

  provisional_cmd = irt->add_subcommand(
      "provisional",
      "Give an uncalibrated item bank provisional parameters from a calibrated reference.");
  add_fit_commands(*irt);
  add_facets_command(*irt);
  add_dif_command(*irt);
  provisional_cmd->add_option("--instrument", args.instrument, "The item bank (JSON).")->required();
  provisional_cmd
      ->add_option("--reference", reference_path,
                   "A calibrated instrument with the same dimension ids.")
      ->required();
  provisional_cmd
      ->add_option("--out", args.out, "Where to write the bank with provisional parameters.")
      ->required();
}

int run_irt_command(CLI::App&) {
  if (provisional_cmd && provisional_cmd->parsed()) return run_provisional();
  if (calibrate_cmd && calibrate_cmd->parsed()) return run_calibrate();
  if (score_cmd && score_cmd->parsed()) return run_score();
  if (cat_cmd && cat_cmd->parsed()) return run_simulate_cat();
  if (validate_cmd && validate_cmd->parsed()) return run_validate();
  if (const int rc = run_fit_commands(); rc >= 0) return rc;
  if (const int rc = run_facets_command(); rc >= 0) return rc;
  return run_dif_command();
}

}  // namespace sb::cli
