// Today: the signed-in home. What the plan says for today, exercises waiting for a follow-up,
// whether the weekly check-in is due, the latest result in a line, and today's mood checks.
// It reads the other features' services and owns no table of its own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/owner.h"
#include "core/result.h"
#include "features/assessment/assessment.h"
#include "features/checkin/checkin.h"
#include "features/journal/journal.h"
#include "features/plan/plan.h"
#include "features/reconsider/reconsider.h"
#include "features/skills/skills.h"

namespace sb::today {

struct PlannedSkill {
  std::string skill_id, name;
  int done_this_week = 0, per_week = 0;
  bool reminder_today = false;  // the plan names today for it
};

struct WaitingFollowUp {
  std::string public_id, occurred_on, happened;
};

struct LatestResult {
  std::string public_id, style;
  int percent = 0;  // the style's probability
  int64_t completed_at = 0;
};

struct TodayView {
  int64_t day = 0;  // days since 1970-01-01
  bool has_plan = false;
  std::vector<PlannedSkill> planned;     // today's first, then the rest still short this week
  std::vector<WaitingFollowUp> waiting;  // newest first, at most three
  int waiting_total = 0;
  bool checkin_done_this_week = false;
  bool checkin_day_today = false;  // the plan's check-in reminder falls today
  std::optional<LatestResult> latest;
  std::vector<growth::MoodCheck> moods_today;  // oldest first
};

class Today {
 public:
  Today(const Clock& clock, growth::Plans& plans, growth::Practice& practice,
        const growth::SkillLibrary& library, growth::Reconsider& reconsider,
        growth::Checkins& checkins, assessment::Assessments& assessments, growth::Journal& journal)
      : clock_(clock),
        plans_(plans),
        practice_(practice),
        library_(library),
        reconsider_(reconsider),
        checkins_(checkins),
        assessments_(assessments),
        journal_(journal) {}

  Result<TodayView> build(const Owner& owner);

 private:
  Status add_plan(const Owner& owner, TodayView& view);

  const Clock& clock_;
  growth::Plans& plans_;
  growth::Practice& practice_;
  const growth::SkillLibrary& library_;
  growth::Reconsider& reconsider_;
  growth::Checkins& checkins_;
  assessment::Assessments& assessments_;
  growth::Journal& journal_;
};

}  // namespace sb::today
