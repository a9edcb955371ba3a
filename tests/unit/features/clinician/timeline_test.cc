#include "features/clinician/timeline.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/dates.h"

namespace sb::care {
namespace {

int64_t day(const char* yyyy_mm_dd) { return *parse_date(yyyy_mm_dd); }

TimelineInput sample() {
  TimelineInput in;
  in.results_shared = in.checkins_shared = true;
  in.area_names = {"Noticing", "Calming", "Acting"};
  in.results = {{day("2026-01-10"), 1.2, 0.4, false, false},
                {day("2026-04-10"), 0.3, 0.2, true, false}};
  in.checkins = {{day("2026-01-12"), {3, 2, 4}}, {day("2026-01-19"), {3.5, 2.5, 4}}};
  in.note_days = {day("2026-01-10"), day("2026-03-01")};
  in.last_session = day("2026-03-01");
  return in;
}

TEST(TimeAxis, PlacesDaysInProportionWithAWeekEachSide) {
  const auto axis = time_axis(sample(), 50, 500);
  EXPECT_EQ(axis.first, day("2026-01-03"));
  EXPECT_EQ(axis.last, day("2026-04-17"));
  EXPECT_DOUBLE_EQ(axis.x(axis.first), 50);
  EXPECT_DOUBLE_EQ(axis.x(axis.last), 550);
  // Equal gaps in days are equal gaps across the chart, whatever happens in between.
  EXPECT_NEAR(axis.x(day("2026-02-01")) - axis.x(day("2026-01-25")),
              axis.x(day("2026-03-08")) - axis.x(day("2026-03-01")), 1e-9);
}

TEST(TimeAxis, ASingleDaySitsInTheMiddleOfAMonth) {
  TimelineInput in;
  in.note_days = {day("2026-06-15")};
  const auto axis = time_axis(in, 0, 300);
  EXPECT_EQ(axis.last - axis.first, 30);
  EXPECT_DOUBLE_EQ(axis.x(day("2026-06-15")), 150);
}

TEST(TimelineEvents, NewestFirstWithNotesFirstWithinADay) {
  using K = TimelineEvent::Kind;
  const auto events = timeline_events(sample());
  ASSERT_EQ(events.size(), 7u);
  EXPECT_EQ(events[0].kind, K::kResult);  // 10 April
  EXPECT_EQ(events[0].index, 1u);
  EXPECT_EQ(events[1].kind, K::kNote);  // 1 March: the note, then the session
  EXPECT_EQ(events[1].index, 1u);
  EXPECT_EQ(events[2].kind, K::kSession);
  EXPECT_EQ(events[3].kind, K::kCheckin);  // 19 January
  EXPECT_EQ(events[3].index, 1u);
  EXPECT_EQ(events[4].kind, K::kCheckin);
  EXPECT_EQ(events[5].kind, K::kNote);  // 10 January: the note before the result
  EXPECT_EQ(events[5].index, 0u);
  EXPECT_EQ(events[6].kind, K::kResult);
  for (size_t i = 1; i < events.size(); ++i) EXPECT_GE(events[i - 1].day, events[i].day);
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(TimelineSvg, DrawsEveryEventOnTheSharedAxis) {
  const auto in = sample();
  const std::string svg = timeline_svg(in);
  EXPECT_EQ(count(svg, R"(class="note")"), 2u);
  EXPECT_EQ(count(svg, R"(class="changed")"), 1u);  // anxiety fell reliably in April
  EXPECT_EQ(count(svg, R"(class="session")"), 1u);
  EXPECT_NE(svg.find("Noticing"), std::string::npos);
  // The first note and the first result share a day, so they share an x.
  const auto axis = time_axis(in, 56, 560);
  const std::string x = fmt::format("{:.1f}", axis.x(day("2026-01-10")));
  EXPECT_NE(svg.find(R"(<circle cx=")" + x), std::string::npos) << x;
  EXPECT_NE(svg.find(R"(<path class="note" d="M)" + x), std::string::npos) << x;
  // Months between the ends are labelled; the first label carries its year.
  EXPECT_NE(svg.find(">Feb 2026<"), std::string::npos);
  EXPECT_NE(svg.find(">Apr<"), std::string::npos);
  // Only presentation attributes: the CSP forbids style attributes.
  EXPECT_EQ(svg.find("style="), std::string::npos);
}

TEST(TimelineSvg, SaysWhatIsNotSharedAndWhatIsEmpty) {
  TimelineInput in;
  in.checkins_shared = true;
  const std::string svg = timeline_svg(in);
  EXPECT_NE(svg.find("Not shared with you"), std::string::npos);
  EXPECT_NE(svg.find("None yet"), std::string::npos);
  EXPECT_EQ(svg.find("<polyline"), std::string::npos);
}

TEST(TimelineSvg, YearsOfDataLabelFewMonths) {
  TimelineInput in;
  in.results_shared = true;
  for (int64_t d = day("2024-01-01"); d < day("2026-01-01"); d += 28)
    in.results.push_back({d, 0, 0, false, false});
  const std::string svg = timeline_svg(in);
  // Month labels are the only 11-point centred texts when no session is marked.
  const auto labels = count(svg, R"(font-size="11" fill="#1f2a33" text-anchor="middle">)");
  EXPECT_GE(labels, 3u);
  EXPECT_LE(labels, 9u);
}

}  // namespace
}  // namespace sb::care
