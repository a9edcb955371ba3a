// Pages of the progress dashboard.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "features/progress/dashboard.h"
#include "web/pages.h"

namespace sb::web {

class ProgressPages final : public FeaturePages {
 public:
  ProgressPages(PageKit& kit, progress::Progress& progress)
      : FeaturePages(kit), progress_(progress) {}

  Response progress_page(Ctx& ctx);

 private:
  progress::Progress& progress_;
};

}  // namespace sb::web
