// Pages of the self-awareness journal and its calendar.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "features/journal/journal.h"
#include "features/skills/skills.h"
#include "web/pages.h"

namespace sb::web {

// The mood grid for a template: five rows (energised at the top) of five squares.
boost::json::array mood_grid_view();

class JournalPages final : public FeaturePages {
 public:
  JournalPages(PageKit& kit, growth::Journal& journal) : FeaturePages(kit), journal_(journal) {}

  Response journal_list(Ctx& ctx);
  Response journal_new(Ctx& ctx);
  Response do_journal_create(Ctx& ctx);
  Response journal_show(Ctx& ctx);
  Response journal_edit(Ctx& ctx);
  Response do_journal_update(Ctx& ctx);
  Response do_journal_delete(Ctx& ctx);
  Response render_journal_form(Ctx& ctx, const growth::JournalEntry& e, const Error* error,
                               int status);
  Response journal_calendar(Ctx& ctx);
  // The two-tap mood check: a square of the grid saves it, then feeling words and a note can
  // be added.
  Response do_mood_create(Ctx& ctx);
  Response mood_details(Ctx& ctx);
  Response do_mood_details(Ctx& ctx);

 private:
  growth::Journal& journal_;
};

}  // namespace sb::web
