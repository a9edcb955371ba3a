#include "features/directory/search.h"

#include <malloc.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <mutex>

#include "core/strings.h"
#include "features/directory/geo.h"

namespace sb::directory {

namespace ranking {

int64_t day_seed(int64_t unix_seconds) {
  const int64_t day = unix_seconds >= 0 ? unix_seconds / 86400 : 0;
  return (day * 7919) % kRotationModulus;
}

int distance_points(int64_t distance_m, int64_t radius_m) {
  if (radius_m <= 0 || distance_m > radius_m) return 0;
  return static_cast<int>(kDistancePoints * (radius_m - distance_m) / radius_m);
}

int64_t rotation(int64_t id, int64_t day_seed) {
  return (id * kRotationMultiplier + day_seed) % kRotationModulus;
}

}  // namespace ranking

namespace {

template <typename List>
uint64_t mask_of(const std::vector<std::string>& ids, const List& list, bool* unknown = nullptr) {
  uint64_t m = 0;
  for (const auto& id : ids) {
    if (auto bit = Vocabulary::bit_of(list, id)) {
      m |= uint64_t{1} << *bit;
    } else if (unknown) {
      *unknown = true;
    }
  }
  return m;
}

bool has_word(const std::string& words, const std::string& word) {
  // " word" at a word start: the folded text starts with a space and separates words by one.
  const size_t n = word.size();
  for (size_t at = words.find(word); at != std::string::npos; at = words.find(word, at + 1))
    if (at > 0 && words[at - 1] == ' ' && n > 0) return true;
  return false;
}

struct Candidate {
  Hit hit;
  int64_t rotation = 0;
};

// Points for the typed words found in folded text (the overlay), or nullopt when one is
// missing: in the key words 10, only in the introduction 4.
std::optional<int> text_word_points(const EntryWords& words,
                                    const std::vector<std::string>& typed) {
  int points = 0;
  for (const auto& w : typed) {
    if (has_word(words.key, w)) {
      points += ranking::kKeyWordPoints;
    } else if (has_word(words.bio, w)) {
      points += ranking::kBioWordPoints;
    } else {
      return std::nullopt;
    }
  }
  return points;
}

// A typed word for the built bands: the ids of the dictionary words it starts, [first, last),
// and the vocabulary terms one of whose label words it starts.
struct TypedWord {
  uint32_t first = 0, last = 0;
  uint64_t approaches = 0, concerns = 0, taxonomies = 0;
};

bool any_in(const uint32_t* begin, const uint32_t* end, const TypedWord& w) {
  const uint32_t* at = std::lower_bound(begin, end, w.first);
  return at != end && *at < w.last;
}

uint64_t labels_starting(const std::vector<Term>& terms, const std::string& typed) {
  uint64_t mask = 0;
  for (size_t i = 0; i < terms.size(); ++i)
    if (has_word(fold_words(terms[i].label), typed)) mask |= uint64_t{1} << i;
  return mask;
}

// The same points for a built entry, from its word ids and its label masks.
std::optional<int> id_word_points(const IndexEntry& e, const std::vector<uint32_t>& ids,
                                  const std::vector<TypedWord>& typed) {
  int points = 0;
  const uint32_t* own = ids.data() + e.words_at;
  const uint32_t* bio = own + e.own_n;
  for (const auto& w : typed) {
    if ((e.approaches & w.approaches) || (e.concerns & w.concerns) ||
        (e.taxonomies & w.taxonomies) || any_in(own, bio, w)) {
      points += ranking::kKeyWordPoints;
    } else if (any_in(bio, bio + e.bio_n, w)) {
      points += ranking::kBioWordPoints;
    } else {
      return std::nullopt;
    }
  }
  return points;
}

// The words of folded text ("  anna ruiz  " -> {"anna", "ruiz"}), as views into it.
std::vector<std::string_view> words_in(const std::string& text) {
  std::vector<std::string_view> out;
  for (auto w : split(text, ' '))
    if (!w.empty()) out.push_back(w);
  return out;
}

// Decides most listings' distance from the query's place without trigonometry. Near a place
// the squared angle between two points is close to dlat^2 + cos(lat1) cos(lat2) dlon^2 (the
// haversine's series; relative error under 1e-3 for angles under 0.05 radians), and the
// cosines lie between those of the box's extreme latitudes. A listing is decided inside or
// outside only when that holds with a relative margin of 2e-3 and 5 m to spare for the float
// coordinates; the few near the edge get the exact distance.
class FlatCircle {
 public:
  enum Verdict { kOutside, kInside, kUnsure };

  FlatCircle(const Query& q, double dlat_deg, double dlon_deg) {
    if (!q.near_place()) return;
    const double dlat = dlat_deg * kRadiansPerDegree, dlon = dlon_deg * kRadiansPerDegree;
    usable_ = dlat <= kMaxAngle && dlon <= kMaxAngle;
    if (!usable_) return;
    lat0_ = *q.lat;
    lon0_ = *q.lon;
    lat_limit_ = dlat;
    // The latitudes a listing inside can have, a little wider: their cosines bound the term.
    const double lo = std::max(-90.0, lat0_ - dlat_deg - 0.01);
    const double hi = std::min(90.0, lat0_ + dlat_deg + 0.01);
    const double nearest_equator = lo <= 0 && hi >= 0 ? 0 : std::min(std::abs(lo), std::abs(hi));
    const double farthest = std::max(std::abs(lo), std::abs(hi));
    cmax2_ = std::pow(std::cos(nearest_equator * kRadiansPerDegree), 2);
    cmin2_ = std::pow(std::cos(farthest * kRadiansPerDegree), 2);
    const double r = static_cast<double>(q.radius_m) / kEarthRadiusM;
    const double m = kSlackM / kEarthRadiusM;
    inside_below_ = r > m ? (r - m) * (r - m) / (1 + kRelative) : -1;
    const double out = (static_cast<double>(q.radius_m) + 1) / kEarthRadiusM + m;
    outside_above_ = out * out / (1 - kRelative);
  }

  // The verdict for a listing; `low` is what nearest_m() needs.
  Verdict classify(const HotEntry& h, double* low) const {
    if (!usable_) return kUnsure;
    const double dphi = (static_cast<double>(h.lat) - lat0_) * kRadiansPerDegree;
    if (std::abs(dphi) > lat_limit_) return kOutside;  // the angle is at least |dlat|
    const double dlam = wrapped(static_cast<double>(h.lon) - lon0_) * kRadiansPerDegree;
    *low = dphi * dphi + cmin2_ * dlam * dlam;
    if (*low >= outside_above_) return kOutside;
    const double high = dphi * dphi + cmax2_ * dlam * dlam;
    return high <= inside_below_ ? kInside : kUnsure;
  }
  bool usable() const { return usable_; }
  // Whether every point of the block's box is classified inside: the inside region is an
  // ellipse in (latitude, longitude) offsets, convex, so its four corners decide.
  bool holds(const HotBlock& b) const {
    for (float lat : {b.lat_min, b.lat_max})
      for (float lon : {b.lon_min, b.lon_max}) {
        const double dphi = (static_cast<double>(lat) - lat0_) * kRadiansPerDegree;
        const double dlam = wrapped(static_cast<double>(lon) - lon0_) * kRadiansPerDegree;
        if (dphi * dphi + cmax2_ * dlam * dlam > inside_below_) return false;
      }
    return true;
  }
  // The smallest `low` a listing in the block's box can have.
  double lowest(const HotBlock& b) const {
    const double lat =
        std::clamp(lat0_, static_cast<double>(b.lat_min), static_cast<double>(b.lat_max));
    const double west = wrapped(static_cast<double>(b.lon_min) - lon0_);
    const double east = wrapped(static_cast<double>(b.lon_max) - lon0_);
    const double dlon = west <= 0 && east >= 0 ? 0 : std::min(std::abs(west), std::abs(east));
    const double dphi = (lat - lat0_) * kRadiansPerDegree, dlam = dlon * kRadiansPerDegree;
    return dphi * dphi + cmin2_ * dlam * dlam;
  }
  // The largest `low` a listing at most `metres` away can have.
  static double flat_at_most(double metres) {
    const double angle = metres / kEarthRadiusM;
    return angle * angle / (1 - kRelative);
  }
  // A distance in whole metres the listing classified inside cannot be nearer than.
  static int64_t nearest_m(double low) {
    const double nearest = std::sqrt(low * (1 - kRelative)) * kEarthRadiusM - kSlackM;
    return nearest > 0 ? static_cast<int64_t>(nearest) : 0;
  }

  static constexpr double kSlackM = 5;

 private:
  static double wrapped(double dlon_deg) {
    if (dlon_deg > 180) return dlon_deg - 360;
    if (dlon_deg < -180) return dlon_deg + 360;
    return dlon_deg;
  }
  static constexpr double kMaxAngle = 0.05, kRelative = 2e-3;
  bool usable_ = false;
  double lat0_ = 0, lon0_ = 0, lat_limit_ = 0, cmin2_ = 0, cmax2_ = 0;
  double inside_below_ = -1, outside_above_ = 0;
};

// The best `keep` candidates seen, as a heap whose front is the worst of them.
class TopCandidates {
 public:
  template <typename Before>
  TopCandidates(size_t keep, Before before) : keep_(keep), before_(before) {}
  bool full() const { return kept_.size() >= keep_; }
  const Candidate& worst() const { return kept_.front(); }
  void offer(const Candidate& c) {
    if (keep_ == 0) return;
    if (!full()) {
      kept_.push_back(c);
      std::push_heap(kept_.begin(), kept_.end(), before_);
    } else if (before_(c, kept_.front())) {
      std::pop_heap(kept_.begin(), kept_.end(), before_);
      kept_.back() = c;
      std::push_heap(kept_.begin(), kept_.end(), before_);
    }
  }
  // Best first.
  std::vector<Candidate> take() {
    std::sort_heap(kept_.begin(), kept_.end(), before_);
    return std::move(kept_);
  }

 private:
  size_t keep_;
  std::function<bool(const Candidate&, const Candidate&)> before_;
  std::vector<Candidate> kept_;
};

}  // namespace

HotEntry HotEntry::of(const IndexEntry& e) {
  HotEntry h;
  h.lat = static_cast<float>(e.lat);
  h.lon = static_cast<float>(e.lon);
  h.flags = e.flags;
  h.completeness = static_cast<uint8_t>(std::min<int>(e.completeness, UINT8_MAX));
  if (e.confirmed_at > 0)
    h.confirmed_day =
        static_cast<uint16_t>(std::min<int64_t>((e.confirmed_at + 86399) / 86400, UINT16_MAX));
  return h;
}

void HotBlock::count(uint8_t flags, int change) {
  const uint8_t f = flags & 63;
  for (uint8_t subset = f;; subset = static_cast<uint8_t>((subset - 1) & f)) {
    with_flags[subset] = static_cast<uint8_t>(with_flags[subset] + change);
    if (subset == 0) break;
  }
}

IndexEntry IndexEntry::of(const Listing& l, const Vocabulary& v) {
  IndexEntry e;
  e.id = l.id;
  e.lat = l.lat;
  e.lon = l.lon;
  e.approaches = mask_of(l.approaches, v.approaches);
  e.concerns = mask_of(l.concerns, v.concerns);
  e.languages = mask_of(l.languages, v.languages);
  e.insurance = mask_of(l.insurance, v.insurance);
  e.populations = static_cast<uint32_t>(mask_of(l.populations, v.populations));
  e.taxonomies = mask_of(l.taxonomies, v.taxonomies);
  for (const auto& s : l.telehealth_reach(v))
    if (auto bit = v.state_bit(s)) e.telehealth_states |= uint64_t{1} << *bit;
  e.fee_min = l.fee_min;
  e.confirmed_at = l.confirmed_at;
  e.completeness = static_cast<uint16_t>(directory::completeness(l));
  uint8_t f = 0;
  if (l.in_person) f |= kInPerson;
  if (l.telehealth) f |= kTelehealth;
  if (l.accepting) f |= kAccepting;
  if (l.sliding_scale) f |= kSlidingScale;
  if (l.verified) f |= kVerified;
  for (const auto& a : l.approaches)
    if (const auto* t = Vocabulary::find(v.approaches, a); t && t->attachment_focused)
      f |= kAttachmentFocused;
  e.flags = f;
  return e;
}

EntryWords EntryWords::of(const Listing& l, const Vocabulary& v) {
  return {directory::key_words(l, v), directory::bio_words(l),
          fold_words(l.name + " " + l.credentials)};
}

CompiledQuery CompiledQuery::of(const Query& q, const Vocabulary& v) {
  CompiledQuery c;
  c.query = &q;
  bool unknown = false;
  c.approaches = mask_of(q.approaches, v.approaches, &unknown);
  c.concerns = mask_of(q.concerns, v.concerns, &unknown);
  c.languages = mask_of(q.languages, v.languages, &unknown);
  c.populations = static_cast<uint32_t>(mask_of(q.populations, v.populations, &unknown));
  if (!q.insurance.empty()) c.insurance = mask_of({q.insurance}, v.insurance, &unknown);
  if (!q.telehealth_state.empty()) {
    if (auto bit = v.state_bit(q.telehealth_state)) {
      c.state = uint64_t{1} << *bit;
    } else {
      unknown = true;
    }
  }
  c.impossible = unknown;
  using F = IndexEntry;
  if (!q.telehealth_state.empty()) c.flags |= F::kTelehealth;
  if (q.attachment_focused) c.flags |= F::kAttachmentFocused;
  if (q.accepting_only) c.flags |= F::kAccepting;
  if (q.sliding_scale_only) c.flags |= F::kSlidingScale;
  if (q.verified_only) c.flags |= F::kVerified;
  if (q.mode == Mode::kInPerson) c.flags |= F::kInPerson;
  if (q.mode == Mode::kTelehealth) c.flags |= F::kTelehealth;
  return c;
}

bool CompiledQuery::passes(const IndexEntry& e) const {
  if ((e.flags & flags) != flags || (e.approaches & approaches) != approaches ||
      (e.concerns & concerns) != concerns || (e.languages & languages) != languages ||
      (e.populations & populations) != populations)
    return false;
  if (insurance && !(e.insurance & insurance)) return false;
  if (state && !(e.telehealth_states & state)) return false;
  const int fee_at_most = query->fee_at_most;
  return fee_at_most <= 0 || (e.fee_min > 0 && e.fee_min <= fee_at_most) ||
         (e.flags & IndexEntry::kSlidingScale);
}

int CompiledQuery::score(const IndexEntry& e, int64_t distance_m, int word_points) const {
  const Query& q = *query;
  int score = e.completeness + word_points;
  if (e.confirmed_at > 0 && e.confirmed_at >= q.now - ranking::kFreshSeconds)
    score += ranking::kFreshPoints;
  if (q.near_place()) score += ranking::distance_points(distance_m, q.radius_m);
  return score;
}

int DirectoryIndex::band_of(double lat) {
  int b = static_cast<int>(std::floor((lat + 90.0) * 10.0));
  return std::clamp(b, 0, 1800);
}

void DirectoryIndex::rebuild(const std::vector<Listing>& listings) {
  std::vector<OverlayEntry> entries;
  entries.reserve(listings.size());
  for (const auto& l : listings)
    if (!l.hidden)
      entries.push_back({IndexEntry::of(l, vocabulary_), EntryWords::of(l, vocabulary_)});
  {
    std::unique_lock lock(mutex_);
    overlay_.clear();
    rebuild_locked(std::move(entries));
  }
  // The listings' text, read to build the dictionary, is gone: hand its pages back to the
  // system instead of keeping them in the allocator's free lists (glibc).
  malloc_trim(0);
}

void DirectoryIndex::rebuild_locked(std::vector<OverlayEntry> entries) {
  std::sort(entries.begin(), entries.end(), [](const OverlayEntry& x, const OverlayEntry& y) {
    const IndexEntry &a = x.entry, &b = y.entry;
    const int ba = band_of(a.lat), bb = band_of(b.lat);
    if (ba != bb) return ba < bb;
    if (a.lon != b.lon) return a.lon < b.lon;
    return a.id < b.id;
  });
  // The dictionary: every word once, sorted, so the words a typed prefix starts are a range.
  std::unordered_map<std::string_view, uint32_t> id_of;
  for (const auto& e : entries) {
    for (auto w : words_in(e.words.own)) id_of.emplace(w, 0);
    for (auto w : words_in(e.words.bio)) id_of.emplace(w, 0);
  }
  std::vector<std::string_view> sorted;
  sorted.reserve(id_of.size());
  for (const auto& [w, unused] : id_of) sorted.push_back(w);
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) id_of[sorted[i]] = static_cast<uint32_t>(i);
  std::vector<uint32_t> ids;
  auto append = [&](const std::string& text) {
    const size_t from = ids.size();
    for (auto w : words_in(text)) ids.push_back(id_of.at(w));
    std::sort(ids.begin() + static_cast<std::ptrdiff_t>(from), ids.end());
    ids.erase(std::unique(ids.begin() + static_cast<std::ptrdiff_t>(from), ids.end()), ids.end());
    return static_cast<uint16_t>(std::min<size_t>(ids.size() - from, UINT16_MAX));
  };
  base_.clear();
  base_.reserve(entries.size());
  for (auto& e : entries) {
    IndexEntry entry = e.entry;
    entry.words_at = static_cast<uint32_t>(ids.size());
    entry.own_n = append(e.words.own);
    entry.bio_n = append(e.words.bio);
    base_.push_back(entry);
  }
  dictionary_.clear();
  dictionary_.reserve(sorted.size());
  for (auto w : sorted) dictionary_.emplace_back(w);  // copies: the views die with `entries`
  id_of = {};
  sorted = {};
  entries = {};
  words_ = std::move(ids);
  words_.shrink_to_fit();
  band_start_.assign(1802, 0);
  for (const auto& e : base_) ++band_start_[static_cast<size_t>(band_of(e.lat)) + 1];
  for (size_t i = 1; i < band_start_.size(); ++i) band_start_[i] += band_start_[i - 1];
  hot_.clear();
  hot_.reserve(base_.size());
  for (const auto& e : base_) hot_.push_back(HotEntry::of(e));
  blocks_.assign((hot_.size() + HotBlock::kSize - 1) / HotBlock::kSize, HotBlock{});
  for (size_t i = 0; i < hot_.size(); ++i) {
    HotBlock& b = blocks_[i / HotBlock::kSize];
    const HotEntry& h = hot_[i];
    if (i % HotBlock::kSize == 0) {
      b.lat_min = b.lat_max = h.lat;
      b.lon_min = b.lon_max = h.lon;
    }
    b.lat_min = std::min(b.lat_min, h.lat);
    b.lat_max = std::max(b.lat_max, h.lat);
    b.lon_min = std::min(b.lon_min, h.lon);
    b.lon_max = std::max(b.lon_max, h.lon);
    b.max_confirmed_day = std::max(b.max_confirmed_day, h.confirmed_day);
    b.max_completeness = std::max(b.max_completeness, h.completeness);
    b.count(h.flags, +1);
  }
  position_.clear();
  position_.reserve(base_.size());
  for (size_t i = 0; i < base_.size(); ++i)
    position_.emplace_back(base_[i].id, static_cast<uint32_t>(i));
  std::sort(position_.begin(), position_.end());
}

EntryWords DirectoryIndex::words_of(const IndexEntry& e) const {
  // Folded text again: a space before and after every word, which is all has_word needs; the
  // key words are the own words and the labels of the listing's terms.
  auto text = [&](uint32_t from, uint32_t n) {
    std::string out = " ";
    for (uint32_t i = from; i < from + n; ++i) out += dictionary_[words_[i]] + " ";
    return out;
  };
  EntryWords w;
  w.own = text(e.words_at, e.own_n);
  w.bio = text(e.words_at + e.own_n, e.bio_n);
  w.key = w.own;
  auto labels = [&](const std::vector<Term>& terms, uint64_t mask) {
    for (size_t i = 0; i < terms.size(); ++i)
      if (mask & (uint64_t{1} << i)) w.key += fold_words(terms[i].label).substr(1);
  };
  labels(vocabulary_.approaches, e.approaches);
  labels(vocabulary_.concerns, e.concerns);
  labels(vocabulary_.taxonomies, e.taxonomies);
  return w;
}

void DirectoryIndex::apply(const Listing& l) {
  OverlayEntry e{IndexEntry::of(l, vocabulary_), EntryWords::of(l, vocabulary_)};
  std::unique_lock lock(mutex_);
  const auto at =
      std::lower_bound(position_.begin(), position_.end(), std::pair<int64_t, uint32_t>{l.id, 0});
  if (at != position_.end() && at->first == l.id && !(hot_[at->second].flags & HotEntry::kDead)) {
    hot_[at->second].flags |= HotEntry::kDead;
    blocks_[at->second / HotBlock::kSize].count(hot_[at->second].flags, -1);
  }
  if (l.hidden) {
    overlay_.erase(l.id);
  } else {
    overlay_[l.id] = std::move(e);
  }
  // A large overlay slows every search: fold it into the bands.
  if (overlay_.size() > 20000) {
    std::vector<OverlayEntry> all;
    all.reserve(base_.size() + overlay_.size());
    for (size_t i = 0; i < base_.size(); ++i)
      if (!(hot_[i].flags & HotEntry::kDead)) all.push_back({base_[i], words_of(base_[i])});
    for (auto& [id, entry] : overlay_) all.push_back(std::move(entry));
    overlay_.clear();
    rebuild_locked(std::move(all));
  }
}

size_t DirectoryIndex::size() const {
  std::shared_lock lock(mutex_);
  return static_cast<size_t>(
             std::count_if(hot_.begin(), hot_.end(),
                           [](const HotEntry& h) { return !(h.flags & HotEntry::kDead); })) +
         overlay_.size();
}

size_t DirectoryIndex::memory_bytes() const {
  std::shared_lock lock(mutex_);
  auto text = [](const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; };
  size_t bytes = base_.capacity() * sizeof(IndexEntry) + hot_.capacity() * sizeof(HotEntry) +
                 blocks_.capacity() * sizeof(HotBlock) + words_.capacity() * sizeof(uint32_t) +
                 band_start_.capacity() * sizeof(uint32_t) +
                 position_.capacity() * sizeof(position_[0]) +
                 dictionary_.capacity() * sizeof(std::string);
  for (const auto& w : dictionary_) bytes += text(w);
  for (const auto& [id, e] : overlay_)
    bytes += sizeof(OverlayEntry) + 4 * sizeof(void*) + text(e.words.key) + text(e.words.bio) +
             text(e.words.own);
  return bytes;
}

Page DirectoryIndex::search(const Query& q) const {
  const CompiledQuery c = CompiledQuery::of(q, vocabulary_);
  Page page;
  if (c.impossible) return page;
  auto before = [sort = q.sort, near = q.near_place()](const Candidate& a, const Candidate& b) {
    if (sort == Sort::kDistance && near && a.hit.distance_m != b.hit.distance_m)
      return a.hit.distance_m < b.hit.distance_m;
    if (sort == Sort::kBestMatch && a.hit.score != b.hit.score) return a.hit.score > b.hit.score;
    if (a.rotation != b.rotation) return a.rotation < b.rotation;
    return a.hit.id < b.hit.id;
  };
  TopCandidates top(q.offset + q.limit, before);
  int64_t total = 0;
  // Where the distance and the words are known, the listing is in.
  auto add = [&](const IndexEntry& e, int64_t d, int word_points) {
    top.offer({{e.id, d, c.score(e, d, word_points)}, ranking::rotation(e.id, q.day_seed)});
  };
  auto distance = [&](const IndexEntry& e) -> int64_t {
    return q.near_place() ? distance_m(*q.lat, *q.lon, e.lat, e.lon) : -1;
  };
  std::vector<TypedWord> typed;
  for (const auto& w : q.words) {
    TypedWord t;
    t.approaches = labels_starting(vocabulary_.approaches, w);
    t.concerns = labels_starting(vocabulary_.concerns, w);
    t.taxonomies = labels_starting(vocabulary_.taxonomies, w);
    typed.push_back(t);
  }

  // A box that holds the circle: latitude by the radius over the meridian, longitude by the
  // widest the circle gets; a little wider than exact, so rounding never leaves anyone out.
  double dlat = 180, dlon = 360;
  bool all_lons = true;
  if (q.near_place()) {
    // Distances are floored to whole metres, so a listing up to a metre past the radius is in.
    const double angle = static_cast<double>(q.radius_m + 1) / kEarthRadiusM;  // radians
    dlat = angle / kRadiansPerDegree * 1.0001 + 1e-6;
    all_lons = std::abs(*q.lat) + dlat >= 89.5 || angle >= 1.5;
    if (!all_lons) {
      const double s = std::sin(angle) / std::cos(*q.lat * kRadiansPerDegree);
      if (s >= 1) {
        all_lons = true;
      } else {
        dlon = std::asin(s) / kRadiansPerDegree * 1.0001 + 1e-6;
      }
    }
  }
  const FlatCircle circle(q, dlat, all_lons ? 360 : dlon);
  // What a listing can score at most, from its hot fields: the listings that cannot reach the
  // page are counted without their exact distance or score.
  const int64_t fresh_from = q.now - ranking::kFreshSeconds;
  const double points_per_m =
      q.radius_m > 0 ? double{ranking::kDistancePoints} / static_cast<double>(q.radius_m) : 0;
  auto best_without_distance = [&](const HotEntry& h, int word_points) {
    const bool maybe_fresh =
        h.confirmed_day != 0 &&
        (h.confirmed_day == UINT16_MAX || int64_t{h.confirmed_day} * 86400 >= fresh_from);
    return h.completeness + word_points + (maybe_fresh ? ranking::kFreshPoints : 0);
  };
  auto best_distance_points = [&](int64_t at_least_m) {
    if (!q.near_place() || at_least_m > q.radius_m) return 0;
    // distance_points() without its integer division, rounded up a hair: a bound may be high.
    return static_cast<int>(static_cast<double>(q.radius_m - at_least_m) * points_per_m + 1e-6);
  };
  const bool read_entry_first = c.reads_entry() || !typed.empty();
  // The flags the query asks for, and not replaced or hidden since the build.
  const uint8_t live_with_flags = c.flags | HotEntry::kDead;

  std::shared_lock lock(mutex_);
  for (size_t i = 0; i < q.words.size(); ++i) {
    const std::string& w = q.words[i];
    const auto first = std::lower_bound(dictionary_.begin(), dictionary_.end(), w);
    const auto last = std::lower_bound(first, dictionary_.end(), w + '\x7f');
    typed[i].first = static_cast<uint32_t>(first - dictionary_.begin());
    typed[i].last = static_cast<uint32_t>(last - dictionary_.begin());
  }
  // Cheapest first: the flags, the other filters, the distance, the words; then the exact
  // distance and score only for a listing that could make the page.
  auto consider = [&](size_t i) __attribute__((always_inline)) {
    const HotEntry& h = hot_[i];
    if ((h.flags & live_with_flags) != c.flags) return;
    const IndexEntry& e = base_[i];
    if (read_entry_first && !c.passes(e)) return;
    double low = 0;
    int64_t exact_m = -1;
    if (q.near_place()) {
      const auto verdict = circle.classify(h, &low);
      if (verdict == FlatCircle::kOutside) return;
      if (verdict == FlatCircle::kUnsure) {
        exact_m = distance(e);
        if (exact_m > q.radius_m) return;
      }
    }
    int word_points = 0;
    if (!typed.empty()) {
      const auto points = id_word_points(e, words_, typed);
      if (!points) return;
      word_points = *points;
    }
    ++total;
    if (top.full()) {
      const Candidate& worst = top.worst();
      auto at_least_m = [&] { return exact_m >= 0 ? exact_m : FlatCircle::nearest_m(low); };
      if (q.sort == Sort::kBestMatch) {
        const int without = best_without_distance(h, word_points);
        if (without + ranking::kDistancePoints < worst.hit.score) return;
        if (without + best_distance_points(at_least_m()) < worst.hit.score) return;
      }
      if (q.sort == Sort::kDistance && q.near_place() && at_least_m() > worst.hit.distance_m)
        return;
    }
    add(e, exact_m >= 0 ? exact_m : distance(e), word_points);
  };
  // The common search (near a place, filters that are flags, best match first) in one pass
  // with a single rarely taken branch: a dense city's listings are counted without
  // mispredicting on every other one, and only those that could reach the page or lie near
  // the edge take the slow path.
  const bool simple = circle.usable() && !read_entry_first && q.sort == Sort::kBestMatch;
  const int64_t fresh_day = fresh_from > 0 ? (fresh_from + 86399) / 86400 : 0;
  int worst = -(1 << 20);  // the worst score on the page once it is full; scores are never negative
  // reach[k]: the flat measure (FlatCircle::classify's `low`) a listing must not exceed to win
  // k distance points; reach[0] lets everyone through, reach[31] no one. A little generous, as
  // bounds may be: the slow path decides.
  std::array<double, 32> reach{};
  auto set_reach = [&] {
    reach.fill(-1);
    reach[0] = std::numeric_limits<double>::infinity();
    const double r = static_cast<double>(q.radius_m);
    for (int k = 1; k <= ranking::kDistancePoints; ++k) {
      const double metres = r - (k - 1e-6) * r / ranking::kDistancePoints + FlatCircle::kSlackM + 1;
      if (metres >= 0) reach[static_cast<size_t>(k)] = FlatCircle::flat_at_most(metres);
    }
  };
  if (simple) set_reach();
  auto slow = [&](size_t i, bool unsure, double low) {
    const IndexEntry& e = base_[i];
    int64_t exact_m = -1;
    if (unsure) {
      exact_m = distance(e);
      if (exact_m > q.radius_m) return;
      ++total;
    }
    if (top.full()) {
      const int64_t at_least_m = exact_m >= 0 ? exact_m : FlatCircle::nearest_m(low);
      if (best_without_distance(hot_[i], 0) + best_distance_points(at_least_m) <
          top.worst().hit.score)
        return;
    }
    add(e, exact_m >= 0 ? exact_m : distance(e), 0);
    if (top.full()) worst = top.worst().hit.score;
  };
  // The loop of the common search, with what it reads copied into locals so that they stay in
  // registers: `worst` and `reach` change only in the slow path.
  auto scan_simple = [&](size_t from, size_t to, bool down) {
    const FlatCircle flat = circle;
    const HotEntry* const hot = hot_.data();
    const HotBlock* const blocks = blocks_.data();
    const uint8_t mask = live_with_flags, flags = c.flags;
    const int64_t fresh = fresh_day;
    int64_t counted = 0;
    auto one = [&](size_t i) __attribute__((always_inline)) {
      const HotEntry& h = hot[i];
      double low = 0;
      const auto verdict = flat.classify(h, &low);
      const bool wanted = (h.flags & mask) == flags;
      const bool inside = verdict == FlatCircle::kInside, unsure = verdict == FlatCircle::kUnsure;
      counted += static_cast<int64_t>(wanted & inside);
      const bool maybe_fresh = (h.confirmed_day >= fresh) & (h.confirmed_day != 0);
      const int best = h.completeness + (maybe_fresh ? ranking::kFreshPoints : 0);
      const int needed = std::clamp(worst - best, 0, 31);  // distance points to reach the page
      if (wanted & (unsure | (inside & (low <= reach[static_cast<size_t>(needed)])))) [[unlikely]]
        slow(i, unsure, low);
    };
    // A block wholly inside the circle none of whose entries could reach the page is only
    // counted: one() would count the same entries and send none to the slow path, since each
    // entry's best and nearness are within the block's.
    auto counted_whole = [&](size_t block) {
      const HotBlock& b = blocks[block];
      if (!flat.holds(b)) return false;
      const bool maybe_fresh = b.max_confirmed_day >= fresh && b.max_confirmed_day != 0;
      const int best = b.max_completeness + (maybe_fresh ? ranking::kFreshPoints : 0);
      const int needed = std::clamp(worst - best, 0, 31);
      if (flat.lowest(b) <= reach[static_cast<size_t>(needed)]) return false;
      counted += b.with_flags[flags];
      return true;
    };
    constexpr size_t kBlock = HotBlock::kSize;
    if (!down) {
      for (size_t i = from; i < to;) {
        if (i % kBlock == 0 && i + kBlock <= to && counted_whole(i / kBlock)) {
          i += kBlock;
        } else {
          one(i++);
        }
      }
    } else {
      for (size_t i = to; i > from;) {
        if (i % kBlock == 0 && i - kBlock >= from && counted_whole(i / kBlock - 1)) {
          i -= kBlock;
        } else {
          one(--i);
        }
      }
    }
    total += counted;
  };
  auto scan = [&](size_t from, size_t to) {
    if (simple) {
      scan_simple(from, to, false);
    } else {
      for (size_t i = from; i < to; ++i) consider(i);
    }
  };
  auto scan_down = [&](size_t from, size_t to) {
    if (simple) {
      scan_simple(from, to, true);
    } else {
      for (size_t i = to; i-- > from;) consider(i);
    }
  };
  if (!q.near_place()) {
    scan(0, base_.size());
  } else {
    const double lat0 = *q.lat, lon0 = *q.lon;
    // The bands nearest the place first: the page's best are found early, and the bar they set
    // spares the rest their exact distance and score.
    const int first = band_of(lat0 - dlat), last = band_of(lat0 + dlat), middle = band_of(lat0);
    for (int step = 0; step <= 2 * (last - first); ++step) {
      const int b = middle + (step % 2 ? (step + 1) / 2 : -(step / 2));
      if (b < first || b > last) continue;
      const size_t lo = band_start_[static_cast<size_t>(b)];
      const size_t hi = band_start_[static_cast<size_t>(b) + 1];
      auto lon_at = [&](double lon) {
        return static_cast<size_t>(
            std::lower_bound(base_.begin() + static_cast<std::ptrdiff_t>(lo),
                             base_.begin() + static_cast<std::ptrdiff_t>(hi), lon,
                             [](const IndexEntry& e, double x) { return e.lon < x; }) -
            base_.begin());
      };
      auto scan_lons = [&](double from, double to) {
        scan(lon_at(from), lon_at(std::nextafter(to, 1e9)));
      };
      if (all_lons || dlon >= 180) {
        scan(lo, hi);
      } else if (lon0 - dlon < -180) {
        scan_lons(-180, lon0 + dlon);
        scan_lons(lon0 - dlon + 360, 180);
      } else if (lon0 + dlon > 180) {
        scan_lons(lon0 - dlon, 180);
        scan_lons(-180, lon0 + dlon - 360);
      } else {
        // From the place outwards, east then west, for the same reason as the bands' order.
        const size_t at = lon_at(lon0);
        scan(at, lon_at(std::nextafter(lon0 + dlon, 1e9)));
        scan_down(lon_at(lon0 - dlon), at);
      }
    }
  }
  for (const auto& [id, o] : overlay_) {
    if (!c.passes(o.entry)) continue;
    const int64_t d = distance(o.entry);
    if (d > q.radius_m && q.near_place()) continue;
    if (auto points = text_word_points(o.words, q.words)) {
      ++total;
      add(o.entry, d, *points);
    }
  }
  lock.unlock();

  page.total = total;
  const std::vector<Candidate> best = top.take();
  for (size_t i = q.offset; i < best.size(); ++i) page.hits.push_back(best[i].hit);
  return page;
}

}  // namespace sb::directory
