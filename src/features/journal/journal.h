// The self-awareness journal: what happened, who was there, what I felt (from a feelings list,
// 0-10), in my body, my first thought, my urge, what I did, and what I think drove me and the
// other person. Every free-text field is encrypted at rest.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "accounts/data_key.h"
#include "core/clock.h"
#include "core/owner.h"
#include "core/result.h"
#include "store/database.h"

namespace sb::growth {

// The feelings people choose from; our own short list, grouped loosely from calm to intense.
const std::vector<std::string>& feelings();

struct JournalEntry {
  std::string public_id;
  std::string occurred_on;  // YYYY-MM-DD
  std::string kind = "quick";
  std::string situation;
  std::string people;
  std::map<std::string, int> emotions;  // feeling -> intensity 0-10
  std::vector<std::string> named;       // feelings chosen without an intensity (chips)
  std::string body, first_thought, urge, action, my_motive, their_motive;
  std::vector<std::string> tags;
  // A mood check: one tap on a grid, from unpleasant (1) to pleasant (5) and from calm (1) to
  // energised (5); both 0 when the entry has none.
  int pleasant = 0, energy = 0;
  // Marked "share with my therapist": the only entries a therapist may ever see, and only
  // while the writer shares marked entries with them.
  bool shared = false;
  bool has_mood() const { return pleasant > 0; }
};

inline constexpr int kMoodSteps = 5;

// A mood in plain words: "pleasant and calm", "very unpleasant and energised", "in between".
std::string mood_words(int pleasant, int energy);
// A colour for a mood (for the calendar): from a muted red through grey to green by how
// pleasant, lighter when calmer. Six hex digits with '#'.
std::string mood_colour(int pleasant, int energy);

struct MoodCheck {
  std::string public_id, occurred_on;
  int pleasant = 0, energy = 0;
};

// True when the text of an entry contains words that may point to a crisis or self-harm.
// Used only to show help beside the entry; it never blocks saving and never diagnoses.
bool suggests_crisis(const JournalEntry& entry);

class Journal {
 public:
  Journal(store::Database& db, const Clock& clock, const crypto::DataKey& key)
      : db_(db), clock_(clock), key_(key) {}

  // Field errors name the form field. Returns the entry's public id.
  Result<std::string> create(const Owner& owner, JournalEntry entry);
  Status update(const Owner& owner, const JournalEntry& entry);
  Status remove(const Owner& owner, const std::string& public_id);
  Result<JournalEntry> get(const Owner& owner, const std::string& public_id);
  // Newest first; `query` (may be empty) matches any text field or tag, ignoring case.
  Result<std::vector<JournalEntry>> list(const Owner& owner, const std::string& query = "");
  // The newest entries, `per_page` at a time (page 0 first); `more` says whether older ones exist.
  struct Page {
    std::vector<JournalEntry> entries;
    bool more = false;
  };
  Result<Page> page(const Owner& owner, int page, int per_page);
  // Entries that happened between two dates (inclusive), oldest first.
  Result<std::vector<JournalEntry>> between(const Owner& owner, const std::string& from,
                                            const std::string& to);
  // Just the dates of entries between two dates (nothing is decrypted), oldest first.
  Result<std::vector<std::string>> dates(const Owner& owner, const std::string& from,
                                         const std::string& to);
  // The mood checks that happened between two dates (inclusive), oldest first.
  Result<std::vector<MoodCheck>> moods(const Owner& owner, const std::string& from,
                                       const std::string& to);
  Result<std::string> export_json(const Owner& owner);
  // Re-encrypts every entry from `from` to `to`; returns how many were rewritten.
  static Result<int> rotate_key(store::Database& db, const crypto::DataKey& from,
                                const crypto::DataKey& to);

 private:
  Status validate(const JournalEntry& e) const;
  std::string seal(const JournalEntry& e, int64_t user_id) const;

  store::Database& db_;
  const Clock& clock_;
  const crypto::DataKey& key_;
};

}  // namespace sb::growth
