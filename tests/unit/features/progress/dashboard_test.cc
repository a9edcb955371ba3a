#include "features/progress/dashboard.h"

#include <gtest/gtest.h>

namespace sb::progress {

namespace {
size_t occurrences(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = 0; (p = s.find(what, p)) != std::string::npos; p += what.size()) ++n;
  return n;
}
}  // namespace

TEST(DashboardCharts, WeeklyBarsDrawOneBarPerNonEmptyWeekWithAnAccessibleTitle) {
  std::vector<Count> weeks;
  for (int i = 0; i < 26; ++i)
    weeks.push_back({"2027-01-" + std::to_string(10 + i % 18), i % 3 ? 2.0 : 0.0});
  const std::string svg = weekly_bars_svg("practice", "Practices per week", weeks);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("role=\"img\" aria-labelledby=\"practice-title\""), std::string::npos);
  EXPECT_NE(svg.find("<title id=\"practice-title\">Practices per week</title>"), std::string::npos);
  EXPECT_EQ(occurrences(svg, "<rect"), 17u);  // weeks with i % 3 != 0
  EXPECT_EQ(svg.find("style="), std::string::npos) << "the strict CSP forbids style attributes";
}

TEST(DashboardCharts, DropsAndFeelingsEscapeNamesAndDrawEveryValue) {
  const std::string drops =
      drops_svg({{"a", "Slow <breathing>", 2.5, 4}, {"b", "Kind word", -0.5, 2}});
  EXPECT_NE(drops.find("Slow &lt;breathing&gt;"), std::string::npos);
  EXPECT_EQ(drops.find("<breathing>"), std::string::npos);
  EXPECT_EQ(occurrences(drops, "<rect"), 2u);
  EXPECT_NE(drops.find("-0.5"), std::string::npos);
  const std::string feelings = feelings_svg(
      {"anxious", "calm"}, {{"2026-12", {2, 0}, {6.5, 0}}, {"2027-01", {1, 3}, {7, 2}}});
  EXPECT_EQ(occurrences(feelings, "<rect"), 4u);
  EXPECT_NE(feelings.find("anxious in 2026-12: 2 entries, mean intensity 6.5"), std::string::npos);
}

}  // namespace sb::progress
