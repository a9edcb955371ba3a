// The Today page.
#pragma once

#include "features/today/today.h"
#include "web/pages.h"

namespace sb::web {

class TodayPages final : public FeaturePages {
 public:
  TodayPages(PageKit& kit, today::Today& today) : FeaturePages(kit), today_(today) {}

  Response today_page(Ctx& ctx);

 private:
  today::Today& today_;
};

}  // namespace sb::web
