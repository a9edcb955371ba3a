#include "features/studies/coding.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/csv.h"
#include "core/strings.h"
#include "psychometrics/responses.h"

namespace sb::studies {
namespace {

Error invalid(const std::string& field, const std::string& message) {
  return Error{ErrorCode::kInvalidArgument, message, field};
}

const std::vector<std::string>& classifications() {
  static const std::vector<std::string> v = {"A", "B", "C", "D"};
  return v;
}

int class_index(const std::string& c) {
  const auto& v = classifications();
  const auto it = std::find(v.begin(), v.end(), c);
  return it == v.end() ? -1 : static_cast<int>(it - v.begin());
}

// A label that survives a CSV export unchanged: letters, digits, spaces, '-' and '_', starting
// with a letter or digit (so no spreadsheet reads it as a formula).
bool plain_label(const std::string& s) {
  if (s.empty() || s.size() > 40 || !std::isalnum(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '-' || c == '_';
  });
}

const EpisodeScores* find_episode(const SessionCode& code, int number) {
  for (const auto& e : code.episodes)
    if (e.episode == number) return &e;
  return nullptr;
}

// A scale's mean over the reunion episodes that have it.
double reunion_mean(const SessionCode& code, const std::string& scale) {
  double sum = 0;
  int n = 0;
  for (const auto& e : code.episodes) {
    auto it = e.scales.find(scale);
    if (it == e.scales.end()) continue;
    sum += it->second;
    ++n;
  }
  return n ? sum / n : 0;
}

}  // namespace

const std::vector<Episode>& episodes() {
  static const std::vector<Episode> v = {
      {1, "Parent and child are brought into the room", "parent, child, observer", 30},
      {2, "Parent and child in the room; the child may explore", "parent, child"},
      {3, "The stranger comes in, sits, talks with the parent, then approaches the child",
       "parent, child, stranger"},
      {4, "First separation: the parent leaves", "child, stranger", 180, true},
      {5, "First reunion: the parent returns, the stranger leaves", "parent, child", 180, false,
       true},
      {6, "Second separation: the child is alone", "child", 180, true},
      {7, "The stranger returns", "child, stranger", 180, true},
      {8, "Second reunion: the parent returns, the stranger leaves", "parent, child", 180, false,
       true},
  };
  return v;
}

const std::vector<std::string>& timing_rules() {
  static const std::vector<std::string> v = {
      "Episode 1 lasts about 30 seconds; episodes 2 to 8 last about 3 minutes each.",
      "A separation (episodes 4, 6 and 7) is cut short when the child is very distressed: the "
      "parent comes back early.",
      "A reunion (episodes 5 and 8) may be extended when the child needs more time to settle "
      "before the next separation.",
      "Reunion behaviour is scored on the four interactive scales, 1 (none) to 7 (very "
      "strong); crying is scored in every episode.",
  };
  return v;
}

const char* scale_name(const std::string& scale) {
  if (scale == "proximity") return "Proximity seeking";
  if (scale == "contact") return "Contact maintaining";
  if (scale == "resistance") return "Resistance";
  if (scale == "avoidance") return "Avoidance";
  return "";
}

const std::vector<std::pair<std::string, std::string>>& disorganisation_index_groups() {
  static const std::vector<std::pair<std::string, std::string>> v = {
      {"I", "Contradictory behaviour, one after the other"},
      {"II", "Contradictory behaviour at the same time"},
      {"III", "Movements or expressions undirected, misdirected, incomplete or interrupted"},
      {"IV", "Stereotypies, odd or mistimed movements and postures"},
      {"V", "Freezing, stilling, slowed movement"},
      {"VI", "Direct signs of apprehension of the parent"},
      {"VII", "Direct signs of disorganisation or disorientation"},
  };
  return v;
}

std::string timing_words(const EpisodeScores& e) {
  if (e.seconds <= 0 || e.episode < 1 || e.episode > 8) return "";
  const auto& usual = episodes()[e.episode - 1];
  if (usual.separation && e.seconds < usual.usual_seconds)
    return fmt::format("shortened to {} s", e.seconds);
  if (usual.reunion && e.seconds > usual.usual_seconds)
    return fmt::format("extended to {} s", e.seconds);
  return fmt::format("{} s", e.seconds);
}

bool valid_subgroup(const std::string& classification, const std::string& subgroup) {
  static const std::map<std::string, std::vector<std::string>> kSubgroups = {
      {"A", {"", "A1", "A2"}},
      {"B", {"", "B1", "B2", "B3", "B4"}},
      {"C", {"", "C1", "C2"}},
      {"D", {"", "D-A", "D-B", "D-C"}}};  // D with the best-fitting organised pattern
  auto it = kSubgroups.find(classification);
  return it != kSubgroups.end() &&
         std::find(it->second.begin(), it->second.end(), subgroup) != it->second.end();
}

Status validate(const SessionCode& code) {
  if (!plain_label(code.participant))
    return invalid("participant",
                   "A participant code is letters, digits, '-' or '_' (never a name), up to 40.");
  if (!plain_label(code.coder)) return invalid("coder", "A coder label is letters and digits.");
  for (const auto& e : code.episodes) {
    if (e.episode < 1 || e.episode > 8) return invalid("episode", "Episodes run from 1 to 8.");
    if (e.seconds < 0 || e.seconds > 900)
      return invalid("seconds", fmt::format("Episode {} lasted 0 to 900 seconds (0: not recorded).",
                                            e.episode));
    if (e.crying < 0 || e.crying > 3)
      return invalid("crying", fmt::format("Crying in episode {} is 0 to 3.", e.episode));
    const bool reunion = episodes()[e.episode - 1].reunion;
    for (const auto& [scale, value] : e.scales) {
      if (!*scale_name(scale)) return invalid(scale, "There is no scale called " + scale + ".");
      if (!reunion)
        return invalid(scale, fmt::format("Episode {} is not a reunion: the interactive scales "
                                          "are scored on episodes 5 and 8.",
                                          e.episode));
      if (value < 1 || value > 7)
        return invalid(scale,
                       fmt::format("{} in episode {} is 1 to 7.", scale_name(scale), e.episode));
    }
    if (reunion && e.scales.size() != 4)
      return invalid("scales",
                     fmt::format("Score all four scales for reunion episode {}.", e.episode));
  }
  for (int reunion : {5, 8})
    if (!find_episode(code, reunion))
      return invalid("episode", fmt::format("Episode {} (a reunion) is not scored.", reunion));
  if (code.disorganisation < 1 || code.disorganisation > 9)
    return invalid("disorganisation", "Disorganisation is rated 1 to 9.");
  for (const auto& index : code.disorganisation_indices) {
    const auto& groups = disorganisation_index_groups();
    if (std::none_of(groups.begin(), groups.end(), [&](const auto& g) { return g.first == index; }))
      return invalid("indices", "Unknown disorganisation index group " + index + ".");
  }
  if (class_index(code.classification) < 0)
    return invalid("classification", "Choose A, B, C or D.");
  if (!valid_subgroup(code.classification, code.subgroup))
    return invalid("subgroup",
                   code.subgroup + " is not a subgroup of " + code.classification + ".");
  return ok_status();
}

Suggestion suggest(const SessionCode& code) {
  if (code.disorganisation >= 5)
    return {"D",
            "Disorganisation is rated 5 or more on the 9-point scale (Main and Solomon's "
            "threshold for a D classification)."};
  const double avoid = reunion_mean(code, "avoidance"), resist = reunion_mean(code, "resistance");
  const double prox = reunion_mean(code, "proximity"), contact = reunion_mean(code, "contact");
  if (avoid >= 5 && resist < 4)
    return {"A", fmt::format("Avoidance averages {:.1f} over the reunions (5 or more) while "
                             "resistance stays below 4 ({:.1f}).",
                             avoid, resist)};
  if (resist >= 5 && contact >= 4)
    return {"C", fmt::format("Resistance averages {:.1f} over the reunions (5 or more) together "
                             "with contact maintaining of {:.1f} (4 or more).",
                             resist, contact)};
  if (avoid <= 3 && resist <= 3 && std::max(prox, contact) >= 4)
    return {"B", fmt::format("Proximity seeking or contact maintaining averages 4 or more "
                             "({:.1f}, {:.1f}) while avoidance and resistance stay at 3 or "
                             "below ({:.1f}, {:.1f}).",
                             prox, contact, avoid, resist)};
  return {"", "The scores fit none of the rules; classify from the whole record."};
}

AgreementReport agreement(const std::vector<SessionCode>& first,
                          const std::vector<SessionCode>& second) {
  AgreementReport report;
  std::vector<std::pair<int, int>> classes;
  std::map<std::string, std::vector<std::pair<int, int>>> scale_pairs;
  for (const auto& a : first) {
    const auto b_it = std::find_if(second.begin(), second.end(),
                                   [&](const auto& b) { return b.participant == a.participant; });
    if (b_it == second.end()) continue;
    const auto& b = *b_it;
    ++report.sessions;
    const int ca = class_index(a.classification), cb = class_index(b.classification);
    if (ca >= 0 && cb >= 0) classes.emplace_back(ca, cb);
    auto differ = [&](const std::string& what, const std::string& x, const std::string& y) {
      report.disagreements.push_back({a.participant, what, x, y});
    };
    if (a.classification != b.classification)
      differ("classification", a.classification, b.classification);
    else if (a.subgroup != b.subgroup)
      differ("subgroup", a.subgroup, b.subgroup);
    if (std::abs(a.disorganisation - b.disorganisation) >= 2)
      differ("disorganisation rating", std::to_string(a.disorganisation),
             std::to_string(b.disorganisation));
    for (const auto& ea : a.episodes) {
      const auto* eb = find_episode(b, ea.episode);
      if (!eb) continue;
      for (const char* scale : kScales) {
        auto x = ea.scales.find(scale), y = eb->scales.find(scale);
        if (x == ea.scales.end() || y == eb->scales.end()) continue;
        scale_pairs[scale].emplace_back(x->second - 1, y->second - 1);
        // A difference of two points or more is worth a conference.
        if (std::abs(x->second - y->second) >= 2)
          differ(fmt::format("episode {} {}", ea.episode, scale_name(scale)),
                 std::to_string(x->second), std::to_string(y->second));
      }
    }
  }
  if (auto table = psy::agreement_table(classes, 4); table && !classes.empty())
    if (auto k = psy::cohen_kappa(*table)) {
      report.classification_kappa = *k;
      report.has_kappa = true;
    }
  for (const char* scale : kScales) {
    ScaleAgreement s;
    s.scale = scale;
    const auto& pairs = scale_pairs[scale];
    s.pairs = static_cast<int>(pairs.size());
    if (auto table = psy::agreement_table(pairs, 7); table && !pairs.empty())
      if (auto k = psy::weighted_kappa(*table, psy::linear_weights(7))) {
        s.weighted_kappa = *k;
        s.has_kappa = true;
      }
    psy::Matrix ratings;
    for (const auto& [x, y] : pairs)
      ratings.push_back({static_cast<double>(x + 1), static_cast<double>(y + 1)});
    if (auto icc = psy::icc_2_1(ratings)) {
      s.icc = *icc;
      s.has_icc = true;
    }
    report.scales.push_back(s);
  }
  return report;
}

// ------------------------------------------------------------------ CSV

namespace {

constexpr const char* kColumns[] = {"study",
                                    "participant",
                                    "coder",
                                    "episode",
                                    "seconds",
                                    "proximity",
                                    "contact",
                                    "resistance",
                                    "avoidance",
                                    "crying",
                                    "disorganisation_indices",
                                    "disorganisation",
                                    "classification",
                                    "subgroup"};

std::string scale_cell(const EpisodeScores& e, const char* scale) {
  auto it = e.scales.find(scale);
  return it == e.scales.end() ? "" : std::to_string(it->second);
}

}  // namespace

std::string to_csv(const std::string& study, const std::vector<SessionCode>& codes) {
  std::string out;
  for (const char* c : kColumns) out += std::string(out.empty() ? "" : ",") + c;
  out += "\r\n";
  for (const auto& code : codes) {
    std::string indices;
    for (const auto& i : code.disorganisation_indices) indices += (indices.empty() ? "" : ";") + i;
    for (const auto& e : code.episodes) {
      const std::string episode = std::to_string(e.episode), crying = std::to_string(e.crying),
                        seconds = e.seconds ? std::to_string(e.seconds) : "",
                        rating = std::to_string(code.disorganisation);
      const std::string prox = scale_cell(e, "proximity"), contact = scale_cell(e, "contact"),
                        resist = scale_cell(e, "resistance"), avoid = scale_cell(e, "avoidance");
      out += csv_row({study, code.participant, code.coder, episode, seconds, prox, contact, resist,
                      avoid, crying, indices, rating, code.classification, code.subgroup});
    }
  }
  return out;
}

Result<std::vector<SessionCode>> from_csv(const std::string& csv) {
  auto table = psy::parse_csv(csv);
  if (!table) return table.error();
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < table->header.size(); ++i) column[table->header[i]] = i;
  for (const char* c : kColumns)
    if (!column.count(c)) return invalid(c, std::string("The CSV has no column ") + c + ".");
  std::vector<SessionCode> out;
  std::map<std::pair<std::string, std::string>, size_t> at;
  for (size_t r = 0; r < table->rows.size(); ++r) {
    const auto& row = table->rows[r];
    auto cell = [&](const char* name) -> const std::string& { return row.at(column[name]); };
    auto number = [&](const char* name) -> Result<int> {
      const std::string& text = cell(name);
      if (text.empty() || text.size() > 3 ||
          !std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(c); }))
        return invalid(name,
                       fmt::format("Line {}: {} is not a number.", table->row_lines[r], name));
      return std::stoi(text);
    };
    if (row.size() != table->header.size())
      return invalid("", fmt::format("Line {} has {} cells, not {}.", table->row_lines[r],
                                     row.size(), table->header.size()));
    const auto key = std::pair{cell("participant"), cell("coder")};
    auto found = at.find(key);
    if (found == at.end()) {
      SessionCode code;
      code.participant = key.first;
      code.coder = key.second;
      auto rating = number("disorganisation");
      if (!rating) return rating.error();
      code.disorganisation = *rating;
      code.classification = cell("classification");
      code.subgroup = cell("subgroup");
      for (auto part : split(cell("disorganisation_indices"), ';'))
        if (!part.empty()) code.disorganisation_indices.emplace_back(part);
      found = at.emplace(key, out.size()).first;
      out.push_back(std::move(code));
    }
    EpisodeScores e;
    auto episode = number("episode");
    if (!episode) return episode.error();
    e.episode = *episode;
    auto crying = number("crying");
    if (!crying) return crying.error();
    e.crying = *crying;
    if (!cell("seconds").empty()) {
      auto seconds = number("seconds");
      if (!seconds) return seconds.error();
      e.seconds = *seconds;
    }
    for (const char* scale : kScales) {
      if (cell(scale).empty()) continue;
      auto v = number(scale);
      if (!v) return v.error();
      e.scales[scale] = *v;
    }
    out[found->second].episodes.push_back(std::move(e));
  }
  for (const auto& code : out)
    if (auto st = validate(code); !st)
      return invalid(st.error().field,
                     code.participant + ", " + code.coder + ": " + st.error().message);
  return out;
}

}  // namespace sb::studies
