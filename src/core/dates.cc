#include "core/dates.h"

#include <cstdio>

namespace sb {

int64_t days_from_civil(int year, unsigned month, unsigned day) {
  const int64_t y = static_cast<int64_t>(year) - (month <= 2);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string date_of_day(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y),
                static_cast<unsigned>(m), static_cast<unsigned>(d));
  return buf;
}

std::optional<int64_t> parse_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (size_t i = starts[p]; i < starts[p] + lengths[p]; ++i) {
      if (d[i] < '0' || d[i] > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (d[i] - '0');
    }
  }
  const int y = parts[0];
  const unsigned m = static_cast<unsigned>(parts[1]), day = static_cast<unsigned>(parts[2]);
  if (y < 1900 || m < 1 || m > 12 || day < 1) return std::nullopt;
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (day > kDays[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
  return days_from_civil(y, m, day);
}

namespace {
struct Civil {
  int year, month, day;
};
Civil civil_of(int64_t day) {
  const std::string iso = date_of_day(day);  // YYYY-MM-DD
  return {std::stoi(iso.substr(0, 4)), std::stoi(iso.substr(5, 2)), std::stoi(iso.substr(8, 2))};
}
}  // namespace

std::string spoken_date(int64_t day) {
  const Civil c = civil_of(day);
  return std::string(kWeekdayNames[weekday_of(day)]) + " " + std::to_string(c.day) + " " +
         kMonthNames[c.month - 1];
}

std::string spoken_date(int64_t day, int64_t today) {
  const int year = civil_of(day).year;
  return year == civil_of(today).year ? spoken_date(day)
                                      : spoken_date(day) + " " + std::to_string(year);
}

std::string month_and_year(int64_t day) {
  const Civil c = civil_of(day);
  return std::string(kMonthNames[c.month - 1]) + " " + std::to_string(c.year);
}

std::string said_date(const std::string& yyyy_mm_dd, int64_t now_unix_seconds) {
  const auto day = parse_date(yyyy_mm_dd);
  return day ? spoken_date(*day, day_of(now_unix_seconds)) : yyyy_mm_dd;
}

std::string short_date(int64_t day) {
  return std::to_string(civil_of(day).day) + " " + short_month(day);
}

std::string spoken_time(int64_t unix_seconds, int64_t today) {
  const int64_t day = day_of(unix_seconds), seconds = unix_seconds - day * 86400;
  char clock[16];
  std::snprintf(clock, sizeof clock, "%02d:%02d", static_cast<int>(seconds / 3600),
                static_cast<int>(seconds % 3600 / 60));
  return spoken_date(day, today) + ", " + clock + " UTC";
}

std::string short_month(int64_t day) {
  return std::string(kMonthNames[civil_of(day).month - 1]).substr(0, 3);
}

}  // namespace sb
