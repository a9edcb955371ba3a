// Children and caregivers: a child profile shared by the caregivers the first one invites, a
// quick log of the child's cues and how they were answered, a weekly reflection drawn from it,
// and secure-base signs observed by age. Encouraging by design: nothing here scores a parent
// or diagnoses a child. The pure parts (vocabularies, age, reflection, sign trends) are in
// this header; Family is the service over the store.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "accounts/data_key.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/database.h"

namespace sb::family {

struct Choice {
  std::string id, words;
};
// The child's cue, what the caregiver did (one or more), how quickly, how the child responded.
const std::vector<Choice>& cues();
const std::vector<Choice>& responses();
const std::vector<Choice>& speeds();
const std::vector<Choice>& outcomes();
const Choice* find_choice(const std::vector<Choice>& among, const std::string& id);

// Whole months from a birth date to a day (both day numbers); negative before birth.
int age_in_months(int64_t birth_day, int64_t today);
// "4 months", "1 year and 3 months", "6 years".
std::string age_words(int months);

struct LogEntry {
  int64_t id = 0;
  int64_t at = 0;
  std::string cue;
  std::vector<std::string> responses;
  std::string speed, outcome, note;
  std::string by;  // who logged it, as the other caregiver sees it
};

// What a week of the log shows, in numbers and in gentle, specific words.
struct Reflection {
  int entries = 0;
  int distress = 0, distress_comforted = 0;  // cries and fusses, and those met with comfort
  int bids = 0, bids_answered = 0;           // reaches, looks, bids to play
  int comfort = 0, space = 0;                // entries answered with comfort; with room given
  int missed = 0, repaired = 0;              // "could not respond then", and reconnections after
  int quick = 0;                             // answered at once or within a minute
  std::vector<std::string> lines;
};
// `week` is the week's entries, oldest first; `after` the entries of the day after the week (a
// miss late on Sunday can be repaired on Monday morning).
Reflection reflect(const std::vector<LogEntry>& week, const std::vector<LogEntry>& after = {});

// Secure-base signs by age, from content/family/signs.json (our own words).
struct Sign {
  std::string id, text;
};
struct Stage {
  std::string id, title, about;
  int from_months = 0, to_months = 0;  // from inclusive, to exclusive
  std::vector<Sign> signs;
};
struct SignBook {
  std::vector<Stage> stages;
  static Result<SignBook> load(const std::string& path);
  const Stage* stage_for(int months) const;
  const Stage* find(const std::string& id) const;
};
// How often a sign was seen since the last check.
inline constexpr const char* kAnswers[] = {"often", "sometimes", "rarely", "unsure"};
const char* answer_words(const std::string& answer);

struct SignCheck {
  int64_t id = 0;
  std::string checked_on;  // YYYY-MM-DD
  std::string stage;
  std::map<std::string, std::string> answers;  // sign id -> often | sometimes | rarely | unsure
  std::string by;
};
struct SignTrend {
  std::string sign;
  std::vector<std::pair<std::string, std::string>> answers;  // (day, answer), oldest first
  std::string direction;    // "more often than at first", "less often ...", "about the same", ""
  bool persisting = false;  // "rarely" at the last two checks, at least two weeks apart
};
// One trend per sign of `stage`, from checks of that stage (oldest first).
std::vector<SignTrend> trends(const Stage& stage, const std::vector<SignCheck>& checks);

struct Child {
  int64_t id = 0;
  std::string public_id, name, birth_date;
  int64_t owner_user_id = 0;
};
struct Caregiver {
  int64_t user_id = 0;
  std::string public_id, email, role;  // role: "first" | "invited"
  int64_t added_at = 0;
  std::optional<int64_t> removed_at;
};

class Family {
 public:
  Family(store::Database& db, const Clock& clock, const crypto::DataKey& key)
      : db_(db), clock_(clock), key_(key) {}

  // The children this account cares for now, with the account's role for each.
  Result<std::vector<std::pair<Child, std::string>>> children_of(int64_t user_id);
  Result<std::string> add_child(int64_t user_id, const std::string& name,
                                const std::string& birth_date);
  Result<Child> child(int64_t child_id);
  // The account's role for the child with this public id: "first", "invited", or empty when it
  // is not (or no longer) one of its caregivers; nullopt when there is no such child.
  struct Membership {
    int64_t group_id = 0;  // the child's row id
    std::string name, role;
  };
  Result<std::optional<Membership>> membership(const std::string& public_id, int64_t user_id);
  Result<std::vector<Caregiver>> caregivers(int64_t child_id);

  // A one-time code (7 days, single use) the first caregiver gives to another.
  Result<std::string> invite(int64_t child_id, int64_t by_user_id);
  // The child's public id.
  Result<std::string> join(int64_t user_id, const std::string& code);
  // The first caregiver removes another; anyone but the first may leave.
  Status remove_caregiver(int64_t child_id, int64_t user_id);

  Status log(int64_t child_id, int64_t user_id, LogEntry entry);
  // Entries from `from` (inclusive) to `to` (exclusive), oldest first, with who logged them.
  Result<std::vector<LogEntry>> entries(int64_t child_id, int64_t from, int64_t to,
                                        int64_t viewer_user_id);

  Status check_signs(int64_t child_id, int64_t user_id, const Stage& stage,
                     const std::map<std::string, std::string>& answers);
  Result<std::vector<SignCheck>> checks(int64_t child_id, int64_t viewer_user_id);

  static Result<int> rotate_key(store::Database& db, const crypto::DataKey& from,
                                const crypto::DataKey& to);

 private:
  store::Database& db_;
  const Clock& clock_;
  const crypto::DataKey& key_;
};

inline constexpr int64_t kInviteSeconds = 7 * 24 * 3600;

}  // namespace sb::family
