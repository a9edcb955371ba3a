// Strange Situation coding, the pure part: the eight standard episodes and their timing rules,
// a coder's scores for one session (the four interactive scales on reunions, crying,
// disorganisation, the classification with its subgroup), a rule-based suggestion labelled as
// such, the agreement between coders, and the research export as CSV that re-imports exactly.
// No store, no web: the study pages build on this.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "psychometrics/agreement.h"

namespace sb::studies {

struct Episode {
  int number = 0;
  std::string name, present;
  int usual_seconds = 180;
  bool separation = false, reunion = false;
};
// Ainsworth's eight episodes; the first lasts about 30 seconds, the others 3 minutes each.
const std::vector<Episode>& episodes();
// The timing rules coders and experimenters follow, in our words.
const std::vector<std::string>& timing_rules();

// The interactive scales, each 1 to 7, coded on the reunion episodes (5 and 8).
inline constexpr const char* kScales[] = {"proximity", "contact", "resistance", "avoidance"};
const char* scale_name(const std::string& scale);

struct EpisodeScores {
  int episode = 0;
  std::map<std::string, int> scales;  // scale -> 1..7 (reunions only)
  int crying = 0;                     // 0 none, 1 fussing, 2 crying, 3 hard crying
  int seconds = 0;                    // how long it actually lasted; 0 when not recorded
  bool operator==(const EpisodeScores&) const = default;
};
// "shortened to 45 s" for a separation cut short, "extended to 240 s" for a longer reunion,
// "45 s" for any other recorded length, "" when none was recorded.
std::string timing_words(const EpisodeScores& e);

// Classifications: A avoidant, B secure, C resistant (ambivalent), D disorganised, with the
// usual subgroups.
bool valid_subgroup(const std::string& classification, const std::string& subgroup);

struct SessionCode {
  std::string participant;  // the study's pseudonymous code, never a name
  std::string coder;        // the coder's label in the study ("coder 1"), or "final"
  std::vector<EpisodeScores> episodes;
  std::vector<std::string> disorganisation_indices;  // which of Main & Solomon's index groups
  int disorganisation = 1;                           // 1..9
  std::string classification, subgroup;              // "B", "B3"
  bool operator==(const SessionCode&) const = default;
};
const std::vector<std::pair<std::string, std::string>>& disorganisation_index_groups();

// Every value in range, reunions scored on every scale; the error names the field.
Status validate(const SessionCode& code);

// A suggestion from the scores, never a classification: the label and the rule that gave it.
struct Suggestion {
  std::string label, rule;
};
Suggestion suggest(const SessionCode& code);

// The agreement of exactly two coders over the sessions both coded.
struct ScaleAgreement {
  std::string scale;
  psy::Agreement weighted_kappa, icc;
  // Undefined when the scores do not vary (every pair the same score).
  bool has_kappa = false, has_icc = false;
  int pairs = 0;
};
struct Disagreement {
  std::string participant, what, first, second;
};
struct AgreementReport {
  int sessions = 0;
  psy::Agreement classification_kappa;  // on A/B/C/D
  bool has_kappa = false;
  std::vector<ScaleAgreement> scales;
  std::vector<Disagreement> disagreements;
};
AgreementReport agreement(const std::vector<SessionCode>& first,
                          const std::vector<SessionCode>& second);

// One row per session x coder x episode; session-level fields repeat on each of its rows.
std::string to_csv(const std::string& study, const std::vector<SessionCode>& codes);
Result<std::vector<SessionCode>> from_csv(const std::string& csv);

}  // namespace sb::studies
