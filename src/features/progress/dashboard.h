// The progress dashboard: practice per week, average distress drop per skill, feelings over
// time, journal activity, the regulation check-in trend and the attachment dimensions over time,
// gathered for one person in one pass and drawn as SVG.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/owner.h"
#include "core/result.h"
#include "features/assessment/assessment.h"
#include "features/checkin/checkin.h"
#include "features/journal/journal.h"
#include "features/skills/skills.h"

namespace sb::progress {

struct Count {
  std::string label;
  double value = 0;
};

struct SkillDrop {
  std::string skill_id, name;
  double average = 0;
  int times = 0;
};

struct FeelingMonth {
  std::string month;         // YYYY-MM
  std::vector<int> count;    // per top feeling: entries that named it
  std::vector<double> mean;  // per top feeling: mean intensity 0-10 of those that gave one
};

struct Dashboard {
  std::vector<Count> practice_per_week;  // the last kWeeks weeks, oldest first
  std::vector<Count> journal_per_week;
  std::vector<SkillDrop> drops;                 // largest average drop first
  std::vector<std::string> top_feelings;        // the most named in the last twelve months
  std::vector<FeelingMonth> feelings_by_month;  // the last twelve months, oldest first
  std::vector<growth::CheckinScores> checkins;
  std::vector<assessment::HistoryEntry> assessments;
  int practices_total = 0, entries_total = 0;
  std::string practice_svg, journal_svg, drops_svg, feelings_svg, checkin_svg, dimensions_svg;
};

inline constexpr int kWeeks = 26;
inline constexpr int kMonths = 12;
inline constexpr size_t kTopFeelings = 6;

class Progress {
 public:
  Progress(const Clock& clock, growth::Journal& journal, growth::Practice& practice,
           growth::Checkins& checkins, const growth::CheckinForm& form,
           const growth::SkillLibrary& skills, assessment::Assessments& assessments)
      : clock_(clock),
        journal_(journal),
        practice_(practice),
        checkins_(checkins),
        form_(form),
        skills_(skills),
        assessments_(assessments) {}

  Result<Dashboard> build(const Owner& owner);

 private:
  const Clock& clock_;
  growth::Journal& journal_;
  growth::Practice& practice_;
  growth::Checkins& checkins_;
  const growth::CheckinForm& form_;
  const growth::SkillLibrary& skills_;
  assessment::Assessments& assessments_;
};

// Charts, exposed for tests. Presentation attributes only, so the strict CSP applies.
std::string weekly_bars_svg(const std::string& id, const std::string& title,
                            const std::vector<Count>& weeks);
std::string drops_svg(const std::vector<SkillDrop>& drops);
std::string feelings_svg(const std::vector<std::string>& feelings,
                         const std::vector<FeelingMonth>& months);

}  // namespace sb::progress
