// Emotion-regulation skills (content/skills.json, our own words) and the practice log with
// distress before and after (0-10). Notes are encrypted at rest like every free-text field.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "accounts/data_key.h"
#include "core/clock.h"
#include "core/owner.h"
#include "core/result.h"
#include "store/database.h"

namespace sb::growth {

struct Skill {
  std::string id, group, name, when;
  std::vector<std::string> steps;
  std::string pace;  // breathing rhythm for the paced timer ("4-6", "4-4-4-4"), or empty
};

struct SkillGroup {
  std::string id, name;
};

class SkillLibrary {
 public:
  static Result<SkillLibrary> load(const std::string& path);
  const std::vector<SkillGroup>& groups() const { return groups_; }
  const std::vector<Skill>& skills() const { return skills_; }
  const Skill* find(const std::string& id) const;

 private:
  std::vector<SkillGroup> groups_;
  std::vector<Skill> skills_;
};

struct PracticeEntry {
  std::string skill_id;
  int64_t practiced_at = 0;
  int before = 0, after = 0;
  std::string note;
};

// Mean of (before - after) per skill.
std::map<std::string, double> average_drop_per_skill(const std::vector<PracticeEntry>& logs);

class Practice {
 public:
  Practice(store::Database& db, const Clock& clock, const crypto::DataKey& key,
           const SkillLibrary& library)
      : db_(db), clock_(clock), key_(key), library_(library) {}
  Status log(const Owner& owner, const std::string& skill_id, int before, int after,
             const std::string& note);
  // Newest first; `skill_id` empty means all skills.
  Result<std::vector<PracticeEntry>> logs(const Owner& owner, const std::string& skill_id = "");
  // Oldest first, without notes (nothing is decrypted): for charts and streaks.
  Result<std::vector<PracticeEntry>> summaries(const Owner& owner);
  Result<std::string> export_json(const Owner& owner);
  static Result<int> rotate_key(store::Database& db, const crypto::DataKey& from,
                                const crypto::DataKey& to);

 private:
  store::Database& db_;
  const Clock& clock_;
  const crypto::DataKey& key_;
  const SkillLibrary& library_;
};

}  // namespace sb::growth
