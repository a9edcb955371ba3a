#include "features/journal/journal.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

#include "accounts/crypto.h"
#include "core/dates.h"
#include "core/safety.h"
#include "core/strings.h"
#include "features/journal/journal_repo.h"

namespace sb::growth {

namespace json = boost::json;

namespace {

constexpr size_t kMaxText = 4000;
constexpr size_t kMaxTagLength = 40;

Error signed_out() { return Error{ErrorCode::kUnauthenticated, "please sign in first", ""}; }
Error not_found() { return Error{ErrorCode::kNotFound, "There is no such entry.", ""}; }

// What the ciphertext is bound to: moving it to another row or user makes it fail to open.
std::string associated(const std::string& public_id, int64_t user_id) {
  return "journal:" + public_id + ":" + std::to_string(user_id);
}

json::object to_json(const JournalEntry& e) {
  json::object emotions;
  for (const auto& [k, v] : e.emotions) emotions[k] = v;
  json::array tags, named;
  for (const auto& t : e.tags) tags.push_back(json::value(t));
  for (const auto& f : e.named) named.push_back(json::value(f));
  json::object o{{"situation", e.situation},
                 {"people", e.people},
                 {"emotions", emotions},
                 {"body", e.body},
                 {"first_thought", e.first_thought},
                 {"urge", e.urge},
                 {"action", e.action},
                 {"my_motive", e.my_motive},
                 {"their_motive", e.their_motive},
                 {"tags", tags}};
  if (!e.named.empty()) o["named"] = named;
  if (e.has_mood()) o["mood"] = json::object{{"pleasant", e.pleasant}, {"energy", e.energy}};
  if (e.shared) o["shared"] = true;
  return o;
}

void from_json(const json::object& o, JournalEntry& e) {
  auto str = [&](const char* k) {
    return o.contains(k) ? json::value_to<std::string>(o.at(k)) : std::string();
  };
  e.situation = str("situation");
  e.people = str("people");
  e.body = str("body");
  e.first_thought = str("first_thought");
  e.urge = str("urge");
  e.action = str("action");
  e.my_motive = str("my_motive");
  e.their_motive = str("their_motive");
  if (o.contains("emotions")) {
    for (const auto& [k, v] : o.at("emotions").as_object())
      e.emotions[std::string(k)] = static_cast<int>(v.to_number<int64_t>());
  }
  if (o.contains("tags")) {
    for (const auto& t : o.at("tags").as_array()) e.tags.emplace_back(t.as_string());
  }
  if (const auto* named = o.if_contains("named"))
    for (const auto& f : named->as_array()) e.named.emplace_back(f.as_string());
  if (const auto* shared = o.if_contains("shared")) e.shared = shared->as_bool();
  if (const auto* mood = o.if_contains("mood")) {
    e.pleasant = static_cast<int>(mood->at("pleasant").to_number<int64_t>());
    e.energy = static_cast<int>(mood->at("energy").to_number<int64_t>());
  }
}

Result<JournalEntry> open(const store::JournalRecord& r, const crypto::DataKey& key) {
  auto plain = key.decrypt(r.sealed, associated(r.public_id, r.user_id));
  if (!plain) return plain.error();
  JournalEntry e;
  e.public_id = r.public_id;
  e.occurred_on = r.occurred_on;
  e.kind = r.kind;
  from_json(json::parse(*plain).as_object(), e);
  return e;
}

std::string all_text(const JournalEntry& e) {
  std::string t = e.situation + "\n" + e.people + "\n" + e.body + "\n" + e.first_thought + "\n" +
                  e.urge + "\n" + e.action + "\n" + e.my_motive + "\n" + e.their_motive;
  for (const auto& tag : e.tags) t += "\n" + tag;
  for (const auto& [feeling, intensity] : e.emotions) t += "\n" + feeling;
  for (const auto& feeling : e.named) t += "\n" + feeling;
  return to_lower(t);
}

}  // namespace

const std::vector<std::string>& feelings() {
  static const std::vector<std::string> list = {
      "calm",    "content",      "hopeful",   "relieved", "tender", "lonely",
      "sad",     "disappointed", "hurt",      "anxious",  "afraid", "jealous",
      "ashamed", "guilty",       "irritated", "angry",    "numb",   "overwhelmed"};
  return list;
}

std::string mood_words(int pleasant, int energy) {
  static const char* const kPleasant[] = {"very unpleasant", "unpleasant", "", "pleasant",
                                          "very pleasant"};
  static const char* const kEnergy[] = {"very calm", "calm", "", "energised", "very energised"};
  if (pleasant < 1 || pleasant > kMoodSteps || energy < 1 || energy > kMoodSteps) return "";
  const std::string p = kPleasant[pleasant - 1], e = kEnergy[energy - 1];
  if (p.empty() && e.empty()) return "in between";
  if (p.empty()) return "neither pleasant nor unpleasant, " + e;
  if (e.empty()) return p + ", neither calm nor energised";
  return p + " and " + e;
}

std::string mood_colour(int pleasant, int energy) {
  // Hue from red (unpleasant) to green (pleasant), grey in between; calmer moods lighter.
  static const int kHue[] = {4, 20, 0, 120, 140};
  const int p = std::clamp(pleasant, 1, kMoodSteps), e = std::clamp(energy, 1, kMoodSteps);
  const int saturation = p == 3 ? 0 : (p == 1 || p == 5 ? 55 : 40);
  const int lightness = 78 - (e - 1) * 8;  // 78% calm .. 46% energised
  // HSL to RGB, in integers.
  const double h = kHue[p - 1] / 60.0, s = saturation / 100.0, l = lightness / 100.0;
  const double c = (1 - std::abs(2 * l - 1)) * s;
  const double x = c * (1 - std::abs(std::fmod(h, 2.0) - 1));
  double r = 0, g = 0, b = 0;
  if (h < 1) {
    r = c, g = x;
  } else if (h < 2) {
    r = x, g = c;
  } else {
    g = c, b = x;
  }
  const double m = l - c / 2;
  auto byte = [&](double v) { return static_cast<int>(std::lround((v + m) * 255)); };
  char out[8];
  std::snprintf(out, sizeof out, "#%02x%02x%02x", byte(r), byte(g), byte(b));
  return out;
}

bool suggests_crisis(const JournalEntry& e) { return sb::suggests_crisis(all_text(e)); }

Status Journal::validate(const JournalEntry& e) const {
  if (!parse_date(e.occurred_on))
    return invalid("occurred_on", "Please give the date as YYYY-MM-DD.");
  if (e.kind != "quick" && e.kind != "full") return invalid("kind", "Unknown kind of entry.");
  const bool says_something = e.has_mood() || !e.emotions.empty() || !e.named.empty() ||
                              !trim(e.situation).empty() || !trim(e.body).empty() ||
                              !trim(e.action).empty();
  if (!says_something)
    return invalid("situation", "Write a few words about what happened, or choose a feeling.");
  if (e.pleasant < 0 || e.pleasant > kMoodSteps || e.energy < 0 || e.energy > kMoodSteps ||
      (e.pleasant == 0) != (e.energy == 0))
    return invalid("mood", "Choose one square of the mood grid.");
  for (const auto* text : {&e.situation, &e.people, &e.body, &e.first_thought, &e.urge, &e.action,
                           &e.my_motive, &e.their_motive}) {
    if (utf8_length(*text) > kMaxText)
      return invalid("situation", "Each field can hold up to 4,000 characters.");
  }
  auto listed = [](const std::string& f) {
    return std::find(feelings().begin(), feelings().end(), f) != feelings().end();
  };
  for (const auto& f : e.named)
    if (!listed(f)) return invalid("emotions", "Please choose feelings from the list.");
  for (const auto& [feeling, intensity] : e.emotions) {
    if (!listed(feeling)) return invalid("emotions", "Please choose feelings from the list.");
    if (intensity < 0 || intensity > 10) return invalid("emotions", "Intensity goes from 0 to 10.");
  }
  if (e.tags.size() > 20) return invalid("tags", "Up to 20 tags, please.");
  for (const auto& tag : e.tags) {
    if (utf8_length(tag) > kMaxTagLength)
      return invalid(
          "tags", "Each tag can be up to " + std::to_string(kMaxTagLength) + " characters long.");
  }
  return ok_status();
}

std::string Journal::seal(const JournalEntry& e, int64_t user_id) const {
  return key_.encrypt(json::serialize(to_json(e)), associated(e.public_id, user_id));
}

Result<std::string> Journal::create(const Owner& owner, JournalEntry e) {
  if (!owner.user_id) return signed_out();
  if (auto st = validate(e); !st) return st.error();
  e.public_id = crypto::random_token(16);
  store::JournalRecord r{0,
                         e.public_id,
                         *owner.user_id,
                         e.occurred_on,
                         e.kind,
                         seal(e, *owner.user_id),
                         clock_.now(),
                         clock_.now()};
  store::JournalRepo repo(db_);
  if (auto id = repo.create(r); !id) return id.error();
  return e.public_id;
}

Status Journal::update(const Owner& owner, const JournalEntry& e) {
  if (!owner.user_id) return signed_out();
  if (auto st = validate(e); !st) return st;
  store::JournalRecord r{
      0, e.public_id, *owner.user_id, e.occurred_on, e.kind, seal(e, *owner.user_id),
      0, clock_.now()};
  store::JournalRepo repo(db_);
  auto st = repo.update(r);
  if (!st && st.error().code == ErrorCode::kNotFound) return not_found();
  return st;
}

Status Journal::remove(const Owner& owner, const std::string& public_id) {
  if (!owner.user_id) return signed_out();
  store::JournalRepo repo(db_);
  auto st = repo.remove(public_id, *owner.user_id);
  if (!st && st.error().code == ErrorCode::kNotFound) return not_found();
  return st;
}

Result<JournalEntry> Journal::get(const Owner& owner, const std::string& public_id) {
  if (!owner.user_id) return signed_out();
  store::JournalRepo repo(db_);
  auto r = repo.find(public_id, *owner.user_id);
  if (!r) return r.error();
  if (!r->has_value()) return not_found();
  return open(**r, key_);
}

Result<std::vector<JournalEntry>> Journal::list(const Owner& owner, const std::string& query) {
  if (!owner.user_id) return signed_out();
  store::JournalRepo repo(db_);
  auto rows = repo.for_user(*owner.user_id);
  if (!rows) return rows.error();
  const std::string q = to_lower(trim(query));
  std::vector<JournalEntry> out;
  for (const auto& r : *rows) {
    auto e = open(r, key_);
    if (!e) return e.error();
    // Search runs over decrypted text in memory: the store cannot search what it cannot read.
    if (q.empty() || all_text(*e).find(q) != std::string::npos) out.push_back(std::move(*e));
  }
  return out;
}

Result<Journal::Page> Journal::page(const Owner& owner, int page, int per_page) {
  if (!owner.user_id) return signed_out();
  store::JournalRepo repo(db_);
  // One row more than a page says whether there is an older page, without counting them all.
  auto rows = repo.page_for_user(*owner.user_id, per_page + 1, page * per_page);
  if (!rows) return rows.error();
  Page out;
  out.more = static_cast<int>(rows->size()) > per_page;
  if (out.more) rows->pop_back();
  for (const auto& r : *rows) {
    auto e = open(r, key_);
    if (!e) return e.error();
    out.entries.push_back(std::move(*e));
  }
  return out;
}

Result<std::vector<JournalEntry>> Journal::between(const Owner& owner, const std::string& from,
                                                   const std::string& to) {
  if (!owner.user_id) return signed_out();
  store::JournalRepo repo(db_);
  auto rows = repo.between_for_user(*owner.user_id, from, to);
  if (!rows) return rows.error();
  std::vector<JournalEntry> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    auto e = open(r, key_);
    if (!e) return e.error();
    out.push_back(std::move(*e));
  }
  return out;
}

Result<std::vector<MoodCheck>> Journal::moods(const Owner& owner, const std::string& from,
                                              const std::string& to) {
  auto entries = between(owner, from, to);
  if (!entries) return entries.error();
  std::vector<MoodCheck> out;
  for (const auto& e : *entries)
    if (e.has_mood()) out.push_back({e.public_id, e.occurred_on, e.pleasant, e.energy});
  return out;
}

Result<std::vector<std::string>> Journal::dates(const Owner& owner, const std::string& from,
                                                const std::string& to) {
  if (!owner.user_id) return signed_out();
  store::JournalRepo repo(db_);
  return repo.dates_for_user(*owner.user_id, from, to);
}

Result<std::string> Journal::export_json(const Owner& owner) {
  auto entries = list(owner);
  if (!entries) return entries.error();
  json::array a;
  for (const auto& e : *entries) {
    auto o = to_json(e);
    o["id"] = e.public_id;
    o["occurred_on"] = e.occurred_on;
    o["kind"] = e.kind;
    a.push_back(o);
  }
  return json::serialize(a);
}

Result<int> Journal::rotate_key(store::Database& db, const crypto::DataKey& from,
                                const crypto::DataKey& to) {
  store::JournalRepo repo(db);
  auto rows = repo.all();
  if (!rows) return rows.error();
  int n = 0;
  for (const auto& r : *rows) {
    auto resealed = crypto::reseal(from, to, r.sealed, associated(r.public_id, r.user_id));
    if (!resealed) return resealed.error();
    if (!*resealed) continue;
    if (auto st = repo.replace_sealed(r.id, **resealed); !st) return st.error();
    ++n;
  }
  return n;
}

}  // namespace sb::growth
