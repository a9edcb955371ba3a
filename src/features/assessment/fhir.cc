#include "features/assessment/fhir.h"

#include <boost/json.hpp>

#include "core/strings.h"

namespace sb::assessment {

namespace json = boost::json;

namespace {

std::string canonical(const psy::Instrument& ins) {
  return "https://securebase.example/fhir/Questionnaire/" + ins.id;
}

json::object answer_coding(const psy::Instrument& ins, int value) {
  const std::string display = value >= 1 && value <= static_cast<int>(ins.labels.size())
                                  ? ins.labels[static_cast<size_t>(value - 1)]
                                  : "";
  return json::object{{"system", canonical(ins) + "/answers"},
                      {"code", std::to_string(value)},
                      {"display", display}};
}

}  // namespace

json::object fhir_questionnaire(const psy::Instrument& ins) {
  json::array items;
  for (const auto& it : ins.items) {
    json::array options;
    for (int v = 1; v <= ins.categories; ++v)
      options.push_back(json::object{{"valueCoding", answer_coding(ins, v)}});
    json::object item{
        {"linkId", it.id}, {"type", "choice"}, {"required", false}, {"answerOption", options}};
    item["text"] = it.text.value_or("Item " + it.id);
    items.push_back(item);
  }
  std::string name;
  for (char c : ins.title) {
    if (std::isalnum(static_cast<unsigned char>(c))) name.push_back(c);
  }
  return json::object{{"resourceType", "Questionnaire"},
                      {"id", ins.id},
                      {"url", canonical(ins)},
                      {"version", ins.version},
                      {"name", name},
                      {"title", ins.title},
                      {"status", "active"},
                      {"item", items}};
}

json::object fhir_questionnaire_response(const psy::Instrument& ins,
                                         const store::AssessmentRecord& record,
                                         const std::vector<store::AnswerRecord>& answers) {
  json::array items;
  for (const auto& a : answers) {
    items.push_back(json::object{
        {"linkId", a.item_id},
        {"answer", json::array{json::object{{"valueCoding", answer_coding(ins, a.answer)}}}}});
  }
  json::object r{{"resourceType", "QuestionnaireResponse"},
                 {"id", record.public_id},
                 {"questionnaire", canonical(ins) + "|" + record.instrument_version},
                 {"status", record.completed ? "completed" : "in-progress"},
                 {"authored", iso8601(record.completed_at.value_or(record.started_at))},
                 {"item", items}};
  return r;
}

json::object fhir_observation(const store::AssessmentRecord& record, const DimensionResult& d) {
  const std::string code = "attachment-" + d.id;
  auto quantity = [](double v) {
    return json::object{{"value", std::round(v * 10000) / 10000},
                        {"unit", "theta (standard units)"},
                        {"system", "http://unitsofmeasure.org"},
                        {"code", "1"}};
  };
  json::object component{
      {"code", json::object{{"coding", json::array{json::object{
                                           {"system", kFhirCodeSystem},
                                           {"code", "posterior-standard-deviation"},
                                           {"display", "Posterior standard deviation"}}}}}},
      {"valueQuantity", quantity(d.se)}};
  return json::object{
      {"resourceType", "Observation"},
      {"id", record.public_id + "-" + d.id},
      {"status", "final"},
      {"category",
       json::array{json::object{
           {"coding", json::array{json::object{
                          {"system", "http://terminology.hl7.org/CodeSystem/observation-category"},
                          {"code", "survey"},
                          {"display", "Survey"}}}}}}},
      {"code", json::object{{"coding", json::array{json::object{{"system", kFhirCodeSystem},
                                                                {"code", code},
                                                                {"display", d.name}}}},
                            {"text", d.name}}},
      {"effectiveDateTime", iso8601(record.completed_at.value_or(record.started_at))},
      {"valueQuantity", quantity(d.theta)},
      {"component", json::array{component}},
      {"derivedFrom",
       json::array{json::object{{"reference", "QuestionnaireResponse/" + record.public_id}}}},
  };
}

}  // namespace sb::assessment
