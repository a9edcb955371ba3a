// The directory for the people in it: a clinician claims their listing, keeps it current and
// confirms it in one click; administrators verify claims. Every decision on someone's claim
// goes through the access policy as moderation, so it is in that person's access record.
#pragma once

#include "features/directory/directory.h"
#include "web/pages.h"

namespace sb::web {

class ListingOwnerPages final : public FeaturePages {
 public:
  ListingOwnerPages(PageKit& kit, directory::Directory& directory)
      : FeaturePages(kit), directory_(directory) {}

  // Any member: where they stand (no claim, a claim waiting, a listing of their own).
  Response overview(Ctx& ctx);
  Response do_claim(Ctx& ctx);
  // The owner (role clinician, two-factor).
  Response edit_form(Ctx& ctx);
  Response do_edit(Ctx& ctx);
  Response do_confirm(Ctx& ctx);
  // Administrators.
  Response claims_queue(Ctx& ctx);
  Response do_decide(Ctx& ctx);

 private:
  Response render_overview(Ctx& ctx, boost::json::object view, int status);
  Response render_edit(Ctx& ctx, const directory::Listing& l, const Error* error, int status);

  directory::Directory& directory_;
};

}  // namespace sb::web
