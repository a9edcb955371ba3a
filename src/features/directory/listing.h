// A therapist's (or a clinic's) listing in the directory, and the vocabulary its lists draw on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sb::directory {

struct Term {
  std::string id;
  std::string label;
  bool attachment_focused = false;  // approaches only
};

// content/directory/vocabulary.json. At most 64 terms a list: the index keeps each list of a
// listing as a bit mask.
struct Vocabulary {
  std::vector<Term> approaches, concerns, populations, languages, insurance, taxonomies;
  std::vector<std::string> states;
  // Where a psychologist with PSYPACT's telepsychology authority may see clients by video,
  // when their own licence is from one of them too (the list and its date: docs/DIRECTORY.md).
  std::vector<std::string> psypact_states;

  static Result<Vocabulary> load(const std::string& path);
  // The bit of `id` in `list`, or nullopt when the list has no such id.
  static std::optional<int> bit_of(const std::vector<Term>& list, std::string_view id);
  static const Term* find(const std::vector<Term>& list, std::string_view id);
  std::optional<int> state_bit(std::string_view state) const;
};

struct Licence {
  std::string type;  // e.g. LCSW, the taxonomy's label when imported
  std::string number;
  std::string state;  // two letters
};

// Where a listing came from; a listing a clinician claimed is theirs and no import touches it.
enum class Source { kNppes, kImport, kClinician, kDemo };
std::string_view source_name(Source s);
std::optional<Source> source_from(std::string_view name);

struct Listing {
  int64_t id = 0;
  std::string npi;  // empty for listings without one
  std::string name;
  std::string credentials;
  bool organisation = false;
  std::vector<Licence> licences;
  bool psypact = false;             // may see clients by telehealth in PSYPACT states
  bool counseling_compact = false;  // likewise under the Counseling Compact
  std::vector<std::string> taxonomies;
  std::vector<std::string> approaches, concerns, populations, languages, insurance;
  std::vector<std::string> telehealth_states;  // beyond the licence states
  int fee_min = 0, fee_max = 0;                // whole US dollars a session; 0 when not given
  bool sliding_scale = false;
  bool in_person = true;
  bool telehealth = false;
  bool accepting = false;
  int64_t confirmed_at = 0;  // when the therapist last confirmed the listing; 0: never
  std::string street, city, state, zip;
  bool hide_street = false;
  double lat = 0, lon = 0;
  std::string phone, website, email;
  std::string bio;
  bool verified = false;  // an administrator checked the licence and the claim
  bool hidden = false;    // withdrawn; never shown or found
  Source source = Source::kImport;
  int64_t owner_user_id = 0;  // the clinician who claimed it; 0 when unclaimed
  int64_t updated_at = 0;

  bool demo() const { return source == Source::kDemo; }
  bool claimed() const { return owner_user_id != 0; }
  // Every state where this listing may see clients by telehealth (licences and declared).
  // The states a client can be in for telehealth: the licence states, the listed telehealth
  // states, and the PSYPACT states for a psychologist who holds the compact's authority.
  // (Counseling Compact privileges are granted state by state; counselors list them.)
  std::vector<std::string> telehealth_reach(const Vocabulary& v) const;
};

// A clinician's request to take over a listing, decided by an administrator.
enum class ClaimStatus { kPending, kVerified, kRefused };
std::string_view claim_status_name(ClaimStatus s);
std::optional<ClaimStatus> claim_status_from(std::string_view name);

struct Claim {
  int64_t id = 0;
  int64_t listing_id = 0;
  int64_t user_id = 0;
  std::string licence_number;  // as the clinician typed it, for the administrator to check
  ClaimStatus status = ClaimStatus::kPending;
  int64_t created_at = 0;
  int64_t decided_at = 0;
  // For the verification queue: the listing as it stands, and who asked.
  std::string listing_name, npi, claimant_email, claimant_public_id;
  std::vector<Licence> licences;
};

// Limits a listing must keep (the edit form shows them).
inline constexpr size_t kBioMaxChars = 2000;
inline constexpr size_t kNameMaxChars = 200;

// Checks a listing against the vocabulary and the limits; the error names the field.
Status validate(const Listing& l, const Vocabulary& v);

// 0..20: how much of what people look for the listing says (bio, approaches, concerns,
// populations, languages, fees, a way to get in touch, a licence), 20 / 8 points each.
int completeness(const Listing& l);

// The NPI check digit: Luhn over "80840" followed by the NPI's first nine digits.
bool npi_valid(std::string_view npi);

// Text folded for search: lower-case ASCII words separated by single spaces, with a space at
// each end (" anna ruiz attachment based therapy "), so " term" finds word prefixes.
std::string fold_words(std::string_view text);
// The words a listing is found by: name, credentials, approaches and concerns (their labels)...
std::string key_words(const Listing& l, const Vocabulary& v);
// ...and its bio, matched with less weight.
std::string bio_words(const Listing& l);

// Lists kept in one column: "|a|b|" ("" when empty), so a filter is LIKE '%|a|%'.
std::string join_list(const std::vector<std::string>& items);
std::vector<std::string> split_list(std::string_view joined);

}  // namespace sb::directory
