#include "features/account/module.h"

#include <boost/json.hpp>

#include "accounts/access_repo.h"
#include "accounts/accounts.h"
#include "accounts/schema.h"
#include "accounts/two_factor.h"
#include "core/strings.h"
#include "features/account/pages.h"

namespace sb::features {
namespace {

namespace json = boost::json;
using web::Need;
using web::Response;

class AccountModule final : public web::Module {
 public:
  explicit AccountModule(web::Services& s)
      : db_(s.db),
        accounts_(s.get<accounts::Accounts>()),
        access_(s.get<store::AccessRepo>()),
        two_factor_(s.db, s.clock, s.key),
        pages_(s.kit, accounts_, two_factor_, access_, s.get<web::PersonalData>(),
               s.get<mail::Outbox>()) {
    s.provide(two_factor_);
  }

  void add_routes(web::Routes& r) override {
    using P = web::AccountPages;
    auto h = [this](Response (P::*m)(web::PageContext&)) { return pages_.handler(m); };
    r.page("GET", "/signup", Need::anyone(), h(&P::show_signup));
    r.page("POST", "/signup", Need::anyone(), h(&P::do_signup));
    r.page("GET", "/signup/sent", Need::anyone(), h(&P::show_signup_sent));
    r.page("GET", "/signup/confirm/{token}", Need::anyone(), h(&P::show_signup_confirm));
    r.page("POST", "/signup/confirm/{token}", Need::anyone(), h(&P::do_signup_confirm));
    r.page("GET", "/signin", Need::anyone(), h(&P::show_signin));
    r.page("POST", "/signin", Need::anyone(), h(&P::do_signin));
    r.page("GET", "/signin/code", Need::signing_in(), h(&P::show_signin_code));
    r.page("POST", "/signin/code", Need::signing_in(), h(&P::do_signin_code));
    r.page("POST", "/signout", Need::anyone(), h(&P::do_signout));
    r.page("GET", "/account", Need::member("account:read"), h(&P::show_account));
    r.page("POST", "/account/password", Need::member("account:write"), h(&P::do_change_password));
    r.page("POST", "/account/theme", Need::member("account:write"), h(&P::do_theme));
    r.page("POST", "/account/export", Need::member("account:export").fresh(), h(&P::do_export));
    // The form asks for the password itself: that is the re-authentication.
    r.page("POST", "/account/delete", Need::member("account:delete"), h(&P::do_delete_account));
    r.page("GET", "/account/access", Need::member("access:read"), h(&P::show_access));
    r.page("GET", "/account/access.csv", Need::member("access:read"), h(&P::access_csv));
    r.page("GET", "/account/two-factor", Need::member("account:write"), h(&P::show_two_factor));
    r.page("POST", "/account/two-factor/enable", Need::member("account:write"),
           h(&P::do_two_factor_enable));
    r.page("POST", "/account/two-factor/disable", Need::member("account:write").fresh(),
           h(&P::do_two_factor_disable));
    r.page("POST", "/account/two-factor/recovery", Need::member("account:write").fresh(),
           h(&P::do_recovery_codes));
    r.page("GET", "/account/confirm", Need::member("account:read"), h(&P::show_confirm));
    r.page("POST", "/account/confirm", Need::member("account:read"), h(&P::do_confirm));
    r.page("GET", "/admin", Need::admin("admin:overview"), h(&P::show_admin));
    r.page("GET", "/admin/members/{member}", Need::moderation_of("member", "account:read"),
           h(&P::show_admin_member));
  }

  std::vector<web::PersonalTable> personal_tables() const override {
    return {{"users", "id"},
            {"sessions", "user_id"},
            {"recovery_codes", "user_id"},
            {"known_devices", "user_id"},
            {"grants", "subject_user_id"},
            {"access_audit", "subject_user_id"},
            {"group_audit", "actor_user_id"}};
  }

  Result<int> rotate_key(const crypto::DataKey& from, const crypto::DataKey& to) override {
    return accounts::TwoFactor::rotate_key(db_, from, to);
  }

  Result<json::object> export_sections(const Owner& owner) override {
    accounts::Visitor person;
    person.user_id = owner.user_id;
    auto doc = accounts_.export_json(person);
    if (!doc) return doc.error();
    auto sections = json::parse(*doc).as_object();
    auto audit = access_.audit_for_subject(*owner.user_id);
    if (!audit) return audit.error();
    json::array reads;
    for (const auto& a : *audit) {
      reads.push_back(json::object{{"at", iso8601(a.at)},
                                   {"actor", a.actor_label},
                                   {"actor_role", a.actor_role},
                                   {"grant", a.grant},
                                   {"scope", a.scope},
                                   {"object", a.object}});
    }
    sections["access_to_my_data"] = reads;
    auto opened = access_.group_audit_by(*owner.user_id);
    if (!opened) return opened.error();
    json::array in_groups;
    for (const auto& a : *opened)
      in_groups.push_back(json::object{{"at", iso8601(a.at)},
                                       {"group", a.group_kind},
                                       {"as", a.actor_role},
                                       {"scope", a.scope},
                                       {"object", a.object}});
    sections["what_i_opened_in_shared_profiles"] = in_groups;
    auto grants = access_.grants_given(*owner.user_id);
    if (!grants) return grants.error();
    json::array given;
    for (const auto& g : *grants) {
      json::object o{{"scope", g.scope}, {"granted_at", iso8601(g.granted_at)}};
      if (g.expires_at) o["expires_at"] = iso8601(*g.expires_at);
      if (g.revoked_at) o["revoked_at"] = iso8601(*g.revoked_at);
      given.push_back(o);
    }
    sections["grants"] = given;
    auto devices = accounts_.repo().devices(*owner.user_id);
    if (!devices) return devices.error();
    json::array known;
    for (const auto& [first, last] : *devices)
      known.push_back(
          json::object{{"first_signed_in", iso8601(first)}, {"last_signed_in", iso8601(last)}});
    sections["devices"] = known;
    return sections;
  }

 private:
  store::Database& db_;
  accounts::Accounts& accounts_;
  store::AccessRepo& access_;
  accounts::TwoFactor two_factor_;
  web::AccountPages pages_;
};

}  // namespace

web::Feature account() {
  return {"account", accounts::migrations(),
          [](web::Services& s) -> Result<std::unique_ptr<web::Module>> {
            return std::unique_ptr<web::Module>(new AccountModule(s));
          }};
}

}  // namespace sb::features
