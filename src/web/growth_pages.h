// Pages of the growth tools: the journal and its calendar, the skills and practice log, the
// weekly check-in, pause and reconsider, the weekly plan with its calendar feed, and the
// progress dashboard. (journal_pages.cc and growth_pages.cc.)
#pragma once

#include <map>
#include <optional>
#include <string>

#include "growth/checkin.h"
#include "growth/journal.h"
#include "growth/plan.h"
#include "growth/reconsider.h"
#include "growth/skills.h"
#include "progress/dashboard.h"
#include "web/pages.h"

namespace sb::web {

class GrowthPages final : public PageModule {
 public:
  GrowthPages(PageKit& kit, growth::Journal& journal, const growth::SkillLibrary& skills,
              growth::Practice& practice, const growth::CheckinForm& checkin_form,
              growth::Checkins& checkins, growth::Reconsider& reconsider, growth::Plans& plans,
              progress::Progress& progress)
      : PageModule(kit),
        journal_(journal),
        skills_(skills),
        practice_(practice),
        checkin_form_(checkin_form),
        checkins_(checkins),
        reconsider_(reconsider),
        plans_(plans),
        progress_(progress) {}
  void add_routes(const AddPage& page, Router& router) override;

 private:
  Response checkin_page(Ctx& ctx);
  Response do_checkin(Ctx& ctx);
  Response render_checkin(Ctx& ctx, const std::map<std::string, int>& answers, const Error* error,
                          int status);
  Response skills_list(Ctx& ctx);
  Response skill_page(Ctx& ctx);
  Response do_skill_log(Ctx& ctx);
  Response render_skill(Ctx& ctx, const growth::Skill& skill, const Error* error, int status);
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
  Response reconsider_list(Ctx& ctx);
  Response reconsider_new(Ctx& ctx);
  Response do_reconsider_create(Ctx& ctx);
  Response reconsider_show(Ctx& ctx);
  Response do_reconsider_follow_up(Ctx& ctx);
  Response reconsider_edit(Ctx& ctx);
  Response do_reconsider_update(Ctx& ctx);
  Response do_reconsider_delete(Ctx& ctx);
  Response render_reconsider_form(Ctx& ctx, const growth::Reconsideration& r, const Error* error,
                                  int status);
  Response render_reconsider(Ctx& ctx, const growth::Reconsideration& r, const Error* error,
                             int status);
  Response plan_page(Ctx& ctx);
  Response do_plan_save(Ctx& ctx);
  Response render_plan(Ctx& ctx, const std::optional<growth::WeeklyPlan>& plan, const Error* error,
                       int status);
  Response do_feed_create(Ctx& ctx);
  Response do_feed_revoke(Ctx& ctx);
  Response calendar_feed(Request& req);
  Response progress_page(Ctx& ctx);

  growth::Journal& journal_;
  const growth::SkillLibrary& skills_;
  growth::Practice& practice_;
  const growth::CheckinForm& checkin_form_;
  growth::Checkins& checkins_;
  growth::Reconsider& reconsider_;
  growth::Plans& plans_;
  progress::Progress& progress_;
};

}  // namespace sb::web
