// HL7 FHIR R4 representations: the instrument as a Questionnaire, each assessment as a
// QuestionnaireResponse with two Observations (anxiety and avoidance), in one collection Bundle.
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "features/assessment/assessment.h"
#include "features/assessment/assessments_repo.h"

namespace sb::assessment {

inline constexpr const char* kFhirCodeSystem =
    "https://securebase.example/fhir/CodeSystem/attachment";

boost::json::object fhir_questionnaire(const psy::Instrument& instrument);
boost::json::object fhir_questionnaire_response(const psy::Instrument& instrument,
                                                const store::AssessmentRecord& record,
                                                const std::vector<store::AnswerRecord>& answers);
// The dimension observation of a completed assessment ("anxiety" or "avoidance").
boost::json::object fhir_observation(const store::AssessmentRecord& record,
                                     const DimensionResult& dimension);

}  // namespace sb::assessment
