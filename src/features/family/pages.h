// The family pages: the children a person cares for, one child's page (a quick log for the
// phone, the week so far, caregivers and invitations), the weekly reflection, the secure-base
// signs by age, the child's access list, and the guidance pages.
#pragma once

#include "accounts/access_repo.h"
#include "features/family/family.h"
#include "web/pages.h"

namespace sb::web {

class FamilyPages final : public FeaturePages {
 public:
  FamilyPages(PageKit& kit, family::Family& family, const family::SignBook& signs,
              store::AccessRepo& access)
      : FeaturePages(kit), family_(family), signs_(signs), access_(access) {}

  Response family_home(Ctx& ctx);
  Response do_add_child(Ctx& ctx);
  Response do_join(Ctx& ctx);
  Response guide(Ctx& ctx);

  // Pages of one child: the access policy has checked that the visitor is a caregiver.
  Response child_page(Ctx& ctx);
  Response do_log(Ctx& ctx);
  Response reflection_page(Ctx& ctx);
  Response signs_page(Ctx& ctx);
  Response do_signs(Ctx& ctx);
  Response do_invite(Ctx& ctx);
  Response do_remove(Ctx& ctx);
  Response access_page(Ctx& ctx);

 private:
  Response render_home(Ctx& ctx, const Error* error, int status);
  Response render_child(Ctx& ctx, const Error* error, const std::string& code, int status);
  int64_t child_id(Ctx& ctx) const { return ctx.access->subject().id; }
  bool is_first(Ctx& ctx) const { return ctx.access->subject().role == "first"; }

  family::Family& family_;
  const family::SignBook& signs_;
  store::AccessRepo& access_;
};

}  // namespace sb::web
