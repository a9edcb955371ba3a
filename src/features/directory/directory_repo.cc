#include "features/directory/directory_repo.h"

#include <soci/soci.h>

#include <boost/json.hpp>
#include <cmath>
#include <functional>
#include <variant>

#include "core/strings.h"
#include "features/directory/geo.h"
#include "store/errors.h"
#include "store/query.h"

namespace sb::store {
namespace {

namespace json = boost::json;
using directory::Listing;
using ll = long long;

// Every column a listing is read from, in the order read_listing reads them.
const char* const kSelect =
    "SELECT id, npi, name, credentials, organisation, licences, psypact, counseling_compact, "
    "taxonomies, approaches, concerns, populations, languages, insurance, telehealth_states, "
    "fee_min, fee_max, sliding_scale, in_person, telehealth, accepting, confirmed_at, street, "
    "city, state, zip, hide_street, lat, lon, phone, website, email, bio, verified, hidden, "
    "source, owner_user_id, updated_at FROM directory_listings";

// The columns a write sets, in the order ListingRow binds them.
const char* const kWriteColumns =
    "npi, name, credentials, organisation, licences, psypact, counseling_compact, taxonomies, "
    "approaches, concerns, populations, languages, insurance, telehealth_states, reach, "
    "fee_min, fee_max, sliding_scale, in_person, telehealth, accepting, confirmed_at, street, "
    "city, state, zip, hide_street, lat, lon, phone, website, email, bio, verified, hidden, "
    "source, owner_user_id, updated_at, version, completeness, attachment_focused, key_words, "
    "bio_words, import_hash";
constexpr int kWriteCount = 44;

std::string licences_json(const std::vector<directory::Licence>& ls) {
  json::array a;
  for (const auto& l : ls)
    a.push_back(json::object{{"type", l.type}, {"number", l.number}, {"state", l.state}});
  return json::serialize(a);
}

std::vector<directory::Licence> licences_from(const std::string& text) {
  std::vector<directory::Licence> out;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.as_array()) {
    if (!e.is_object()) continue;
    const auto& o = e.as_object();
    auto str = [&](const char* k) {
      return o.contains(k) && o.at(k).is_string() ? std::string(o.at(k).as_string()) : "";
    };
    out.push_back({str("type"), str("number"), str("state")});
  }
  return out;
}

// What an import compares to tell an unchanged row from a changed one.
std::string import_hash_of(const Listing& l) {
  return std::to_string(std::hash<std::string>{}(
      l.name + '\x1f' + l.credentials + '\x1f' + licences_json(l.licences) + '\x1f' +
      directory::join_list(l.taxonomies) + '\x1f' + l.street + '\x1f' + l.city + '\x1f' + l.state +
      '\x1f' + l.zip + '\x1f' + std::to_string(l.lat) + '\x1f' + std::to_string(l.lon) + '\x1f' +
      l.phone + '\x1f' + (l.organisation ? "1" : "0")));
}

// A listing as the values of one write, bound by reference so a prepared statement can run
// again with the next listing's values.
struct ListingRow {
  std::string npi, name, credentials, licences, taxonomies, approaches, concerns, populations,
      languages, insurance, telehealth_states, reach, street, city, state, zip, phone, website,
      email, bio, source, key_words, bio_words, import_hash;
  int organisation = 0, psypact = 0, compact = 0, sliding = 0, in_person = 0, telehealth = 0,
      accepting = 0, hide_street = 0, verified = 0, hidden = 0, completeness = 0,
      attachment_focused = 0, fee_min = 0, fee_max = 0;
  ll confirmed_at = 0, owner = 0, updated_at = 0, version = 0, id = 0;
  double lat = 0, lon = 0;
  soci::indicator npi_ind = soci::i_ok, owner_ind = soci::i_ok;

  void set(const Listing& l, const directory::Vocabulary& v, int64_t now, int64_t ver) {
    npi = l.npi;
    npi_ind = l.npi.empty() ? soci::i_null : soci::i_ok;
    name = l.name;
    credentials = l.credentials;
    organisation = l.organisation;
    licences = licences_json(l.licences);
    psypact = l.psypact;
    compact = l.counseling_compact;
    taxonomies = directory::join_list(l.taxonomies);
    approaches = directory::join_list(l.approaches);
    concerns = directory::join_list(l.concerns);
    populations = directory::join_list(l.populations);
    languages = directory::join_list(l.languages);
    insurance = directory::join_list(l.insurance);
    telehealth_states = directory::join_list(l.telehealth_states);
    reach = directory::join_list(l.telehealth_reach(v));
    fee_min = l.fee_min;
    fee_max = l.fee_max;
    sliding = l.sliding_scale;
    in_person = l.in_person;
    telehealth = l.telehealth;
    accepting = l.accepting;
    confirmed_at = l.confirmed_at;
    street = l.street;
    city = l.city;
    state = l.state;
    zip = l.zip;
    hide_street = l.hide_street;
    lat = l.lat;
    lon = l.lon;
    phone = l.phone;
    website = l.website;
    email = l.email;
    bio = l.bio;
    verified = l.verified;
    hidden = l.hidden;
    source = std::string(directory::source_name(l.source));
    owner = l.owner_user_id;
    owner_ind = l.owner_user_id ? soci::i_ok : soci::i_null;
    updated_at = now;
    version = ver;
    completeness = directory::completeness(l);
    attachment_focused = 0;
    for (const auto& a : l.approaches)
      if (const auto* t = directory::Vocabulary::find(v.approaches, a); t && t->attachment_focused)
        attachment_focused = 1;
    key_words = directory::key_words(l, v);
    bio_words = directory::bio_words(l);
    import_hash = import_hash_of(l);
    id = l.id;
  }

  void bind(soci::statement& st) {
    using soci::use;
    st.exchange(use(npi, npi_ind));
    st.exchange(use(name));
    st.exchange(use(credentials));
    st.exchange(use(organisation));
    st.exchange(use(licences));
    st.exchange(use(psypact));
    st.exchange(use(compact));
    st.exchange(use(taxonomies));
    st.exchange(use(approaches));
    st.exchange(use(concerns));
    st.exchange(use(populations));
    st.exchange(use(languages));
    st.exchange(use(insurance));
    st.exchange(use(telehealth_states));
    st.exchange(use(reach));
    st.exchange(use(fee_min));
    st.exchange(use(fee_max));
    st.exchange(use(sliding));
    st.exchange(use(in_person));
    st.exchange(use(telehealth));
    st.exchange(use(accepting));
    st.exchange(use(confirmed_at));
    st.exchange(use(street));
    st.exchange(use(city));
    st.exchange(use(state));
    st.exchange(use(zip));
    st.exchange(use(hide_street));
    st.exchange(use(lat));
    st.exchange(use(lon));
    st.exchange(use(phone));
    st.exchange(use(website));
    st.exchange(use(email));
    st.exchange(use(bio));
    st.exchange(use(verified));
    st.exchange(use(hidden));
    st.exchange(use(source));
    st.exchange(use(owner, owner_ind));
    st.exchange(use(updated_at));
    st.exchange(use(version));
    st.exchange(use(completeness));
    st.exchange(use(attachment_focused));
    st.exchange(use(key_words));
    st.exchange(use(bio_words));
    st.exchange(use(import_hash));
  }
};

std::string placeholders(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += (i ? ", :v" : ":v") + std::to_string(i);
  return out;
}

std::string insert_sql() {
  return std::string("INSERT INTO directory_listings(") + kWriteColumns + ") VALUES(" +
         placeholders(kWriteCount) + ")";
}

std::string update_sql() {
  std::string sql = "UPDATE directory_listings SET ";
  std::string cols = kWriteColumns;
  int i = 0;
  for (auto part : split(cols, ',')) {
    sql += (i ? ", " : "") + std::string(trim(part)) + " = :v" + std::to_string(i);
    ++i;
  }
  return sql + " WHERE id = :id";
}

// A statement prepared once and run for many rows (inside one transaction).
class Prepared {
 public:
  Prepared(soci::session& s, const std::string& sql, ListingRow& row, bool with_id) : st_(s) {
    row.bind(st_);
    if (with_id) st_.exchange(soci::use(row.id));
    st_.alloc();
    st_.prepare(sql);
    st_.define_and_bind();
  }
  void run() { st_.execute(true); }

 private:
  soci::statement st_;
};

// Moves the change counter on; the row lock keeps writers in order, so a reader that sees
// version N also sees every listing written at N or before.
ll next_version(soci::session& s) {
  s << "UPDATE directory_version SET version = version + 1 WHERE id = 1";
  ll v = 0;
  s << "SELECT version FROM directory_version WHERE id = 1", soci::into(v);
  return v;
}

std::string text_at(const soci::row& r, size_t i) {
  return r.get_indicator(i) == soci::i_null ? std::string() : r.get<std::string>(i);
}

double real_at(const soci::row& r, size_t i) {
  if (r.get_properties(i).get_data_type() == soci::dt_double) return r.get<double>(i);
  return static_cast<double>(get_int64(r, i));
}

Listing read_listing(const soci::row& r) {
  Listing l;
  size_t i = 0;
  auto text = [&] { return text_at(r, i++); };
  auto integer = [&] {
    const size_t at = i++;
    return r.get_indicator(at) == soci::i_null ? int64_t{0} : get_int64(r, at);
  };
  auto flag = [&] { return integer() != 0; };
  auto list = [&] { return directory::split_list(text()); };
  l.id = integer();
  l.npi = text();
  l.name = text();
  l.credentials = text();
  l.organisation = flag();
  l.licences = licences_from(text());
  l.psypact = flag();
  l.counseling_compact = flag();
  l.taxonomies = list();
  l.approaches = list();
  l.concerns = list();
  l.populations = list();
  l.languages = list();
  l.insurance = list();
  l.telehealth_states = list();
  l.fee_min = static_cast<int>(integer());
  l.fee_max = static_cast<int>(integer());
  l.sliding_scale = flag();
  l.in_person = flag();
  l.telehealth = flag();
  l.accepting = flag();
  l.confirmed_at = integer();
  l.street = text();
  l.city = text();
  l.state = text();
  l.zip = text();
  l.hide_street = flag();
  l.lat = real_at(r, i++);
  l.lon = real_at(r, i++);
  l.phone = text();
  l.website = text();
  l.email = text();
  l.bio = text();
  l.verified = flag();
  l.hidden = flag();
  l.source = directory::source_from(text()).value_or(directory::Source::kImport);
  l.owner_user_id = integer();
  l.updated_at = integer();
  return l;
}

// What a result card and the JSON answer show, for a page of hits: 13 columns, not 38.
const char* const kSelectCard =
    "SELECT id, npi, name, credentials, taxonomies, approaches, city, state, telehealth, "
    "verified, source, accepting, confirmed_at FROM directory_listings";

Listing read_card(const soci::row& r) {
  Listing l;
  size_t i = 0;
  auto text = [&] { return text_at(r, i++); };
  auto integer = [&] {
    const size_t at = i++;
    return r.get_indicator(at) == soci::i_null ? int64_t{0} : get_int64(r, at);
  };
  l.id = integer();
  l.npi = text();
  l.name = text();
  l.credentials = text();
  l.taxonomies = directory::split_list(text());
  l.approaches = directory::split_list(text());
  l.city = text();
  l.state = text();
  l.telehealth = integer() != 0;
  l.verified = integer() != 0;
  l.source = directory::source_from(text()).value_or(directory::Source::kImport);
  l.accepting = integer() != 0;
  l.confirmed_at = integer();
  return l;
}

const char* const kSelectClaim =
    "SELECT c.id, c.listing_id, c.user_id, c.licence_number, c.status, c.created_at, "
    "c.decided_at, l.name, l.npi, l.licences, u.email, u.public_id FROM directory_claims c "
    "JOIN directory_listings l ON l.id = c.listing_id JOIN users u ON u.id = c.user_id";

directory::Claim read_claim(const soci::row& r) {
  directory::Claim c;
  c.id = get_int64(r, 0);
  c.listing_id = get_int64(r, 1);
  c.user_id = get_int64(r, 2);
  c.licence_number = text_at(r, 3);
  c.status = directory::claim_status_from(text_at(r, 4)).value_or(directory::ClaimStatus::kPending);
  c.created_at = get_int64(r, 5);
  c.decided_at = r.get_indicator(6) == soci::i_null ? 0 : get_int64(r, 6);
  c.listing_name = text_at(r, 7);
  c.npi = text_at(r, 8);
  c.licences = licences_from(text_at(r, 9));
  c.claimant_email = text_at(r, 10);
  c.claimant_public_id = text_at(r, 11);
  return c;
}

}  // namespace

Result<ImportCounts> DirectoryRepo::import(const std::vector<Listing>& listings, int64_t now) {
  ImportCounts counts;
  auto st = db_.transaction([&](soci::session& s) {
    // What the store holds already, by NPI: one read instead of one per row.
    struct Known {
      ll id;
      bool claimed;
      std::string hash;
    };
    std::unordered_map<std::string, Known> known;
    each_row(db_, s,
             "SELECT npi, id, owner_user_id, import_hash FROM directory_listings "
             "WHERE npi IS NOT NULL",
             [&](const soci::row& r) {
               known[r.get<std::string>(0)] = {get_int64(r, 1), r.get_indicator(2) != soci::i_null,
                                               text_at(r, 3)};
             });
    const ll version = next_version(s);
    ListingRow row;
    Prepared insert(s, insert_sql(), row, false);
    Prepared update(s, update_sql(), row, true);
    for (const auto& l : listings) {
      auto it = l.npi.empty() ? known.end() : known.find(l.npi);
      if (it == known.end()) {
        row.set(l, vocabulary_, now, version);
        insert.run();
        ++counts.added;
        continue;
      }
      if (it->second.claimed) {
        ++counts.kept_claimed;
        continue;
      }
      if (it->second.hash == import_hash_of(l)) {
        ++counts.unchanged;
        continue;
      }
      Listing merged = l;
      merged.id = it->second.id;
      row.set(merged, vocabulary_, now, version);
      update.run();
      ++counts.updated;
    }
  });
  if (!st) return st.error();
  return counts;
}

Result<int64_t> DirectoryRepo::save(const Listing& l, int64_t now) {
  ll id = l.id;
  auto st = db_.transaction([&](soci::session& s) {
    ListingRow row;
    row.set(l, vocabulary_, now, next_version(s));
    if (id == 0) {
      Prepared insert(s, insert_sql(), row, false);
      insert.run();
      if (l.npi.empty()) {
        s << "SELECT MAX(id) FROM directory_listings", soci::into(id);
      } else {
        s << "SELECT id FROM directory_listings WHERE npi = :n", soci::use(l.npi), soci::into(id);
      }
    } else {
      Prepared update(s, update_sql(), row, true);
      update.run();
    }
  });
  if (!st) return st.error();
  return static_cast<int64_t>(id);
}

Result<std::optional<Listing>> DirectoryRepo::get(int64_t id) {
  const ll i = id;
  return select_one<Listing>(db_, std::string(kSelect) + " WHERE id = :i", read_listing, i);
}

Result<std::optional<Listing>> DirectoryRepo::by_npi(const std::string& npi) {
  return select_one<Listing>(db_, std::string(kSelect) + " WHERE npi = :n", read_listing, npi);
}

Result<std::vector<Listing>> DirectoryRepo::all() {
  return select_all<Listing>(db_, std::string(kSelect) + " ORDER BY id", read_listing);
}

Result<int64_t> DirectoryRepo::refresh_reach(const std::vector<Listing>& all) {
  auto stored = select_all<std::pair<int64_t, std::string>>(
      db_, "SELECT id, reach FROM directory_listings ORDER BY id", [](const soci::row& r) {
        return std::pair{get_int64(r, 0), r.get<std::string>(1)};
      });
  if (!stored) return stored.error();
  std::unordered_map<int64_t, const std::string*> reach_of;
  reach_of.reserve(stored->size());
  for (const auto& [id, reach] : *stored) reach_of.emplace(id, &reach);
  std::vector<std::pair<ll, std::string>> changed;
  for (const auto& l : all) {
    std::string reach = directory::join_list(l.telehealth_reach(vocabulary_));
    const auto at = reach_of.find(l.id);
    if (at != reach_of.end() && *at->second != reach) changed.emplace_back(l.id, std::move(reach));
  }
  if (changed.empty()) return int64_t{0};
  auto st = db_.transaction([&](soci::session& s) {
    ll id = 0;
    std::string reach;
    soci::statement update = (s.prepare << "UPDATE directory_listings SET reach = :r WHERE id = :i",
                              soci::use(reach), soci::use(id));
    for (const auto& [i, r] : changed) {
      id = i;
      reach = r;
      update.execute(true);
    }
  });
  if (!st) return st.error();
  return static_cast<int64_t>(changed.size());
}

Result<int64_t> DirectoryRepo::version() {
  auto v = select_one<int64_t>(db_, "SELECT version FROM directory_version WHERE id = 1",
                               [](const soci::row& r) { return get_int64(r, 0); });
  if (!v) return v.error();
  return v->value_or(0);
}

Result<std::vector<Listing>> DirectoryRepo::changed_since(int64_t version) {
  const ll v = version;
  return select_all<Listing>(db_, std::string(kSelect) + " WHERE version > :v ORDER BY id",
                             read_listing, v);
}

Result<int64_t> DirectoryRepo::count() {
  auto n = select_one<int64_t>(db_, "SELECT COUNT(*) FROM directory_listings",
                               [](const soci::row& r) { return get_int64(r, 0); });
  if (!n) return n.error();
  return n->value_or(0);
}

namespace {

// A piece of SQL whose values sit where its '?' marks are: pieces are joined in the order they
// appear in the statement, so the values stay in placeholder order however the query is put
// together.
struct Sql {
  std::string text;
  std::vector<std::variant<std::string, ll, double>> values;

  Sql& operator+=(const std::string& more) {
    text += more;
    return *this;
  }
  Sql& operator+=(const Sql& more) {
    text += more.text;
    values.insert(values.end(), more.values.begin(), more.values.end());
    return *this;
  }
  Sql& value(std::variant<std::string, ll, double> v) {
    text += "?";
    values.push_back(std::move(v));
    return *this;
  }
  // The text with :p0, :p1, ... for the marks, and a binder for the values in that order.
  std::string numbered() const {
    std::string out;
    int n = 0;
    for (char c : text) {
      if (c == '?') {
        out += ":p" + std::to_string(n++);
      } else {
        out.push_back(c);
      }
    }
    return out;
  }
  void bind(soci::statement& st) const {
    for (const auto& v : values) std::visit([&](const auto& x) { st.exchange(soci::use(x)); }, v);
  }
};

Sql haversine_sql(double lat, double lon) {
  // Operation by operation as directory::distance_m computes it.
  const std::string k = "0.017453292519943295";
  auto half = [&](const char* column, double at) {
    Sql s;
    s += std::string("((") + column + " - ";
    s.value(at);
    s += ") * " + k + " / 2)";
    return s;
  };
  Sql s;
  s += "CAST(floor(2 * 6371008.8 * asin(sqrt(sin(";
  s += half("lat", lat);
  s += ") * sin(";
  s += half("lat", lat);
  s += ") + cos(";
  s.value(lat);
  s += " * " + k + ") * cos(lat * " + k + ") * sin(";
  s += half("lon", lon);
  s += ") * sin(";
  s += half("lon", lon);
  s += ")))) AS BIGINT)";
  return s;
}

Sql filters_sql(const directory::Query& q) {
  Sql w;
  w += "hidden = 0";
  auto like = [&](const char* column, const std::string& id) {
    w += std::string(" AND ") + column + " LIKE ";
    w.value("%|" + id + "|%");
  };
  for (const auto& id : q.approaches) like("approaches", id);
  for (const auto& id : q.concerns) like("concerns", id);
  for (const auto& id : q.populations) like("populations", id);
  for (const auto& id : q.languages) like("languages", id);
  if (!q.insurance.empty()) like("insurance", q.insurance);
  if (!q.telehealth_state.empty()) {
    w += " AND telehealth = 1";
    like("reach", q.telehealth_state);
  }
  if (q.attachment_focused) w += " AND attachment_focused = 1";
  if (q.accepting_only) w += " AND accepting = 1";
  if (q.sliding_scale_only) w += " AND sliding_scale = 1";
  if (q.verified_only) w += " AND verified = 1";
  if (q.mode == directory::Mode::kInPerson) w += " AND in_person = 1";
  if (q.mode == directory::Mode::kTelehealth) w += " AND telehealth = 1";
  if (q.fee_at_most > 0) {
    w += " AND ((fee_min > 0 AND fee_min <= ";
    w.value(ll{q.fee_at_most});
    w += ") OR sliding_scale = 1)";
  }
  for (const auto& word : q.words) {
    w += " AND (key_words LIKE ";
    w.value("% " + word + "%");
    w += " OR bio_words LIKE ";
    w.value("% " + word + "%");
    w += ")";
  }
  return w;
}

Sql base_score_sql(const directory::Query& q) {
  namespace ranking = directory::ranking;
  Sql s;
  s += "completeness + CASE WHEN confirmed_at > 0 AND confirmed_at >= ";
  s.value(ll{q.now - ranking::kFreshSeconds});
  s += " THEN " + std::to_string(ranking::kFreshPoints) + " ELSE 0 END";
  for (const auto& word : q.words) {
    s += " + CASE WHEN key_words LIKE ";
    s.value("% " + word + "%");
    s += " THEN " + std::to_string(ranking::kKeyWordPoints) + " ELSE " +
         std::to_string(ranking::kBioWordPoints) + " END";
  }
  return s;
}

// Narrows a radius search to a box around the place before the exact distance is computed:
// through SQLite's R*Tree module or PostGIS's GiST index. Each box holds every point within
// the radius with a margin, so the exact distance below decides and the result is the same.
Sql spatial_sql(const directory::Query& q, SpatialIndex spatial) {
  Sql s;
  if (spatial == SpatialIndex::kNone || !q.near_place()) return s;
  const double radius = static_cast<double>(q.radius_m) * 1.01 + 10;  // the margin
  if (spatial == SpatialIndex::kPostgis) {
    // ST_DWithin on geography measures on the spheroid, which differs from our sphere by
    // well under 1%.
    s += " AND ST_DWithin(geog, CAST(ST_SetSRID(ST_MakePoint(";
    s.value(*q.lon);
    s += ", ";
    s.value(*q.lat);
    s += "), 4326) AS geography), ";
    s.value(radius);
    s += ")";
    return s;
  }
  const double angle = radius / directory::kEarthRadiusM;  // radians
  const double dlat = angle / directory::kRadiansPerDegree;
  const double far_lat = std::min(89.999, std::abs(*q.lat) + dlat);
  const double ratio = std::sin(angle) / std::cos(far_lat * directory::kRadiansPerDegree);
  const double dlon = ratio >= 1 ? 180 : std::asin(ratio) / directory::kRadiansPerDegree;
  s += " AND id IN (SELECT id FROM directory_rtree WHERE max_lat >= ";
  s.value(*q.lat - dlat);
  s += " AND min_lat <= ";
  s.value(*q.lat + dlat);
  const double west = *q.lon - dlon, east = *q.lon + dlon;
  if (dlon >= 180) {
    // Every longitude.
  } else if (west < -180 || east > 180) {
    // Across the antimeridian: two runs of longitude, either side of it.
    s += " AND (max_lon >= ";
    s.value(west < -180 ? west + 360 : west);
    s += " OR min_lon <= ";
    s.value(east > 180 ? east - 360 : east);
    s += ")";
  } else {
    s += " AND max_lon >= ";
    s.value(west);
    s += " AND min_lon <= ";
    s.value(east);
  }
  s += ")";
  return s;
}

}  // namespace

Status DirectoryRepo::create_spatial_index(SpatialIndex spatial) {
  return db_.transaction([&](soci::session& s) {
    if (spatial == SpatialIndex::kRtree) {
      s << "DROP TABLE IF EXISTS directory_rtree";
      s << "CREATE VIRTUAL TABLE directory_rtree USING rtree(id, min_lat, max_lat, min_lon, "
           "max_lon)";
      s << "INSERT INTO directory_rtree SELECT id, lat, lat, lon, lon FROM directory_listings";
    } else if (spatial == SpatialIndex::kPostgis) {
      s << "CREATE EXTENSION IF NOT EXISTS postgis";
      s << "ALTER TABLE directory_listings ADD COLUMN IF NOT EXISTS geog geography(Point, 4326)";
      s << "UPDATE directory_listings SET geog = CAST(ST_SetSRID(ST_MakePoint(lon, lat), 4326) "
           "AS geography)";
      s << "CREATE INDEX IF NOT EXISTS directory_listings_geog ON directory_listings USING GIST "
           "(geog)";
      s << "ANALYZE directory_listings";
    }
  });
}

Result<directory::Page> DirectoryRepo::search(const directory::Query& q, SpatialIndex spatial) {
  namespace ranking = directory::ranking;
  // matches: every listing that passes the filters, with its distance, the score before
  // distance, and its place in today's rotation.
  Sql matches;
  matches += "SELECT id, ";
  if (q.near_place()) {
    matches += haversine_sql(*q.lat, *q.lon);
  } else {
    matches += "-1";
  }
  matches += " AS d, ";
  matches += base_score_sql(q);
  matches += " AS base, ((id * " + std::to_string(ranking::kRotationMultiplier) + " + ";
  matches.value(ll{q.day_seed});
  matches += ") % " + std::to_string(ranking::kRotationModulus) +
             ") AS rot FROM directory_listings WHERE ";
  matches += filters_sql(q);
  matches += spatial_sql(q, spatial);

  Sql scored;
  scored += "SELECT id, d, rot, ";
  if (q.near_place()) {
    scored += "base + (" + std::to_string(ranking::kDistancePoints) + " * (";
    scored.value(ll{q.radius_m});
    scored += " - d)) / ";
    scored.value(ll{q.radius_m});
  } else {
    scored += "base";
  }
  scored += " AS score FROM (";
  scored += matches;
  scored += ") AS matches";
  if (q.near_place()) {
    scored += " WHERE d <= ";
    scored.value(ll{q.radius_m});
  }

  Sql page_sql;
  page_sql += "SELECT id, d, score, COUNT(*) OVER () AS total FROM (";
  page_sql += scored;
  page_sql += ") AS scored ORDER BY ";
  if (q.sort == directory::Sort::kDistance && q.near_place()) {
    page_sql += "d ASC, rot ASC, id ASC";
  } else if (q.sort == directory::Sort::kDistance) {
    page_sql += "rot ASC, id ASC";
  } else {
    page_sql += "score DESC, rot ASC, id ASC";
  }
  page_sql += " LIMIT ";
  page_sql.value(static_cast<ll>(q.limit));
  page_sql += " OFFSET ";
  page_sql.value(static_cast<ll>(q.offset));

  directory::Page page;
  auto st = db_.run([&](soci::session& s) {
    db_.query(
        s, page_sql.numbered(), [&](soci::statement& stmt) { page_sql.bind(stmt); },
        [&](const soci::row& r) {
          page.hits.push_back(
              {get_int64(r, 0), get_int64(r, 1), static_cast<int>(get_int64(r, 2))});
          page.total = get_int64(r, 3);
        });
    if (page.hits.empty() && q.offset > 0) {
      // Past the last page: the window had no row to count on.
      Sql count;
      count += "SELECT COUNT(*) FROM (";
      count += scored;
      count += ") AS scored";
      db_.query(
          s, count.numbered(), [&](soci::statement& stmt) { count.bind(stmt); },
          [&](const soci::row& r) { page.total = get_int64(r, 0); });
    }
  });
  if (!st) return st.error();
  return page;
}

Result<std::unordered_map<int64_t, Listing>> DirectoryRepo::cards(const std::vector<int64_t>& ids) {
  std::unordered_map<int64_t, Listing> out;
  if (ids.empty()) return out;
  Sql sql;
  sql += std::string(kSelectCard) + " WHERE id IN (";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) sql += ", ";
    sql.value(ll{ids[i]});
  }
  sql += ")";
  auto st = db_.run([&](soci::session& s) {
    db_.query(
        s, sql.numbered(), [&](soci::statement& stmt) { sql.bind(stmt); },
        [&](const soci::row& r) {
          Listing l = read_card(r);
          const int64_t id = l.id;
          out.emplace(id, std::move(l));
        });
  });
  if (!st) return st.error();
  return out;
}

Result<int64_t> DirectoryRepo::add_claim(const directory::Claim& c) {
  const ll listing = c.listing_id, user = c.user_id, at = c.created_at;
  const std::string status(directory::claim_status_name(directory::ClaimStatus::kPending));
  ll id = 0;
  auto st = db_.transaction([&](soci::session& s) {
    s << "INSERT INTO directory_claims(listing_id, user_id, licence_number, status, created_at)"
         " VALUES (:l, :u, :n, :s, :a)",
        soci::use(listing), soci::use(user), soci::use(c.licence_number), soci::use(status),
        soci::use(at);
    s << "SELECT MAX(id) FROM directory_claims WHERE user_id = :u", soci::use(user), soci::into(id);
  });
  if (!st) return st.error();
  return static_cast<int64_t>(id);
}

Result<std::vector<directory::Claim>> DirectoryRepo::claims_with_status(
    directory::ClaimStatus status, int limit) {
  const std::string name(directory::claim_status_name(status));
  const ll n = limit;
  return select_all<directory::Claim>(
      db_, std::string(kSelectClaim) + " WHERE c.status = :s ORDER BY c.id LIMIT :n", read_claim,
      name, n);
}

Result<std::optional<directory::Claim>> DirectoryRepo::claim(int64_t id) {
  const ll i = id;
  return select_one<directory::Claim>(db_, std::string(kSelectClaim) + " WHERE c.id = :i",
                                      read_claim, i);
}

Result<std::vector<directory::Claim>> DirectoryRepo::claims_of(int64_t user_id) {
  const ll u = user_id;
  return select_all<directory::Claim>(
      db_, std::string(kSelectClaim) + " WHERE c.user_id = :u ORDER BY c.id", read_claim, u);
}

Result<bool> DirectoryRepo::decide_claim(int64_t claim_id, bool verify, int64_t now) {
  const ll id = claim_id, at = now;
  bool done = false;
  auto st = db_.transaction([&](soci::session& s) {
    ll listing = 0, user = 0;
    std::string status;
    soci::indicator owner_ind = soci::i_ok;
    ll owner = 0;
    s << "SELECT c.listing_id, c.user_id, c.status, l.owner_user_id FROM directory_claims c"
         " JOIN directory_listings l ON l.id = c.listing_id WHERE c.id = :i",
        soci::use(id), soci::into(listing), soci::into(user), soci::into(status),
        soci::into(owner, owner_ind);
    const bool owned = owner_ind == soci::i_ok && owner != 0;
    if (!s.got_data() || status != "pending" || (verify && owned)) return;
    const std::string decided(directory::claim_status_name(
        verify ? directory::ClaimStatus::kVerified : directory::ClaimStatus::kRefused));
    s << "UPDATE directory_claims SET status = :s, decided_at = :a WHERE id = :i",
        soci::use(decided), soci::use(at), soci::use(id);
    done = true;
    if (!verify) return;
    // The listing becomes the clinician's: verified, and out of every later import's reach.
    const ll version = next_version(s);
    const std::string source(directory::source_name(directory::Source::kClinician));
    s << "UPDATE directory_listings SET owner_user_id = :u, verified = 1, source = :s,"
         " updated_at = :a, version = :v WHERE id = :l",
        soci::use(user), soci::use(source), soci::use(at), soci::use(version), soci::use(listing);
    // The claimant becomes a clinician, which the listing's pages ask for (an administrator
    // keeps their role). Their next request reads the new role.
    s << "UPDATE users SET role = 'clinician' WHERE id = :u AND role = 'member'", soci::use(user);
    // Anyone else who asked for the same listing is answered at once.
    const std::string refused(directory::claim_status_name(directory::ClaimStatus::kRefused));
    s << "UPDATE directory_claims SET status = :s, decided_at = :a"
         " WHERE listing_id = :l AND status = 'pending'",
        soci::use(refused), soci::use(at), soci::use(listing);
  });
  if (!st) return st.error();
  return done;
}

Result<std::optional<Listing>> DirectoryRepo::owned_by(int64_t user_id) {
  const ll u = user_id;
  return select_one<Listing>(db_, std::string(kSelect) + " WHERE owner_user_id = :u", read_listing,
                             u);
}

void DirectoryRepo::erase_owner(soci::session& s, int64_t user_id) {
  const ll u = user_id;
  s << "DELETE FROM directory_claims WHERE user_id = :u", soci::use(u);
  // The listing stays (it is the public register's), unverified and no longer anyone's.
  const ll version = next_version(s);
  s << "UPDATE directory_listings SET owner_user_id = NULL, verified = 0, version = :v"
       " WHERE owner_user_id = :u",
      soci::use(version), soci::use(u);
}

std::vector<Migration> directory_migrations() {
  return {{11,
           "therapist directory",
           {"CREATE TABLE directory_listings ("
            " id {{PK}},"
            " npi TEXT UNIQUE,"
            " name TEXT NOT NULL,"
            " credentials TEXT NOT NULL,"
            " organisation INTEGER NOT NULL,"
            " licences TEXT NOT NULL,"
            " psypact INTEGER NOT NULL,"
            " counseling_compact INTEGER NOT NULL,"
            " taxonomies TEXT NOT NULL,"
            " approaches TEXT NOT NULL,"
            " concerns TEXT NOT NULL,"
            " populations TEXT NOT NULL,"
            " languages TEXT NOT NULL,"
            " insurance TEXT NOT NULL,"
            " telehealth_states TEXT NOT NULL,"
            " reach TEXT NOT NULL,"
            " fee_min INTEGER NOT NULL,"
            " fee_max INTEGER NOT NULL,"
            " sliding_scale INTEGER NOT NULL,"
            " in_person INTEGER NOT NULL,"
            " telehealth INTEGER NOT NULL,"
            " accepting INTEGER NOT NULL,"
            " confirmed_at BIGINT NOT NULL,"
            " street TEXT NOT NULL,"
            " city TEXT NOT NULL,"
            " state TEXT NOT NULL,"
            " zip TEXT NOT NULL,"
            " hide_street INTEGER NOT NULL,"
            " lat DOUBLE PRECISION NOT NULL,"
            " lon DOUBLE PRECISION NOT NULL,"
            " phone TEXT NOT NULL,"
            " website TEXT NOT NULL,"
            " email TEXT NOT NULL,"
            " bio TEXT NOT NULL,"
            " verified INTEGER NOT NULL,"
            " hidden INTEGER NOT NULL,"
            " source TEXT NOT NULL,"
            " owner_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,"
            " updated_at BIGINT NOT NULL,"
            " version BIGINT NOT NULL,"
            " completeness INTEGER NOT NULL,"
            " attachment_focused INTEGER NOT NULL,"
            " key_words TEXT NOT NULL,"
            " bio_words TEXT NOT NULL,"
            " import_hash TEXT NOT NULL)",
            "CREATE INDEX directory_listings_version ON directory_listings(version)",
            "CREATE INDEX directory_listings_owner ON directory_listings(owner_user_id)",
            "CREATE TABLE directory_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)",
            "INSERT INTO directory_version(id, version) VALUES (1, 0)",
            "CREATE TABLE directory_claims ("
            " id {{PK}},"
            " listing_id BIGINT NOT NULL REFERENCES directory_listings(id) ON DELETE CASCADE,"
            " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
            " licence_number TEXT NOT NULL,"
            " status TEXT NOT NULL CHECK (status IN ('pending','verified','refused')),"
            " created_at BIGINT NOT NULL,"
            " decided_at BIGINT)",
            "CREATE INDEX directory_claims_user ON directory_claims(user_id)",
            "CREATE INDEX directory_claims_status ON directory_claims(status, id)"}}};
}

}  // namespace sb::store
