#include "features/directory/owner_pages.h"

#include "features/directory/page_parts.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "core/dates.h"
#include "core/numbers.h"
#include "core/strings.h"

namespace sb::web {
namespace {

namespace json = boost::json;
using directory::Claim;
using directory::ClaimStatus;
using directory::Listing;
using Form = std::multimap<std::string, std::string>;
using directory_parts::checkboxes_html;
using directory_parts::date_of;
using directory_parts::values_of;

constexpr int kQueuePage = 100;

bool ticked(const Form& form, const std::string& key) { return !first_value(form, key).empty(); }

// A whole-dollar fee from the form; blank is 0 (not given), anything else unreadable is -1,
// which validation refuses with the fees message.
int fee_of(const Form& form, const std::string& key) {
  const std::string text(trim(first_value(form, key)));
  if (text.empty()) return 0;
  return static_cast<int>(parse_int_in(text, 0, 10000).value_or(-1));
}

// "CA, ny OR" -> {"CA", "NY", "OR"}; validation checks each against the vocabulary.
std::vector<std::string> states_of(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) out.push_back(current);
    current.clear();
  };
  for (char c : text) {
    if (c == ',' || c == ' ' || c == ';') {
      flush();
    } else {
      current.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
    }
  }
  flush();
  return out;
}

Listing listing_from(const Form& f) {
  Listing l;
  l.credentials = first_value(f, "credentials");
  l.approaches = values_of(f, "approach");
  l.concerns = values_of(f, "concern");
  l.populations = values_of(f, "population");
  l.languages = values_of(f, "language");
  l.insurance = values_of(f, "insurance");
  l.telehealth_states = states_of(first_value(f, "telehealth_states"));
  l.psypact = ticked(f, "psypact");
  l.counseling_compact = ticked(f, "compact");
  l.fee_min = fee_of(f, "fee_min");
  l.fee_max = fee_of(f, "fee_max");
  l.sliding_scale = ticked(f, "sliding");
  l.in_person = ticked(f, "in_person");
  l.telehealth = ticked(f, "telehealth");
  l.accepting = ticked(f, "accepting");
  l.street = first_value(f, "street");
  l.city = first_value(f, "city");
  l.state = std::string(trim(first_value(f, "state")));
  for (auto& c : l.state) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  l.zip = first_value(f, "zip");
  l.hide_street = ticked(f, "hide_street");
  l.phone = first_value(f, "phone");
  l.website = first_value(f, "website");
  l.email = first_value(f, "email");
  l.bio = first_value(f, "bio");
  return l;
}

std::string status_text(const Claim& c) {
  switch (c.status) {
    case ClaimStatus::kPending:
      return "waiting for an administrator since " + spoken_date(day_of(c.created_at));
    case ClaimStatus::kVerified:
      return "verified " + date_of(c.decided_at);
    case ClaimStatus::kRefused:
      return "not verified (" + date_of(c.decided_at) + ")";
  }
  return "";
}

std::string licences_text(const std::vector<directory::Licence>& ls,
                          const directory::Vocabulary& v) {
  std::string out;
  for (const auto& l : ls) {
    const auto* taxonomy = directory::Vocabulary::find(v.taxonomies, l.type);
    std::string one = taxonomy ? taxonomy->label : l.type;
    if (!l.number.empty()) one += " " + l.number;
    if (!l.state.empty()) one += " (" + l.state + ")";
    out += (out.empty() ? "" : "; ") + one;
  }
  return out.empty() ? "none in the register" : out;
}

}  // namespace

Response ListingOwnerPages::overview(Ctx& ctx) { return render_overview(ctx, {}, 200); }

Response ListingOwnerPages::render_overview(Ctx& ctx, json::object view, int status) {
  const int64_t user = *ctx.visitor.user_id;
  view["title"] = "Your directory listing";
  view["two_factor"] = ctx.visitor.two_factor_enabled;
  auto owned = directory_.owned_by(user);
  if (!owned) return fail(ctx, owned.error(), "We could not open your listing just now.");
  if (*owned) {
    const Listing& l = **owned;
    view["owned"] = true;
    view["listing_href"] = "/therapists/" + std::to_string(l.id);
    view["listing_name"] = l.name;
    view["accepting"] = l.accepting;
    view["confirmed"] = l.confirmed_at == 0 ? std::string("never") : date_of(l.confirmed_at);
    if (l.confirmed_at < directory_.now() - directory::ranking::kFreshSeconds) view["stale"] = true;
    view["can_edit"] = ctx.visitor.role == accounts::Role::kClinician && ctx.visitor.second_factor;
  }
  auto claims = directory_.claims_of(user);
  if (!claims) return fail(ctx, claims.error(), "We could not open your listing just now.");
  json::array rows;
  bool waiting = false;
  for (const auto& c : *claims) {
    waiting = waiting || c.status == ClaimStatus::kPending;
    rows.push_back(json::object{{"name", c.listing_name},
                                {"href", "/therapists/" + std::to_string(c.listing_id)},
                                {"status", status_text(c)}});
  }
  if (!rows.empty()) view["claims"] = rows;
  view["may_claim"] = !*owned && !waiting;
  if (ctx.req.query.count("claimed")) view["claimed"] = true;
  if (ctx.req.query.count("confirmed")) view["just_confirmed"] = true;
  if (ctx.req.query.count("saved")) view["saved"] = true;
  return render_page(ctx, "clinician", std::move(view), status);
}

Response ListingOwnerPages::do_claim(Ctx& ctx) {
  if (!ctx.visitor.two_factor_enabled) {
    return render_overview(
        ctx,
        {{"has_errors", true},
         {"error",
          "Turn on two-factor sign-in first: listings are kept only from accounts that have it."}},
        422);
  }
  auto id = directory_.claim(*ctx.visitor.user_id, first_value(ctx.form, "npi"),
                             first_value(ctx.form, "licence"));
  if (!id) {
    if (id.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, id.error(), "We could not send your claim just now.");
    return render_overview(ctx,
                           {{"has_errors", true},
                            {"error", id.error().message},
                            {"npi", first_value(ctx.form, "npi")},
                            {"licence", first_value(ctx.form, "licence")}},
                           422);
  }
  return Response::redirect("/clinician?claimed=1");
}

Response ListingOwnerPages::edit_form(Ctx& ctx) {
  auto owned = directory_.owned_by(*ctx.visitor.user_id);
  if (!owned) return fail(ctx, owned.error(), "We could not open your listing just now.");
  if (!*owned) return Response::redirect("/clinician");
  return render_edit(ctx, **owned, nullptr, 200);
}

Response ListingOwnerPages::do_edit(Ctx& ctx) {
  Listing edited = listing_from(ctx.form);
  auto saved = directory_.edit(*ctx.visitor.user_id, edited);
  if (!saved) {
    if (saved.error().code == ErrorCode::kNotFound) return Response::redirect("/clinician");
    if (saved.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, saved.error(), "We could not save your listing just now.");
    // Show what they typed, over the listing as it stands.
    auto owned = directory_.owned_by(*ctx.visitor.user_id);
    if (!owned || !*owned) return fail(ctx, saved.error(), "We could not save your listing.");
    Listing shown = **owned;
    const Listing keep = shown;
    shown = edited;
    shown.id = keep.id;
    shown.name = keep.name;
    shown.npi = keep.npi;
    shown.licences = keep.licences;
    return render_edit(ctx, shown, &saved.error(), 422);
  }
  return Response::redirect("/clinician?saved=1");
}

Response ListingOwnerPages::do_confirm(Ctx& ctx) {
  const bool accepting = first_value(ctx.form, "accepting") == "1";
  auto st = directory_.confirm(*ctx.visitor.user_id, accepting);
  if (!st) {
    if (st.error().code == ErrorCode::kNotFound) return Response::redirect("/clinician");
    return fail(ctx, st.error(), "We could not confirm your listing just now.");
  }
  return Response::redirect("/clinician?confirmed=1");
}

Response ListingOwnerPages::render_edit(Ctx& ctx, const Listing& l, const Error* error,
                                        int status) {
  const auto& v = directory_.vocabulary();
  json::object view{
      {"title", "Edit your listing"},
      {"name", l.name},
      {"listing_href", "/therapists/" + std::to_string(l.id)},
      {"approaches", checkboxes_html(v.approaches, l.approaches, "approach")},
      {"concerns", checkboxes_html(v.concerns, l.concerns, "concern")},
      {"populations", checkboxes_html(v.populations, l.populations, "population")},
      {"languages", checkboxes_html(v.languages, l.languages, "language")},
      {"insurers", checkboxes_html(v.insurance, l.insurance, "insurance")},
      {"psypact", l.psypact},
      {"compact", l.counseling_compact},
      {"sliding", l.sliding_scale},
      {"in_person", l.in_person},
      {"telehealth", l.telehealth},
      {"accepting", l.accepting},
      {"hide_street", l.hide_street},
      {"bio_max", directory::kBioMaxChars},
  };
  // Text inputs take their value as it is; mustache needs a non-empty string to show a
  // section, but a value="{{x}}" attribute is fine with a missing key.
  auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) view[key] = value;
  };
  put("credentials", l.credentials);
  put("telehealth_states", fmt::format("{}", fmt::join(l.telehealth_states, ", ")));
  if (l.fee_min > 0) view["fee_min"] = l.fee_min;
  if (l.fee_max > 0) view["fee_max"] = l.fee_max;
  put("street", l.street);
  put("city", l.city);
  put("state", l.state);
  put("zip", l.zip);
  put("phone", l.phone);
  put("website", l.website);
  put("email", l.email);
  put("bio", l.bio);
  put("licences", licences_text(l.licences, v));
  if (error) {
    view["has_errors"] = true;
    view["error"] = error->message;
  }
  return render_page(ctx, "clinician_listing", std::move(view), status);
}

Response ListingOwnerPages::claims_queue(Ctx& ctx) {
  auto claims = directory_.pending_claims(kQueuePage);
  if (!claims) return fail(ctx, claims.error(), "We could not open the claims just now.");
  json::array rows;
  for (const auto& c : *claims) {
    rows.push_back(json::object{
        {"id", c.id},
        {"name", c.listing_name},
        {"href", "/therapists/" + std::to_string(c.listing_id)},
        {"npi", c.npi},
        {"register_licences", licences_text(c.licences, directory_.vocabulary())},
        {"licence", c.licence_number},
        {"email", c.claimant_email},
        {"action", "/admin/members/" + c.claimant_public_id + "/claims/" + std::to_string(c.id)},
        {"since", spoken_date(day_of(c.created_at), day_of(clock_.now()))}});
  }
  json::object view{{"title", "Listing claims"}, {"claims", rows}, {"none", rows.empty()}};
  const std::string done = first_value(ctx.req.query, "done");
  if (done == "verified") view["done"] = "The claim is verified: the listing is theirs now.";
  if (done == "refused") view["done"] = "The claim is refused.";
  if (done == "stale") view["done"] = "That claim was decided already.";
  return render_page(ctx, "admin_claims", std::move(view));
}

Response ListingOwnerPages::do_decide(Ctx& ctx) {
  auto id = parse_int_in(ctx.req.params["claim"], 1, INT64_MAX);
  if (!id) return error_page(ctx, 404, "There is no such claim.");
  auto claim = directory_.find_claim(*id);
  if (!claim) return fail(ctx, claim.error(), "We could not open the claim just now.");
  if (!*claim || (*claim)->user_id != ctx.access->subject().id)
    return error_page(ctx, 404, "There is no such claim.");
  if (!ctx.access->by_someone_else())
    return error_page(ctx, 403, "Another administrator decides your own claim.");
  const std::string decision = first_value(ctx.form, "decision");
  if (decision != "verify" && decision != "refuse")
    return error_page(ctx, 422, "Choose to verify or to refuse the claim.");
  auto done = directory_.decide(*id, decision == "verify");
  if (!done) return fail(ctx, done.error(), "We could not record the decision just now.");
  if (!*done) return Response::redirect("/admin/directory/claims?done=stale");
  return Response::redirect(decision == "verify" ? "/admin/directory/claims?done=verified"
                                                 : "/admin/directory/claims?done=refused");
}

}  // namespace sb::web
