// Working with a therapist: connections, consent by scope, and the clinician's workspace.
// Reads the features whose data a client may share; owns the connections and codes.
#include "features/clinician/module.h"

#include <soci/soci.h>

#include "features/clinician/care.h"
#include "features/clinician/care_repo.h"
#include "features/clinician/pages.h"

namespace sb::features {
namespace {

using web::Need;

class ClinicianModule final : public web::Module {
 public:
  explicit ClinicianModule(web::Services& s)
      : db_(s.db),
        care_(s.db, s.clock, s.key),
        pages_(s.kit, care_,
               web::SharedSources{s.get<assessment::Assessments>(), s.get<growth::Checkins>(),
                                  s.get<growth::CheckinForm>(), s.get<growth::Practice>(),
                                  s.get<growth::SkillLibrary>(), s.get<growth::Reconsider>(),
                                  s.get<growth::Journal>()}) {
    s.provide(care_);
  }

  void add_routes(web::Routes& r) override {
    using P = web::CarePages;
    auto h = [this](web::Response (P::*m)(web::PageContext&)) { return pages_.handler(m); };
    // The client's side: their own connections and what they share.
    r.page("GET", "/care", Need::member("care:read"), h(&P::care_page));
    r.page("POST", "/care/connect", Need::member("care:write"), h(&P::do_connect_code));
    r.page("POST", "/therapists/{id}/connect", Need::member("care:write"),
           h(&P::do_connect_listing));
    r.page("POST", "/care/{link}/share", Need::member("care:write"), h(&P::do_share));
    r.page("POST", "/care/{link}/stop", Need::member("care:write"), h(&P::do_stop));
    r.page("POST", "/care/{link}/end", Need::member("care:write"), h(&P::do_end_as_client));
    r.page("POST", "/care/{link}/requests/{request}/decline", Need::member("care:write"),
           h(&P::do_decline));
    r.page("GET", "/care/{link}/preview/{scope}", Need::member("care:read"), h(&P::preview));
    // The clinician's side: two-factor always; each client's data by that client's grant.
    r.page("GET", "/clinician/clients", Need::clinician("care:clients"), h(&P::clients_page));
    r.page("POST", "/clinician/codes", Need::clinician("care:clients"), h(&P::do_new_code));
    r.page("POST", "/clinician/links/{link}/accept", Need::clinician("care:clients"),
           h(&P::do_accept));
    r.page("POST", "/clinician/links/{link}/notes", Need::clinician("care:notes"), h(&P::do_note));
    r.page("POST", "/clinician/links/{link}/session", Need::clinician("care:clients"),
           h(&P::do_session));
    r.page("POST", "/clinician/links/{link}/end", Need::clinician("care:clients"),
           h(&P::do_end_as_clinician));
    r.page("GET", "/clinician/clients/{client}", Need::consent_of("client", care::kConnected),
           h(&P::client_page));
    r.page("GET", "/clinician/clients/{client}/timeline",
           Need::consent_of("client", care::kConnected), h(&P::timeline_page));
    r.page("POST", "/clinician/clients/{client}/requests",
           Need::consent_of("client", care::kConnected), h(&P::do_ask));
    r.page("GET", "/clinician/clients/{client}/results.fhir.json",
           Need::consent_of("client", "share:results"), h(&P::results_fhir));
    r.page("GET", "/clinician/clients/{client}/checkins.fhir.json",
           Need::consent_of("client", "share:checkins"), h(&P::checkins_fhir));
    for (const auto& scope : care::scopes()) {
      r.page("GET", "/clinician/clients/{client}/" + scope.slug,
             Need::consent_of("client", scope.id),
             [this, id = scope.id](web::PageContext& ctx) { return pages_.scope_page(ctx, id); });
      if (scope.slug == "results" || scope.slug == "checkins") continue;  // their own, above
      r.page("GET", "/clinician/clients/{client}/" + scope.slug + ".fhir.json",
             Need::consent_of("client", scope.id),
             [this, id = scope.id](web::PageContext& ctx) { return pages_.scope_fhir(ctx, id); });
    }
  }

  std::vector<web::PersonalTable> personal_tables() const override {
    return {{"care_links", "client_user_id"},
            {"care_codes", "clinician_user_id"},
            {"care_requests", "client_user_id"},
            {"care_notes", "clinician_user_id"}};
  }

  Result<int> rotate_key(const crypto::DataKey& from, const crypto::DataKey& to) override {
    return care::Care::rotate_key(db_, from, to);
  }

  Result<boost::json::object> export_sections(const Owner& owner) override {
    boost::json::object out;
    if (!owner.user_id) return out;
    boost::json::array rows;
    auto add = [&](const std::vector<store::CareLinkRecord>& links, const char* role) {
      for (const auto& l : links)
        rows.push_back({{"role", role},
                        {"client", l.client_email},
                        {"clinician", l.clinician_email},
                        {"status", l.status},
                        {"created_at", l.created_at},
                        {"accepted_at", l.accepted_at ? *l.accepted_at : 0},
                        {"ended_at", l.ended_at ? *l.ended_at : 0}});
    };
    auto as_client = care_.links_of_client(*owner.user_id);
    if (!as_client) return as_client.error();
    add(*as_client, "client");
    auto as_clinician = care_.links_of_clinician(*owner.user_id);
    if (!as_clinician) return as_clinician.error();
    add(*as_clinician, "clinician");
    if (!rows.empty()) out["therapy_connections"] = rows;
    auto requests = care_.requests_of_client(*owner.user_id, /*active_only=*/false);
    if (!requests) return requests.error();
    boost::json::array asked;
    for (const auto& r : *requests)
      asked.push_back({{"kind", r.kind},
                       {"every_weeks", r.every_weeks},
                       {"asked_at", r.created_at},
                       {"declined_at", r.declined_at ? *r.declined_at : 0}});
    if (!asked.empty()) out["measures_asked_for"] = asked;
    auto notes = care_.all_notes(*owner.user_id);
    if (!notes) return notes.error();
    boost::json::array written;
    for (const auto& n : *notes)
      written.push_back({{"written_at", n.created_at}, {"text", n.text}});
    if (!written.empty()) out["notes_about_clients"] = written;
    return out;
  }

  void erase(soci::session& s, int64_t user_id) override {
    store::CareRepo::erase_user(s, user_id);
  }

 private:
  store::Database& db_;
  care::Care care_;
  web::CarePages pages_;
};

}  // namespace

web::Feature clinician() {
  return {"clinician", store::care_migrations(),
          [](web::Services& s) -> Result<std::unique_ptr<web::Module>> {
            return std::unique_ptr<web::Module>(new ClinicianModule(s));
          }};
}

}  // namespace sb::features
