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

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int year, unsigned month, unsigned day);
// "YYYY-MM-DD" for a day number.
std::string date_of_day(int64_t day);
// A date as people say it: "Wednesday 2 December".
std::string spoken_date(int64_t day);
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
