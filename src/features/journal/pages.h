// Pages of the self-awareness journal and its calendar.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "features/journal/journal.h"
#include "features/skills/skills.h"
#include "web/pages.h"

namespace sb::web {

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

 private:
  growth::Journal& journal_;
};

}  // namespace sb::web
