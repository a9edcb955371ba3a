#include "features/assessment/recalibration.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>

#include "core/strings.h"
#include "features/assessment/assessments_repo.h"

namespace sb::assessment {
namespace {

namespace json = boost::json;

// Thrown from the progress callback when the server is stopping; caught in run().
struct Stopping {};

json::array numbers(const std::vector<double>& values) {
  json::array out;
  for (double v : values) out.push_back(v);
  return out;
}

json::object item_json(const psy::GrmItem& item) {
  std::vector<double> b;
  b.reserve(item.c.size());
  for (size_t k = 0; k < item.c.size(); ++k) b.push_back(item.threshold(k));
  return {{"a", item.a}, {"b", numbers(b)}};
}

json::object model_fit_json(const psy::ModelFit& fit) {
  return {{"m2", fit.m2},       {"df", fit.df},   {"p", fit.p},     {"rmsea", fit.rmsea},
          {"srmsr", fit.srmsr}, {"cfi", fit.cfi}, {"tli", fit.tli}, {"persons", fit.persons}};
}

}  // namespace

std::string next_version(const std::string& current, int64_t calibration_id) {
  // MAJOR.MINOR.PATCH, each a run of digits.
  const auto parts = split(current, '.');
  const bool semantic =
      parts.size() == 3 && std::all_of(parts.begin(), parts.end(), [](std::string_view p) {
        return !p.empty() && p.size() < 9 &&
               p.find_first_not_of("0123456789") == std::string_view::npos;
      });
  if (semantic) return fmt::format("{}.{}.0", parts[0], std::stoll(std::string(parts[1])) + 1);
  return fmt::format("{}-r{}", current, calibration_id);
}

std::string report_to_json(const psy::RecalibrationReport& report) {
  json::array dimensions, items;
  for (const auto& d : report.dimensions) {
    json::object o{{"id", d.id},
                   {"name", d.name},
                   {"items_recalibrated", d.items_recalibrated},
                   {"link_A", d.link.constants.A},
                   {"link_B", d.link.constants.B},
                   {"reliability_current", d.reliability_current},
                   {"reliability_proposed", d.reliability_proposed},
                   {"thetas", numbers(d.thetas)},
                   {"information_current", numbers(d.information_current)},
                   {"information_proposed", numbers(d.information_proposed)},
                   {"complete_sets", d.complete_sets}};
    if (d.fit) o["fit"] = model_fit_json(*d.fit);
    if (d.facets) {
      const auto& f = *d.facets;
      o["facets"] = json::object{{"facets", f.facets},
                                 {"bic_one_trait", f.bic_one_trait},
                                 {"bic_bifactor", f.bic_bifactor},
                                 {"aic_one_trait", f.aic_one_trait},
                                 {"aic_bifactor", f.aic_bifactor},
                                 {"log_likelihood_one_trait", f.log_likelihood_one_trait},
                                 {"log_likelihood_bifactor", f.log_likelihood_bifactor},
                                 {"adopted", f.adopted}};
    }
    dimensions.push_back(std::move(o));
  }
  for (const auto& i : report.items) {
    json::object o{{"id", i.id},
                   {"dimension", i.dimension},
                   {"answers", i.answers},
                   {"recalibrated", i.recalibrated},
                   {"current", item_json(i.current)},
                   {"proposed", item_json(i.proposed)},
                   {"se_a", i.se_a}};
    if (i.specific_current > 0) o["specific_current"] = i.specific_current;
    if (i.specific_proposed > 0) o["specific_proposed"] = i.specific_proposed;
    if (i.fit)
      o["fit"] = json::object{
          {"sx2", i.fit->sx2}, {"df", i.fit->df}, {"p", i.fit->p}, {"rmsea", i.fit->rmsea}};
    items.push_back(std::move(o));
  }
  return json::serialize(json::object{{"response_sets", report.response_sets},
                                      {"correlation_current", report.correlation_current},
                                      {"correlation_proposed", report.correlation_proposed},
                                      {"log_likelihood", report.log_likelihood},
                                      {"converged", report.converged},
                                      {"dimensions", dimensions},
                                      {"items", items}});
}

Recalibrations::Recalibrations(store::Database& db, const Clock& clock, Assessments& assessments,
                               unsigned threads)
    : db_(db), clock_(clock), assessments_(assessments), threads_(threads) {}

Result<RecalibrationStatus> Recalibrations::status() {
  auto bank = assessments_.current_bank();
  if (!bank) return bank.error();
  const auto& instrument = (*bank)->instrument;
  RecalibrationStatus out;
  out.instrument_id = instrument.id;
  out.current_version = instrument.version;
  out.current_provisional = (*bank)->provisional();
  store::AssessmentsRepo answers(db_);
  auto sets = answers.count_consented_complete(instrument.id);
  if (!sets) return sets.error();
  out.response_sets = *sets;
  auto counts = answers.consented_answer_counts(instrument.id);
  if (!counts) return counts.error();
  const auto K = static_cast<size_t>(instrument.categories);
  std::vector<std::vector<size_t>> per_category(instrument.items.size(), std::vector<size_t>(K));
  for (const auto& c : *counts) {
    const int j = instrument.item_index(c.item_id);
    if (j < 0 || c.answer < 1 || static_cast<size_t>(c.answer) > K) continue;
    per_category[static_cast<size_t>(j)][static_cast<size_t>(c.answer) - 1] +=
        static_cast<size_t>(c.count);
  }
  std::vector<psy::ItemReadiness> readiness;
  readiness.reserve(instrument.items.size());
  for (size_t j = 0; j < instrument.items.size(); ++j) {
    const auto& item = instrument.items[j];
    const int d = instrument.dimension_index(item.dimension);
    readiness.push_back(psy::item_readiness(per_category[j], out.rule));
    out.items.push_back({item.id, instrument.dimensions[static_cast<size_t>(d)].name,
                         item.text.value_or(item.id), readiness.back()});
    out.ready_items += readiness.back().ready ? 1 : 0;
  }
  out.can_start = psy::can_recalibrate(instrument, readiness, out.rule);
  store::RecalibrationsRepo repo(db_);
  auto recent = repo.recent(instrument.id, 5);
  if (!recent) return recent.error();
  out.recent = std::move(*recent);
  auto versions = repo.versions(instrument.id);
  if (!versions) return versions.error();
  out.versions = std::move(*versions);
  return out;
}

Result<int64_t> Recalibrations::start() {
  auto now = status();
  if (!now) return now.error();
  if (!now->can_start) return now->can_start.error();
  store::RecalibrationsRepo repo(db_);
  const int64_t t = clock_.now();
  return repo.queue(now->instrument_id, now->current_version, t, t - kStaleAfterSeconds);
}

Result<store::CalibrationRecord> Recalibrations::find(int64_t id) {
  store::RecalibrationsRepo repo(db_);
  auto found = repo.find(id);
  if (!found) return found.error();
  if (!found->has_value()) return Error{ErrorCode::kNotFound, "There is no such calibration.", ""};
  return std::move(**found);
}

Result<bool> Recalibrations::run_next(const std::atomic<bool>& stopping) {
  store::RecalibrationsRepo repo(db_);
  auto claimed = repo.claim_next(clock_.now());
  if (!claimed) return claimed.error();
  if (!claimed->has_value()) return false;
  const auto& calibration = **claimed;
  // The log's start and end, to the millisecond, let a benchmark find the time it ran.
  spdlog::info("calibration {} started", calibration.id);
  const auto began = std::chrono::steady_clock::now();
  const Status outcome = run(calibration, stopping);
  spdlog::info("calibration {} ended after {} ms", calibration.id,
               std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - began)
                   .count());
  if (const auto& st = outcome; !st) {
    spdlog::warn("calibration {} failed: {}", calibration.id, st.error().message);
    // The page shows the reasons SecureBase gives itself; a store's or driver's text stays in
    // the log.
    const auto code = st.error().code;
    const bool ours = code == ErrorCode::kConflict || code == ErrorCode::kInvalidArgument ||
                      code == ErrorCode::kNotFound;
    const std::string why = ours ? st.error().message
                                 : fmt::format(
                                       "It stopped with an error; the server log has the details "
                                       "(calibration {}).",
                                       calibration.id);
    if (auto marked = repo.fail(calibration.id, why, clock_.now()); !marked) return marked.error();
  }
  return true;
}

Status Recalibrations::run(const store::CalibrationRecord& calibration,
                           const std::atomic<bool>& stopping) {
  store::RecalibrationsRepo repo(db_);
  const auto bank = assessments_.bank(calibration.base_version);
  const auto& current = bank->instrument;
  if (current.version != calibration.base_version)
    return Error{ErrorCode::kNotFound, "Version " + calibration.base_version + " is not stored.",
                 ""};
  if (auto st = repo.report_progress(calibration.id, "reading answers", 2, clock_.now()); !st)
    return st;
  store::AssessmentsRepo answers(db_);
  const auto read_began = std::chrono::steady_clock::now();
  auto sets = answers.consented_answers(current.id);
  if (!sets) return sets.error();
  spdlog::info("calibration {} read {} answer sets in {} ms", calibration.id, sets->size(),
               std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - read_began)
                   .count());
  psy::ResponseMatrix raw{sets->size(), current.items.size(),
                          std::vector<int8_t>(sets->size() * current.items.size(), 0)};
  for (size_t r = 0; r < sets->size(); ++r) {
    for (const auto& a : (*sets)[r]) {
      if (const int j = current.item_index(a.item_id);
          j >= 0 && a.answer >= 1 && a.answer <= current.categories)
        raw.data[r * raw.cols + static_cast<size_t>(j)] = static_cast<int8_t>(a.answer);
    }
  }
  psy::RecalibrationOptions options;
  options.threads = threads_;
  int last_percent = -1;
  int64_t last_write = 0;
  options.progress = [&](const std::string& stage, int percent) {
    if (stopping.load()) throw Stopping{};
    // A new percent, or the same one again after kHeartbeatSeconds: a long stage must not look
    // like a stopped server (kStaleAfterSeconds) to an administrator starting another.
    const int64_t now = clock_.now();
    if (percent == last_percent && now - last_write < kHeartbeatSeconds) return;
    last_percent = percent;
    last_write = now;
    // A failed progress write only delays what the page shows; the calibration goes on.
    if (auto st = repo.report_progress(calibration.id, stage, percent, now); !st)
      spdlog::warn("calibration {}: progress not stored: {}", calibration.id, st.error().message);
  };
  Result<psy::Recalibration> result = Error{ErrorCode::kInternal, "not run", ""};
  try {
    result = psy::recalibrate(current, raw, options);
  } catch (const Stopping&) {
    return Error{ErrorCode::kConflict, "The server stopped while it was running.", ""};
  }
  if (!result) return result.error();
  return repo.finish(calibration.id, static_cast<int64_t>(raw.rows), report_to_json(result->report),
                     psy::instrument_to_json(result->instrument), clock_.now());
}

Result<std::string> Recalibrations::publish(int64_t id) {
  auto calibration = find(id);
  if (!calibration) return calibration.error();
  if (calibration->status != "done")
    return Error{ErrorCode::kConflict, "Only a finished calibration can be published.", ""};
  auto instrument = psy::parse_instrument(calibration->instrument_json);
  if (!instrument) return instrument.error();
  instrument->version = next_version(calibration->base_version, id);
  if (auto st = check_assessment_instrument(*instrument); !st) return st.error();
  store::RecalibrationsRepo repo(db_);
  if (auto st =
          repo.publish(id, instrument->version, psy::instrument_to_json(*instrument), clock_.now());
      !st)
    return st.error();
  return instrument->version;
}

Status Recalibrations::import_version(const psy::Instrument& instrument) {
  if (instrument.id != assessments_.instrument().id)
    return invalid("id", "this is " + instrument.id + ", not the questionnaire in use (" +
                             assessments_.instrument().id + ")");
  if (instrument.version == assessments_.instrument().version)
    return Error{ErrorCode::kConflict,
                 "Version " + instrument.version + " is the one in the content folder.", ""};
  if (auto st = check_assessment_instrument(instrument); !st) return st;
  store::RecalibrationsRepo repo(db_);
  return repo.publish_imported(instrument.id, instrument.version,
                               psy::instrument_to_json(instrument), clock_.now());
}

}  // namespace sb::assessment
