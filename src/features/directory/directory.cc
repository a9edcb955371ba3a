#include "features/directory/directory.h"

#include <malloc.h>

#include "core/strings.h"

namespace sb::directory {

Directory::Directory(store::Database& db, const Clock& clock, Vocabulary vocabulary,
                     std::shared_ptr<const Places> places)
    : clock_(clock),
      vocabulary_(std::move(vocabulary)),
      places_(std::move(places)),
      repo_(db, vocabulary_),
      index_(vocabulary_) {}

Status Directory::load() {
  std::lock_guard lock(catch_up_mutex_);
  // The counter first: a write that lands between the two reads is read again by catch_up.
  auto version = repo_.version();
  if (!version) return version.error();
  {
    auto all = repo_.all();
    if (!all) return all.error();
    // The reach is derived: a vocabulary with new PSYPACT states changes it for the SQL search
    // too. (The index derives it from the listing itself.)
    if (auto refreshed = repo_.refresh_reach(*all); !refreshed) return refreshed.error();
    index_.rebuild(*all);
  }
  {
    std::lock_guard cards_lock(cards_mutex_);
    ++cards_generation_;
    cards_.clear();
  }
  index_.set_version(*version);
  // Every listing was read in full to build the index: give those pages back (glibc keeps
  // freed memory otherwise, about 1 GB at a million listings).
  malloc_trim(0);
  return ok_status();
}

Status Directory::catch_up() {
  std::lock_guard lock(catch_up_mutex_);
  auto version = repo_.version();
  if (!version) return version.error();
  if (*version == index_.version()) return ok_status();
  auto changed = repo_.changed_since(index_.version());
  if (!changed) return changed.error();
  for (const auto& l : *changed) index_.apply(l);
  forget_cards(*changed);
  index_.set_version(*version);
  return ok_status();
}

void Directory::forget_cards(const std::vector<Listing>& changed) {
  std::lock_guard lock(cards_mutex_);
  ++cards_generation_;
  for (const auto& l : changed) cards_.erase(l.id);
}

Result<Page> Directory::search(Query q) {
  if (q.now == 0) q.now = clock_.now();
  if (auto st = catch_up(); !st) return st.error();
  return index_.search(q);
}

Result<Page> Directory::search_sql(Query q, store::SpatialIndex spatial) {
  if (q.now == 0) q.now = clock_.now();
  return repo_.search(q, spatial);
}

Result<std::optional<Listing>> Directory::listing(int64_t id) { return repo_.get(id); }

Result<std::unordered_map<int64_t, Listing>> Directory::cards(const Page& page) {
  std::unordered_map<int64_t, Listing> out;
  std::vector<int64_t> missing;
  uint64_t generation = 0;
  {
    std::lock_guard lock(cards_mutex_);
    generation = cards_generation_;
    for (const auto& h : page.hits) {
      if (auto it = cards_.find(h.id); it != cards_.end()) {
        out.emplace(h.id, it->second);
      } else {
        missing.push_back(h.id);
      }
    }
  }
  if (missing.empty()) return out;
  auto read = repo_.cards(missing);
  if (!read) return read.error();
  std::lock_guard lock(cards_mutex_);
  const bool keep = generation == cards_generation_;
  if (keep && cards_.size() + read->size() > kCardsKept) cards_.clear();
  for (auto& [id, card] : *read) {
    if (keep) cards_.emplace(id, card);
    out.emplace(id, std::move(card));
  }
  return out;
}

Result<int64_t> Directory::save(const Listing& l) {
  if (auto st = validate(l, vocabulary_); !st) return st.error();
  auto id = repo_.save(l, clock_.now());
  if (!id) return id.error();
  if (auto st = catch_up(); !st) return st.error();
  return *id;
}

Result<ImportReport> Directory::import(const NppesRead& read) {
  ImportReport report;
  report.rows = read.rows;
  report.kept = static_cast<int64_t>(read.listings.size());
  report.skipped = read.skipped;
  report.problems = read.problems;
  if (!read.problems.empty()) return report;
  auto counts = repo_.import(read.listings, clock_.now());
  if (!counts) return counts.error();
  report.counts = *counts;
  if (auto st = catch_up(); !st) return st.error();
  return report;
}

Result<int64_t> Directory::claim(int64_t user_id, std::string npi, std::string licence_number) {
  npi = std::string(trim(npi));
  licence_number = std::string(trim(licence_number));
  if (!npi_valid(npi))
    return invalid("npi", "An NPI is ten digits, the last a check digit; check the number.");
  if (licence_number.empty() || utf8_length(licence_number) > 40 || !valid_utf8(licence_number))
    return invalid("licence", "Give your licence number (at most 40 characters).");
  auto mine = repo_.claims_of(user_id);
  if (!mine) return mine.error();
  for (const auto& c : *mine)
    if (c.status != ClaimStatus::kRefused)
      return invalid("npi", "This account already has a listing or a claim waiting.");
  auto listing = repo_.by_npi(npi);
  if (!listing) return listing.error();
  if (!*listing || (*listing)->hidden)
    return invalid("npi", "No listing has this NPI. Ask the administrators to add yours.");
  if ((*listing)->claimed())
    return invalid("npi",
                   "This listing already belongs to an account. If it is yours, write to the "
                   "administrators.");
  Claim c;
  c.listing_id = (*listing)->id;
  c.user_id = user_id;
  c.licence_number = licence_number;
  c.created_at = clock_.now();
  return repo_.add_claim(c);
}

Result<bool> Directory::decide(int64_t claim_id, bool verify) {
  auto done = repo_.decide_claim(claim_id, verify, clock_.now());
  if (!done) return done.error();
  if (auto st = catch_up(); !st) return st.error();
  return *done;
}

Result<Listing> Directory::edit(int64_t user_id, const Listing& edited) {
  auto owned = repo_.owned_by(user_id);
  if (!owned) return owned.error();
  if (!*owned) return Error{ErrorCode::kNotFound, "no listing of this account", "listing"};
  Listing l = **owned;
  l.credentials = trim(edited.credentials);
  l.approaches = edited.approaches;
  l.concerns = edited.concerns;
  l.populations = edited.populations;
  l.languages = edited.languages;
  l.insurance = edited.insurance;
  l.telehealth_states = edited.telehealth_states;
  l.psypact = edited.psypact;
  l.counseling_compact = edited.counseling_compact;
  l.fee_min = edited.fee_min;
  l.fee_max = edited.fee_max;
  l.sliding_scale = edited.sliding_scale;
  l.in_person = edited.in_person;
  l.telehealth = edited.telehealth;
  l.accepting = edited.accepting;
  l.street = trim(edited.street);
  l.city = trim(edited.city);
  l.state = trim(edited.state);
  l.hide_street = edited.hide_street;
  l.phone = trim(edited.phone);
  l.website = trim(edited.website);
  l.email = trim(edited.email);
  l.bio = trim(edited.bio);
  const std::string zip(trim(edited.zip).substr(0, 5));
  if (zip != l.zip) {
    const Place* p = places_->zip(zip);
    if (!p) return invalid("zip", "We do not know this ZIP code; give the office's five digits.");
    l.zip = zip;
    l.lat = p->lat;
    l.lon = p->lon;
  }
  l.confirmed_at = clock_.now();
  if (auto id = save(l); !id) return id.error();
  return l;
}

Status Directory::confirm(int64_t user_id, bool accepting) {
  auto owned = repo_.owned_by(user_id);
  if (!owned) return owned.error();
  if (!*owned) return Error{ErrorCode::kNotFound, "no listing of this account", "listing"};
  Listing l = **owned;
  l.accepting = accepting;
  l.confirmed_at = clock_.now();
  auto id = save(l);
  if (!id) return id.error();
  return ok_status();
}

}  // namespace sb::directory
