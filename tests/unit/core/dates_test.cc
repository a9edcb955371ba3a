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
