// Pages of the weekly regulation check-in.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "features/checkin/checkin.h"
#include "web/pages.h"

namespace sb::web {

class CheckinPages final : public FeaturePages {
 public:
  CheckinPages(PageKit& kit, const growth::CheckinForm& checkin_form, growth::Checkins& checkins)
      : FeaturePages(kit), checkin_form_(checkin_form), checkins_(checkins) {}

  Response checkin_page(Ctx& ctx);
  Response do_checkin(Ctx& ctx);
  Response render_checkin(Ctx& ctx, const std::map<std::string, int>& answers, const Error* error,
                          int status);

 private:
  const growth::CheckinForm& checkin_form_;
  growth::Checkins& checkins_;
};

}  // namespace sb::web
