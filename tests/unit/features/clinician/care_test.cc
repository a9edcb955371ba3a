// When a requested measure is due: done until `every_weeks` after it was last done, due for a
// week, overdue after; the first one is due on the day it is asked for.
#include "features/clinician/care.h"

#include <gtest/gtest.h>

#include "core/dates.h"

namespace sb::care {
namespace {

store::CareRequestRecord asked(const char* on, int every_weeks, const char* kind = "assessment") {
  store::CareRequestRecord r;
  r.kind = kind;
  r.every_weeks = every_weeks;
  r.created_at = *parse_date(on) * 86400 + 3600;
  return r;
}

TEST(DueState, DoneThenDueThenOverdue) {
  const auto r = asked("2027-01-04", 4);
  const int64_t day = *parse_date("2027-01-04");
  EXPECT_EQ(due_state(r, -1, day).state, DueState::kDue) << "never done: due at once";
  EXPECT_EQ(due_state(r, -1, day + 7).state, DueState::kOverdue);
  EXPECT_EQ(due_state(r, day + 2, day + 2).state, DueState::kDone);
  EXPECT_EQ(due_state(r, day + 2, day + 2).next_due, day + 30);
  EXPECT_EQ(due_state(r, day + 2, day + 29).state, DueState::kDone);
  EXPECT_EQ(due_state(r, day + 2, day + 30).state, DueState::kDue);
  EXPECT_EQ(due_state(r, day + 2, day + 37).state, DueState::kOverdue);
  // Done shortly before it was asked for counts; long before does not.
  EXPECT_EQ(due_state(r, day - 10, day).state, DueState::kDone);
  EXPECT_EQ(due_state(r, day - 40, day).state, DueState::kDue);
  auto declined = r;
  declined.declined_at = r.created_at + 60;
  EXPECT_EQ(due_state(declined, -1, day + 100).state, DueState::kDeclined);
}

TEST(DueState, AWeeklyCheckInIsDoneForItsWeek) {
  const auto r = asked("2027-01-04", 1, "checkin");  // a Monday
  const int64_t monday = *parse_date("2027-01-11");
  EXPECT_EQ(due_state(r, monday, monday + 6).state, DueState::kDone);
  EXPECT_EQ(due_state(r, monday, monday + 7).state, DueState::kDue);
}

}  // namespace
}  // namespace sb::care
