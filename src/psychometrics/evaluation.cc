#include "psychometrics/evaluation.h"

#include <chrono>
#include <cmath>

#include "psychometrics/fit.h"
#include "psychometrics/reliability.h"

namespace sb::psy {

Norms norms_from_sample(const std::vector<double>& thetas, const std::vector<double>& classics,
                        int categories) {
  auto mean_sd = [](const std::vector<double>& v) {
    double m = 0, s = 0;
    for (double x : v) m += x;
    m /= static_cast<double>(v.size());
    for (double x : v) s += (x - m) * (x - m);
    return std::make_pair(m, std::sqrt(s / static_cast<double>(v.size() - 1)));
  };
  Norms n;
  std::vector<double> theta_points, classic_points;
  for (double t = -3; t <= 3.001; t += 0.25) theta_points.push_back(t);
  for (double c = 1; c <= categories + 0.001; c += 0.25) classic_points.push_back(c);
  n.theta = percentile_table(thetas, theta_points);
  n.classic = percentile_table(classics, classic_points);
  std::tie(n.theta_mean, n.theta_sd) = mean_sd(thetas);
  std::tie(n.classic_mean, n.classic_sd) = mean_sd(classics);
  return n;
}

double expected_mean(const Model& model, int dimension, double theta) {
  double total = 0;
  int n = 0;
  std::vector<double> p(static_cast<size_t>(model.categories));
  for (size_t j : model.items_of(dimension)) {
    category_probabilities(model.items[j], theta, p);
    for (size_t k = 0; k < p.size(); ++k) total += (k + 1) * p[k];
    ++n;
  }
  return n ? total / n : NAN;
}

double theta_for_mean(const Model& model, int dimension, double mean) {
  double lo = -6, hi = 6;
  for (int i = 0; i < 60; ++i) {
    const double mid = (lo + hi) / 2;
    (expected_mean(model, dimension, mid) < mean ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

InstrumentScorer::InstrumentScorer(const Instrument& instrument, const Model& model)
    : ins_(instrument), model_(model), scorer_(model) {
  if (ins_.classification) {
    anx_ = ins_.dimension_index(ins_.classification->anxiety);
    av_ = ins_.dimension_index(ins_.classification->avoidance);
  }
}

StyleProbabilities InstrumentScorer::styles(const Posterior& p) const {
  if (!ins_.classification || model_.dimensions != 2) return {};
  const auto& c = *ins_.classification;
  const double cut0 = anx_ == 0 ? c.cut_anxiety : c.cut_avoidance;
  const double cut1 = anx_ == 0 ? c.cut_avoidance : c.cut_anxiety;
  return styles_from_quadrants(scorer_.quadrant_probabilities(p, cut0, cut1), anx_ == 0);
}

PersonScore InstrumentScorer::score(std::span<const int8_t> responses) const {
  PersonScore s;
  const Posterior p = scorer_.posterior(responses);
  s.eap = scorer_.eap(p);
  s.map = scorer_.map(responses);
  s.classic = classic_means(model_, responses);
  s.styles = styles(p);
  if (ins_.classification && ins_.classification->brennan_1998 && model_.dimensions == 2 &&
      !std::isnan(s.classic[0]) && !std::isnan(s.classic[1])) {
    s.has_brennan = true;
    s.brennan =
        brennan_1998(to_seven_point(s.classic[static_cast<size_t>(av_)], model_.categories),
                     to_seven_point(s.classic[static_cast<size_t>(anx_)], model_.categories));
  }
  return s;
}

Result<CalibrationReport> calibrate_instrument(Instrument& ins, const ResponseMatrix& data,
                                               const CalibrationOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<int> dimension;
  for (const auto& it : ins.items) dimension.push_back(ins.dimension_index(it.dimension));
  const int D = static_cast<int>(ins.dimensions.size());
  auto fit = calibrate(data, ins.categories, dimension, D, options);
  if (!fit) return fit.error();

  CalibrationReport rep;
  rep.items = fit->items;
  rep.correlation = fit->model.correlation;
  rep.correlation_se = fit->correlation_se;
  rep.log_likelihood = fit->log_likelihood;
  rep.sequential_log_likelihood = fit->sequential_log_likelihood;
  rep.joint_steps = fit->joint_steps;
  rep.joint_converged = fit->joint_converged;
  rep.joint_seconds = fit->joint_seconds;
  rep.respondents = data.rows;
  for (size_t j = 0; j < ins.items.size(); ++j) {
    ins.items[j].parameters = fit->model.items[j];
    ins.items[j].provisional = false;
  }
  ins.correlation = fit->model.correlation;
  const Model& model = fit->model;
  // What the model leaves between items, for the adaptive test's choice of items.
  ins.residual_correlations = residual_correlations(model, data);

  // Scores of the calibration sample, for marginal reliability and norms.
  Scorer scorer(model);
  std::vector<std::vector<Estimate>> eaps(static_cast<size_t>(D));
  std::vector<std::vector<double>> classics(static_cast<size_t>(D));
  for (size_t r = 0; r < data.rows; ++r) {
    const auto e = scorer.eap(data.row(r));
    const auto c = classic_means(model, data.row(r));
    for (int d = 0; d < D; ++d) {
      if (std::isnan(c[static_cast<size_t>(d)])) continue;
      eaps[static_cast<size_t>(d)].push_back(e[static_cast<size_t>(d)]);
      classics[static_cast<size_t>(d)].push_back(c[static_cast<size_t>(d)]);
    }
  }
  for (int d = 0; d < D; ++d) {
    const auto cols = model.items_of(d);
    DimensionReport dr;
    dr.id = ins.dimensions[static_cast<size_t>(d)].id;
    dr.fit = fit->fits[static_cast<size_t>(d)];
    dr.alpha = cronbach_alpha(data, cols);
    dr.omega = mcdonald_omega(data, cols);
    dr.marginal = marginal_reliability(eaps[static_cast<size_t>(d)]);
    dr.item_rest = item_rest_correlations(data, cols);
    for (size_t j : cols) dr.item_ids.push_back(ins.items[j].id);
    std::vector<double> thetas;
    for (double t = -3; t <= 3.001; t += 0.5) thetas.push_back(t);
    const auto info = test_information(model, d, thetas);
    for (size_t i = 0; i < thetas.size(); ++i) dr.information.emplace_back(thetas[i], info[i]);

    std::vector<double> theta_values;
    for (const auto& e : eaps[static_cast<size_t>(d)]) theta_values.push_back(e.theta);
    const Norms n =
        norms_from_sample(theta_values, classics[static_cast<size_t>(d)], ins.categories);
    auto& dim = ins.dimensions[static_cast<size_t>(d)];
    dim.norms = n;
    dim.reliability = ReliabilityFigures{dr.alpha, dr.omega, dr.marginal, n.classic_sd};
    rep.dimensions.push_back(dr);
  }
  if (ins.classification) {
    // "High" means answering above the scale's midpoint on average: the theta at which the
    // expected classic mean equals (K + 1) / 2.
    const double midpoint = (ins.categories + 1) / 2.0;
    auto& c = *ins.classification;
    c.cut_anxiety = theta_for_mean(model, ins.dimension_index(c.anxiety), midpoint);
    c.cut_avoidance = theta_for_mean(model, ins.dimension_index(c.avoidance), midpoint);
  }
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return rep;
}

CatSimulation simulate_cat(const Instrument& ins, const Model& model, const ResponseMatrix& data,
                           const CatOptions& options) {
  InstrumentScorer full(ins, model);
  const Scorer& scorer = full.scorer();
  CatOptions opts = options;
  if (ins.classification && model.dimensions == 2) {
    opts.cut[ins.dimension_index(ins.classification->anxiety)] = ins.classification->cut_anxiety;
    opts.cut[ins.dimension_index(ins.classification->avoidance)] =
        ins.classification->cut_avoidance;
  }
  CatEngine engine(scorer, opts);
  const size_t D = static_cast<size_t>(model.dimensions);
  CatSimulation out;
  out.mean_items_per_dimension.assign(D, 0.0);
  std::vector<std::vector<double>> cat_theta(D), full_theta(D);
  size_t agree = 0, steps = 0;
  double seconds = 0;
  for (size_t r = 0; r < data.rows; ++r) {
    const auto row = data.row(r);
    const Posterior full_post = scorer.posterior(row);
    const auto full_eap = scorer.eap(full_post);
    const auto full_style = full.styles(full_post);
    // Items this person did not answer can never be asked.
    std::vector<bool> used(model.size());
    for (size_t j = 0; j < model.size(); ++j) used[j] = row[j] == kMissing;
    Posterior p = scorer.posterior({});
    std::vector<size_t> asked;
    std::vector<size_t> per_dim(D, 0);
    CatDecision decision;
    while (true) {
      const auto t0 = std::chrono::steady_clock::now();
      decision = engine.decide(p, used, asked);
      if (!decision.done) {
        const size_t j = *decision.next_item;
        scorer.update(p, j, row[j]);
        used[j] = true;
        asked.push_back(j);
        ++per_dim[static_cast<size_t>(model.dimension[j])];
      }
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      ++steps;
      if (decision.done) break;
    }
    for (size_t d = 0; d < D; ++d) {
      cat_theta[d].push_back(decision.estimates[d].theta);
      full_theta[d].push_back(full_eap[d].theta);
      out.mean_items_per_dimension[d] += static_cast<double>(per_dim[d]);
    }
    out.mean_items += static_cast<double>(asked.size());
    if (static_cast<int>(asked.size()) >= opts.max_items) out.at_cap += 1;
    if (ins.classification && D == 2 && full.styles(p).top == full_style.top) ++agree;
    ++out.persons;
  }
  const double n = static_cast<double>(out.persons);
  out.mean_items /= n;
  for (size_t d = 0; d < D; ++d) {
    out.mean_items_per_dimension[d] /= n;
    out.correlation.push_back(pearson(cat_theta[d], full_theta[d]));
    double se = 0;
    for (size_t i = 0; i < cat_theta[d].size(); ++i) {
      se += (cat_theta[d][i] - full_theta[d][i]) * (cat_theta[d][i] - full_theta[d][i]);
    }
    out.rmse.push_back(std::sqrt(se / n));
  }
  out.style_agreement = static_cast<double>(agree) / n;
  out.at_cap /= n;
  out.microseconds_per_step = 1e6 * seconds / static_cast<double>(steps);
  return out;
}

}  // namespace sb::psy
