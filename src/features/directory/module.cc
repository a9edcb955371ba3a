// The therapist directory: listings, places, the index and the search pages.
#include "features/directory/module.h"

#include "features/directory/directory.h"
#include "features/directory/directory_repo.h"
#include "features/directory/owner_pages.h"
#include "features/directory/pages.h"

namespace sb::features {
namespace {

using web::Need;

class DirectoryModule final : public web::Module {
 public:
  DirectoryModule(web::Services& s, directory::Vocabulary vocabulary,
                  std::shared_ptr<const directory::Places> places)
      : directory_(s.db, s.clock, std::move(vocabulary), std::move(places)),
        pages_(s.kit, directory_),
        owner_pages_(s.kit, directory_) {
    s.provide(directory_);
  }

  Status load() { return directory_.load(); }

  void add_routes(web::Routes& r) override {
    using P = web::DirectoryPages;
    r.page("GET", "/therapists", Need::anyone(), pages_.handler(&P::search_page));
    r.page("GET", "/therapists/{id}", Need::anyone(), pages_.handler(&P::listing_page));
    r.cached_page("/how-we-rank", pages_.handler(&P::how_we_rank));
    r.public_route("GET", "/therapists.json",
                   [this](web::Request& req) { return pages_.search_json(req); });

    using O = web::ListingOwnerPages;
    auto o = [this](web::Response (O::*m)(web::PageContext&)) { return owner_pages_.handler(m); };
    r.page("GET", "/clinician", Need::member("directory:claim"), o(&O::overview));
    r.page("POST", "/clinician/claim", Need::member("directory:claim"), o(&O::do_claim));
    r.page("GET", "/clinician/listing", Need::clinician("directory:edit"), o(&O::edit_form));
    r.page("POST", "/clinician/listing", Need::clinician("directory:edit"), o(&O::do_edit));
    r.page("POST", "/clinician/listing/confirm", Need::clinician("directory:edit"),
           o(&O::do_confirm));
    r.page("GET", "/admin/directory/claims", Need::admin("directory:verify"), o(&O::claims_queue));
    // On the claimant's address: the policy records the decision in their access list.
    r.page("POST", "/admin/members/{member}/claims/{claim}",
           Need::moderation_of("member", "directory:verify"), o(&O::do_decide));
  }

  std::vector<web::PersonalTable> personal_tables() const override {
    return {{"directory_claims", "user_id"}};
  }

  Result<boost::json::object> export_sections(const Owner& owner) override {
    boost::json::object out;
    if (!owner.user_id) return out;
    auto claims = directory_.claims_of(*owner.user_id);
    if (!claims) return claims.error();
    boost::json::array rows;
    for (const auto& c : *claims)
      rows.push_back({{"listing_id", c.listing_id},
                      {"listing", c.listing_name},
                      {"licence_number", c.licence_number},
                      {"status", directory::claim_status_name(c.status)},
                      {"created_at", c.created_at},
                      {"decided_at", c.decided_at}});
    auto owned = directory_.owned_by(*owner.user_id);
    if (!owned) return owned.error();
    if (rows.empty() && !*owned) return out;
    boost::json::object section{{"claims", rows}};
    if (*owned) section["listing_id"] = (*owned)->id;
    out["directory"] = section;
    return out;
  }

  void erase(soci::session& s, int64_t user_id) override {
    directory_.repo().erase_owner(s, user_id);
  }

  std::vector<std::string> admin_summary() override {
    return {std::to_string(directory_.index().size()) + " directory listings in the index"};
  }

 private:
  directory::Directory directory_;
  web::DirectoryPages pages_;
  web::ListingOwnerPages owner_pages_;
};

}  // namespace

web::Feature directory() {
  return {"directory", store::directory_migrations(),
          [](web::Services& s) -> Result<std::unique_ptr<web::Module>> {
            auto vocabulary =
                directory::Vocabulary::load(s.content_dir + "/directory/vocabulary.json");
            if (!vocabulary) return vocabulary.error();
            auto places = directory::Places::shared(s.places_file);
            if (!places) return places.error();
            auto module = std::make_unique<DirectoryModule>(s, std::move(*vocabulary), *places);
            if (auto st = module->load(); !st) return st.error();
            return std::unique_ptr<web::Module>(std::move(module));
          }};
}

}  // namespace sb::features
