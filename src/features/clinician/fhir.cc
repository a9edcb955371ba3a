#include "features/clinician/fhir.h"

#include <boost/json.hpp>
#include <cctype>
#include <cmath>

#include "core/dates.h"
#include "core/strings.h"
#include "psychometrics/classify.h"

namespace sb::care {

namespace json = boost::json;

namespace {

constexpr const char* kBase = "https://securebase.example/fhir/";

// FHIR ids allow letters, digits, '-' and '.', up to 64: our ids may hold '_'.
std::string fhir_id(std::string id) {
  for (char& c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') c = '.';
  return id.substr(0, 64);
}

json::object coding(const std::string& code, const std::string& display) {
  return json::object{
      {"coding", json::array{json::object{
                     {"system", kMeasureCodeSystem}, {"code", code}, {"display", display}}}},
      {"text", display}};
}

json::object quantity(double value, const std::string& unit) {
  // UCUM's "1" (a number without unit), with what the number is as its human-readable unit.
  return json::object{{"value", std::round(value * 10000) / 10000},
                      {"unit", unit},
                      {"system", "http://unitsofmeasure.org"},
                      {"code", "1"}};
}

json::array survey_category() {
  return json::array{json::object{
      {"coding", json::array{json::object{
                     {"system", "http://terminology.hl7.org/CodeSystem/observation-category"},
                     {"code", "survey"},
                     {"display", "Survey"}}}}}};
}

class Bundle {
 public:
  Bundle(const std::string& client, int64_t now) : patient_id_(fhir_id("sb-" + client)), now_(now) {
    add(json::object{
        {"resourceType", "Patient"},
        {"id", patient_id_},
        {"identifier",
         json::array{json::object{{"system", std::string(kBase) + "people"}, {"value", client}}}}});
  }
  // An Observation about the patient: its id, code, when, and the rest of its fields.
  void observation(const std::string& id, json::object code, int64_t when,
                   const json::object& rest) {
    json::object o{{"resourceType", "Observation"},
                   {"id", fhir_id(id)},
                   {"status", "final"},
                   {"category", survey_category()},
                   {"code", std::move(code)},
                   {"subject", json::object{{"reference", "Patient/" + patient_id_}}},
                   {"effectiveDateTime", iso8601(when)}};
    for (const auto& [k, v] : rest) o[k] = v;
    add(std::move(o));
  }
  std::string serialise() const {
    return json::serialize(json::object{{"resourceType", "Bundle"},
                                        {"type", "collection"},
                                        {"timestamp", iso8601(now_)},
                                        {"entry", entries_}});
  }

 private:
  void add(json::object resource) {
    const std::string url = std::string(kBase) +
                            json::value_to<std::string>(resource.at("resourceType")) + "/" +
                            json::value_to<std::string>(resource.at("id"));
    entries_.push_back(json::object{{"fullUrl", url}, {"resource", std::move(resource)}});
  }

  std::string patient_id_;
  int64_t now_;
  json::array entries_;
};

}  // namespace

std::string results_bundle(const std::string& client_public_id,
                           const std::vector<assessment::HistoryEntry>& history, int64_t now) {
  Bundle b(client_public_id, now);
  for (const auto& h : history) {
    const auto& r = h.result;
    for (const auto* d : {&r.anxiety, &r.avoidance}) {
      b.observation(
          r.public_id + "-" + d->id, coding("attachment-" + d->id, d->name), r.completed_at,
          json::object{
              {"valueQuantity", quantity(d->theta, "theta (standard units)")},
              {"component",
               json::array{json::object{
                   {"code", coding("posterior-standard-deviation", "Posterior standard deviation")},
                   {"valueQuantity", quantity(d->se, "theta (standard units)")}}}}});
    }
    const auto top = static_cast<size_t>(r.top);
    b.observation(
        r.public_id + "-pattern", coding("attachment-pattern", "Most likely pattern"),
        r.completed_at,
        json::object{{"valueString", psy::style_name(r.top)},
                     {"component",
                      json::array{json::object{
                          {"code", coding("pattern-probability", "Probability")},
                          {"valueQuantity", quantity(r.style_probability[top], "probability")}}}}});
  }
  return b.serialise();
}

std::string checkins_bundle(const std::string& client_public_id, const growth::CheckinForm& form,
                            const std::vector<growth::CheckinScores>& history, int64_t now) {
  Bundle b(client_public_id, now);
  for (const auto& h : history) {
    const auto monday = parse_date(h.week_start);
    if (!monday) continue;
    json::array components;
    for (const auto& area : form.areas) {
      auto it = h.by_area.find(area.id);
      if (it == h.by_area.end()) continue;
      components.push_back(json::object{{"code", coding("regulation-" + area.id, area.name)},
                                        {"valueQuantity", quantity(it->second, "score 1 to 5")}});
    }
    b.observation("checkin-" + h.week_start,
                  coding("weekly-regulation-checkin", "Weekly emotion-regulation check-in"),
                  *monday * 86400, json::object{{"component", components}});
  }
  return b.serialise();
}

}  // namespace sb::care
