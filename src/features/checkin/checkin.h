// The weekly regulation check-in: our own items on the three areas of emotion regulation,
// scored per area (mean on 1-5 after reversing reverse-keyed items) and charted over time.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/owner.h"
#include "core/result.h"
#include "store/database.h"

namespace sb::growth {

struct CheckinItem {
  std::string id, text;
  bool reverse = false;
};
struct CheckinArea {
  std::string id, name;
  std::vector<CheckinItem> items;
};
struct CheckinForm {
  std::vector<std::string> scale;  // labels for 1..5
  std::vector<CheckinArea> areas;
  static Result<CheckinForm> load(const std::string& path);
};

struct CheckinScores {
  std::string week_start;
  std::map<std::string, double> by_area;  // area id -> 1..5
};

// Monday of the week holding `unix_seconds`, as YYYY-MM-DD.
std::string week_start_of(int64_t unix_seconds);
// Per-area means; an error names the first unanswered or out-of-range item.
Result<std::map<std::string, double>> score_checkin(const CheckinForm& form,
                                                    const std::map<std::string, int>& answers);
std::string checkin_chart_svg(const CheckinForm& form, const std::vector<CheckinScores>& history);

class Checkins {
 public:
  Checkins(store::Database& db, const Clock& clock, const CheckinForm& form)
      : db_(db), clock_(clock), form_(form) {}
  Status submit(const Owner& owner, const std::map<std::string, int>& answers);
  Result<std::vector<CheckinScores>> history(const Owner& owner);
  // The Monday (YYYY-MM-DD) of each of these people's latest check-in, for those with one.
  Result<std::map<int64_t, std::string>> latest_weeks(const std::vector<int64_t>& user_ids);

 private:
  store::Database& db_;
  const Clock& clock_;
  const CheckinForm& form_;
};

}  // namespace sb::growth
