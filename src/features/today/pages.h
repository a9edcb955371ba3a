// The Today page.
#pragma once

#include "features/clinician/care.h"
#include "features/today/today.h"
#include "web/pages.h"

namespace sb::web {

class TodayPages final : public FeaturePages {
 public:
  TodayPages(PageKit& kit, today::Today& today, care::Care& care)
      : FeaturePages(kit), today_(today), care_(care) {}

  Response today_page(Ctx& ctx);

 private:
  today::Today& today_;
  care::Care& care_;
};

}  // namespace sb::web
