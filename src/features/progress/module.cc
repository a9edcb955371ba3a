// The progress dashboard: reads the journal, practice log, check-ins and assessments; owns no
// table of its own.
#include "features/progress/module.h"

#include "features/assessment/assessment.h"
#include "features/checkin/checkin.h"
#include "features/journal/journal.h"
#include "features/progress/dashboard.h"
#include "features/progress/pages.h"
#include "features/skills/skills.h"

namespace sb::features {
namespace {

using web::Need;

class ProgressModule final : public web::Module {
 public:
  explicit ProgressModule(web::Services& s)
      : progress_(s.clock, s.get<growth::Journal>(), s.get<growth::Practice>(),
                  s.get<growth::Checkins>(), s.get<growth::CheckinForm>(),
                  s.get<growth::SkillLibrary>(), s.get<assessment::Assessments>()),
        pages_(s.kit, progress_) {}

  void add_routes(web::Routes& r) override {
    r.page("GET", "/progress", Need::member("progress:read"),
           pages_.handler(&web::ProgressPages::progress_page));
  }

 private:
  progress::Progress progress_;
  web::ProgressPages pages_;
};

}  // namespace

web::Feature progress() {
  return {"progress", {}, [](web::Services& s) -> Result<std::unique_ptr<web::Module>> {
            return std::unique_ptr<web::Module>(new ProgressModule(s));
          }};
}

}  // namespace sb::features
