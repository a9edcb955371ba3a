#include "features/directory/geo.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>

#include "core/numbers.h"
#include "core/strings.h"

namespace sb::directory {

int64_t distance_m(double lat1, double lon1, double lat2, double lon2) {
  // SQL: 2 * 6371008.8 * asin(sqrt(sin((lat2 - lat1) * k / 2) * sin(...) + cos(lat1 * k) *
  // cos(lat2 * k) * sin((lon2 - lon1) * k / 2) * sin(...))), floored. Keep the two in step.
  const double half_dlat = (lat2 - lat1) * kRadiansPerDegree / 2;
  const double half_dlon = (lon2 - lon1) * kRadiansPerDegree / 2;
  const double a = std::sin(half_dlat) * std::sin(half_dlat) +
                   std::cos(lat1 * kRadiansPerDegree) * std::cos(lat2 * kRadiansPerDegree) *
                       std::sin(half_dlon) * std::sin(half_dlon);
  return static_cast<int64_t>(std::floor(2 * kEarthRadiusM * std::asin(std::sqrt(a))));
}

std::string Place::key() const { return (kind == Kind::kZip ? "zip:" : "city:") + id; }

std::string Place::label() const {
  if (kind == Kind::kZip) return "ZIP " + id;
  std::string out = name;
  if (country == "US" && !admin.empty()) out += ", " + admin;
  out += ", " + country;
  return out;
}

namespace {

// The common Latin letters with diacritics in UTF-8, folded to their base letter.
struct Fold {
  const char* utf8;
  char ascii;
};
constexpr Fold kFolds[] = {
    {"à", 'a'}, {"á", 'a'}, {"â", 'a'}, {"ã", 'a'}, {"ä", 'a'}, {"å", 'a'}, {"ç", 'c'}, {"è", 'e'},
    {"é", 'e'}, {"ê", 'e'}, {"ë", 'e'}, {"ì", 'i'}, {"í", 'i'}, {"î", 'i'}, {"ï", 'i'}, {"ñ", 'n'},
    {"ò", 'o'}, {"ó", 'o'}, {"ô", 'o'}, {"õ", 'o'}, {"ö", 'o'}, {"ø", 'o'}, {"ù", 'u'}, {"ú", 'u'},
    {"û", 'u'}, {"ü", 'u'}, {"ý", 'y'}, {"ÿ", 'y'}, {"À", 'a'}, {"Á", 'a'}, {"Â", 'a'}, {"Ã", 'a'},
    {"Ä", 'a'}, {"Å", 'a'}, {"Ç", 'c'}, {"È", 'e'}, {"É", 'e'}, {"Ê", 'e'}, {"Ë", 'e'}, {"Ì", 'i'},
    {"Í", 'i'}, {"Î", 'i'}, {"Ï", 'i'}, {"Ñ", 'n'}, {"Ò", 'o'}, {"Ó", 'o'}, {"Ô", 'o'}, {"Õ", 'o'},
    {"Ö", 'o'}, {"Ø", 'o'}, {"Ù", 'u'}, {"Ú", 'u'}, {"Û", 'u'}, {"Ü", 'u'}, {"Ý", 'y'},
};

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> out;
  for (auto f : split(line, '\t')) out.emplace_back(f);
  return out;
}

}  // namespace

std::string fold_place(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    char folded = 0;
    size_t used = 1;
    if (static_cast<unsigned char>(c) >= 0x80) {
      for (const auto& f : kFolds) {
        const std::string_view u(f.utf8);
        if (text.substr(i, u.size()) == u) {
          folded = f.ascii;
          used = u.size();
          break;
        }
      }
    } else if (c >= 'A' && c <= 'Z') {
      folded = static_cast<char>(c - 'A' + 'a');
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      folded = c;
    }
    i += used;
    if (folded) {
      out.push_back(folded);
    } else if (static_cast<unsigned char>(c) < 0x80 && !out.empty() && out.back() != ' ') {
      out.push_back(' ');
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Result<Places> Places::load(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return Error{ErrorCode::kNotFound,
                 "cannot read the places file " + path + " (scripts/bootstrap makes it)", "places"};
  std::vector<Place> places;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    auto f = fields_of(line);
    auto lat = parse_decimal(f.size() == 9 ? f[6] : "");
    auto lon = parse_decimal(f.size() == 9 ? f[7] : "");
    auto pop = parse_int(f.size() == 9 ? f[8] : "");
    if (f.size() != 9 || (f[0] != "Z" && f[0] != "C") || !lat || !lon || !pop)
      return invalid("places", path + ":" + std::to_string(line_no) + ": not a place line");
    Place p;
    p.kind = f[0] == "Z" ? Place::Kind::kZip : Place::Kind::kCity;
    p.id = f[1];
    p.name = f[2];
    p.admin = f[4];
    p.country = f[5];
    p.lat = *lat;
    p.lon = *lon;
    p.population = *pop;
    places.push_back(std::move(p));
  }
  return of(std::move(places));
}

Result<std::shared_ptr<const Places>> Places::shared(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Places>> loaded;
  std::lock_guard lock(mutex);
  if (auto it = loaded.find(path); it != loaded.end()) return it->second;
  auto places = load(path);
  if (!places) return places.error();
  auto shared = std::make_shared<const Places>(std::move(*places));
  loaded[path] = shared;
  return shared;
}

Places Places::of(std::vector<Place> places) {
  Places p;
  p.places_ = std::move(places);
  p.index();
  return p;
}

void Places::index() {
  // Fold every name once, then sort by (kind, ZIP or folded name, most people first).
  std::vector<std::string> keys;
  keys.reserve(places_.size());
  for (const auto& p : places_)
    keys.push_back(p.kind == Place::Kind::kZip ? p.id : fold_place(p.name));
  std::vector<size_t> order(places_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Place &pa = places_[a], &pb = places_[b];
    if (pa.kind != pb.kind) return pa.kind == Place::Kind::kZip;
    if (keys[a] != keys[b]) return keys[a] < keys[b];
    return pa.population > pb.population;
  });
  std::vector<Place> sorted;
  sorted.reserve(places_.size());
  city_keys_.clear();
  for (size_t i : order) {
    if (places_[i].kind == Place::Kind::kCity) city_keys_.push_back(std::move(keys[i]));
    sorted.push_back(std::move(places_[i]));
  }
  places_ = std::move(sorted);
  first_city_ = places_.size() - city_keys_.size();
}

const Place* Places::zip(std::string_view zip5) const {
  auto end = places_.begin() + static_cast<std::ptrdiff_t>(first_city_);
  auto it = std::lower_bound(places_.begin(), end, zip5,
                             [](const Place& p, std::string_view z) { return p.id < z; });
  if (it == end || it->id != zip5) return nullptr;
  return &*it;
}

std::vector<Place> Places::us_cities() const {
  std::vector<Place> out;
  for (size_t i = first_city_; i < places_.size(); ++i)
    if (places_[i].country == "US" && places_[i].admin.size() == 2) out.push_back(places_[i]);
  return out;
}

std::vector<Place> Places::find(std::string_view query, size_t limit) const {
  std::vector<Place> out;
  const std::string q(trim(query));
  if (q.starts_with("zip:")) {
    if (const auto* p = zip(q.substr(4))) out.push_back(*p);
    return out;
  }
  if (q.starts_with("city:")) {
    const auto id = q.substr(5);
    for (size_t i = first_city_; i < places_.size(); ++i)
      if (places_[i].id == id) out.push_back(places_[i]);
    return out;
  }
  // A ZIP code, with or without its four-digit suffix.
  if (q.size() >= 5 &&
      std::all_of(q.begin(), q.begin() + 5, [](char c) { return c >= '0' && c <= '9'; }) &&
      (q.size() == 5 || (q.size() == 10 && q[5] == '-'))) {
    if (const auto* p = zip(q.substr(0, 5))) out.push_back(*p);
    return out;
  }
  // "name[, region][, country]": the region is a state's two letters or a country code.
  auto parts = split(q, ',');
  const std::string name = fold_place(parts.empty() ? "" : parts[0]);
  if (name.empty()) return out;
  std::vector<std::string> qualifiers;
  for (size_t i = 1; i < parts.size(); ++i) {
    auto t = std::string(trim(parts[i]));
    std::transform(t.begin(), t.end(), t.begin(), [](char c) {
      return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    });
    if (!t.empty()) qualifiers.push_back(t);
  }
  auto lo = std::lower_bound(city_keys_.begin(), city_keys_.end(), name);
  std::vector<const Place*> found;
  for (auto it = lo; it != city_keys_.end() && *it == name; ++it) {
    const Place& p = places_[first_city_ + static_cast<size_t>(it - city_keys_.begin())];
    bool ok = true;
    for (const auto& qual : qualifiers)
      if (qual != p.admin && qual != p.country) ok = false;
    if (ok) found.push_back(&p);
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const Place* a, const Place* b) { return a->population > b->population; });
  for (const auto* p : found) {
    if (out.size() >= limit) break;
    out.push_back(*p);
  }
  return out;
}

}  // namespace sb::directory
