// Today, the signed-in home: reads the plan, practice log, pause-and-reconsider exercises,
// check-ins, assessments and mood checks; owns no table of its own.
#include "features/today/module.h"

#include "features/clinician/care.h"
#include "features/today/pages.h"
#include "features/today/today.h"

namespace sb::features {
namespace {

using web::Need;

class TodayModule final : public web::Module {
 public:
  explicit TodayModule(web::Services& s)
      : today_(s.clock, s.get<growth::Plans>(), s.get<growth::Practice>(),
               s.get<growth::SkillLibrary>(), s.get<growth::Reconsider>(),
               s.get<growth::Checkins>(), s.get<assessment::Assessments>(),
               s.get<growth::Journal>()),
        pages_(s.kit, today_, s.get<care::Care>()) {}

  void add_routes(web::Routes& r) override {
    r.page("GET", "/today", Need::member("today:read"),
           pages_.handler(&web::TodayPages::today_page));
  }

 private:
  today::Today today_;
  web::TodayPages pages_;
};

}  // namespace

web::Feature today() {
  return {"today", {}, [](web::Services& s) -> Result<std::unique_ptr<web::Module>> {
            return std::unique_ptr<web::Module>(new TodayModule(s));
          }};
}

}  // namespace sb::features
