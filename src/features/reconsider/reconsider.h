// "Pause and reconsider": a guided exercise in mindful responding. What happened, my first
// interpretation (common ones offered), at least two other possible explanations, what
// supports each, the response I choose instead of the urge, and later how it went. Every text
// is encrypted at rest; summaries are computed after decryption, in memory.
#pragma once

#include <string>
#include <vector>

#include "accounts/data_key.h"
#include "core/clock.h"
#include "core/owner.h"
#include "core/result.h"
#include "store/database.h"

namespace sb::growth {

struct Interpretation {
  std::string id, text;
};
// First interpretations people often jump to; our own wording.
const std::vector<Interpretation>& common_interpretations();
// Other explanations offered as prompts when it is hard to think of any.
const std::vector<std::string>& alternative_prompts();

struct Explanation {
  std::string text, support;  // the explanation and what supports it
};

// How the chosen response went compared with acting on the urge.
inline constexpr const char* kOutcomes[] = {"better", "same", "worse", "unsure"};

struct Reconsideration {
  std::string public_id;
  std::string occurred_on;  // YYYY-MM-DD
  std::string happened;
  std::string first_id = "own";  // a common interpretation's id, or "own"
  Explanation first;
  std::vector<Explanation> alternatives;  // at least two
  std::string urge, chosen;
  // The follow-up, written later.
  bool followed_up = false;
  std::string followed_up_on, how_it_went, outcome;
};

struct ReconsiderSummary {
  struct Recurring {
    std::string interpretation;
    int count = 0;
  };
  std::vector<Recurring> recurring;  // most frequent first, then alphabetical
  int total = 0, followed_up = 0, better = 0, same = 0, worse = 0, unsure = 0;
};

ReconsiderSummary summarise(const std::vector<Reconsideration>& all);
bool suggests_crisis(const Reconsideration& r);

class Reconsider {
 public:
  Reconsider(store::Database& db, const Clock& clock, const crypto::DataKey& key)
      : db_(db), clock_(clock), key_(key) {}

  // Field errors name the form field. Returns the exercise's public id.
  Result<std::string> create(const Owner& owner, Reconsideration r);
  // Changes what was written; a follow-up already given is kept.
  Status update(const Owner& owner, Reconsideration r);
  Status follow_up(const Owner& owner, const std::string& public_id, const std::string& how_it_went,
                   const std::string& outcome);
  Status remove(const Owner& owner, const std::string& public_id);
  Result<Reconsideration> get(const Owner& owner, const std::string& public_id);
  Result<std::vector<Reconsideration>> list(const Owner& owner);  // newest first
  Result<std::string> export_json(const Owner& owner);
  static Result<int> rotate_key(store::Database& db, const crypto::DataKey& from,
                                const crypto::DataKey& to);

 private:
  std::string seal(const Reconsideration& r, int64_t user_id) const;
  Status store_update(const Owner& owner, const Reconsideration& r);

  store::Database& db_;
  const Clock& clock_;
  const crypto::DataKey& key_;
};

}  // namespace sb::growth
