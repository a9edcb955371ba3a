// Calendar dates as SecureBase stores them: "YYYY-MM-DD" strings and days since 1970-01-01
// (UTC). Weeks start on Monday.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb {

// Monday first, as the ISO week and the calendar pages count.
inline constexpr const char* kWeekdayNames[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                "Friday", "Saturday", "Sunday"};

inline constexpr const char* kMonthNames[] = {"January",   "February", "March",    "April",
                                              "May",       "June",     "July",     "August",
                                              "September", "October",  "November", "December"};

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int year, unsigned month, unsigned day);
// "YYYY-MM-DD" for a day number.
std::string date_of_day(int64_t day);
// A date as people say it: "Wednesday 2 December".
std::string spoken_date(int64_t day);
// The same with the year when it is not the year of `today`: "Tuesday 2 December 2025".
std::string spoken_date(int64_t day, int64_t today);
// "December 2026", and "Dec" for a chart's axis.
std::string month_and_year(int64_t day);
std::string short_month(int64_t day);
// A stored "YYYY-MM-DD" as people say it (spoken_date), or as it is when it is not a date.
std::string said_date(const std::string& yyyy_mm_dd, int64_t now_unix_seconds);
// "30 Nov": a chart's label.
std::string short_date(int64_t day);
// A moment as people say it, in UTC: "Wednesday 2 December, 08:01 UTC" (the year added when it
// is not the year of `today`).
std::string spoken_time(int64_t unix_seconds, int64_t today);
// The day number of a valid "YYYY-MM-DD" (the month has that day); nullopt otherwise.
std::optional<int64_t> parse_date(std::string_view text);
inline int64_t day_of(int64_t unix_seconds) {
  return unix_seconds >= 0 ? unix_seconds / 86400 : (unix_seconds - 86399) / 86400;
}
// The Monday on or before `day`.
inline int64_t monday_of(int64_t day) { return day - ((day % 7 + 7 + 3) % 7); }
// 0 = Monday ... 6 = Sunday.
inline int weekday_of(int64_t day) { return static_cast<int>((day % 7 + 7 + 3) % 7); }

}  // namespace sb
