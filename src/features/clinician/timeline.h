// A client's timeline for their clinician: the shared measures (assessment results, weekly
// check-ins) and the clinician's own notes on one time axis, as an SVG chart and as a list, newest
// first. Pure: the pages gather what the client shares and pass it in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sb::care {

struct TimelineInput {
  struct Result {
    int64_t day = 0;
    double anxiety = 0, avoidance = 0;
    // A reliable change from the previous result on each dimension.
    bool anxiety_changed = false, avoidance_changed = false;
  };
  struct Checkin {
    int64_t day = 0;              // the Monday of its week
    std::vector<double> by_area;  // 1..5, in the order of area_names
  };
  std::vector<Result> results;  // oldest first
  std::vector<std::string> area_names;
  std::vector<Checkin> checkins;   // oldest first
  std::vector<int64_t> note_days;  // oldest first
  std::optional<int64_t> last_session;
  // Whether the client shares each measure (an empty panel says which: not shared, or none yet).
  bool results_shared = false, checkins_shared = false;
};

// The days the chart spans: every event, padded a week each side; a single day gets a month.
struct TimeAxis {
  int64_t first = 0, last = 0;
  double left = 0, width = 1;
  // Where `day` falls across the chart.
  double x(int64_t day) const;
};
TimeAxis time_axis(const TimelineInput& in, double left, double width);

// Two panels on one axis (the dimensions from -3 to 3, the check-in areas from 1 to 5) and a lane
// of notes, with months along the bottom. Presentation attributes only (the CSP forbids styles).
std::string timeline_svg(const TimelineInput& in);

// Every event, newest first; on one day a note comes first, then results, then check-ins.
struct TimelineEvent {
  enum class Kind { kNote, kResult, kCheckin, kSession };
  int64_t day = 0;
  Kind kind = Kind::kNote;
  size_t index = 0;  // into note_days, results or checkins
};
std::vector<TimelineEvent> timeline_events(const TimelineInput& in);

}  // namespace sb::care
