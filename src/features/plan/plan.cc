#include "features/plan/plan.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "accounts/crypto.h"
#include "core/dates.h"
#include "core/strings.h"
#include "features/plan/plan_repo.h"

namespace sb::growth {

namespace json = boost::json;

namespace {

constexpr size_t kMaxItems = 12;
constexpr const char* kIcsDays[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

Error signed_out() { return Error{ErrorCode::kUnauthenticated, "please sign in first", ""}; }
Error no_feed() { return Error{ErrorCode::kNotFound, "There is no such calendar.", ""}; }

std::string feed_associated(int64_t user_id) { return "feed:" + std::to_string(user_id); }

bool valid_time(const std::string& t) {
  if (t.size() != 5 || t[2] != ':') return false;
  for (size_t i : {0, 1, 3, 4}) {
    if (t[i] < '0' || t[i] > '9') return false;
  }
  return std::stoi(t.substr(0, 2)) < 24 && std::stoi(t.substr(3, 2)) < 60;
}

std::string compact_date(int64_t day) {  // YYYYMMDD
  std::string d = date_of_day(day);
  d.erase(std::remove(d.begin(), d.end(), '-'), d.end());
  return d;
}

std::string utc_stamp(int64_t unix_seconds) {  // YYYYMMDDTHHMMSSZ
  std::string t = iso8601(unix_seconds);
  t.erase(std::remove_if(t.begin(), t.end(), [](char c) { return c == '-' || c == ':'; }), t.end());
  return t;
}

// One weekly recurring event on the given days, at a floating local time (the person's own).
void add_event(std::string& out, const std::string& uid, const std::string& stamp,
               int64_t week_monday, unsigned days, const std::string& time,
               const std::string& summary, const std::string& description) {
  int first = 0;
  while (!(days & (1u << first))) ++first;
  std::string byday;
  for (int d = 0; d < 7; ++d) {
    if (!(days & (1u << d))) continue;
    if (!byday.empty()) byday += ',';
    byday += kIcsDays[d];
  }
  const std::string hhmm = time.substr(0, 2) + time.substr(3, 2);
  for (const std::string& line :
       {std::string("BEGIN:VEVENT"), "UID:" + uid, "DTSTAMP:" + stamp,
        "DTSTART:" + compact_date(week_monday + first) + "T" + hhmm + "00",
        std::string("DURATION:PT15M"), "RRULE:FREQ=WEEKLY;BYDAY=" + byday,
        "SUMMARY:" + ics_escape(summary), "DESCRIPTION:" + ics_escape(description),
        std::string("BEGIN:VALARM"), std::string("ACTION:DISPLAY"),
        "DESCRIPTION:" + ics_escape(summary), std::string("TRIGGER:PT0M"),
        std::string("END:VALARM"), std::string("END:VEVENT")}) {
    out += ics_fold(line);
  }
}

}  // namespace

int WeeklyPlan::planned_per_week() const {
  int n = 0;
  for (const auto& i : items) n += i.times_per_week;
  return n;
}

Status validate_plan(const WeeklyPlan& plan, const SkillLibrary& library) {
  if (plan.items.size() > kMaxItems) return invalid("items", "Up to twelve practices, please.");
  std::vector<std::string> seen;
  for (const auto& item : plan.items) {
    if (!library.find(item.skill_id))
      return invalid("items", "Please choose skills from the list.");
    if (std::find(seen.begin(), seen.end(), item.skill_id) != seen.end())
      return invalid("items", "Each skill can be in the plan once.");
    seen.push_back(item.skill_id);
    if (item.times_per_week < 1 || item.times_per_week > 14)
      return invalid("times_" + item.skill_id, "Choose between 1 and 14 times a week.");
    if (item.days > 0x7F) return invalid("days_" + item.skill_id, "Unknown day of the week.");
    if (!valid_time(item.time))
      return invalid("time_" + item.skill_id, "Please give the time as HH:MM, for example 19:30.");
  }
  if (plan.checkin_day < -1 || plan.checkin_day > 6)
    return invalid("checkin_day", "Unknown day of the week.");
  return ok_status();
}

std::string encode_plan(const WeeklyPlan& plan) {
  json::array items;
  for (const auto& i : plan.items) {
    items.push_back(json::object{
        {"skill", i.skill_id}, {"times", i.times_per_week}, {"days", i.days}, {"time", i.time}});
  }
  json::array versions;
  for (const auto& v : plan.versions) {
    json::object targets;
    for (const auto& [skill, times] : v.targets) targets[skill] = times;
    versions.push_back(json::object{{"from", date_of_day(v.from_monday)}, {"targets", targets}});
  }
  return json::serialize(
      json::object{{"items", items}, {"checkin_day", plan.checkin_day}, {"versions", versions}});
}

Result<WeeklyPlan> decode_plan(const std::string& encoded) {
  boost::system::error_code ec;
  auto v = json::parse(encoded, ec);
  if (ec || !v.is_object()) return invalid("plan", "The stored plan is not readable.");
  WeeklyPlan plan;
  try {
    const auto& o = v.as_object();
    for (const auto& item : o.at("items").as_array()) {
      const auto& i = item.as_object();
      plan.items.push_back({std::string(i.at("skill").as_string()),
                            static_cast<int>(i.at("times").to_number<int64_t>()),
                            static_cast<unsigned>(i.at("days").to_number<int64_t>()),
                            std::string(i.at("time").as_string())});
    }
    plan.checkin_day = static_cast<int>(o.at("checkin_day").to_number<int64_t>());
    if (o.contains("versions")) {
      for (const auto& version : o.at("versions").as_array()) {
        const auto& v = version.as_object();
        auto from = parse_date(std::string(v.at("from").as_string()));
        if (!from) return invalid("plan", "The stored plan is not readable.");
        PlanVersion pv{*from, {}};
        for (const auto& [skill, times] : v.at("targets").as_object())
          pv.targets.emplace_back(std::string(skill), static_cast<int>(times.to_number<int64_t>()));
        plan.versions.push_back(std::move(pv));
      }
    }
  } catch (const std::exception&) {
    return invalid("plan", "The stored plan is not readable.");
  }
  return plan;
}

namespace {

std::vector<std::pair<std::string, int>> targets_of(const std::vector<PlanItem>& items) {
  std::vector<std::pair<std::string, int>> t;
  t.reserve(items.size());
  for (const auto& i : items) t.emplace_back(i.skill_id, i.times_per_week);
  return t;
}

// The targets in force in the week starting on `monday`.
const std::vector<std::pair<std::string, int>>& targets_for(
    const WeeklyPlan& plan, const std::vector<std::pair<std::string, int>>& current,
    int64_t monday) {
  const std::vector<std::pair<std::string, int>>* found = nullptr;
  for (const auto& v : plan.versions) {
    if (v.from_monday <= monday) found = &v.targets;
  }
  if (found) return *found;
  return plan.versions.empty() ? current : plan.versions.front().targets;
}

}  // namespace

void record_version(WeeklyPlan& plan, int64_t now) {
  const int64_t monday = monday_of(day_of(now));
  std::erase_if(plan.versions, [&](const PlanVersion& v) { return v.from_monday >= monday; });
  plan.versions.push_back({monday, targets_of(plan.items)});
}

Streak compute_streak(const WeeklyPlan& plan, const std::vector<PracticeEntry>& practices,
                      int64_t now) {
  Streak s;
  const int64_t first_week = monday_of(day_of(plan.started_at));
  const int64_t this_week = monday_of(day_of(now));
  if (plan.planned_per_week() == 0 || this_week < first_week) return s;
  const auto current = targets_of(plan.items);
  std::map<std::pair<int64_t, std::string>, int> done;  // (week, skill) -> practices
  for (const auto& p : practices) {
    const int64_t week = monday_of(day_of(p.practiced_at));
    if (week >= first_week && week <= this_week) ++done[{week, p.skill_id}];
  }
  std::vector<WeekProgress> weeks;
  for (int64_t week = first_week; week <= this_week; week += 7) {
    WeekProgress w{date_of_day(week), 0, 0, false};
    for (const auto& [skill, times] : targets_for(plan, current, week)) {
      w.planned += times;
      auto it = done.find({week, skill});
      if (it != done.end()) w.done += std::min(it->second, times);
    }
    w.counts = w.planned > 0 && w.done * 2 >= w.planned;
    weeks.push_back(w);
  }
  int run = 0;
  for (const auto& w : weeks) {
    run = w.counts ? run + 1 : 0;
    s.best = std::max(s.best, run);
  }
  // The week in progress adds to the streak when it already counts, and never breaks it.
  size_t i = weeks.size();
  if (!weeks.back().counts) --i;
  while (i > 0 && weeks[i - 1].counts) {
    ++s.current;
    --i;
  }
  const size_t keep = std::min<size_t>(weeks.size(), 8);
  s.recent.assign(weeks.end() - static_cast<std::ptrdiff_t>(keep), weeks.end());
  return s;
}

std::string ics_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string ics_fold(std::string_view line) {
  std::string out;
  size_t width = 0;
  for (size_t i = 0; i < line.size();) {
    // Fold between whole characters and never inside an escape such as "\,", so that even
    // parsers that do not unfold first read the text right.
    const auto c = static_cast<unsigned char>(line[i]);
    size_t len = 1;
    if (c == '\\' && i + 1 < line.size()) len = 2;
    if (c >= 0xC0) len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    len = std::min(len, line.size() - i);
    if (width + len >
        75) {  // RFC 5545: lines of at most 75 octets, continuations start with a space
      out += "\r\n ";
      width = 1;
    }
    out.append(line.substr(i, len));
    width += len;
    i += len;
  }
  return out + "\r\n";
}

std::string plan_calendar(const WeeklyPlan& plan, const SkillLibrary& library,
                          const std::string& uid_seed, int64_t now,
                          const std::vector<AskedMeasure>& asked) {
  std::string out;
  for (const char* line :
       {"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//SecureBase//Weekly plan//EN",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:SecureBase practice"}) {
    out += ics_fold(line);
  }
  const std::string stamp = utc_stamp(now);
  const int64_t monday = monday_of(day_of(plan.started_at ? plan.started_at : now));
  for (const auto& item : plan.items) {
    const Skill* skill = library.find(item.skill_id);
    if (!skill || item.days == 0) continue;
    const std::string times = item.times_per_week == 1
                                  ? "once a week"
                                  : std::to_string(item.times_per_week) + " times a week";
    add_event(out, uid_seed + "-" + item.skill_id + "@securebase", stamp, monday, item.days,
              item.time, "Practise: " + skill->name,
              "Your plan: " + skill->name + ", " + times +
                  ". Open SecureBase, choose the skill and log how it went.");
  }
  if (plan.checkin_day >= 0) {
    add_event(out, uid_seed + "-checkin@securebase", stamp, monday, 1u << plan.checkin_day, "18:00",
              "Weekly check-in",
              "A few minutes to notice how regulating your emotions went this week.");
  }
  for (const auto& a : asked) {
    for (const std::string& line :
         {std::string("BEGIN:VEVENT"), "UID:" + uid_seed + "-" + a.uid_part + "@securebase",
          "DTSTAMP:" + stamp, "DTSTART;VALUE=DATE:" + compact_date(a.first_day),
          "RRULE:FREQ=WEEKLY;INTERVAL=" + std::to_string(a.every_weeks),
          "SUMMARY:" + ics_escape(a.summary), "DESCRIPTION:" + ics_escape(a.description),
          std::string("END:VEVENT")})
      out += ics_fold(line);
  }
  out += ics_fold("END:VCALENDAR");
  return out;
}

Result<std::optional<WeeklyPlan>> Plans::get(const Owner& owner) {
  if (!owner.user_id) return signed_out();
  store::PlanRepo repo(db_);
  auto rec = repo.find(*owner.user_id);
  if (!rec) return rec.error();
  if (!rec->has_value()) return std::optional<WeeklyPlan>();
  auto plan = decode_plan((*rec)->items);
  if (!plan) return plan.error();
  plan->started_at = (*rec)->started_at;
  return std::optional<WeeklyPlan>(std::move(*plan));
}

Status Plans::save(const Owner& owner, WeeklyPlan plan) {
  if (!owner.user_id) return signed_out();
  if (auto st = validate_plan(plan, library_); !st) return st;
  auto existing = get(owner);
  if (!existing) return existing.error();
  if (*existing) plan.versions = (*existing)->versions;
  record_version(plan, clock_.now());
  store::PlanRepo repo(db_);
  return repo.save(*owner.user_id, encode_plan(plan), clock_.now());
}

Result<Streak> Plans::streak(const Owner& owner, const WeeklyPlan& plan) {
  auto practices = practice_.summaries(owner);
  if (!practices) return practices.error();
  return compute_streak(plan, *practices, clock_.now());
}

Result<std::string> Plans::create_feed(const Owner& owner) {
  if (!owner.user_id) return signed_out();
  const std::string token = crypto::random_token(32);
  store::PlanRepo repo(db_);
  // Looked up by hash, like session tokens; kept sealed too, so its address can be shown again.
  if (auto st =
          repo.save_feed({*owner.user_id, crypto::sha256_hex(token),
                          key_.encrypt(token, feed_associated(*owner.user_id)), clock_.now()});
      !st)
    return st.error();
  return token;
}

Status Plans::revoke_feed(const Owner& owner) {
  if (!owner.user_id) return signed_out();
  store::PlanRepo repo(db_);
  return repo.remove_feed(*owner.user_id);
}

Result<std::optional<std::string>> Plans::feed_token(const Owner& owner) {
  if (!owner.user_id) return signed_out();
  store::PlanRepo repo(db_);
  auto feed = repo.feed_for_user(*owner.user_id);
  if (!feed) return feed.error();
  if (!feed->has_value()) return std::optional<std::string>();
  auto token = key_.decrypt((*feed)->token_sealed, feed_associated(*owner.user_id));
  if (!token) return token.error();
  return std::optional<std::string>(std::move(*token));
}

Result<std::string> Plans::calendar_for_token(const std::string& token) {
  if (token.size() < 32) return no_feed();
  store::PlanRepo repo(db_);
  auto feed = repo.feed_by_token_hash(crypto::sha256_hex(token));
  if (!feed) return feed.error();
  if (!feed->has_value()) return no_feed();
  const Owner owner{(*feed)->user_id, 0};
  auto plan = get(owner);
  if (!plan) return plan.error();
  const std::string seed = crypto::sha256_hex("uid:" + token).substr(0, 24);
  std::vector<AskedMeasure> asked;
  if (asked_) {
    auto found = asked_(*owner.user_id);
    if (!found) return found.error();
    asked = std::move(*found);
  }
  return plan_calendar(plan->value_or(WeeklyPlan{}), library_, seed, clock_.now(), asked);
}

Result<std::string> Plans::export_json(const Owner& owner) {
  auto plan = get(owner);
  if (!plan) return plan.error();
  auto token = feed_token(owner);
  if (!token) return token.error();
  json::object out{{"calendar_feed_active", token->has_value()}};
  if (*plan) {
    out["plan"] = json::parse(encode_plan(**plan));
    out["started_at"] = iso8601((*plan)->started_at);
  }
  return json::serialize(out);
}

Result<int> Plans::rotate_key(store::Database& db, const crypto::DataKey& from,
                              const crypto::DataKey& to) {
  store::PlanRepo repo(db);
  auto feeds = repo.all_feeds();
  if (!feeds) return feeds.error();
  int n = 0;
  for (const auto& f : *feeds) {
    auto resealed = crypto::reseal(from, to, f.token_sealed, feed_associated(f.user_id));
    if (!resealed) return resealed.error();
    if (!*resealed) continue;
    if (auto st = repo.replace_feed_sealed(f.user_id, **resealed); !st) return st.error();
    ++n;
  }
  return n;
}

}  // namespace sb::growth
