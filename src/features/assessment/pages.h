// Pages of the attachment assessment: start, one question at a time, result, history, exports.
#pragma once

#include <optional>
#include <string>

#include "features/assessment/assessment.h"
#include "features/assessment/recalibration.h"
#include "web/pages.h"

namespace sb::web {

class AssessmentPages final : public FeaturePages {
 public:
  AssessmentPages(PageKit& kit, assessment::Assessments& assessments,
                  assessment::Recalibrations& recalibrations)
      : FeaturePages(kit), assessments_(&assessments), recalibrations_(&recalibrations) {}
  Response assessment_start_page(Ctx& ctx);
  Response do_assessment_start(Ctx& ctx);
  Response assessment_question(Ctx& ctx);
  Response do_assessment_answer(Ctx& ctx);
  Response do_assessment_back(Ctx& ctx);
  Response assessment_result(Ctx& ctx);
  Response assessment_history(Ctx& ctx);
  Response assessment_export_json(Ctx& ctx);
  Response assessment_export_csv(Ctx& ctx);
  Response assessment_export_fhir(Ctx& ctx);
  // Administrators: answers collected against the recalibration rule, calibrations in the
  // background, their reports beside the current version, and publishing one.
  Response admin_questionnaire(Ctx& ctx);
  Response do_start_calibration(Ctx& ctx);
  Response admin_calibration(Ctx& ctx);
  Response do_publish_calibration(Ctx& ctx);

 private:
  Response render_question(Ctx& ctx, const assessment::Question& q, std::optional<int> selected,
                           const std::string& error, int status);

  assessment::Assessments* assessments_;
  assessment::Recalibrations* recalibrations_;
};

}  // namespace sb::web
