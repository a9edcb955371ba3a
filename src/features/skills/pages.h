// Pages of the emotion-regulation skills and the practice log.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "features/skills/skills.h"
#include "web/pages.h"

namespace sb::web {

class SkillsPages final : public FeaturePages {
 public:
  SkillsPages(PageKit& kit, const growth::SkillLibrary& skills, growth::Practice& practice)
      : FeaturePages(kit), skills_(skills), practice_(practice) {}

  Response skills_list(Ctx& ctx);
  Response skill_page(Ctx& ctx);
  Response do_skill_log(Ctx& ctx);
  Response render_skill(Ctx& ctx, const growth::Skill& skill, const Error* error, int status);

 private:
  const growth::SkillLibrary& skills_;
  growth::Practice& practice_;
};

}  // namespace sb::web
