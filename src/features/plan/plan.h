// Consistency: a weekly plan of practices, gentle weekly streaks and reminders as a private
// calendar feed (an ICS address with a secret token that can be revoked or replaced).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "accounts/data_key.h"
#include "core/clock.h"
#include "core/dates.h"
#include "core/owner.h"
#include "core/result.h"
#include "features/skills/skills.h"
#include "store/database.h"

namespace sb::growth {

using sb::kWeekdayNames;

struct PlanItem {
  std::string skill_id;
  int times_per_week = 0;  // 1-14
  unsigned days = 0;       // reminder days, bit 0 = Monday ... bit 6 = Sunday; 0: no reminder
  std::string time = "19:00";
};

// What the plan asked for from one week on: a changed plan never rewrites past weeks.
struct PlanVersion {
  int64_t from_monday = 0;                           // day number of the first week it applies to
  std::vector<std::pair<std::string, int>> targets;  // skill id -> times per week
};

// A check-in day that names no weekday (what a form's garbage becomes, so that save refuses it).
inline constexpr int kNoSuchDay = 7;

struct WeeklyPlan {
  std::vector<PlanItem> items;
  std::vector<PlanVersion> versions;  // oldest first; empty: the items apply to every week
  int checkin_day = -1;  // weekday for a check-in reminder (0 = Monday), or -1 for none
  int64_t started_at = 0;
  int planned_per_week() const;
};

Status validate_plan(const WeeklyPlan& plan, const SkillLibrary& library);
// Skill ids, numbers and times only: no free text, so the plan needs no encryption.
std::string encode_plan(const WeeklyPlan& plan);
Result<WeeklyPlan> decode_plan(const std::string& encoded);

struct WeekProgress {
  std::string week_start;  // Monday
  int done = 0, planned = 0;
  bool counts = false;  // at least half of the plan: consistency matters more than perfect weeks
};

struct Streak {
  int current =
      0;  // weeks in a row that counted, up to this week (a week in progress never breaks it)
  int best = 0;
  std::vector<WeekProgress> recent;  // up to the last eight weeks, oldest first
};

// Records the plan's current targets as applying from this week on.
void record_version(WeeklyPlan& plan, int64_t now);
// Practices of planned skills count up to each item's weekly target, as planned that week.
Streak compute_streak(const WeeklyPlan& plan, const std::vector<PracticeEntry>& practices,
                      int64_t now);

// An iCalendar (RFC 5545) document with a weekly recurring reminder for each planned practice
// and the check-in. It names practices only: calendar services read what they store.
// A measure someone asked the person for (a therapist's request, docs/CARE.md): a whole-day
// event from `first_day`, every `every_weeks` weeks.
struct AskedMeasure {
  std::string uid_part, summary, description;
  int64_t first_day = 0;
  int every_weeks = 1;
};

std::string plan_calendar(const WeeklyPlan& plan, const SkillLibrary& library,
                          const std::string& uid_seed, int64_t now,
                          const std::vector<AskedMeasure>& asked = {});
// RFC 5545 TEXT escaping and 75-octet line folding (exposed for tests).
std::string ics_escape(std::string_view text);
std::string ics_fold(std::string_view line);

class Plans {
 public:
  // Where the calendar feed finds the measures a person was asked for (set by the app when a
  // feature offers them; none otherwise).
  using AskedSource = std::function<Result<std::vector<AskedMeasure>>(int64_t user_id)>;
  void set_asked_source(AskedSource source) { asked_ = std::move(source); }

  Plans(store::Database& db, const Clock& clock, const crypto::DataKey& key,
        const SkillLibrary& library, Practice& practice)
      : db_(db), clock_(clock), key_(key), library_(library), practice_(practice) {}

  Result<std::optional<WeeklyPlan>> get(const Owner& owner);
  Status save(const Owner& owner, WeeklyPlan plan);
  Result<Streak> streak(const Owner& owner, const WeeklyPlan& plan);

  // A new secret token; any earlier one stops working at once.
  Result<std::string> create_feed(const Owner& owner);
  Status revoke_feed(const Owner& owner);
  // The token of the active feed, to show its address again.
  Result<std::optional<std::string>> feed_token(const Owner& owner);
  // The calendar behind a token; kNotFound for an unknown or revoked token.
  Result<std::string> calendar_for_token(const std::string& token);

  Result<std::string> export_json(const Owner& owner);
  static Result<int> rotate_key(store::Database& db, const crypto::DataKey& from,
                                const crypto::DataKey& to);

 private:
  store::Database& db_;
  const Clock& clock_;
  const crypto::DataKey& key_;
  const SkillLibrary& library_;
  Practice& practice_;
  AskedSource asked_;
};

}  // namespace sb::growth
