#include "features/directory/nppes.h"

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <fstream>

#include "core/numbers.h"
#include "core/strings.h"

namespace sb::directory {
namespace {

namespace json = boost::json;

// Column positions in the NPPES layout (0-based).
constexpr size_t kColumns = 330;
constexpr size_t kNpi = 0, kEntityType = 1, kOrgName = 4, kLastName = 5, kFirstName = 6,
                 kCredential = 10, kStreet1 = 28, kStreet2 = 29, kCity = 30, kState = 31,
                 kPostal = 32, kPhone = 34, kDeactivated = 39, kReactivated = 40,
                 kTaxonomy1 = 47;  // then licence number, licence state, primary switch; x15

constexpr std::array<std::string_view, 16> kBehaviouralHealth = {
    "101Y00000X", "101YM0800X", "101YP2500X", "101YA0400X", "103T00000X", "103TC0700X",
    "103TC2200X", "103TF0200X", "104100000X", "1041C0700X", "106H00000X", "2084P0800X",
    "2084P0804X", "363LP0808X", "364SP0808X", "261QM0801X"};

// "CHARLES DAVIS" -> "Charles Davis": the register writes names in capitals.
std::string name_case(std::string_view s) {
  std::string out(s);
  bool start = true;
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z' && !start) c = static_cast<char>(c - 'A' + 'a');
    if (c >= 'a' && c <= 'z' && start) c = static_cast<char>(c - 'a' + 'A');
    start = !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '\'');
  }
  return out;
}

std::string phone_of(std::string_view digits) {
  if (digits.size() == 10 && std::all_of(digits.begin(), digits.end(), ::isdigit))
    return "(" + std::string(digits.substr(0, 3)) + ") " + std::string(digits.substr(3, 3)) + "-" +
           std::string(digits.substr(6));
  return std::string(digits);
}

}  // namespace

bool behavioural_health_taxonomy(std::string_view code) {
  return std::find(kBehaviouralHealth.begin(), kBehaviouralHealth.end(), code) !=
         kBehaviouralHealth.end();
}

Result<CsvFile> CsvFile::open(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return Error{ErrorCode::kNotFound, "cannot read " + path, "file"};
  gzFile gz = gzopen(path.c_str(), "rb");  // reads plain files too
  if (!gz) return Error{ErrorCode::kNotFound, "cannot read " + path, "file"};
  gzbuffer(gz, 1 << 17);
  CsvFile f;
  f.gz_ = gz;
  f.size_ = st.st_size;
  return f;
}

CsvFile::CsvFile(CsvFile&& o) noexcept { *this = std::move(o); }
CsvFile& CsvFile::operator=(CsvFile&& o) noexcept {
  std::swap(gz_, o.gz_);
  size_ = o.size_;
  line_ = o.line_;
  buffer_ = std::move(o.buffer_);
  at_ = o.at_;
  return *this;
}
CsvFile::~CsvFile() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
}

int CsvFile::get() {
  if (at_ == buffer_.size()) {
    buffer_.resize(1 << 16);
    const int n =
        gzread(static_cast<gzFile>(gz_), buffer_.data(), static_cast<unsigned>(buffer_.size()));
    if (n <= 0) {
      buffer_.clear();
      at_ = 0;
      return -1;
    }
    buffer_.resize(static_cast<size_t>(n));
    at_ = 0;
  }
  return static_cast<unsigned char>(buffer_[at_++]);
}

double CsvFile::fraction_read() const {
  if (size_ <= 0) return 0;
  const auto done = static_cast<double>(gzoffset(static_cast<gzFile>(gz_)));
  return std::min(1.0, done / static_cast<double>(size_));
}

bool CsvFile::next(std::vector<std::string>& fields, int64_t& line, std::string& problem) {
  fields.clear();
  problem.clear();
  int c = get();
  if (c == -1) return false;
  line = line_;
  std::string field;
  bool quoted = false, was_quoted = false;
  for (;; c = get()) {
    if (c == -1) {
      if (quoted) problem = "a quoted field is not closed before the end of the file";
      fields.push_back(std::move(field));
      return true;
    }
    const char ch = static_cast<char>(c);
    if (quoted) {
      if (ch == '"') {
        const int after = get();
        if (after == '"') {
          field.push_back('"');
          continue;
        }
        quoted = false;
        if (after == -1) {
          fields.push_back(std::move(field));
          return true;
        }
        c = after;
        // Fall through to handle the character after the closing quote.
      } else {
        if (ch == '\n') ++line_;
        field.push_back(ch);
        continue;
      }
    }
    const char d = static_cast<char>(c);
    if (d == ',') {
      fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (d == '\n') {
      ++line_;
      if (!field.empty() && field.back() == '\r' && !was_quoted) field.pop_back();
      fields.push_back(std::move(field));
      return true;
    } else if (d == '\r') {
      if (!was_quoted) field.push_back('\r');
    } else if (d == '"' && field.empty() && !was_quoted) {
      quoted = true;
      was_quoted = true;
    } else {
      if (was_quoted && problem.empty()) problem = "text after a closing quote";
      field.push_back(d);
    }
  }
}

Result<NppesRead> read_nppes(const std::string& path, const Places& places,
                             const std::function<void(double)>& progress) {
  auto file = CsvFile::open(path);
  if (!file) return file.error();
  NppesRead out;
  std::vector<std::string> f;
  int64_t line = 0;
  std::string problem;
  if (!file->next(f, line, problem) || f.size() != kColumns || f[kNpi] != "NPI" ||
      f[kTaxonomy1] != "Healthcare Provider Taxonomy Code_1")
    return invalid("file", path + ": line 1 is not the NPPES header (330 columns, NPI first)");
  while (file->next(f, line, problem)) {
    if (progress && out.rows % 4096 == 0) progress(file->fraction_read());
    if (f.size() == 1 && f[0].empty() && problem.empty()) continue;  // an empty last line
    ++out.rows;
    if (!problem.empty()) {
      out.problems.push_back({line, problem});
      continue;
    }
    if (f.size() != kColumns) {
      out.problems.push_back({line, std::to_string(f.size()) + " columns where NPPES has " +
                                        std::to_string(kColumns)});
      continue;
    }
    const std::string& npi = f[kNpi];
    if (npi.size() != 10 || !std::all_of(npi.begin(), npi.end(), ::isdigit)) {
      out.problems.push_back({line, "the NPI \"" + shorten_utf8(npi, 20) + "\" is not ten digits"});
      continue;
    }
    if (!f[kDeactivated].empty() && f[kReactivated].empty()) {
      ++out.skipped["deactivated"];
      continue;
    }
    if (!npi_valid(npi)) {
      ++out.skipped["NPI check digit wrong"];
      continue;
    }
    Listing l;
    for (size_t t = 0; t < 15; ++t) {
      const size_t at = kTaxonomy1 + 4 * t;
      const std::string& code = f[at];
      if (!behavioural_health_taxonomy(code)) continue;
      l.taxonomies.push_back(code);
      if (!f[at + 1].empty() || !f[at + 2].empty())
        l.licences.push_back({code, f[at + 1], f[at + 2]});
    }
    if (l.taxonomies.empty()) {
      ++out.skipped["not behavioural health"];
      continue;
    }
    const std::string zip5 = f[kPostal].substr(0, 5);
    const Place* place = places.zip(zip5);
    if (!place) {
      ++out.skipped["ZIP code unknown"];
      continue;
    }
    l.npi = npi;
    l.organisation = f[kEntityType] == "2";
    l.name = l.organisation ? f[kOrgName] : f[kFirstName] + " " + f[kLastName];
    l.name = name_case(trim(l.name));
    l.credentials = f[kCredential];
    l.street = name_case(trim(f[kStreet1] + " " + f[kStreet2]));
    l.city = name_case(f[kCity]);
    l.state = f[kState];
    l.zip = zip5;
    l.lat = place->lat;
    l.lon = place->lon;
    l.phone = phone_of(f[kPhone]);
    l.source = Source::kNppes;
    l.in_person = true;
    out.listings.push_back(std::move(l));
    out.lines.push_back(line);
  }
  if (progress) progress(1.0);
  return out;
}

namespace {

std::vector<std::string> strings_of(const json::object& o, const char* key) {
  std::vector<std::string> out;
  if (!o.contains(key)) return out;
  for (const auto& v : o.at(key).as_array()) out.emplace_back(v.as_string());
  return out;
}

std::string string_of(const json::object& o, const char* key) {
  return o.contains(key) ? std::string(o.at(key).as_string()) : "";
}

bool bool_of(const json::object& o, const char* key, bool otherwise = false) {
  return o.contains(key) ? o.at(key).as_bool() : otherwise;
}

int int_of(const json::object& o, const char* key) {
  return o.contains(key) ? static_cast<int>(o.at(key).to_number<int64_t>()) : 0;
}

double real_of(const json::object& o, const char* key) { return o.at(key).to_number<double>(); }

Listing listing_of(const json::object& o) {
  Listing l;
  l.npi = string_of(o, "npi");
  l.name = string_of(o, "name");
  l.credentials = string_of(o, "credentials");
  l.organisation = bool_of(o, "organisation");
  if (o.contains("licences"))
    for (const auto& v : o.at("licences").as_array()) {
      const auto& lo = v.as_object();
      l.licences.push_back(
          {string_of(lo, "type"), string_of(lo, "number"), string_of(lo, "state")});
    }
  l.psypact = bool_of(o, "psypact");
  l.counseling_compact = bool_of(o, "counseling_compact");
  l.approaches = strings_of(o, "approaches");
  l.concerns = strings_of(o, "concerns");
  l.populations = strings_of(o, "populations");
  l.languages = strings_of(o, "languages");
  l.insurance = strings_of(o, "insurance");
  l.telehealth_states = strings_of(o, "telehealth_states");
  l.fee_min = int_of(o, "fee_min");
  l.fee_max = int_of(o, "fee_max");
  l.sliding_scale = bool_of(o, "sliding_scale");
  l.in_person = bool_of(o, "in_person", true);
  l.telehealth = bool_of(o, "telehealth");
  l.accepting = bool_of(o, "accepting");
  l.street = string_of(o, "street");
  l.hide_street = bool_of(o, "hide_street");
  l.city = string_of(o, "city");
  l.state = string_of(o, "state");
  l.zip = string_of(o, "zip");
  l.lat = real_of(o, "lat");
  l.lon = real_of(o, "lon");
  l.phone = string_of(o, "phone");
  l.website = string_of(o, "website");
  l.email = string_of(o, "email");
  l.bio = string_of(o, "bio");
  l.source = o.contains("demo") && o.at("demo").as_bool() ? Source::kDemo : Source::kImport;
  return l;
}

}  // namespace

Result<NppesRead> read_listings_jsonl(const std::string& path, const Vocabulary& vocabulary,
                                      const std::function<void(double)>& progress) {
  std::ifstream in(path);
  if (!in) return Error{ErrorCode::kNotFound, "cannot read " + path, "file"};
  NppesRead out;
  std::string text;
  int64_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (trim(text).empty()) continue;
    ++out.rows;
    if (progress && out.rows % 4096 == 0) progress(0);
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) {
      out.problems.push_back({line, "not a JSON object"});
      continue;
    }
    Listing l;
    try {
      l = listing_of(v.as_object());
    } catch (const std::exception&) {
      out.problems.push_back({line, "a field has the wrong type, or lat/lon is missing"});
      continue;
    }
    if (auto st = validate(l, vocabulary); !st) {
      out.problems.push_back({line, st.error().field + ": " + st.error().message});
      continue;
    }
    out.listings.push_back(std::move(l));
    out.lines.push_back(line);
  }
  if (progress) progress(1.0);
  return out;
}

}  // namespace sb::directory
