// Places and distances: the gazetteer that turns "10001" or "Springfield, IL" into coordinates,
// and the one great-circle distance the index, the SQL query and the pages all use.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sb::directory {

// Mean Earth radius (IUGG), metres.
inline constexpr double kEarthRadiusM = 6371008.8;
inline constexpr double kRadiansPerDegree = 0.017453292519943295;

// Great-circle (haversine) distance in whole metres, rounded down. Written operation by
// operation exactly as the SQL query writes it (DirectoryRepo::search), so both give the same
// number on the same machine.
int64_t distance_m(double lat1, double lon1, double lat2, double lon2);

struct Place {
  enum class Kind { kZip, kCity } kind = Kind::kCity;
  std::string id;       // the ZIP code, or the GeoNames id
  std::string name;     // "10001", "Springfield"
  std::string admin;    // a US state's two letters; a GeoNames code elsewhere
  std::string country;  // ISO 3166 two letters
  double lat = 0, lon = 0;
  int64_t population = 0;

  std::string key() const;    // "zip:10001", "city:4409896": what a link carries
  std::string label() const;  // "ZIP 10001", "Springfield, IL, US"
};

// The places file made by scripts/places/convert.mjs (US ZIP centroids, Census ZCTA 2021, and
// GeoNames cities over 1,000 people), held in memory: 170,000 places, about 20 MB.
class Places {
 public:
  static Result<Places> load(const std::string& path);
  // The file at `path`, read once per process and shared (tests make many applications).
  static Result<std::shared_ptr<const Places>> shared(const std::string& path);
  // For tests: a gazetteer of the given places.
  static Places of(std::vector<Place> places);

  // What a visitor typed: a ZIP code ("10001", "10001-2345"), a city ("springfield"), a city
  // and a state or country ("Springfield, IL", "Paris, FR"), or a key from a link
  // ("city:4409896"). The best matches first (most people first); empty when none.
  std::vector<Place> find(std::string_view query, size_t limit = 10) const;
  const Place* zip(std::string_view zip5) const;
  // Cities in the 50 states, DC and the territories (a US country code and a state code).
  std::vector<Place> us_cities() const;
  size_t size() const { return places_.size(); }

 private:
  std::vector<Place> places_;           // ZIPs by code, then cities by key, population desc
  std::vector<std::string> city_keys_;  // folded names, parallel to the cities
  size_t first_city_ = 0;
  void index();
};

// The folding used for place names: lower-case ASCII letters and digits, one space between
// words ("Saint-Louis" -> "saint louis"). Non-ASCII letters are dropped unless the converter
// already folded them (it does for names; visitors typing accents are folded the same way
// for the common Latin letters).
std::string fold_place(std::string_view text);

}  // namespace sb::directory
