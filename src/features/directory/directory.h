// The therapist directory as a service: listings in the store, the in-memory index kept in
// step with it (in this process at once, in others through the store's change counter), the
// places gazetteer and imports.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/clock.h"
#include "core/result.h"
#include "features/directory/directory_repo.h"
#include "features/directory/geo.h"
#include "features/directory/listing.h"
#include "features/directory/nppes.h"
#include "features/directory/search.h"
#include "store/database.h"

namespace sb::directory {

struct ImportReport {
  int64_t rows = 0, kept = 0;
  std::map<std::string, int64_t> skipped;
  std::vector<RowProblem> problems;  // when not empty, nothing was imported
  store::ImportCounts counts;
};

class Directory {
 public:
  Directory(store::Database& db, const Clock& clock, Vocabulary vocabulary,
            std::shared_ptr<const Places> places);

  // Builds the index from the store; the server calls it once at start.
  Status load();
  // Brings the index up to the store's change counter (other processes' writes).
  Status catch_up();

  Result<Page> search(Query q);
  // The same search answered by SQL alone (tests and the benchmark compare the two).
  Result<Page> search_sql(Query q, store::SpatialIndex spatial = store::SpatialIndex::kNone);
  Result<std::optional<Listing>> listing(int64_t id);
  // What the result cards show of a page of hits (DirectoryRepo::cards), by id; a listing
  // withdrawn a moment ago is missing. Recently shown cards are kept in memory (popular
  // places show the same first pages all day) and forgotten when their listing changes.
  Result<std::unordered_map<int64_t, Listing>> cards(const Page& page);
  // Adds or changes one listing (validated) and updates the index; returns its id.
  Result<int64_t> save(const Listing& l);

  // Imports what a reader read: all of it in one transaction, or nothing when it found
  // malformed rows.
  Result<ImportReport> import(const NppesRead& read);

  // Clinician self-service. A claim names the listing by its NPI and the licence number the
  // administrator will check; one open claim or owned listing per account.
  Result<int64_t> claim(int64_t user_id, std::string npi, std::string licence_number);
  Result<std::vector<Claim>> claims_of(int64_t user_id) { return repo_.claims_of(user_id); }
  Result<std::vector<Claim>> pending_claims(int limit) {
    return repo_.claims_with_status(ClaimStatus::kPending, limit);
  }
  Result<std::optional<Claim>> find_claim(int64_t id) { return repo_.claim(id); }
  // An administrator's decision; false when the claim was no longer open.
  Result<bool> decide(int64_t claim_id, bool verify);
  Result<std::optional<Listing>> owned_by(int64_t user_id) { return repo_.owned_by(user_id); }
  // The owner's edit: the fields a clinician keeps (not the name, NPI, licences or the
  // verified flag, which come from the register and the administrators). A changed ZIP code
  // moves the office to that ZIP's centre. Editing confirms the listing.
  Result<Listing> edit(int64_t user_id, const Listing& edited);
  // "Still accurate" in one click: confirms the listing today, with whether they take clients.
  Status confirm(int64_t user_id, bool accepting);
  store::DirectoryRepo& repo() { return repo_; }

  const Vocabulary& vocabulary() const { return vocabulary_; }
  const Places& places() const { return *places_; }
  const DirectoryIndex& index() const { return index_; }
  int64_t now() const { return clock_.now(); }

 private:
  const Clock& clock_;
  Vocabulary vocabulary_;
  std::shared_ptr<const Places> places_;
  store::DirectoryRepo repo_;
  DirectoryIndex index_;
  std::mutex catch_up_mutex_;

  // The card cache. A card read from the store while a change came in is not kept: the
  // generation tells (it moves on every change).
  static constexpr size_t kCardsKept = 20'000;
  void forget_cards(const std::vector<Listing>& changed);
  std::mutex cards_mutex_;
  std::unordered_map<int64_t, Listing> cards_;
  uint64_t cards_generation_ = 0;
};

}  // namespace sb::directory
