#include "features/directory/listing.h"

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "core/strings.h"

namespace sb::directory {
namespace json = boost::json;

namespace {

std::vector<Term> read_terms(const json::object& doc, const char* name) {
  std::vector<Term> out;
  for (const auto& t : doc.at(name).as_array()) {
    const auto& o = t.as_object();
    Term term{json::value_to<std::string>(o.at("id")), json::value_to<std::string>(o.at("label"))};
    term.attachment_focused =
        o.contains("attachment_focused") && o.at("attachment_focused").as_bool();
    out.push_back(std::move(term));
  }
  if (out.size() > 64) throw std::runtime_error(std::string(name) + " has more than 64 terms");
  return out;
}

Status check_terms(const std::vector<std::string>& ids, const std::vector<Term>& list,
                   const char* field) {
  for (const auto& id : ids)
    if (!Vocabulary::find(list, id)) return invalid(field, "Choose from the list.");
  return ok_status();
}

bool plain_line(std::string_view s) {
  return valid_utf8(s) && s.find_first_of("\r\n\t") == std::string_view::npos;
}

}  // namespace

Result<Vocabulary> Vocabulary::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{ErrorCode::kNotFound, "cannot read the vocabulary " + path, "directory"};
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  auto doc = json::parse(ss.str(), ec);
  if (ec) return invalid("directory", path + " is not valid JSON");
  Vocabulary v;
  try {
    const auto& o = doc.as_object();
    v.approaches = read_terms(o, "approaches");
    v.concerns = read_terms(o, "concerns");
    v.populations = read_terms(o, "populations");
    v.languages = read_terms(o, "languages");
    v.insurance = read_terms(o, "insurance");
    v.taxonomies = read_terms(o, "taxonomies");
    for (const auto& s : o.at("states").as_array()) v.states.emplace_back(s.as_string());
    if (v.states.size() > 64) throw std::runtime_error("more than 64 states");
    if (const auto* p = o.if_contains("psypact_states"))
      for (const auto& s : p->as_array()) {
        v.psypact_states.emplace_back(s.as_string());
        if (!v.state_bit(v.psypact_states.back()))
          throw std::runtime_error("psypact_states: unknown state " + v.psypact_states.back());
      }
  } catch (const std::exception& e) {
    return invalid("directory", path + ": " + e.what());
  }
  return v;
}

std::optional<int> Vocabulary::bit_of(const std::vector<Term>& list, std::string_view id) {
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i].id == id) return static_cast<int>(i);
  return std::nullopt;
}

const Term* Vocabulary::find(const std::vector<Term>& list, std::string_view id) {
  for (const auto& t : list)
    if (t.id == id) return &t;
  return nullptr;
}

std::optional<int> Vocabulary::state_bit(std::string_view state) const {
  for (size_t i = 0; i < states.size(); ++i)
    if (states[i] == state) return static_cast<int>(i);
  return std::nullopt;
}

std::string_view claim_status_name(ClaimStatus s) {
  switch (s) {
    case ClaimStatus::kPending:
      return "pending";
    case ClaimStatus::kVerified:
      return "verified";
    case ClaimStatus::kRefused:
      return "refused";
  }
  return "pending";
}

std::optional<ClaimStatus> claim_status_from(std::string_view name) {
  for (auto s : {ClaimStatus::kPending, ClaimStatus::kVerified, ClaimStatus::kRefused})
    if (claim_status_name(s) == name) return s;
  return std::nullopt;
}

std::string_view source_name(Source s) {
  switch (s) {
    case Source::kNppes:
      return "nppes";
    case Source::kImport:
      return "import";
    case Source::kClinician:
      return "clinician";
    case Source::kDemo:
      return "demo";
  }
  return "import";
}

std::optional<Source> source_from(std::string_view name) {
  for (auto s : {Source::kNppes, Source::kImport, Source::kClinician, Source::kDemo})
    if (source_name(s) == name) return s;
  return std::nullopt;
}

std::vector<std::string> Listing::telehealth_reach(const Vocabulary& v) const {
  std::vector<std::string> out = telehealth_states;
  auto member = [&](const std::string& s) {
    return std::find(v.psypact_states.begin(), v.psypact_states.end(), s) != v.psypact_states.end();
  };
  bool psypact_home = false;
  for (const auto& l : licences) {
    out.push_back(l.state);
    psypact_home = psypact_home || member(l.state);
  }
  if (psypact && psypact_home)
    out.insert(out.end(), v.psypact_states.begin(), v.psypact_states.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  out.erase(std::remove(out.begin(), out.end(), std::string()), out.end());
  return out;
}

Status validate(const Listing& l, const Vocabulary& v) {
  if (trim(l.name).empty()) return invalid("name", "Give the name people will see.");
  if (!plain_line(l.name) || utf8_length(l.name) > kNameMaxChars)
    return invalid("name", "Keep the name to one line of at most 200 characters.");
  for (const auto* s : {&l.credentials, &l.street, &l.city, &l.phone, &l.website, &l.email})
    if (!plain_line(*s) || utf8_length(*s) > 300)
      return invalid("contact", "Keep each detail to one line of at most 300 characters.");
  if (!valid_utf8(l.bio) || utf8_length(l.bio) > kBioMaxChars)
    return invalid("bio", "Keep the introduction within 2,000 characters.");
  if (!l.npi.empty() && !npi_valid(l.npi)) return invalid("npi", "That is not a valid NPI.");
  if (auto st = check_terms(l.approaches, v.approaches, "approaches"); !st) return st;
  if (auto st = check_terms(l.concerns, v.concerns, "concerns"); !st) return st;
  if (auto st = check_terms(l.populations, v.populations, "populations"); !st) return st;
  if (auto st = check_terms(l.languages, v.languages, "languages"); !st) return st;
  if (auto st = check_terms(l.insurance, v.insurance, "insurance"); !st) return st;
  for (const auto& s : l.telehealth_reach(v))
    if (!v.state_bit(s)) return invalid("states", "Use a US state's two letters.");
  if (!l.state.empty() && !v.state_bit(l.state))
    return invalid("state", "Use a US state's two letters.");
  if (l.fee_min < 0 || l.fee_max < 0 || l.fee_min > 10000 || l.fee_max > 10000 ||
      (l.fee_max && l.fee_min > l.fee_max))
    return invalid("fees", "Give fees in whole dollars, the lower one first.");
  if (!(l.lat >= -90 && l.lat <= 90 && l.lon >= -180 && l.lon <= 180))
    return invalid("place", "The office's coordinates are out of range.");
  if (!l.in_person && !l.telehealth)
    return invalid("mode", "Offer sessions in person, by telehealth, or both.");
  return ok_status();
}

int completeness(const Listing& l) {
  const bool has[] = {!l.bio.empty(),
                      !l.approaches.empty(),
                      !l.concerns.empty(),
                      !l.populations.empty(),
                      !l.languages.empty(),
                      l.fee_min > 0 || l.fee_max > 0 || l.sliding_scale,
                      !l.phone.empty() || !l.website.empty() || !l.email.empty(),
                      !l.licences.empty()};
  int filled = 0;
  for (bool b : has) filled += b ? 1 : 0;
  return filled * 20 / 8;
}

bool npi_valid(std::string_view npi) {
  if (npi.size() != 10 ||
      !std::all_of(npi.begin(), npi.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  // Luhn over 80840 + the first nine digits: double every second digit from the right of
  // that 14-digit number, i.e. the NPI's digits 1, 3, 5, 7, 9; the prefix adds a constant 24.
  int sum = 24;
  for (int i = 0; i < 9; ++i) {
    int d = npi[static_cast<size_t>(i)] - '0';
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  const int check = (10 - sum % 10) % 10;
  return check == npi[9] - '0';
}

std::string fold_words(std::string_view text) {
  std::string out = " ";
  for (unsigned char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (word) {
      out.push_back(static_cast<char>(c));
    } else if (out.back() != ' ') {
      out.push_back(' ');
    }
  }
  if (out.back() != ' ') out.push_back(' ');
  return out;
}

std::string key_words(const Listing& l, const Vocabulary& v) {
  std::string text = l.name + " " + l.credentials;
  for (const auto& id : l.approaches)
    if (const auto* t = Vocabulary::find(v.approaches, id)) text += " " + t->label;
  for (const auto& id : l.concerns)
    if (const auto* t = Vocabulary::find(v.concerns, id)) text += " " + t->label;
  for (const auto& id : l.taxonomies)
    if (const auto* t = Vocabulary::find(v.taxonomies, id)) text += " " + t->label;
  return fold_words(text);
}

std::string bio_words(const Listing& l) { return fold_words(l.bio); }

std::string join_list(const std::vector<std::string>& items) {
  if (items.empty()) return "";
  std::string out = "|";
  for (const auto& i : items) out += i + "|";
  return out;
}

std::vector<std::string> split_list(std::string_view joined) {
  std::vector<std::string> out;
  for (auto part : split(joined, '|'))
    if (!part.empty()) out.emplace_back(part);
  return out;
}

}  // namespace sb::directory
