// Pages of the pause-and-reconsider exercise.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "features/reconsider/reconsider.h"
#include "web/pages.h"

namespace sb::web {

class ReconsiderPages final : public FeaturePages {
 public:
  ReconsiderPages(PageKit& kit, growth::Reconsider& reconsider)
      : FeaturePages(kit), reconsider_(reconsider) {}

  Response reconsider_list(Ctx& ctx);
  Response reconsider_new(Ctx& ctx);
  Response do_reconsider_create(Ctx& ctx);
  Response reconsider_show(Ctx& ctx);
  Response reconsider_edit(Ctx& ctx);
  Response do_reconsider_update(Ctx& ctx);
  Response do_reconsider_follow_up(Ctx& ctx);
  Response do_reconsider_delete(Ctx& ctx);
  Response render_reconsider_form(Ctx& ctx, const growth::Reconsideration& r, const Error* error,
                                  int status);
  Response render_reconsider(Ctx& ctx, const growth::Reconsideration& r, const Error* error,
                             int status);

 private:
  growth::Reconsider& reconsider_;
};

}  // namespace sb::web
