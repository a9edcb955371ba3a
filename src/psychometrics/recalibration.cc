#include "psychometrics/recalibration.h"

#include <algorithm>
#include <cmath>

#include "psychometrics/bifactor.h"
#include "psychometrics/calibrate.h"
#include "psychometrics/reliability.h"

namespace sb::psy {
namespace {

void report_progress(const RecalibrationOptions& options, const std::string& stage, int percent) {
  if (options.progress) options.progress(stage, std::clamp(percent, 0, 100));
}

std::vector<ItemReadiness> readiness_of(const Instrument& instrument, const ResponseMatrix& raw,
                                        const RecalibrationRule& rule) {
  const auto K = static_cast<size_t>(instrument.categories);
  std::vector<ItemReadiness> out;
  out.reserve(raw.cols);
  for (size_t j = 0; j < raw.cols; ++j) {
    std::vector<size_t> per_category(K, 0);
    for (size_t r = 0; r < raw.rows; ++r) {
      const int8_t x = raw.at(r, j);
      if (x >= 1 && static_cast<size_t>(x) <= K) ++per_category[static_cast<size_t>(x) - 1];
    }
    out.push_back(item_readiness(per_category, rule));
  }
  return out;
}

double model_reliability(const Model& model, int dimension) {
  const auto q = Quadrature::normal(61, 6.0);
  const auto information = test_information(model, dimension, q.nodes);
  double error_variance = 0;
  for (size_t i = 0; i < q.nodes.size(); ++i) error_variance += q.weights[i] / (1 + information[i]);
  return 1 - error_variance;
}

// Fit of one dimension's recalibrated items on the answer sets that hold all of them.
void add_fit(const Model& proposed, const ResponseMatrix& keyed, const std::vector<size_t>& columns,
             const RecalibrationOptions& options, DimensionComparison& dim,
             std::vector<ItemComparison>& items) {
  const auto complete = complete_cases(keyed, columns);
  dim.complete_sets = complete.rows;
  if (complete.rows < options.min_complete_for_fit) return;
  const auto model = submodel(proposed, columns);
  if (auto m2 = m2_fit(model, complete); m2) dim.fit = *m2;
  if (auto sx2 = sx2_item_fit(model, complete); sx2) {
    for (size_t i = 0; i < columns.size(); ++i) items[columns[i]].fit = (*sx2)[i];
  }
}

struct FacetResult {
  FacetComparison comparison;
  BifactorModel bifactor;  // over the dimension's recalibrated items, in column order
};

// One trait against a bifactor model over the facets of a dimension's recalibrated items.
std::optional<FacetResult> compare_facets(const Instrument& current, const ResponseMatrix& keyed,
                                          const std::vector<size_t>& columns,
                                          const RecalibrationOptions& options,
                                          const std::string& stage, int percent) {
  std::vector<int> facet;
  std::vector<std::string> names;
  for (size_t j : columns) {
    const auto& name = current.items[j].facet;
    auto at = std::find(names.begin(), names.end(), name);
    if (name.empty()) {
      facet.push_back(-1);
      continue;
    }
    if (at == names.end()) at = names.insert(names.end(), name);
    facet.push_back(static_cast<int>(at - names.begin()));
  }
  ResponseMatrix sub{keyed.rows, columns.size(), {}};
  sub.data.reserve(keyed.rows * columns.size());
  for (size_t r = 0; r < keyed.rows; ++r)
    for (size_t j : columns) sub.data.push_back(keyed.at(r, j));
  BifactorOptions bifactor_options;
  bifactor_options.quadrature_points = options.facet_quadrature_points;
  bifactor_options.threads = options.threads;
  // Where the facets add nothing, EM creeps towards zero facet slopes by tiny steps; stopping at
  // a change below 0.01 costs the bifactor model well under the 2 log ln(N) per slope that BIC
  // charges, so the comparison stands, at a fraction of the time.
  bifactor_options.loglik_tolerance = 1e-2;
  bifactor_options.max_em_steps = 300;
  // Each cycle reports the same stage again: no new progress to store, but a stopping server's
  // callback can end the calibration here too.
  bifactor_options.after_cycle = [&] { report_progress(options, stage, percent); };
  auto bifactor = calibrate_bifactor(sub, current.categories, facet, bifactor_options);
  if (!bifactor || bifactor->model.facets == 0) return std::nullopt;
  bifactor_options.specific = false;
  auto one = calibrate_bifactor(sub, current.categories, facet, bifactor_options);
  if (!one) return std::nullopt;
  const auto ic_one = information_criteria(one->log_likelihood, one->parameters, sub.rows);
  const auto ic_bi = information_criteria(bifactor->log_likelihood, bifactor->parameters, sub.rows);
  return FacetResult{
      {bifactor->model.facets, one->log_likelihood, bifactor->log_likelihood, one->parameters,
       bifactor->parameters, ic_one.bic, ic_bi.bic, ic_one.aic, ic_bi.aic},
      bifactor->model};
}

// Puts a dimension's bifactor calibration into the proposed version: the items' curves with
// their facets integrated out are linked to the current version's (`current_curves`,
// marginal_model of it), and the same linear
// map carries the general slopes and intercepts (scaling an item's predictor commutes with it).
Status adopt_bifactor(const Model& current_curves, const BifactorModel& bifactor,
                      const std::vector<size_t>& columns, DimensionComparison& dim,
                      Recalibration& out) {
  std::vector<GrmItem> anchors_current, anchors_fresh;
  for (size_t i = 0; i < columns.size(); ++i) {
    const auto& item = bifactor.items[i];
    anchors_current.push_back(current_curves.items[columns[i]]);
    anchors_fresh.push_back(marginal_item(GrmItem{item.a_general, item.c}, item.a_specific));
  }
  auto link = stocking_lord(anchors_current, anchors_fresh);
  if (!link) return link.error();
  dim.link = *link;
  for (size_t i = 0; i < columns.size(); ++i) {
    const auto& item = bifactor.items[i];
    const size_t j = columns[i];
    const GrmItem general = to_current_scale(GrmItem{item.a_general, item.c}, link->constants);
    out.instrument.items[j].parameters = general;
    out.instrument.items[j].specific_slope = item.a_specific;
    auto& row = out.report.items[j];
    row.proposed = general;
    row.specific_proposed = item.a_specific;
    row.se_a = 0;  // the bifactor calibration gives no standard errors
  }
  return ok_status();
}

// A facet slope on one item alone is not identified: where a recalibration leaves an item of
// an earlier bifactor version the only one of its facet, it keeps its curve without the facet.
void drop_lone_facet_slopes(Instrument& instrument) {
  for (auto& item : instrument.items) {
    if (item.specific_slope <= 0) continue;
    const auto peers = std::count_if(instrument.items.begin(), instrument.items.end(),
                                     [&](const InstrumentItem& other) {
                                       return other.specific_slope > 0 && other.facet == item.facet;
                                     });
    if (peers >= 2) continue;
    item.parameters = marginal_item(*item.parameters, item.specific_slope);
    item.specific_slope = 0;
  }
}

}  // namespace

ItemReadiness item_readiness(const std::vector<size_t>& per_category,
                             const RecalibrationRule& rule) {
  ItemReadiness r;
  for (size_t n : per_category) r.answers += n;
  r.fewest_in_a_category =
      per_category.empty() ? 0 : *std::min_element(per_category.begin(), per_category.end());
  r.ready = r.answers >= rule.min_answers && r.fewest_in_a_category >= rule.min_per_category;
  return r;
}

Status can_recalibrate(const Instrument& current, const std::vector<ItemReadiness>& readiness,
                       const RecalibrationRule& rule) {
  if (readiness.size() != current.items.size())
    return invalid("readiness", "one readiness entry per item is needed");
  for (const auto& dim : current.dimensions) {
    size_t ready = 0;
    for (size_t j = 0; j < current.items.size(); ++j)
      ready += current.items[j].dimension == dim.id && readiness[j].ready ? 1 : 0;
    if (ready < rule.min_items_per_dimension) {
      return Error{ErrorCode::kConflict,
                   dim.name + " has " + std::to_string(ready) + " items with enough answers; " +
                       std::to_string(rule.min_items_per_dimension) + " are needed.",
                   ""};
    }
  }
  return ok_status();
}

Result<Recalibration> recalibrate(const Instrument& current, const ResponseMatrix& raw,
                                  const RecalibrationOptions& options) {
  if (raw.cols != current.items.size())
    return invalid("answers", "one column per item of the instrument is needed");
  if (current.dimensions.size() > 2)
    return invalid("instrument", "at most two dimensions can be recalibrated");
  auto current_model = current.model();
  if (!current_model) return current_model.error();
  report_progress(options, "counting answers", 5);
  const auto readiness = readiness_of(current, raw, options.rule);
  if (auto st = can_recalibrate(current, readiness, options.rule); !st) return st.error();

  // The ready items' keyed answers, and the full keyed matrix for the fit checks.
  ResponseMatrix keyed{raw.rows, raw.cols, std::vector<int8_t>(raw.data.size(), kMissing)};
  for (size_t r = 0; r < raw.rows; ++r)
    for (size_t j = 0; j < raw.cols; ++j)
      keyed.data[r * raw.cols + j] = current.key(j, raw.at(r, j));
  std::vector<size_t> ready;
  std::vector<int> dimension;
  for (size_t j = 0; j < raw.cols; ++j) {
    if (!readiness[j].ready) continue;
    ready.push_back(j);
    dimension.push_back(current_model->dimension[j]);
  }
  ResponseMatrix subset{raw.rows, ready.size(), std::vector<int8_t>(raw.rows * ready.size())};
  for (size_t r = 0; r < raw.rows; ++r)
    for (size_t i = 0; i < ready.size(); ++i)
      subset.data[r * ready.size() + i] = keyed.at(r, ready[i]);

  CalibrationOptions calibration;
  calibration.threads = options.threads;
  const int dimensions = current_model->dimensions;
  calibration.progress = [&](int dim, int steps, double) {
    // Each dimension alone, then the joint refinement: a rough share of the time each.
    const int phase = dim < 0 ? dimensions : std::max(0, dimension[static_cast<size_t>(dim)]);
    report_progress(options, dim < 0 ? "calibrating both dimensions together" : "calibrating",
                    10 + 70 * phase / (dimensions + 1) + std::min(steps, 200) / 10);
  };
  report_progress(options, "calibrating", 10);
  auto fitted = calibrate(subset, current.categories, dimension, dimensions, calibration);
  if (!fitted) return fitted.error();

  report_progress(options, "linking to the current scale", 80);
  Recalibration out{current, {}};
  auto& report = out.report;
  report.response_sets = raw.rows;
  report.correlation_current = current.correlation;
  report.correlation_proposed = fitted->model.correlation;
  report.log_likelihood = fitted->log_likelihood;
  report.converged = std::all_of(fitted->fits.begin(), fitted->fits.end(),
                                 [](const DimensionFit& f) { return f.converged; });
  report.items.resize(current.items.size());
  for (size_t j = 0; j < current.items.size(); ++j) {
    auto& item = report.items[j];
    item.id = current.items[j].id;
    item.dimension = current.items[j].dimension;
    item.answers = readiness[j].answers;
    item.current = item.proposed = current_model->items[j];
    item.specific_current = item.specific_proposed = current.items[j].specific_slope;
  }
  out.instrument.correlation = fitted->model.correlation;
  // Linking compares curves; an item of a facet (in a bifactor version) has its facet's trait
  // integrated out of its curve first.
  const Model current_curves = marginal_model(*current_model);
  for (int d = 0; d < dimensions; ++d) {
    std::vector<GrmItem> anchors_current, anchors_fresh;
    std::vector<size_t> positions;  // in `ready`
    for (size_t i = 0; i < ready.size(); ++i) {
      if (dimension[i] != d) continue;
      positions.push_back(i);
      anchors_current.push_back(current_curves.items[ready[i]]);
      anchors_fresh.push_back(fitted->items[i].item);
    }
    auto link = stocking_lord(anchors_current, anchors_fresh);
    if (!link) return link.error();
    DimensionComparison dim;
    dim.id = current.dimensions[static_cast<size_t>(d)].id;
    dim.name = current.dimensions[static_cast<size_t>(d)].name;
    dim.items_recalibrated = positions.size();
    dim.link = *link;
    for (size_t i : positions) {
      const size_t j = ready[i];
      auto& item = report.items[j];
      item.recalibrated = true;
      item.proposed = to_current_scale(fitted->items[i].item, link->constants);
      item.se_a = fitted->items[i].se_a / link->constants.A;
      out.instrument.items[j].parameters = item.proposed;
      out.instrument.items[j].specific_slope = 0;
      out.instrument.items[j].provisional = false;
      item.specific_proposed = 0;
    }
    report.dimensions.push_back(std::move(dim));
  }

  report_progress(options, "checking reliability and fit", 85);
  drop_lone_facet_slopes(out.instrument);
  // Before any facets are adopted: the recalibrated items carry the between-item calibration.
  auto before_facets = out.instrument.model();
  if (!before_facets) return before_facets.error();
  std::vector<std::string> bifactor_scales;
  for (int d = 0; d < dimensions; ++d) {
    auto& dim = report.dimensions[static_cast<size_t>(d)];
    std::vector<size_t> columns;
    for (size_t i = 0; i < ready.size(); ++i)
      if (dimension[i] == d) columns.push_back(ready[i]);
    // Fit is that of the between-item calibration, whichever model the version adopts.
    add_fit(*before_facets, keyed, columns, options, dim, report.items);
    const std::string stage = "comparing one trait with a bifactor model over facets";
    report_progress(options, stage, 88 + 5 * d);
    auto facets = compare_facets(current, keyed, columns, options, stage, 88 + 5 * d);
    if (!facets) continue;
    dim.facets = facets->comparison;
    if (facets->comparison.bic_bifactor < facets->comparison.bic_one_trait) {
      if (auto st = adopt_bifactor(current_curves, facets->bifactor, columns, dim, out); !st)
        return st.error();
      dim.facets->adopted = true;
      bifactor_scales.push_back(dim.name);
    }
  }
  drop_lone_facet_slopes(out.instrument);
  auto proposed_model = out.instrument.model();
  if (!proposed_model) return proposed_model.error();
  for (int d = 0; d < dimensions; ++d) {
    auto& dim = report.dimensions[static_cast<size_t>(d)];
    dim.reliability_current = model_reliability(*current_model, d);
    dim.reliability_proposed = model_reliability(*proposed_model, d);
    dim.thetas = {-2, -1, 0, 1, 2};
    dim.information_current = test_information(*current_model, d, dim.thetas);
    dim.information_proposed = test_information(*proposed_model, d, dim.thetas);
  }
  for (size_t j = 0; j < current.items.size(); ++j) {
    report.items[j].proposed = *out.instrument.items[j].parameters;
    report.items[j].specific_proposed = out.instrument.items[j].specific_slope;
  }
  out.instrument.calibration_note =
      "Recalibrated from " + std::to_string(raw.rows) +
      " consented answer sets; items with enough answers (rule: " +
      std::to_string(options.rule.min_answers) + " answers, " +
      std::to_string(options.rule.min_per_category) +
      " per category) were linked to the previous version's scale by Stocking-Lord.";
  for (const auto& name : bifactor_scales) {
    out.instrument.calibration_note +=
        " " + name + " is scored with a bifactor model over its facets, which BIC favoured.";
  }
  report_progress(options, "done", 100);
  return out;
}

}  // namespace sb::psy
