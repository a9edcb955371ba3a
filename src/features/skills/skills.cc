#include "features/skills/skills.h"

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "core/strings.h"
#include "features/skills/practice_repo.h"

namespace sb::growth {

namespace json = boost::json;

namespace {
std::string associated(int64_t user_id) { return "practice:" + std::to_string(user_id); }
}  // namespace

Result<SkillLibrary> SkillLibrary::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{ErrorCode::kNotFound, "cannot read the skills file " + path, "skills"};
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  auto doc = json::parse(ss.str(), ec);
  if (ec || !doc.is_object()) return invalid("skills", path + " is not valid JSON");
  SkillLibrary lib;
  try {
    for (const auto& g : doc.at("groups").as_array()) {
      lib.groups_.push_back(
          {json::value_to<std::string>(g.at("id")), json::value_to<std::string>(g.at("name"))});
    }
    for (const auto& s : doc.at("skills").as_array()) {
      Skill k;
      k.id = json::value_to<std::string>(s.at("id"));
      k.group = json::value_to<std::string>(s.at("group"));
      k.name = json::value_to<std::string>(s.at("name"));
      k.when = json::value_to<std::string>(s.at("when"));
      for (const auto& step : s.at("steps").as_array()) k.steps.emplace_back(step.as_string());
      if (s.as_object().contains("pace")) k.pace = json::value_to<std::string>(s.at("pace"));
      lib.skills_.push_back(std::move(k));
    }
  } catch (const std::exception& e) {
    return invalid("skills", path + ": " + e.what());
  }
  return lib;
}

const Skill* SkillLibrary::find(const std::string& id) const {
  for (const auto& s : skills_) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

std::map<std::string, double> average_drop_per_skill(const std::vector<PracticeEntry>& logs) {
  std::map<std::string, double> sum;
  std::map<std::string, int> n;
  for (const auto& l : logs) {
    sum[l.skill_id] += l.before - l.after;
    ++n[l.skill_id];
  }
  for (auto& [k, v] : sum) v /= n[k];
  return sum;
}

Status Practice::log(const Owner& owner, const std::string& skill_id, int before, int after,
                     const std::string& note) {
  if (!owner.user_id) return Error{ErrorCode::kUnauthenticated, "please sign in first", ""};
  if (!library_.find(skill_id)) return Error{ErrorCode::kNotFound, "There is no such skill.", ""};
  if (before < 0 || before > 10) return invalid("before", "Distress before goes from 0 to 10.");
  if (after < 0 || after > 10) return invalid("after", "Distress after goes from 0 to 10.");
  if (utf8_length(note) > 4000) return invalid("note", "A note can hold up to 4,000 characters.");
  store::PracticeRepo repo(db_);
  auto id = repo.create({0, *owner.user_id, skill_id, clock_.now(), before, after,
                         key_.encrypt(note, associated(*owner.user_id))});
  if (!id) return id.error();
  return ok_status();
}

Result<std::vector<PracticeEntry>> Practice::logs(const Owner& owner, const std::string& skill_id) {
  std::vector<PracticeEntry> out;
  if (!owner.user_id) return out;
  store::PracticeRepo repo(db_);
  auto rows = repo.for_user(*owner.user_id);
  if (!rows) return rows.error();
  for (const auto& r : *rows) {
    if (!skill_id.empty() && r.skill_id != skill_id) continue;
    auto note = key_.decrypt(r.note_sealed, associated(r.user_id));
    if (!note) return note.error();
    out.push_back({r.skill_id, r.practiced_at, r.before, r.after, *note});
  }
  return out;
}

Result<std::vector<PracticeEntry>> Practice::summaries(const Owner& owner) {
  std::vector<PracticeEntry> out;
  if (!owner.user_id) return out;
  store::PracticeRepo repo(db_);
  auto rows = repo.summaries_for_user(*owner.user_id);
  if (!rows) return rows.error();
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back({r.skill_id, r.practiced_at, r.before, r.after, ""});
  return out;
}

Result<std::string> Practice::export_json(const Owner& owner) {
  auto all = logs(owner);
  if (!all) return all.error();
  json::array a;
  for (const auto& l : *all) {
    a.push_back(json::object{{"skill", l.skill_id},
                             {"practiced_at", iso8601(l.practiced_at)},
                             {"distress_before", l.before},
                             {"distress_after", l.after},
                             {"note", l.note}});
  }
  return json::serialize(a);
}

Result<int> Practice::rotate_key(store::Database& db, const crypto::DataKey& from,
                                 const crypto::DataKey& to) {
  store::PracticeRepo repo(db);
  auto rows = repo.all();
  if (!rows) return rows.error();
  int n = 0;
  for (const auto& r : *rows) {
    auto resealed = crypto::reseal(from, to, r.note_sealed, associated(r.user_id));
    if (!resealed) return resealed.error();
    if (!*resealed) continue;
    if (auto st = repo.replace_note(r.id, **resealed); !st) return st.error();
    ++n;
  }
  return n;
}

}  // namespace sb::growth
