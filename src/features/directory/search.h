// A directory search: what a visitor asks for, the published ranking, and the in-memory index
// that answers it. The same search is written as one SQL query (DirectoryRepo::search); the
// index must return exactly what that query returns, in the same order
// (tests/integration/directory_index_test.cc), only faster.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "features/directory/listing.h"

namespace sb::directory {

enum class Sort { kBestMatch, kDistance };
enum class Mode { kAny, kInPerson, kTelehealth };

struct Query {
  // Near a place: within radius_m of (lat, lon). Without a place, the whole directory.
  std::optional<double> lat, lon;
  int64_t radius_m = 0;
  // Telehealth for a state: listings offering telehealth that reach this state.
  std::string telehealth_state;
  std::vector<std::string> approaches, concerns, populations, languages;  // all of them
  std::string insurance;                                                  // takes this insurance
  bool attachment_focused = false;  // at least one attachment-focused approach
  bool accepting_only = false;
  bool sliding_scale_only = false;
  int fee_at_most = 0;  // 0: any fee; else fee_min within it, or a sliding scale
  Mode mode = Mode::kAny;
  bool verified_only = false;
  std::vector<std::string> words;  // folded words of the free text; each must be found
  Sort sort = Sort::kBestMatch;
  int64_t now = 0;       // for freshness
  int64_t day_seed = 0;  // the daily tie rotation (ranking::day_seed)
  size_t offset = 0, limit = 20;

  bool near_place() const { return lat.has_value() && lon.has_value(); }
};

struct Hit {
  int64_t id = 0;
  int64_t distance_m = -1;  // -1 without a place
  int score = 0;
  bool operator==(const Hit&) const = default;
};

struct Page {
  int64_t total = 0;
  std::vector<Hit> hits;
};

// The published ranking ("How we rank", content/pages/how-we-rank.md). Integers throughout,
// so the SQL query and the index agree to the point.
namespace ranking {
inline constexpr int64_t kFreshSeconds = 90 * 86400;
inline constexpr int kFreshPoints = 20;     // confirmed in the last 90 days
inline constexpr int kKeyWordPoints = 10;   // a searched word in name, approach, concern
inline constexpr int kBioWordPoints = 4;    // ... found only in the introduction
inline constexpr int kDistancePoints = 30;  // at the place; 0 at the edge of the radius
inline constexpr int64_t kRotationMultiplier = 2654435761;
inline constexpr int64_t kRotationModulus = 1000003;
// completeness() gives 0..20.
int64_t day_seed(int64_t unix_seconds);  // the same for everyone all day (UTC)
int distance_points(int64_t distance_m, int64_t radius_m);
int64_t rotation(int64_t id, int64_t day_seed);
}  // namespace ranking

// What the index keeps of a listing: filters as bit masks, coordinates, and where its words are.
struct IndexEntry {
  // What every scanned listing is checked against first, together in its first 64 bytes: a
  // radius search reads many entries and keeps few, so this is what it reads from memory.
  double lat = 0, lon = 0;
  uint8_t flags = 0;
  uint32_t populations = 0;
  uint64_t approaches = 0, concerns = 0, languages = 0, insurance = 0;
  // Read for the listings that pass.
  int64_t id = 0;
  uint64_t telehealth_states = 0;
  int32_t fee_min = 0;
  uint16_t completeness = 0;
  int64_t confirmed_at = 0;
  uint64_t taxonomies = 0;  // its approach, concern and taxonomy labels are key words too
  // In the built bands, the listing's own words as ids into the index's sorted dictionary:
  // own_n from its name and credentials, then bio_n from its introduction, each run sorted,
  // from words_at. (Label words are matched through the masks.)
  uint32_t words_at = 0;
  uint16_t own_n = 0, bio_n = 0;

  enum Flag : uint8_t {
    kInPerson = 1,
    kTelehealth = 2,
    kAccepting = 4,
    kSlidingScale = 8,
    kVerified = 16,
    kAttachmentFocused = 32,
  };
  static IndexEntry of(const Listing& l, const Vocabulary& v);
};

// What a radius search reads of every listing in its box, beside the entries: 12 bytes, so a
// dense city's hundred thousand listings are scanned from one or two megabytes. The
// coordinates are rounded to float (within a metre) and the confirmation to a day: enough to
// rule listings out and to bound their score; the full entry decides the rest.
struct HotEntry {
  float lat = 0, lon = 0;
  uint8_t flags = 0;           // IndexEntry::Flag, and kDead
  uint8_t completeness = 0;    // 0..20
  uint16_t confirmed_day = 0;  // the day of confirmed_at, rounded up; 0 when never
  static HotEntry of(const IndexEntry& e);
  static constexpr uint8_t kDead = 128;  // replaced or hidden since the build
};

// What a dense city's search needs of 64 consecutive hot entries at once: where they lie, the
// best score they could have without distance, and how many live ones have each set of flags
// (with_flags[f]: live entries whose flags include all of f). A block wholly inside the circle
// whose entries cannot reach the page is counted in one step.
struct HotBlock {
  static constexpr size_t kSize = 64;
  float lat_min = 0, lat_max = 0, lon_min = 0, lon_max = 0;
  uint16_t max_confirmed_day = 0;
  uint8_t max_completeness = 0;
  std::array<uint8_t, 64> with_flags{};
  void count(uint8_t flags, int change);  // a live entry with these flags came or went
};

// A listing's folded words as text (key_words and bio_words in listing.h; `own` is the name
// and credentials alone): what the overlay keeps, and what the dictionary is built from.
struct EntryWords {
  std::string key, bio, own;
  static EntryWords of(const Listing& l, const Vocabulary& v);
};

// The query's filters as masks, and the check both the index and its tests use.
struct CompiledQuery {
  const Query* query = nullptr;
  uint64_t approaches = 0, concerns = 0, languages = 0, insurance = 0, state = 0;
  uint32_t populations = 0;
  uint8_t flags = 0;        // IndexEntry::Flag bits the listing must have
  bool impossible = false;  // a term the vocabulary lacks: nothing can match
  static CompiledQuery of(const Query& q, const Vocabulary& v);
  // Every filter but the words and the distance (masks and flags: cheap).
  bool passes(const IndexEntry& e) const;
  // Whether passes() asks more than the flags.
  bool reads_entry() const {
    return approaches || concerns || languages || insurance || state || populations ||
           query->fee_at_most > 0;
  }
  // The score of a listing that passes, at this distance, whose words gave `word_points`.
  int score(const IndexEntry& e, int64_t distance_m, int word_points) const;
};

// In-memory geo + filter index. Listings sit in latitude bands 0.1 degrees high, sorted by
// longitude inside each band, so a radius search reads a few contiguous runs. Their words are
// ids into one sorted dictionary, so a typed word (a prefix) is a range of ids. Changes after
// the build go to a small overlay (and hide their old copy) until the next rebuild. Safe for
// many readers and one writer at a time.
class DirectoryIndex {
 public:
  explicit DirectoryIndex(const Vocabulary& v) : vocabulary_(v) {}

  // Replaces everything with these listings (hidden ones are left out).
  void rebuild(const std::vector<Listing>& listings);
  // A listing was added, changed or hidden.
  void apply(const Listing& l);
  Page search(const Query& q) const;

  size_t size() const;
  size_t memory_bytes() const;  // what the entries, their words and the lookups hold
  int64_t version() const { return version_; }
  void set_version(int64_t v) { version_ = v; }

 private:
  struct OverlayEntry {
    IndexEntry entry;
    EntryWords words;
  };
  void rebuild_locked(std::vector<OverlayEntry> entries);
  // The words of a built entry as text again (for folding the overlay into the bands).
  EntryWords words_of(const IndexEntry& e) const;
  static int band_of(double lat);

  const Vocabulary& vocabulary_;
  mutable std::shared_mutex mutex_;
  std::vector<IndexEntry> base_;                        // by band, then longitude
  std::vector<HotEntry> hot_;                           // base_'s hot fields, in its order
  std::vector<HotBlock> blocks_;                        // hot_ by HotBlock::kSize
  std::vector<uint32_t> band_start_;                    // 1801 + 1 offsets into base_
  std::vector<std::pair<int64_t, uint32_t>> position_;  // (id, position in base_), by id
  std::vector<std::string> dictionary_;                 // every word of base_, sorted
  std::vector<uint32_t> words_;                         // base_'s word ids (IndexEntry::words_at)
  std::unordered_map<int64_t, OverlayEntry> overlay_;   // changed since the build
  int64_t version_ = 0;
};

}  // namespace sb::directory
