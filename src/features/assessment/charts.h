// SVG charts drawn on the server: the attachment map and the change-over-time chart. They use
// presentation attributes only (no style attributes), so the strict CSP applies unchanged.
#pragma once

#include <string>
#include <vector>

#include "features/assessment/assessment.h"

namespace sb::assessment {

// Avoidance across, anxiety up; the four regions around the cut points; where half of people
// fall; the person's point with its 50% and 90% posterior regions.
std::string attachment_map_svg(const AssessmentResult& result, const psy::Instrument& instrument);
// Both dimensions over time with 90% uncertainty bars.
std::string history_chart_svg(const std::vector<HistoryEntry>& history);

}  // namespace sb::assessment
