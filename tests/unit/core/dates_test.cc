#include "core/dates.h"

#include <gtest/gtest.h>

namespace sb {

TEST(Dates, RoundTripsAndKnowsWeekdays) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(date_of_day(0), "1970-01-01");
  EXPECT_EQ(date_of_day(-1), "1969-12-31");
  for (int64_t d = -800; d < 30000; d += 37) EXPECT_EQ(parse_date(date_of_day(d)), d);
  const int64_t friday = *parse_date("2027-01-15");
  EXPECT_EQ(weekday_of(friday), 4);
  EXPECT_EQ(date_of_day(monday_of(friday)), "2027-01-11");
  EXPECT_EQ(monday_of(*parse_date("2027-01-11")), *parse_date("2027-01-11"));
  EXPECT_EQ(date_of_day(monday_of(*parse_date("2027-01-17"))), "2027-01-11");  // a Sunday
  EXPECT_EQ(day_of(1800000000), friday);
}

TEST(Dates, AsPeopleSayThem) {
  const int64_t day = *parse_date("2026-11-28"), today = *parse_date("2026-12-02");
  EXPECT_EQ(spoken_date(day), "Saturday 28 November");
  EXPECT_EQ(spoken_date(day, today), "Saturday 28 November");
  EXPECT_EQ(spoken_date(*parse_date("2025-12-02"), today), "Tuesday 2 December 2025");
  EXPECT_EQ(month_and_year(day), "November 2026");
  EXPECT_EQ(short_month(*parse_date("2027-01-01")), "Jan");
  EXPECT_EQ(short_date(*parse_date("2026-11-30")), "30 Nov");
  EXPECT_EQ(spoken_time(1'796'198'460, today), "Wednesday 2 December, 08:01 UTC");
  EXPECT_EQ(spoken_time(1'796'198'460 - 365 * 86400, today), "Tuesday 2 December 2025, 08:01 UTC");
}

TEST(Dates, RefusesDatesThatDoNotExist) {
  EXPECT_TRUE(parse_date("2024-02-29"));
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_FALSE(parse_date("1900-02-29"));
  EXPECT_TRUE(parse_date("2000-02-29"));
  EXPECT_FALSE(parse_date("2026-04-31"));
  EXPECT_FALSE(parse_date("2026-13-01"));
  EXPECT_FALSE(parse_date("2026-00-10"));
  EXPECT_FALSE(parse_date("2026-1-10"));
  EXPECT_FALSE(parse_date("yesterday!"));
  EXPECT_FALSE(parse_date("2026-01-1x"));
}

}  // namespace sb
