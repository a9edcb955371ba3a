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

namespace {

json::object integer_component(const std::string& code, const std::string& display, int value) {
  return json::object{{"code", coding(code, display)}, {"valueInteger", value}};
}

// The moment of a stored day, at noon UTC (the day is all the client gave).
int64_t noon_of(const std::string& yyyy_mm_dd) {
  const auto day = parse_date(yyyy_mm_dd);
  return day ? *day * 86400 + 12 * 3600 : 0;
}

}  // namespace

std::string practice_bundle(const std::string& client_public_id,
                            const std::vector<growth::PracticeEntry>& logs,
                            const growth::SkillLibrary& skills, int64_t now) {
  Bundle b(client_public_id, now);
  for (size_t i = 0; i < logs.size(); ++i) {
    const auto& l = logs[i];
    const auto* skill = skills.find(l.skill_id);
    b.observation(
        "practice-" + std::to_string(l.practiced_at) + "-" + std::to_string(i),
        coding("skill-practice", "Skill practice"), l.practiced_at,
        json::object{
            {"valueString", skill ? skill->name : l.skill_id},
            {"component",
             json::array{
                 integer_component("distress-before", "Distress before (0 to 10)", l.before),
                 integer_component("distress-after", "Distress after (0 to 10)", l.after)}}});
  }
  return b.serialise();
}

std::string reconsider_bundle(const std::string& client_public_id,
                              const growth::ReconsiderSummary& summary, int64_t now) {
  Bundle b(client_public_id, now);
  json::array components{
      integer_component("reconsider-exercises", "Exercises", summary.total),
      integer_component("reconsider-followed-up", "Followed up", summary.followed_up),
      integer_component("reconsider-went-better", "Went better than feared", summary.better)};
  for (const auto& r : summary.recurring)
    components.push_back(json::object{
        {"code", coding("recurring-interpretation", "Recurring interpretation")},
        {"valueString", r.interpretation + " (" + std::to_string(r.count) + " times)"}});
  b.observation("reconsider-summary",
                coding("pause-and-reconsider-summary", "Pause and reconsider: summary"), now,
                json::object{{"component", components}});
  return b.serialise();
}

std::string moods_bundle(const std::string& client_public_id,
                         const std::vector<growth::MoodCheck>& moods, int64_t now) {
  Bundle b(client_public_id, now);
  for (const auto& m : moods)
    b.observation(
        "mood-" + m.public_id, coding("mood-check", "Mood check"), noon_of(m.occurred_on),
        json::object{
            {"component",
             json::array{integer_component("mood-pleasant", "Pleasant (1 to 5)", m.pleasant),
                         integer_component("mood-energy", "Energy (1 to 5)", m.energy)}}});
  return b.serialise();
}

std::string journal_bundle(const std::string& client_public_id,
                           const std::vector<SharedEntry>& entries, int64_t now) {
  Bundle b(client_public_id, now);
  for (const auto& e : entries)
    b.observation("journal-" + e.public_id,
                  coding("journal-entry-shared", "Journal entry shared with the therapist"),
                  noon_of(e.occurred_on), json::object{{"valueString", e.text}});
  return b.serialise();
}

}  // namespace sb::care
