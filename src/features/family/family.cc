#include "features/family/family.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <sstream>

#include "accounts/crypto.h"
#include "core/dates.h"
#include "core/strings.h"
#include "features/family/family_repo.h"

namespace sb::family {
namespace json = boost::json;

// ------------------------------------------------------------------ vocabularies

const std::vector<Choice>& cues() {
  static const std::vector<Choice> v = {
      {"cry", "Cried"},         {"fuss", "Fussed or whined"}, {"reach", "Reached for me"},
      {"look", "Looked at me"}, {"play", "Asked me to play"}, {"away", "Pulled away"}};
  return v;
}
const std::vector<Choice>& responses() {
  static const std::vector<Choice> v = {{"comfort", "Comforted"},
                                        {"care", "Fed, changed or settled"},
                                        {"eyes", "Met their eyes"},
                                        {"touch", "Held or touched"},
                                        {"praise", "Praised them for trying"},
                                        {"reassure", "Reassured them"},
                                        {"space", "Gave them room to explore"},
                                        {"missed", "Could not respond right then"}};
  return v;
}
const std::vector<Choice>& speeds() {
  static const std::vector<Choice> v = {{"now", "At once"},
                                        {"minute", "Within a minute"},
                                        {"minutes", "A few minutes"},
                                        {"later", "Later"}};
  return v;
}
const std::vector<Choice>& outcomes() {
  static const std::vector<Choice> v = {{"settled", "Settled"},
                                        {"engaged", "Played or explored"},
                                        {"upset", "Stayed upset"},
                                        {"turned", "Turned away"},
                                        {"unsure", "Not sure"}};
  return v;
}

const Choice* find_choice(const std::vector<Choice>& among, const std::string& id) {
  for (const auto& c : among)
    if (c.id == id) return &c;
  return nullptr;
}

namespace {

bool is_distress(const std::string& cue) { return cue == "cry" || cue == "fuss"; }
bool is_bid(const std::string& cue) { return cue == "reach" || cue == "look" || cue == "play"; }
bool has(const std::vector<std::string>& v, const char* id) {
  return std::find(v.begin(), v.end(), id) != v.end();
}
// Answering distress: comfort, physical care, touch, reassurance.
bool comforting(const std::vector<std::string>& r) {
  return has(r, "comfort") || has(r, "care") || has(r, "touch") || has(r, "reassure");
}
bool answered(const std::vector<std::string>& r) { return !r.empty() && !has(r, "missed"); }

std::string times(int n) {
  return n == 1 ? "once" : n == 2 ? "twice" : std::to_string(n) + " times";
}

}  // namespace

// ------------------------------------------------------------------ age

int age_in_months(int64_t birth_day, int64_t today) {
  const std::string b = date_of_day(birth_day), t = date_of_day(today);
  const int by = std::stoi(b.substr(0, 4)), bm = std::stoi(b.substr(5, 2)),
            bd = std::stoi(b.substr(8, 2));
  const int ty = std::stoi(t.substr(0, 4)), tm = std::stoi(t.substr(5, 2)),
            td = std::stoi(t.substr(8, 2));
  int months = (ty - by) * 12 + (tm - bm);
  if (td < bd) --months;  // the month is not complete until the same day of the month
  return months;
}

std::string age_words(int months) {
  if (months < 1) return "under a month";
  if (months < 24) return months == 1 ? "1 month" : std::to_string(months) + " months";
  const int years = months / 12, rest = months % 12;
  std::string out = std::to_string(years) + " years";
  if (rest && years < 6)
    out += rest == 1 ? " and 1 month" : " and " + std::to_string(rest) + " months";
  return out;
}

// ------------------------------------------------------------------ the weekly reflection

Reflection reflect(const std::vector<LogEntry>& week, const std::vector<LogEntry>& after) {
  Reflection r;
  r.entries = static_cast<int>(week.size());
  std::vector<LogEntry> all = week;
  all.insert(all.end(), after.begin(), after.end());
  for (size_t i = 0; i < week.size(); ++i) {
    const auto& e = week[i];
    if (is_distress(e.cue)) {
      ++r.distress;
      if (comforting(e.responses)) ++r.distress_comforted;
    }
    if (is_bid(e.cue)) {
      ++r.bids;
      if (answered(e.responses)) ++r.bids_answered;
    }
    if (comforting(e.responses)) ++r.comfort;
    if (has(e.responses, "space")) ++r.space;
    if (answered(e.responses) && (e.speed == "now" || e.speed == "minute")) ++r.quick;
    if (has(e.responses, "missed")) {
      ++r.missed;
      // A repair: within a day of the miss, a moment answered with comfort, touch, eye contact
      // or reassurance (whichever cue started it).
      for (size_t j = i + 1; j < all.size(); ++j) {
        if (all[j].at - e.at > 24 * 3600) break;
        const auto& n = all[j].responses;
        if (comforting(n) || has(n, "eyes")) {
          ++r.repaired;
          break;
        }
      }
    }
  }
  auto& lines = r.lines;
  if (r.entries == 0) {
    lines.push_back(
        "Nothing was logged this week. One moment is enough to begin: the next time your child "
        "reaches for you or cries, note what you did.");
    return r;
  }
  if (r.distress > 0) {
    const int pct = static_cast<int>(std::lround(100.0 * r.distress_comforted / r.distress));
    lines.push_back(
        fmt::format("Your child was upset {} in what you logged, and you met {} of "
                    "those moments with comfort ({}%).",
                    times(r.distress), r.distress_comforted, pct));
    if (pct >= 70)
      lines.push_back(
          "That is what being generally available looks like. Children learn from the overall "
          "pattern, not from any single moment.");
    else
      lines.push_back(
          "Some upsets found you busy or far away; every family has those. A calm word or a look "
          "from across the room already tells a child you have noticed.");
  }
  if (r.bids > 0 && r.space == 0)
    lines.push_back(
        "You answered your child's bids by joining in. Now and then, letting them explore while "
        "you watch from nearby builds the other half of a secure base: going out as well as "
        "coming back.");
  else if (r.space > 0 && r.comfort > 0)
    lines.push_back(
        "This week held both comfort and room to explore: a safe haven to come back to and a "
        "secure base to go out from.");
  else if (r.space > 0)
    lines.push_back(
        "You gave your child room to explore this week. When they come back upset or tired, "
        "that is the moment for comfort.");
  if (r.missed > 0) {
    if (r.repaired > 0)
      lines.push_back(fmt::format(
          "You noted {} moment{} you could not answer, and reconnected afterwards {}. Coming back "
          "after a miss is repair, and repair teaches a child that closeness returns.",
          r.missed, r.missed == 1 ? "" : "s", times(r.repaired)));
    else
      lines.push_back(
          "You noted moments you could not answer. Coming back later (\"I could not come then; "
          "I am here now\") is a repair, and it counts.");
  }
  if (r.entries >= 3 && r.quick * 2 >= r.entries)
    lines.push_back(
        fmt::format("You answered quickly (at once or within a minute) {} of the {} "
                    "times you logged.",
                    times(r.quick), r.entries));
  return r;
}

// ------------------------------------------------------------------ signs

Result<SignBook> SignBook::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{ErrorCode::kNotFound, "cannot read " + path, ""};
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  auto doc = json::parse(text.str(), ec);
  if (ec || !doc.is_object()) return Error{ErrorCode::kInvalidArgument, path + ": not JSON", ""};
  SignBook book;
  try {
    for (const auto& s : doc.at("stages").as_array()) {
      Stage stage;
      stage.id = json::value_to<std::string>(s.at("id"));
      stage.title = json::value_to<std::string>(s.at("title"));
      stage.about = json::value_to<std::string>(s.at("about"));
      stage.from_months = static_cast<int>(s.at("from_months").to_number<int64_t>());
      stage.to_months = static_cast<int>(s.at("to_months").to_number<int64_t>());
      for (const auto& g : s.at("signs").as_array())
        stage.signs.push_back(
            {json::value_to<std::string>(g.at("id")), json::value_to<std::string>(g.at("text"))});
      book.stages.push_back(std::move(stage));
    }
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInvalidArgument, path + ": " + e.what(), ""};
  }
  return book;
}

const Stage* SignBook::stage_for(int months) const {
  for (const auto& s : stages)
    if (months >= s.from_months && months < s.to_months) return &s;
  return stages.empty() || months < 0 ? nullptr : &stages.back();
}

const Stage* SignBook::find(const std::string& id) const {
  for (const auto& s : stages)
    if (s.id == id) return &s;
  return nullptr;
}

const char* answer_words(const std::string& answer) {
  if (answer == "often") return "often";
  if (answer == "sometimes") return "sometimes";
  if (answer == "rarely") return "rarely";
  return "not sure";
}

std::vector<SignTrend> trends(const Stage& stage, const std::vector<SignCheck>& checks) {
  auto level = [](const std::string& a) { return a == "often" ? 2 : a == "sometimes" ? 1 : 0; };
  std::vector<SignTrend> out;
  for (const auto& sign : stage.signs) {
    SignTrend t;
    t.sign = sign.id;
    for (const auto& c : checks) {
      if (c.stage != stage.id) continue;
      auto it = c.answers.find(sign.id);
      if (it != c.answers.end()) t.answers.emplace_back(c.checked_on, it->second);
    }
    std::vector<std::pair<std::string, std::string>> known;
    for (const auto& a : t.answers)
      if (a.second != "unsure") known.push_back(a);
    if (known.size() >= 2) {
      const int first = level(known.front().second), last = level(known.back().second);
      t.direction = last > first   ? "more often than at first"
                    : last < first ? "less often than at first"
                                   : "about the same as at first";
      const auto& a = known[known.size() - 2];
      const auto& b = known.back();
      const auto da = parse_date(a.first), db = parse_date(b.first);
      t.persisting = a.second == "rarely" && b.second == "rarely" && da && db && *db - *da >= 14;
    }
    out.push_back(std::move(t));
  }
  return out;
}

// ------------------------------------------------------------------ the service

namespace {

Error invalid(const std::string& field, const std::string& message) {
  return Error{ErrorCode::kInvalidArgument, message, field};
}
std::string name_associated(const std::string& public_id) { return "child-name:" + public_id; }
std::string note_associated(int64_t child_id) { return "care-log:" + std::to_string(child_id); }

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  for (auto part : split(s, ','))
    if (!part.empty()) out.emplace_back(part);
  return out;
}

}  // namespace

Result<std::vector<std::pair<Child, std::string>>> Family::children_of(int64_t user_id) {
  store::FamilyRepo repo(db_);
  auto rows = repo.children_of(user_id);
  if (!rows) return rows.error();
  std::vector<std::pair<Child, std::string>> out;
  for (const auto& [r, role] : *rows) {
    auto name = key_.decrypt(r.name_sealed, name_associated(r.public_id));
    if (!name) return name.error();
    out.emplace_back(Child{r.id, r.public_id, *name, r.birth_date, r.owner_user_id}, role);
  }
  return out;
}

Result<std::string> Family::add_child(int64_t user_id, const std::string& name,
                                      const std::string& birth_date) {
  const std::string trimmed(trim(name));
  if (trimmed.empty())
    return invalid("name",
                   "Write a name or a nickname: only you and the caregivers you invite "
                   "see it.");
  if (trimmed.size() > 80) return invalid("name", "A name or nickname of up to 80 characters.");
  const auto born = parse_date(birth_date);
  const int64_t today = day_of(clock_.now());
  if (!born) return invalid("birth_date", "Give the birth date as a date, like 2025-03-14.");
  if (*born > today) return invalid("birth_date", "The birth date cannot be in the future.");
  if (age_in_months(*born, today) >= 18 * 12)
    return invalid("birth_date", "Child profiles are for children under 18.");
  store::ChildRecord r;
  r.public_id = crypto::random_token(16);
  r.owner_user_id = user_id;
  r.name_sealed = key_.encrypt(trimmed, name_associated(r.public_id));
  r.birth_date = date_of_day(*born);
  r.created_at = clock_.now();
  if (auto st = store::FamilyRepo(db_).create_child(r); !st) return st.error();
  return r.public_id;
}

Result<Child> Family::child(int64_t child_id) {
  auto r = store::FamilyRepo(db_).child(child_id);
  if (!r) return r.error();
  if (!*r) return Error{ErrorCode::kNotFound, "There is no such child profile.", ""};
  auto name = key_.decrypt((*r)->name_sealed, name_associated((*r)->public_id));
  if (!name) return name.error();
  return Child{(*r)->id, (*r)->public_id, *name, (*r)->birth_date, (*r)->owner_user_id};
}

Result<std::optional<Family::Membership>> Family::membership(const std::string& public_id,
                                                             int64_t user_id) {
  store::FamilyRepo repo(db_);
  auto child = repo.child_by_public_id(public_id);
  if (!child) return child.error();
  if (!*child) return std::optional<Membership>{};
  auto people = repo.caregivers((*child)->id);
  if (!people) return people.error();
  Membership m{(*child)->id, "", ""};
  for (const auto& p : *people)
    if (p.user_id == user_id && !p.removed_at) m.role = p.role;
  if (!m.role.empty()) {
    auto name = key_.decrypt((*child)->name_sealed, name_associated(public_id));
    if (!name) return name.error();
    m.name = *name;
  }
  return std::optional<Membership>{m};
}

Result<std::vector<Caregiver>> Family::caregivers(int64_t child_id) {
  auto rows = store::FamilyRepo(db_).caregivers(child_id);
  if (!rows) return rows.error();
  std::vector<Caregiver> out;
  for (const auto& r : *rows)
    out.push_back({r.user_id, r.public_id, r.email, r.role, r.added_at, r.removed_at});
  return out;
}

Result<std::string> Family::invite(int64_t child_id, int64_t by_user_id) {
  const std::string code = crypto::readable_code();
  const int64_t now = clock_.now();
  if (auto st = store::FamilyRepo(db_).add_invite(
          child_id, by_user_id, crypto::sha256_hex("child:" + crypto::normalised_code(code)), now,
          now + kInviteSeconds);
      !st)
    return st.error();
  return code;
}

Result<std::string> Family::join(int64_t user_id, const std::string& code) {
  const std::string typed = crypto::normalised_code(code);
  if (typed.size() != 10)
    return invalid("code", "An invitation code has ten letters and digits, like ABCD-EFGH-JK.");
  auto joined = store::FamilyRepo(db_).use_invite(crypto::sha256_hex("child:" + typed), user_id,
                                                  clock_.now());
  if (!joined) return joined.error();
  if (!*joined)
    return invalid("code",
                   "That code is not valid: it may have been used already or be more than seven "
                   "days old. Ask for a new one.");
  return **joined;
}

Status Family::remove_caregiver(int64_t child_id, int64_t user_id) {
  auto removed = store::FamilyRepo(db_).remove_caregiver(child_id, user_id, clock_.now());
  if (!removed) return removed.error();
  if (!*removed) return Error{ErrorCode::kNotFound, "That person is not a caregiver here.", ""};
  return ok_status();
}

Status Family::log(int64_t child_id, int64_t user_id, LogEntry e) {
  if (!find_choice(cues(), e.cue)) return invalid("cue", "Choose what your child did.");
  if (e.responses.empty()) return invalid("response", "Choose at least one thing you did.");
  for (const auto& r : e.responses)
    if (!find_choice(responses(), r)) return invalid("response", "Choose from the list.");
  if (has(e.responses, "missed") && e.responses.size() > 1)
    return invalid("response",
                   "\"Could not respond right then\" goes on its own; log the moment you came "
                   "back as a second entry.");
  if (e.speed.empty() && !has(e.responses, "missed")) e.speed = "now";
  if (!e.speed.empty() && !find_choice(speeds(), e.speed))
    return invalid("speed", "Choose how quickly.");
  if (e.outcome.empty()) e.outcome = "unsure";
  if (!find_choice(outcomes(), e.outcome))
    return invalid("outcome", "Choose how your child responded.");
  if (e.note.size() > 2000) return invalid("note", "A note of up to 2,000 characters.");
  store::CareLogRecord r;
  r.child_id = child_id;
  r.user_id = user_id;
  r.at = e.at ? e.at : clock_.now();
  r.cue = e.cue;
  for (const auto& x : e.responses) r.responses += (r.responses.empty() ? "" : ",") + x;
  r.speed = e.speed;
  r.outcome = e.outcome;
  r.note_sealed = e.note.empty() ? "" : key_.encrypt(e.note, note_associated(child_id));
  return store::FamilyRepo(db_).add_log(r);
}

Result<std::vector<LogEntry>> Family::entries(int64_t child_id, int64_t from, int64_t to,
                                              int64_t viewer_user_id) {
  auto rows = store::FamilyRepo(db_).logs(child_id, from, to);
  if (!rows) return rows.error();
  std::vector<LogEntry> out;
  for (const auto& r : *rows) {
    LogEntry e{r.id, r.at, r.cue, split_list(r.responses), r.speed, r.outcome, "", ""};
    if (!r.note_sealed.empty()) {
      auto note = key_.decrypt(r.note_sealed, note_associated(child_id));
      if (!note) return note.error();
      e.note = *note;
    }
    e.by = r.user_id == viewer_user_id ? "you" : r.email.empty() ? "a former caregiver" : r.email;
    out.push_back(std::move(e));
  }
  return out;
}

Status Family::check_signs(int64_t child_id, int64_t user_id, const Stage& stage,
                           const std::map<std::string, std::string>& answers) {
  json::object doc;
  for (const auto& sign : stage.signs) {
    auto it = answers.find(sign.id);
    if (it == answers.end()) continue;
    if (std::find(std::begin(kAnswers), std::end(kAnswers), it->second) == std::end(kAnswers))
      return invalid(sign.id, "Choose often, sometimes, rarely or not sure.");
    doc[sign.id] = it->second;
  }
  if (doc.empty()) return invalid("signs", "Answer at least one of the signs.");
  store::SignCheckRecord r;
  r.child_id = child_id;
  r.user_id = user_id;
  r.checked_on = date_of_day(day_of(clock_.now()));
  r.stage = stage.id;
  r.answers = json::serialize(doc);
  return store::FamilyRepo(db_).add_check(r);
}

Result<std::vector<SignCheck>> Family::checks(int64_t child_id, int64_t viewer_user_id) {
  auto rows = store::FamilyRepo(db_).checks(child_id);
  if (!rows) return rows.error();
  std::vector<SignCheck> out;
  for (const auto& r : *rows) {
    SignCheck c{r.id, r.checked_on, r.stage, {}, r.user_id == viewer_user_id ? "you" : r.email};
    boost::system::error_code ec;
    auto doc = json::parse(r.answers, ec);
    if (!ec && doc.is_object())
      for (const auto& [k, v] : doc.as_object())
        if (v.is_string()) c.answers[std::string(k)] = std::string(v.as_string());
    out.push_back(std::move(c));
  }
  return out;
}

Result<int> Family::rotate_key(store::Database& db, const crypto::DataKey& from,
                               const crypto::DataKey& to) {
  store::FamilyRepo repo(db);
  int n = 0;
  auto children = repo.all_children();
  if (!children) return children.error();
  for (const auto& c : *children) {
    auto resealed = crypto::reseal(from, to, c.name_sealed, name_associated(c.public_id));
    if (!resealed) return resealed.error();
    if (!*resealed) continue;
    if (auto st = repo.replace_name(c.id, **resealed); !st) return st.error();
    ++n;
  }
  auto notes = repo.all_notes();
  if (!notes) return notes.error();
  for (const auto& l : *notes) {
    auto resealed = crypto::reseal(from, to, l.note_sealed, note_associated(l.child_id));
    if (!resealed) return resealed.error();
    if (!*resealed) continue;
    if (auto st = repo.replace_note(l.id, **resealed); !st) return st.error();
    ++n;
  }
  return n;
}

}  // namespace sb::family
