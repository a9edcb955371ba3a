#include "features/reconsider/reconsider.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "accounts/crypto.h"
#include "core/dates.h"
#include "core/safety.h"
#include "core/strings.h"
#include "features/reconsider/reconsider_repo.h"

namespace sb::growth {

namespace json = boost::json;

namespace {

constexpr size_t kMaxText = 4000;
constexpr size_t kMaxAlternatives = 4;

Error signed_out() { return Error{ErrorCode::kUnauthenticated, "please sign in first", ""}; }
Error not_found() { return Error{ErrorCode::kNotFound, "There is no such exercise.", ""}; }

std::string associated(const std::string& public_id, int64_t user_id) {
  return "reconsider:" + public_id + ":" + std::to_string(user_id);
}

const Interpretation* find_common(const std::string& id) {
  for (const auto& i : common_interpretations()) {
    if (i.id == id) return &i;
  }
  return nullptr;
}

json::object explanation_json(const Explanation& e) {
  return json::object{{"text", e.text}, {"support", e.support}};
}

std::string text_of(const json::object& o, const char* key) {
  auto it = o.find(key);
  return it == o.end() ? std::string() : std::string(it->value().as_string());
}

Explanation explanation_from(const json::value& v) {
  const auto& o = v.as_object();
  return {text_of(o, "text"), text_of(o, "support")};
}

json::object to_json(const Reconsideration& r) {
  json::array alternatives;
  for (const auto& a : r.alternatives) alternatives.push_back(explanation_json(a));
  return json::object{{"happened", r.happened},
                      {"first_id", r.first_id},
                      {"first", explanation_json(r.first)},
                      {"alternatives", alternatives},
                      {"urge", r.urge},
                      {"chosen", r.chosen},
                      {"followed_up", r.followed_up},
                      {"followed_up_on", r.followed_up_on},
                      {"how_it_went", r.how_it_went},
                      {"outcome", r.outcome}};
}

void from_json(const json::object& o, Reconsideration& r) {
  r.happened = text_of(o, "happened");
  r.first_id = text_of(o, "first_id");
  if (o.contains("first")) r.first = explanation_from(o.at("first"));
  if (o.contains("alternatives")) {
    for (const auto& a : o.at("alternatives").as_array())
      r.alternatives.push_back(explanation_from(a));
  }
  r.urge = text_of(o, "urge");
  r.chosen = text_of(o, "chosen");
  r.followed_up = o.contains("followed_up") && o.at("followed_up").as_bool();
  r.followed_up_on = text_of(o, "followed_up_on");
  r.how_it_went = text_of(o, "how_it_went");
  r.outcome = text_of(o, "outcome");
}

Result<Reconsideration> open(const store::ReconsiderRecord& rec, const crypto::DataKey& key) {
  auto plain = key.decrypt(rec.sealed, associated(rec.public_id, rec.user_id));
  if (!plain) return plain.error();
  Reconsideration r;
  r.public_id = rec.public_id;
  r.occurred_on = rec.occurred_on;
  from_json(json::parse(*plain).as_object(), r);
  return r;
}

// The form field of the first text over the limit, or "" when all fit.
std::string too_long_field(const Reconsideration& r) {
  std::vector<std::pair<const std::string*, std::string>> texts = {
      {&r.happened, "happened"}, {&r.first.text, "first_text"}, {&r.first.support, "first_support"},
      {&r.urge, "urge"},         {&r.chosen, "chosen"},         {&r.how_it_went, "how_it_went"}};
  for (size_t i = 0; i < r.alternatives.size(); ++i) {
    const std::string prefix = "alt_" + std::to_string(i + 1) + "_";
    texts.emplace_back(&r.alternatives[i].text, prefix + "text");
    texts.emplace_back(&r.alternatives[i].support, prefix + "support");
  }
  for (const auto& [text, field] : texts) {
    if (utf8_length(*text) > kMaxText) return field;
  }
  return "";
}

Status validate(Reconsideration& r) {
  if (!parse_date(r.occurred_on))
    return invalid("occurred_on", "Please give the date as YYYY-MM-DD.");
  // Before empty alternatives are dropped, so the field named is the one in the form.
  if (auto field = too_long_field(r); !field.empty())
    return invalid(field, "Each field can hold up to 4,000 characters.");
  if (trim(r.happened).empty())
    return invalid("happened", "Please write a few words about what happened.");
  if (r.first_id != "own") {
    const Interpretation* common = find_common(r.first_id);
    if (!common) return invalid("first_id", "Please choose a first thought from the list.");
    r.first.text = common->text;
  } else if (trim(r.first.text).empty()) {
    return invalid("first_text", "Please write down the first thing you thought it meant.");
  }
  std::erase_if(r.alternatives, [](const Explanation& a) { return trim(a.text).empty(); });
  if (r.alternatives.size() < 2)
    return invalid("alternatives", "Please think of at least two other possible explanations.");
  if (r.alternatives.size() > kMaxAlternatives)
    return invalid("alternatives", "Up to four other explanations, please.");
  if (trim(r.chosen).empty())
    return invalid("chosen", "Please write the response you choose, even a small one.");
  return ok_status();
}

}  // namespace

const std::vector<Interpretation>& common_interpretations() {
  static const std::vector<Interpretation> list = {
      {"rejecting", "They are pushing me away."},
      {"not-important", "I don't matter to them."},
      {"leaving", "They are getting ready to leave me."},
      {"my-fault", "I must have done something wrong."},
      {"too-much", "I am too much for them."},
      {"controlling", "They are trying to control me."},
      {"only-me", "I can only rely on myself."},
      {"not-good-enough", "They think I am not good enough."}};
  return list;
}

const std::vector<std::string>& alternative_prompts() {
  static const std::vector<std::string> list = {
      "They are tired, busy or stressed by something that has nothing to do with me.",
      "They have not seen my message yet, or meant to answer later.",
      "They understood what I said differently from how I meant it.",
      "They are struggling with something they have not told me about.",
      "They were trying to help, in a way that did not land well."};
  return list;
}

ReconsiderSummary summarise(const std::vector<Reconsideration>& all) {
  ReconsiderSummary s;
  std::map<std::string, int> counts;  // by interpretation text, case folded for own words
  std::map<std::string, std::string> shown;
  for (const auto& r : all) {
    ++s.total;
    const std::string key =
        r.first_id == "own" ? "own:" + to_lower(trim(r.first.text)) : r.first_id;
    ++counts[key];
    shown.emplace(key, std::string(trim(r.first.text)));
    if (!r.followed_up) continue;
    ++s.followed_up;
    if (r.outcome == "better") ++s.better;
    if (r.outcome == "same") ++s.same;
    if (r.outcome == "worse") ++s.worse;
    if (r.outcome == "unsure") ++s.unsure;
  }
  for (const auto& [key, n] : counts) s.recurring.push_back({shown[key], n});
  std::stable_sort(s.recurring.begin(), s.recurring.end(),
                   [](const auto& a, const auto& b) { return a.count > b.count; });
  return s;
}

bool suggests_crisis(const Reconsideration& r) {
  std::string text = r.happened + "\n" + r.first.text + "\n" + r.first.support + "\n" + r.urge +
                     "\n" + r.chosen + "\n" + r.how_it_went;
  for (const auto& a : r.alternatives) text += "\n" + a.text + "\n" + a.support;
  return sb::suggests_crisis(std::string_view(text));
}

std::string Reconsider::seal(const Reconsideration& r, int64_t user_id) const {
  return key_.encrypt(json::serialize(to_json(r)), associated(r.public_id, user_id));
}

Result<std::string> Reconsider::create(const Owner& owner, Reconsideration r) {
  if (!owner.user_id) return signed_out();
  if (auto st = validate(r); !st) return st.error();
  r.followed_up = false;
  r.followed_up_on.clear();
  r.how_it_went.clear();
  r.outcome.clear();
  r.public_id = crypto::random_token(16);
  store::ReconsiderRepo repo(db_);
  if (auto st = repo.create({0, r.public_id, *owner.user_id, r.occurred_on, seal(r, *owner.user_id),
                             clock_.now(), clock_.now()});
      !st)
    return st.error();
  return r.public_id;
}

Status Reconsider::follow_up(const Owner& owner, const std::string& public_id,
                             const std::string& how_it_went, const std::string& outcome) {
  auto r = get(owner, public_id);
  if (!r) return r.error();
  if (std::find(std::begin(kOutcomes), std::end(kOutcomes), outcome) == std::end(kOutcomes))
    return invalid("outcome", "Please choose how it went compared with the urge.");
  if (utf8_length(how_it_went) > kMaxText)
    return invalid("how_it_went", "This field can hold up to 4,000 characters.");
  r->followed_up = true;
  r->followed_up_on = date_of_day(day_of(clock_.now()));
  r->how_it_went = how_it_went;
  r->outcome = outcome;
  return store_update(owner, *r);
}

Status Reconsider::update(const Owner& owner, Reconsideration r) {
  auto existing = get(owner, r.public_id);
  if (!existing) return existing.error();
  if (auto st = validate(r); !st) return st;
  r.followed_up = existing->followed_up;
  r.followed_up_on = existing->followed_up_on;
  r.how_it_went = existing->how_it_went;
  r.outcome = existing->outcome;
  return store_update(owner, r);
}

Status Reconsider::store_update(const Owner& owner, const Reconsideration& r) {
  store::ReconsiderRepo repo(db_);
  auto st = repo.update(
      {0, r.public_id, *owner.user_id, r.occurred_on, seal(r, *owner.user_id), 0, clock_.now()});
  if (!st && st.error().code == ErrorCode::kNotFound) return not_found();
  return st;
}

Status Reconsider::remove(const Owner& owner, const std::string& public_id) {
  if (!owner.user_id) return signed_out();
  store::ReconsiderRepo repo(db_);
  auto st = repo.remove(public_id, *owner.user_id);
  if (!st && st.error().code == ErrorCode::kNotFound) return not_found();
  return st;
}

Result<Reconsideration> Reconsider::get(const Owner& owner, const std::string& public_id) {
  if (!owner.user_id) return signed_out();
  store::ReconsiderRepo repo(db_);
  auto rec = repo.find(public_id, *owner.user_id);
  if (!rec) return rec.error();
  if (!rec->has_value()) return not_found();
  return open(**rec, key_);
}

Result<std::vector<Reconsideration>> Reconsider::list(const Owner& owner) {
  if (!owner.user_id) return signed_out();
  store::ReconsiderRepo repo(db_);
  auto rows = repo.for_user(*owner.user_id);
  if (!rows) return rows.error();
  std::vector<Reconsideration> out;
  for (const auto& rec : *rows) {
    auto r = open(rec, key_);
    if (!r) return r.error();
    out.push_back(std::move(*r));
  }
  return out;
}

Result<std::string> Reconsider::export_json(const Owner& owner) {
  auto all = list(owner);
  if (!all) return all.error();
  json::array a;
  for (const auto& r : *all) {
    auto o = to_json(r);
    o["id"] = r.public_id;
    o["occurred_on"] = r.occurred_on;
    a.push_back(o);
  }
  return json::serialize(a);
}

Result<int> Reconsider::rotate_key(store::Database& db, const crypto::DataKey& from,
                                   const crypto::DataKey& to) {
  store::ReconsiderRepo repo(db);
  auto rows = repo.all();
  if (!rows) return rows.error();
  int n = 0;
  for (const auto& rec : *rows) {
    auto resealed = crypto::reseal(from, to, rec.sealed, associated(rec.public_id, rec.user_id));
    if (!resealed) return resealed.error();
    if (!*resealed) continue;
    if (auto st = repo.replace_sealed(rec.id, **resealed); !st) return st.error();
    ++n;
  }
  return n;
}

}  // namespace sb::growth
