// The directory's rows: listings, the change counter other processes follow, and the search
// written as one plain SQL query (the reference the in-memory index is tested against).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "features/directory/listing.h"
#include "features/directory/search.h"
#include "store/database.h"
#include "store/migrations.h"

namespace sb::store {

// What an import did to the store.
struct ImportCounts {
  int64_t added = 0, updated = 0, unchanged = 0, kept_claimed = 0;
};

// What narrows the SQL search to the place before distances are computed: nothing (the
// reference query), SQLite's R*Tree module, or PostGIS (ST_DWithin on geography with a GiST
// index). The benchmark compares them with the in-memory index; the server uses the index.
enum class SpatialIndex { kNone, kRtree, kPostgis };

class DirectoryRepo {
 public:
  DirectoryRepo(Database& db, const directory::Vocabulary& v) : db_(db), vocabulary_(v) {}

  // Adds or updates imported listings by NPI, all in one transaction: a listing a clinician
  // has claimed is left as they keep it; one whose imported fields did not change is not
  // touched. Listings without an NPI are always added.
  Result<ImportCounts> import(const std::vector<directory::Listing>& listings, int64_t now);
  // Adds (id 0) or updates one listing; returns its id.
  Result<int64_t> save(const directory::Listing& l, int64_t now);
  Result<std::optional<directory::Listing>> get(int64_t id);
  // What a page of results shows of the listings with these ids (name, credentials,
  // taxonomies, approaches, city, state, NPI, availability, telehealth, verified, source;
  // nothing else is filled in), by id, in one query.
  Result<std::unordered_map<int64_t, directory::Listing>> cards(const std::vector<int64_t>& ids);
  Result<std::optional<directory::Listing>> by_npi(const std::string& npi);
  // Every listing (hidden ones too), for building the index.
  Result<std::vector<directory::Listing>> all();
  // Writes the telehealth reach again where the stored one differs from what the vocabulary
  // gives now (its PSYPACT states change as states join); returns how many rows changed.
  Result<int64_t> refresh_reach(const std::vector<directory::Listing>& all);
  // The change counter: every write moves it; listings written after `version`.
  Result<int64_t> version();
  Result<std::vector<directory::Listing>> changed_since(int64_t version);
  Result<int64_t> count();

  // Claims: a clinician asks for a listing, an administrator decides.
  Result<int64_t> add_claim(const directory::Claim& c);
  Result<std::vector<directory::Claim>> claims_with_status(directory::ClaimStatus status,
                                                           int limit);
  Result<std::optional<directory::Claim>> claim(int64_t id);
  Result<std::vector<directory::Claim>> claims_of(int64_t user_id);
  // Decides a pending claim in one transaction. Verifying gives the listing to the claimant
  // (verified, source clinician) and refuses the other pending claims on it. False when there
  // was nothing to decide: the claim was decided already, or the listing has an owner.
  Result<bool> decide_claim(int64_t claim_id, bool verify, int64_t now);
  Result<std::optional<directory::Listing>> owned_by(int64_t user_id);
  // Account deletion: the person's claims go; a listing they owned returns to the register.
  void erase_owner(soci::session& s, int64_t user_id);

  // The search as SQL: the same filters, score and order as DirectoryIndex::search.
  Result<directory::Page> search(const directory::Query& q,
                                 SpatialIndex spatial = SpatialIndex::kNone);
  // Builds the table or column and index `spatial` reads, from the listings as they are now
  // (a snapshot for the benchmark: later writes do not update it).
  Status create_spatial_index(SpatialIndex spatial);

 private:
  Database& db_;
  const directory::Vocabulary& vocabulary_;
};

// The directory's migrations (feature registration).
std::vector<Migration> directory_migrations();

}  // namespace sb::store
