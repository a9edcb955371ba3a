#include "features/directory/pages.h"

#include "features/directory/page_parts.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <unordered_map>

#include "core/dates.h"
#include "core/numbers.h"
#include "core/strings.h"

namespace sb::web {
namespace {

namespace json = boost::json;
using directory::Listing;
using directory::Term;
using directory::Vocabulary;
using directory_parts::checkboxes_html;
using directory_parts::date_of;
using directory_parts::values_of;

constexpr double kMetresPerMile = 1609.344;
constexpr int kPageSize = 20;
const int kRadii[] = {5, 10, 25, 50, 100};

std::string query_value(const Request& req, const std::string& key) {
  return std::string(trim(first_value(req.query, key)));
}

std::string distance_text(int64_t metres, bool miles) {
  const double d = static_cast<double>(metres) / (miles ? kMetresPerMile : 1000.0);
  return fmt::format("{:.1f} {}", d, miles ? "mi" : "km");
}

std::string thousands(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// <option>s for a <select>: (value, label) pairs, `selected` marked.
std::string options_html(const std::vector<std::pair<std::string, std::string>>& choices,
                         const std::string& selected) {
  std::string out;
  for (const auto& [value, label] : choices)
    out += fmt::format(R"(<option value="{}"{}>{}</option>)", escape_html(value),
                       value == selected ? " selected" : "", escape_html(label));
  return out;
}

// The filter form's lists as HTML, which depend only on what is chosen in them. Most searches
// choose little, so each server thread keeps the last few dozen forms it wrote.
struct FormLists {
  std::string radii, states, insurers, approaches, concerns, populations, languages;
};

const FormLists& form_lists(const Vocabulary& v, const directory::Query& q,
                            const std::string& radius) {
  thread_local std::unordered_map<std::string, FormLists> kept;
  thread_local const Vocabulary* kept_for = nullptr;
  std::string key = radius + '\x1f' + q.telehealth_state + '\x1f' + q.insurance;
  for (const auto* chosen : {&q.approaches, &q.concerns, &q.populations, &q.languages}) {
    key += '\x1e';
    for (const auto& id : *chosen) key += id + '\x1f';
  }
  if (kept_for != &v || kept.size() >= 64) {
    kept.clear();
    kept_for = &v;
  }
  if (auto it = kept.find(key); it != kept.end()) return it->second;
  std::vector<std::pair<std::string, std::string>> radii, states, insurers;
  for (int r : kRadii) radii.emplace_back(std::to_string(r), std::to_string(r));
  states.emplace_back("", "any state");
  for (const auto& st : v.states) states.emplace_back(st, st);
  insurers.emplace_back("", "any, or none");
  for (const auto& t : v.insurance) insurers.emplace_back(t.id, t.label);
  FormLists f{options_html(radii, radius),
              options_html(states, q.telehealth_state),
              options_html(insurers, q.insurance),
              checkboxes_html(v.approaches, q.approaches, "approach"),
              checkboxes_html(v.concerns, q.concerns, "concern"),
              checkboxes_html(v.populations, q.populations, "population"),
              checkboxes_html(v.languages, q.languages, "language")};
  return kept.emplace(std::move(key), std::move(f)).first->second;
}

std::string labels(const std::vector<Term>& list, const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids)
    if (const auto* t = Vocabulary::find(list, id)) out += (out.empty() ? "" : ", ") + t->label;
  return out;
}

// Freshness as people read it: confirmed and when, or not confirmed.
std::string confirmation_text(const Listing& l, int64_t now) {
  if (l.confirmed_at == 0) return "not yet confirmed by the therapist";
  if (l.confirmed_at < now - directory::ranking::kFreshSeconds)
    return "not confirmed since " + date_of(l.confirmed_at);
  return "confirmed " + date_of(l.confirmed_at);
}

// Why a card matched: what was asked for that it has, the distance, and availability.
std::string why_text(const Listing& l, const directory::Hit& hit, const directory::Query& q,
                     const Vocabulary& v, bool miles, int64_t now) {
  std::vector<std::string> parts;
  for (const auto& id : q.approaches)
    if (const auto* t = Vocabulary::find(v.approaches, id)) parts.push_back(t->label);
  if (q.approaches.empty() && q.attachment_focused)
    for (const auto& id : l.approaches)
      if (const auto* t = Vocabulary::find(v.approaches, id); t && t->attachment_focused) {
        parts.push_back(t->label);
        break;
      }
  for (const auto& id : q.concerns)
    if (const auto* t = Vocabulary::find(v.concerns, id)) parts.push_back(t->label);
  if (hit.distance_m >= 0) parts.push_back(distance_text(hit.distance_m, miles));
  if (!q.telehealth_state.empty()) parts.push_back("telehealth in " + q.telehealth_state);
  std::string availability = l.accepting ? "accepting new clients" : "not taking new clients";
  if (l.confirmed_at == 0) {
    availability = "not yet confirmed by the therapist";
  } else {
    availability += ", " + confirmation_text(l, now);
  }
  parts.push_back(availability);
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " · ") + p;
  return out;
}

std::string primary_role(const Listing& l, const Vocabulary& v) {
  if (l.taxonomies.empty()) return "";
  const auto* t = Vocabulary::find(v.taxonomies, l.taxonomies.front());
  return t ? t->label : "";
}

// The query string of this search with `page` (and a different place) set, for links.
std::string link_with(const Request& req, const std::string& key, const std::string& value) {
  std::string out = "/therapists?";
  bool first = true;
  for (const auto& [k, v] : req.query) {
    if (k == key || k == "page" || v.empty()) continue;
    out += (first ? "" : "&") + url_encode(k) + "=" + url_encode(v);
    first = false;
  }
  out += (first ? "" : "&") + url_encode(key) + "=" + url_encode(value);
  return out;
}

}  // namespace

DirectoryPages::Parsed DirectoryPages::parse(const Request& req) const {
  Parsed p;
  const auto& v = directory_.vocabulary();
  auto& q = p.query;
  q.now = directory_.now();
  q.day_seed = directory::ranking::day_seed(q.now);
  q.approaches = values_of(req.query, "approach");
  q.concerns = values_of(req.query, "concern");
  q.populations = values_of(req.query, "population");
  q.languages = values_of(req.query, "language");
  q.insurance = query_value(req, "insurance");
  q.attachment_focused = query_value(req, "attachment") == "1";
  q.accepting_only = query_value(req, "accepting") == "1";
  q.sliding_scale_only = query_value(req, "sliding") == "1";
  q.verified_only = query_value(req, "verified") == "1";
  const auto mode = query_value(req, "mode");
  q.mode = mode == "in_person"    ? directory::Mode::kInPerson
           : mode == "telehealth" ? directory::Mode::kTelehealth
                                  : directory::Mode::kAny;
  q.telehealth_state = query_value(req, "state");
  std::transform(q.telehealth_state.begin(), q.telehealth_state.end(), q.telehealth_state.begin(),
                 [](char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c); });
  const std::string text = query_value(req, "q");
  const std::string folded = directory::fold_words(text.substr(0, 200));
  for (auto w : split(trim(folded), ' '))
    if (!w.empty() && q.words.size() < 8) q.words.emplace_back(w);
  q.sort = query_value(req, "sort") == "distance" ? directory::Sort::kDistance
                                                  : directory::Sort::kBestMatch;
  p.page = static_cast<int>(parse_int_in(query_value(req, "page"), 1, 10000).value_or(1));
  q.offset = static_cast<size_t>(p.page - 1) * kPageSize;
  q.limit = kPageSize;
  if (auto fee = query_value(req, "fee_max"); !fee.empty()) {
    auto f = parse_int_in(fee, 1, 10000);
    if (!f) p.problem = "Give the most you can pay a session in whole dollars.";
    q.fee_at_most = static_cast<int>(f.value_or(0));
  }
  for (const auto* list : {&q.approaches, &q.concerns, &q.populations, &q.languages})
    if (list->size() > 20) p.problem = "Choose fewer filters.";
  if (!q.telehealth_state.empty() && !v.state_bit(q.telehealth_state))
    p.problem = "Choose a US state for telehealth.";

  const bool miles = query_value(req, "unit") != "km";
  const std::string place = query_value(req, "place");
  if (!place.empty()) {
    auto found = directory_.places().find(place.substr(0, 200));
    if (found.empty()) {
      p.problem = "We could not find \"" + shorten_utf8(place, 60) +
                  "\". Try a US ZIP code, or a city such as \"Springfield, IL\" or \"Leeds, GB\".";
    } else if (found.size() > 1) {
      p.candidates = std::move(found);
    } else {
      p.place = found.front();
      q.lat = p.place->lat;
      q.lon = p.place->lon;
      auto radius = parse_int_in(
          query_value(req, "radius").empty() ? "25" : query_value(req, "radius"), 1, 500);
      if (!radius) p.problem = "Give a distance between 1 and 500.";
      q.radius_m = static_cast<int64_t>(std::llround(static_cast<double>(radius.value_or(25)) *
                                                     (miles ? kMetresPerMile : 1000.0)));
    }
  }
  if (!q.near_place() && q.sort == directory::Sort::kDistance) q.sort = directory::Sort::kBestMatch;
  p.searched = !place.empty() || !q.telehealth_state.empty() || !text.empty() ||
               !q.approaches.empty() || !q.concerns.empty() || q.attachment_focused ||
               !q.populations.empty() || !q.languages.empty() || !q.insurance.empty();
  return p;
}

Response DirectoryPages::search_page(Ctx& ctx) {
  const auto& v = directory_.vocabulary();
  Parsed p = parse(ctx.req);
  const auto& q = p.query;
  const bool miles = query_value(ctx.req, "unit") != "km";
  const std::string radius =
      query_value(ctx.req, "radius").empty() ? "25" : query_value(ctx.req, "radius");
  const FormLists& lists = form_lists(v, q, radius);
  json::object view{
      {"title", "Find a therapist"},
      {"place", query_value(ctx.req, "place")},
      {"q", query_value(ctx.req, "q")},
      {"radii", lists.radii},
      {"miles", miles},
      {"states", lists.states},
      {"insurers", lists.insurers},
      {"approaches", lists.approaches},
      {"concerns", lists.concerns},
      {"populations", lists.populations},
      {"languages", lists.languages},
      {"attachment", q.attachment_focused},
      {"accepting", q.accepting_only},
      {"sliding", q.sliding_scale_only},
      {"verified", q.verified_only},
      {"fee_max", query_value(ctx.req, "fee_max")},
      {"mode_any", q.mode == directory::Mode::kAny},
      {"mode_in_person", q.mode == directory::Mode::kInPerson},
      {"mode_telehealth", q.mode == directory::Mode::kTelehealth},
      {"sort_distance", q.sort == directory::Sort::kDistance},
  };
  if (!p.problem.empty()) {
    view["has_errors"] = true;
    view["error"] = p.problem;
    return render_page(ctx, "therapists", std::move(view), 422);
  }
  if (!p.candidates.empty()) {
    json::array which;
    for (const auto& c : p.candidates)
      which.push_back(json::object{{"label", c.label()},
                                   {"population", c.population ? thousands(c.population) : ""},
                                   {"href", link_with(ctx.req, "place", c.key())}});
    view["which"] = which;
    view["which_name"] = p.candidates.front().name;
    return render_page(ctx, "therapists", std::move(view));
  }
  if (!p.searched) return render_page(ctx, "therapists", std::move(view));

  auto found = directory_.search(q);
  if (!found) return fail(ctx, found.error(), "We could not search the directory just now.");
  auto shown = directory_.cards(*found);
  if (!shown) return fail(ctx, shown.error(), "We could not search the directory just now.");
  // The cards as HTML, like the form's lists: one string instead of 20 objects of template data.
  std::string cards;
  for (const auto& hit : found->hits) {
    auto l = shown->find(hit.id);
    if (l == shown->end()) continue;  // withdrawn a moment ago
    const Listing& x = l->second;
    std::string heading = escape_html(x.name) + "</a>";
    if (!x.credentials.empty()) heading += ", " + escape_html(x.credentials);
    if (x.verified) heading += R"(<span class="badge">verified</span>)";
    if (x.demo()) heading += R"(<span class="badge">demo listing</span>)";
    std::vector<std::string> facts;
    if (auto role = primary_role(x, v); !role.empty()) facts.push_back(role);
    if (!x.city.empty() || !x.state.empty())
      facts.push_back(x.city.empty() ? x.state : x.city + ", " + x.state);
    if (x.telehealth) facts.push_back("telehealth");
    const std::string about = escape_html(fmt::format("{}", fmt::join(facts, " · ")));
    cards += fmt::format(
        R"(<li class="card"><h3><a href="/therapists/{}">{}</h3><p class="muted">{}</p><p>{}</p></li>)",
        x.id, heading, about, escape_html(why_text(x, hit, q, v, miles, q.now)));
  }
  view["results"] = cards;
  view["any"] = !cards.empty();
  view["searched"] = true;
  view["total"] = found->total;
  view["total_text"] =
      found->total == 1 ? std::string("1 therapist") : fmt::format("{} therapists", found->total);
  if (p.place) view["place_label"] = p.place->label();
  const int64_t pages = (found->total + kPageSize - 1) / kPageSize;
  if (p.page > 1) view["prev_href"] = link_with(ctx.req, "page", std::to_string(p.page - 1));
  if (p.page < pages) view["next_href"] = link_with(ctx.req, "page", std::to_string(p.page + 1));
  if (pages > 1) view["page_text"] = fmt::format("Page {} of {}", p.page, pages);
  return render_page(ctx, "therapists", std::move(view));
}

Response DirectoryPages::search_json(Request& req) {
  Parsed p = parse(req);
  auto error = [](int status, const json::object& body) {
    Response res = Response::json(json::serialize(body), status);
    res.set_header("Cache-Control", "no-store");
    return res;
  };
  if (!p.problem.empty()) return error(422, {{"error", p.problem}});
  if (!p.candidates.empty()) {
    json::array which;
    for (const auto& c : p.candidates)
      which.push_back(
          json::object{{"place", c.key()}, {"label", c.label()}, {"population", c.population}});
    return error(300, {{"error", "Which place do you mean?"}, {"candidates", which}});
  }
  auto found = directory_.search(p.query);
  if (!found) return error(503, {{"error", "The directory is not available just now."}});
  // Written by hand around each listing's object: Boost.JSON would print 2.118 as 2.118E0.
  auto shown = directory_.cards(*found);
  if (!shown) return error(503, {{"error", "The directory is not available just now."}});
  std::string results;
  for (const auto& hit : found->hits) {
    auto l = shown->find(hit.id);
    if (l == shown->end()) continue;  // withdrawn a moment ago
    const Listing& x = l->second;
    std::string r = json::serialize(json::object{{"id", x.id},
                                                 {"npi", x.npi},
                                                 {"name", x.name},
                                                 {"credentials", x.credentials},
                                                 {"score", hit.score},
                                                 {"city", x.city},
                                                 {"state", x.state},
                                                 {"accepting", x.accepting},
                                                 {"confirmed_at", x.confirmed_at},
                                                 {"telehealth", x.telehealth},
                                                 {"verified", x.verified},
                                                 {"demo", x.demo()},
                                                 {"url", "/therapists/" + std::to_string(x.id)}});
    r.pop_back();  // the closing brace
    r += hit.distance_m >= 0 ? fmt::format(",\"distance_km\":{:.3f}}}",
                                           static_cast<double>(hit.distance_m) / 1000.0)
                             : std::string(",\"distance_km\":null}");
    if (!results.empty()) results += ',';
    results += r;
  }
  Response res =
      Response::json(fmt::format("{{\"total\":{},\"results\":[{}]}}", found->total, results));
  res.set_header("Cache-Control", "no-store");
  return res;
}

Response DirectoryPages::listing_page(Ctx& ctx) {
  const auto& v = directory_.vocabulary();
  auto id = parse_int_in(ctx.req.params["id"], 1, INT64_MAX);
  if (!id) return error_page(ctx, 404, "There is no listing at this address.");
  auto l = directory_.listing(*id);
  if (!l) return fail(ctx, l.error(), "We could not open this listing just now.");
  if (!*l || (*l)->hidden) return error_page(ctx, 404, "There is no listing at this address.");
  const Listing& x = **l;
  const int64_t now = directory_.now();
  json::array licences;
  for (const auto& lic : x.licences) {
    const auto* t = Vocabulary::find(v.taxonomies, lic.type);
    licences.push_back(json::object{
        {"type", t ? t->label : lic.type}, {"number", lic.number}, {"state", lic.state}});
  }
  std::string website = x.website;
  if (!website.empty() && !website.starts_with("https://") && !website.starts_with("http://"))
    website = "https://" + website;
  std::string tel;
  for (char c : x.phone)
    if ((c >= '0' && c <= '9') || c == '+') tel.push_back(c);
  json::object view{
      {"title", x.name},
      {"id", x.id},
      {"name", x.name},
      {"organisation", x.organisation},
      {"licences", licences},
      {"psypact", x.psypact},
      {"compact", x.counseling_compact},
      {"in_person", x.in_person},
      {"telehealth", x.telehealth},
      {"accepting", x.accepting},
      {"confirmation", confirmation_text(x, now)},
      {"stale", x.confirmed_at == 0 || x.confirmed_at < now - directory::ranking::kFreshSeconds},
      {"from_register", !x.claimed() && x.source == directory::Source::kNppes},
      {"verified", x.verified},
      {"demo", x.demo()},
      // A therapist who keeps their listing here can take a client's request to connect.
      {"can_connect", x.claimed()},
  };
  // Mustache shows a section for any string, even an empty one: only what the listing has.
  auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) view[key] = value;
  };
  put("credentials", x.credentials);
  std::vector<std::string> lead;
  if (auto role = primary_role(x, v); !role.empty()) lead.push_back(role);
  if (!x.city.empty()) lead.push_back(x.city + ", " + x.state);
  put("lead", fmt::format("{}", fmt::join(lead, " · ")));
  put("bio", x.bio);
  put("approaches", labels(v.approaches, x.approaches));
  put("concerns", labels(v.concerns, x.concerns));
  put("populations", labels(v.populations, x.populations));
  put("languages", labels(v.languages, x.languages));
  put("insurance", labels(v.insurance, x.insurance));
  put("reach", fmt::format("{}", fmt::join(x.telehealth_reach(v), ", ")));
  put("street", x.hide_street ? "" : x.street);
  put("city", x.city);
  put("state", x.state);
  put("zip", x.zip);
  put("phone", x.phone);
  put("tel", tel);
  put("website", website);
  put("email", x.email);
  put("npi", x.npi);
  if (x.fee_min > 0 || x.fee_max > 0)
    view["fees"] = x.fee_max > x.fee_min
                       ? fmt::format("${}–${} a session", x.fee_min, x.fee_max)
                       : fmt::format("${} a session", std::max(x.fee_min, x.fee_max));
  view["sliding"] = x.sliding_scale;
  view["has_contact"] = !x.phone.empty() || !website.empty() || !x.email.empty();
  return render_page(ctx, "therapist", std::move(view));
}

Response DirectoryPages::how_we_rank(Ctx& ctx) {
  const std::string* html = content_->page_html("how-we-rank");
  if (!html) return error_page(ctx, 404, "There is no page at this address.");
  return render_page(ctx, "markdown",
                     {{"title", *content_->page_title("how-we-rank")}, {"html", *html}});
}

}  // namespace sb::web
