#include "features/assessment/assessment.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cassert>
#include <cmath>

#include "accounts/crypto.h"
#include "core/csv.h"
#include "core/strings.h"
#include "features/assessment/assessments_repo.h"
#include "features/assessment/fhir.h"
#include "features/assessment/recalibrations_repo.h"
#include "psychometrics/reliability.h"

namespace sb::assessment {

namespace json = boost::json;

struct Assessments::Loaded {
  std::shared_ptr<const Bank> bank;  // the version the assessment was started with
  store::AssessmentRecord record;
  std::vector<store::AnswerRecord> rows;
  std::vector<psy::Answer> answers;  // item index, keyed category
};

namespace {

Error not_found() { return Error{ErrorCode::kNotFound, "There is no such assessment.", ""}; }
Error conflict(const std::string& why) { return Error{ErrorCode::kConflict, why, ""}; }

bool owns(const Owner& owner, const store::AssessmentRecord& a) {
  if (a.user_id) return owner.user_id && *owner.user_id == *a.user_id;
  return owner.session_id != 0 && a.session_id && *a.session_id == owner.session_id;
}

bool valid_public_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 &&
         id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
             std::string::npos;
}

}  // namespace

Bank::Bank(psy::Instrument from) : instrument(std::move(from)) {
  auto built = instrument.model();
  assert(built && "the instrument was checked before it was made a bank");
  model = std::move(*built);
  scorer = std::make_unique<psy::InstrumentScorer>(instrument, model);
  options.classification_confidence = 0.8;
  // Exposure control: choosing among the best three spreads answers over the whole bank, so
  // every item collects the consented answers a recalibration needs (docs/VALIDATION.md, "How
  // many answers a recalibration needs"); on the ECR rows it costs no accuracy.
  options.randomesque = 3;
  if (instrument.classification) {
    const auto& c = *instrument.classification;
    options.cut[instrument.dimension_index(c.anxiety)] = c.cut_anxiety;
    options.cut[instrument.dimension_index(c.avoidance)] = c.cut_avoidance;
  }
}

size_t Bank::provisional_items() const {
  return static_cast<size_t>(std::count_if(instrument.items.begin(), instrument.items.end(),
                                           [](const auto& i) { return i.provisional; }));
}

Status check_assessment_instrument(const psy::Instrument& instrument) {
  if (auto model = instrument.model(); !model) return model.error();
  if (!instrument.classification || instrument.dimensions.size() != 2)
    return invalid("instrument", "the assessment needs two dimensions and a classification rule");
  return ok_status();
}

Assessments::Assessments(store::Database& db, const Clock& clock, const psy::Instrument& instrument)
    : db_(db), clock_(clock), built_in_(std::make_shared<const Bank>(instrument)) {}

Result<std::shared_ptr<const Bank>> Assessments::current_bank() {
  // Every start asks which version is newest; only a version not seen before is read whole.
  store::RecalibrationsRepo repo(db_);
  auto latest = repo.latest_version_name(built_in_->instrument.id);
  if (!latest) return latest.error();
  if (!latest->has_value()) return built_in_;
  return published_bank(**latest);
}

Result<std::shared_ptr<const Bank>> Assessments::published_bank(const std::string& version) {
  if (version == built_in_->instrument.version) return built_in_;
  {
    std::lock_guard lock(banks_mu_);
    if (auto it = banks_.find(version); it != banks_.end()) return it->second;
  }
  store::RecalibrationsRepo repo(db_);
  auto found = repo.version(built_in_->instrument.id, version);
  if (!found) return found.error();
  if (!found->has_value())
    return Error{ErrorCode::kNotFound, "version " + version + " is not stored", ""};
  auto parsed = psy::parse_instrument((*found)->instrument_json);
  if (!parsed) return parsed.error();
  if (auto st = check_assessment_instrument(*parsed); !st) return st.error();
  auto made = std::make_shared<const Bank>(std::move(*parsed));
  std::lock_guard lock(banks_mu_);
  return banks_.try_emplace(version, std::move(made)).first->second;
}

std::shared_ptr<const Bank> Assessments::bank(const std::string& version) {
  auto found = published_bank(version);
  return found ? *found : built_in_;
}

Result<std::string> Assessments::start(const Owner& owner, bool consent) {
  if (!owner.user_id && owner.session_id == 0) {
    return Error{ErrorCode::kUnauthenticated, "A session is needed to keep your answers.", ""};
  }
  auto bank = current_bank();
  if (!bank) return bank.error();
  const std::string public_id = crypto::random_token(16);
  store::AssessmentsRepo repo(db_);
  auto id = repo.create(public_id, owner, (*bank)->instrument.id, (*bank)->instrument.version,
                        consent, clock_.now());
  if (!id) return id.error();
  return public_id;
}

Result<Assessments::Loaded> Assessments::load(const Owner& owner, const std::string& public_id) {
  if (!valid_public_id(public_id)) return not_found();
  store::AssessmentsRepo repo(db_);
  auto rec = repo.find(public_id);
  if (!rec) return rec.error();
  if (!rec->has_value() || !owns(owner, **rec)) return not_found();
  Loaded loaded{bank((*rec)->instrument_version), **rec, {}, {}};
  auto rows = repo.answers(loaded.record.id);
  if (!rows) return rows.error();
  loaded.rows = std::move(*rows);
  const auto& instrument = loaded.bank->instrument;
  for (const auto& r : loaded.rows) {
    const int index = instrument.item_index(r.item_id);
    if (index < 0) continue;  // an item retired from the bank: nothing to score it with
    loaded.answers.emplace_back(static_cast<size_t>(index),
                                instrument.key(static_cast<size_t>(index), r.answer));
  }
  return loaded;
}

psy::CatDecision Assessments::decide(const Bank& bank, const std::vector<psy::Answer>& answers) {
  psy::CatEngine engine(bank.scorer->scorer(), bank.options);
  return engine.decide(answers);
}

AssessmentResult Assessments::score(const Bank& bank, const std::string& public_id,
                                    const std::vector<psy::Answer>& answers, int64_t when) {
  const auto& instrument = bank.instrument;
  const auto& scorer = bank.scorer;
  std::vector<int8_t> responses(bank.model.size(), psy::kMissing);
  for (const auto& [item, category] : answers) responses[item] = category;
  const auto s = scorer->score(responses);
  const auto posterior = scorer->scorer().posterior(responses);
  AssessmentResult r;
  r.public_id = public_id;
  r.instrument_id = instrument.id;
  r.instrument_version = instrument.version;
  r.provisional = bank.provisional();
  r.completed_at = when;
  r.items_answered = static_cast<int>(answers.size());
  const int anx = instrument.dimension_index(instrument.classification->anxiety);
  const int av = instrument.dimension_index(instrument.classification->avoidance);
  auto fill = [&](DimensionResult& d, int index) {
    const auto& dim = instrument.dimensions[static_cast<size_t>(index)];
    d.id = dim.id;
    d.name = dim.name;
    d.theta = s.eap[static_cast<size_t>(index)].theta;
    d.se = s.eap[static_cast<size_t>(index)].se;
    d.classic = s.classic[static_cast<size_t>(index)];
    d.percentile = dim.norms ? psy::lookup_percentile(dim.norms->theta, d.theta) : NAN;
  };
  fill(r.anxiety, anx);
  fill(r.avoidance, av);
  r.covariance = scorer->scorer().posterior_covariance(posterior);
  r.style_probability = s.styles.p;
  r.top = s.styles.top;
  r.runner_up = s.styles.runner_up;
  r.between = s.styles.between();
  return r;
}

Status Assessments::finish_if_done(const Loaded& loaded) {
  if (loaded.record.completed) return ok_status();
  const auto decision = decide(*loaded.bank, loaded.answers);
  if (!decision.done) return ok_status();
  const auto result = score(*loaded.bank, loaded.record.public_id, loaded.answers, clock_.now());
  store::AssessmentsRepo repo(db_);
  return repo.complete(loaded.record.id, result_to_json(result), clock_.now());
}

Result<Step> Assessments::current(const Owner& owner, const std::string& public_id) {
  auto loaded = load(owner, public_id);
  if (!loaded) return loaded.error();
  if (loaded->record.completed) return Step{true, std::nullopt};
  const auto decision = decide(*loaded->bank, loaded->answers);
  if (decision.done) {
    // Also completes an assessment whose last answer was stored just before a crash.
    if (auto st = finish_if_done(*loaded); !st) return st.error();
    return Step{true, std::nullopt};
  }
  const auto& instrument = loaded->bank->instrument;
  const auto& item = instrument.items[*decision.next_item];
  Question q{public_id,         static_cast<int>(loaded->rows.size()),
             item.id,           item.text.value_or(item.id),
             instrument.labels, loaded->bank->options.max_items};
  return Step{false, q};
}

Status Assessments::answer(const Owner& owner, const std::string& public_id, int position,
                           const std::string& item_id, int value) {
  // Reading the state, storing the answer and completing the assessment are one transaction
  // on one connection: a concurrent answer cannot slip in between, and nothing is half stored.
  return db_.in_transaction([&]() -> Status {
    // Whose assessment first: someone else's is "not found", whatever the answer says.
    auto loaded = load(owner, public_id);
    if (!loaded) return loaded.error();
    const auto& instrument = loaded->bank->instrument;
    if (value < 1 || value > instrument.categories)
      return invalid("answer", "Please choose one of the answers.");
    if (instrument.item_index(item_id) < 0)
      return invalid("item", "That question is not part of this questionnaire.");
    if (loaded->record.completed) return conflict("This assessment is already complete.");
    const auto decision = decide(*loaded->bank, loaded->answers);
    if (decision.done) return conflict("This assessment is already complete.");
    if (position != static_cast<int>(loaded->rows.size()) ||
        item_id != instrument.items[*decision.next_item].id) {
      return conflict("That answer was for a question that is no longer the current one.");
    }
    store::AssessmentsRepo repo(db_);
    if (auto st = repo.add_answer(loaded->record.id, position, item_id, value, clock_.now()); !st)
      return st;
    const size_t index = *decision.next_item;
    loaded->answers.emplace_back(index, instrument.key(index, value));
    return finish_if_done(*loaded);
  });
}

Result<int> Assessments::back(const Owner& owner, const std::string& public_id, int position) {
  auto loaded = load(owner, public_id);
  if (!loaded) return loaded.error();
  if (loaded->rows.empty() || position != static_cast<int>(loaded->rows.size()) - 1) {
    return conflict("Only the last answer can be changed.");
  }
  store::AssessmentsRepo repo(db_);
  if (auto st = repo.remove_answer(loaded->record.id, position); !st) return st.error();
  return loaded->rows.back().answer;
}

Result<AssessmentResult> Assessments::result(const Owner& owner, const std::string& public_id) {
  auto loaded = load(owner, public_id);
  if (!loaded) return loaded.error();
  if (!loaded->record.completed) return conflict("This assessment is not complete yet.");
  return result_from_json(loaded->record.result_json);
}

Result<std::vector<HistoryEntry>> Assessments::history(const Owner& owner) {
  std::vector<HistoryEntry> out;
  if (!owner.user_id) return out;
  store::AssessmentsRepo repo(db_);
  auto all = repo.for_user(*owner.user_id);
  if (!all) return all.error();
  for (const auto& a : *all) {
    if (!a.completed) continue;
    auto r = result_from_json(a.result_json);
    if (!r) continue;
    HistoryEntry e{*r, std::nullopt, std::nullopt};
    if (!out.empty()) {
      const auto& prev = out.back().result;
      e.anxiety_change = psy::reliable_change_theta({prev.anxiety.theta, prev.anxiety.se},
                                                    {r->anxiety.theta, r->anxiety.se});
      e.avoidance_change = psy::reliable_change_theta({prev.avoidance.theta, prev.avoidance.se},
                                                      {r->avoidance.theta, r->avoidance.se});
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<std::string>> Assessments::unfinished(const Owner& owner) {
  std::vector<std::string> out;
  store::AssessmentsRepo repo(db_);
  if (!owner.user_id && owner.session_id == 0) return out;
  // A visitor who has not signed in finds their unfinished assessment again through their session.
  auto all = owner.user_id ? repo.for_user(*owner.user_id) : repo.for_session(owner.session_id);
  if (!all) return all.error();
  for (const auto& a : *all) {
    if (!a.completed) out.push_back(a.public_id);
  }
  return out;
}

Status Assessments::adopt(int64_t session_id, int64_t user_id) {
  store::AssessmentsRepo repo(db_);
  return repo.adopt(session_id, user_id);
}

Status Assessments::for_each_with_answers(
    const Owner& owner, const std::function<void(const store::AssessmentRecord&,
                                                 const std::vector<store::AnswerRecord>&)>& fn) {
  if (!owner.user_id) return ok_status();
  store::AssessmentsRepo repo(db_);
  auto all = repo.for_user(*owner.user_id);
  if (!all) return all.error();
  for (const auto& a : *all) {
    auto rows = repo.answers(a.id);
    if (!rows) return rows.error();
    fn(a, *rows);
  }
  return ok_status();
}

Result<std::string> Assessments::export_json(const Owner& owner) {
  json::array list;
  auto st = for_each_with_answers(owner, [&](const auto& a, const auto& rows) {
    json::array answers;
    for (const auto& r : rows) {
      answers.push_back({{"position", r.position},
                         {"item", r.item_id},
                         {"answer", r.answer},
                         {"answered_at", iso8601(r.answered_at)}});
    }
    json::object o{{"id", a.public_id},
                   {"instrument", a.instrument_id},
                   {"instrument_version", a.instrument_version},
                   {"consent_to_research", a.consent},
                   {"status", a.completed ? "completed" : "in_progress"},
                   {"started_at", iso8601(a.started_at)},
                   {"answers", answers}};
    if (a.completed) o["result"] = json::parse(a.result_json);
    list.push_back(o);
  });
  if (!st) return st.error();
  return json::serialize(list);
}

Result<std::string> Assessments::export_csv(const Owner& owner) {
  auto h = history(owner);
  if (!h) return h.error();
  std::string csv =
      "completed_at,instrument,instrument_version,items_answered,anxiety_theta,anxiety_se,anxiety_"
      "percentile,"
      "avoidance_theta,avoidance_se,avoidance_percentile,style,p_secure,p_anxious_preoccupied,"
      "p_avoidant_dismissive,p_fearful_avoidant\n";
  for (const auto& e : *h) {
    const auto& r = e.result;
    csv += fmt::format(
        "{},{},{},{},{:.4f},{:.4f},{:.1f},{:.4f},{:.4f},{:.1f},{},{:.4f},{:.4f},{:.4f},{:.4f}\n",
        iso8601(r.completed_at), csv_cell(r.instrument_id), csv_cell(r.instrument_version),
        r.items_answered, r.anxiety.theta, r.anxiety.se, r.anxiety.percentile, r.avoidance.theta,
        r.avoidance.se, r.avoidance.percentile, psy::style_id(r.top), r.style_probability[0],
        r.style_probability[1], r.style_probability[2], r.style_probability[3]);
  }
  return csv;
}

Result<std::map<int64_t, Assessments::FirstAndLatest>> Assessments::first_and_latest(
    const std::vector<int64_t>& user_ids) {
  store::AssessmentsRepo repo(db_);
  auto rows = repo.first_and_latest(user_ids);
  if (!rows) return rows.error();
  std::map<int64_t, FirstAndLatest> out;
  for (const auto& row : *rows) {  // by user, oldest first
    auto r = result_from_json(row.result_json);
    if (!r || !row.user_id) continue;
    r->public_id = row.public_id;
    r->completed_at = row.completed_at.value_or(row.started_at);
    auto [it, added] = out.try_emplace(*row.user_id, FirstAndLatest{*r, *r});
    if (!added) it->second.latest = *r;
  }
  return out;
}

Result<std::string> Assessments::export_fhir(const Owner& owner) {
  json::array entries;
  auto add = [&](json::object resource) {
    // fullUrl must be absolute; our ids are not UUIDs, so they live under SecureBase's base.
    const std::string url = "https://securebase.example/fhir/" +
                            json::value_to<std::string>(resource.at("resourceType")) + "/" +
                            json::value_to<std::string>(resource.at("id"));
    entries.push_back(json::object{{"fullUrl", url}, {"resource", std::move(resource)}});
  };
  const auto& instrument = built_in_->instrument;
  add(fhir_questionnaire(instrument));
  auto st = for_each_with_answers(owner, [&](const auto& a, const auto& rows) {
    add(fhir_questionnaire_response(instrument, a, rows));
    if (!a.completed) return;
    auto r = result_from_json(a.result_json);
    if (!r) return;
    add(fhir_observation(a, r->anxiety));
    add(fhir_observation(a, r->avoidance));
  });
  if (!st) return st.error();
  json::object bundle{{"resourceType", "Bundle"},
                      {"type", "collection"},
                      {"timestamp", iso8601(clock_.now())},
                      {"entry", entries}};
  return json::serialize(bundle);
}

Result<std::string> Assessments::consented_answers_csv() {
  const auto& instrument = built_in_->instrument;
  store::AssessmentsRepo repo(db_);
  auto sets = repo.consented_answers(instrument.id);
  if (!sets) return sets.error();
  std::string csv;
  for (size_t j = 0; j < instrument.items.size(); ++j) {
    if (j) csv += ',';
    csv += instrument.items[j].id;
  }
  csv += '\n';
  for (const auto& set : *sets) {
    std::vector<int> row(instrument.items.size(), 0);
    for (const auto& a : set) {
      if (const int j = instrument.item_index(a.item_id); j >= 0)
        row[static_cast<size_t>(j)] = a.answer;
    }
    for (size_t j = 0; j < row.size(); ++j) {
      if (j) csv += ',';
      csv += std::to_string(row[j]);
    }
    csv += '\n';
  }
  return csv;
}

Result<int64_t> Assessments::consented_count() {
  store::AssessmentsRepo repo(db_);
  return repo.count_consented_complete(built_in_->instrument.id);
}

std::string result_to_json(const AssessmentResult& r) {
  auto dim = [](const DimensionResult& d) {
    return json::object{
        {"id", d.id},           {"name", d.name},
        {"theta", d.theta},     {"se", d.se},
        {"classic", d.classic}, {"percentile", std::isnan(d.percentile) ? -1.0 : d.percentile}};
  };
  json::object styles;
  for (size_t k = 0; k < 4; ++k)
    styles[psy::style_id(static_cast<psy::Style>(k))] = r.style_probability[k];
  json::object o{{"id", r.public_id},
                 {"instrument", r.instrument_id},
                 {"instrument_version", r.instrument_version},
                 {"provisional", r.provisional},
                 {"completed_at", r.completed_at},
                 {"items_answered", r.items_answered},
                 {"anxiety", dim(r.anxiety)},
                 {"avoidance", dim(r.avoidance)},
                 {"covariance", r.covariance},
                 {"styles", styles},
                 {"style", psy::style_id(r.top)},
                 {"runner_up", psy::style_id(r.runner_up)},
                 {"between", r.between}};
  return json::serialize(o);
}

Result<AssessmentResult> result_from_json(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return Error{ErrorCode::kInternal, "a stored result is unreadable", ""};
  try {
    const auto& o = v.as_object();
    AssessmentResult r;
    auto dim = [](const json::value& d, DimensionResult& out) {
      out.id = json::value_to<std::string>(d.at("id"));
      out.name = json::value_to<std::string>(d.at("name"));
      out.theta = d.at("theta").to_number<double>();
      out.se = d.at("se").to_number<double>();
      out.classic = d.at("classic").to_number<double>();
      out.percentile = d.at("percentile").to_number<double>();
    };
    r.public_id = json::value_to<std::string>(o.at("id"));
    r.instrument_id = json::value_to<std::string>(o.at("instrument"));
    r.instrument_version = json::value_to<std::string>(o.at("instrument_version"));
    r.provisional = o.at("provisional").as_bool();
    r.completed_at = o.at("completed_at").to_number<int64_t>();
    r.items_answered = o.at("items_answered").to_number<int>();
    dim(o.at("anxiety"), r.anxiety);
    dim(o.at("avoidance"), r.avoidance);
    r.covariance = o.at("covariance").to_number<double>();
    for (size_t k = 0; k < 4; ++k) {
      r.style_probability[k] =
          o.at("styles").at(psy::style_id(static_cast<psy::Style>(k))).to_number<double>();
      if (json::value_to<std::string>(o.at("style")) == psy::style_id(static_cast<psy::Style>(k)))
        r.top = static_cast<psy::Style>(k);
      if (json::value_to<std::string>(o.at("runner_up")) ==
          psy::style_id(static_cast<psy::Style>(k))) {
        r.runner_up = static_cast<psy::Style>(k);
      }
    }
    r.between = o.at("between").as_bool();
    return r;
  } catch (const std::exception&) {
    return Error{ErrorCode::kInternal, "a stored result is incomplete", ""};
  }
}

}  // namespace sb::assessment
