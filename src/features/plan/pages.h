// Pages of the weekly plan and its private calendar feed.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "features/plan/plan.h"
#include "features/skills/skills.h"
#include "web/pages.h"

namespace sb::web {

class PlanPages final : public FeaturePages {
 public:
  PlanPages(PageKit& kit, const growth::SkillLibrary& skills, growth::Plans& plans)
      : FeaturePages(kit), skills_(skills), plans_(plans) {}

  Response plan_page(Ctx& ctx);
  Response do_plan_save(Ctx& ctx);
  Response do_plan_add(Ctx& ctx);
  Response render_plan(Ctx& ctx, const std::optional<growth::WeeklyPlan>& plan, const Error* error,
                       int status);
  Response do_feed_create(Ctx& ctx);
  Response do_feed_revoke(Ctx& ctx);
  Response calendar_feed(Request& req);

 private:
  const growth::SkillLibrary& skills_;
  growth::Plans& plans_;
};

}  // namespace sb::web
