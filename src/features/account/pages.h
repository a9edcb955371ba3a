// Pages of accounts: signing up and in (with the second step of two-factor), the account page,
// two-factor enrolment, re-authentication, the export, deletion, "Access to my data", and the
// administrators' pages.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <string>

#include "accounts/access_repo.h"
#include "accounts/accounts.h"
#include "accounts/mail.h"
#include "accounts/two_factor.h"
#include "web/pages.h"

namespace sb::web {

// What the account pages need from the rest of the application: every feature's part of a
// person's data.
class PersonalData {
 public:
  virtual ~PersonalData() = default;
  // The whole export document: the account, then each feature's sections.
  virtual Result<boost::json::object> export_document(const accounts::Visitor& person) = 0;
  // Erases the person's rows of every feature (inside account deletion's transaction).
  virtual void erase_features(soci::session& s, int64_t user_id) = 0;
  // One line per feature for the administrators' overview ("assessments with consent: 12").
  virtual std::vector<std::string> admin_summary() = 0;
};

class AccountPages final : public FeaturePages {
 public:
  AccountPages(PageKit& kit, accounts::Accounts& accounts, accounts::TwoFactor& two_factor,
               store::AccessRepo& access, PersonalData& data, mail::Outbox& outbox)
      : FeaturePages(kit),
        outbox_(outbox),
        accounts_(accounts),
        two_factor_(two_factor),
        access_(access),
        data_(data) {}

  Response show_signup(Ctx& ctx);
  Response do_signup(Ctx& ctx);
  Response show_signup_sent(Ctx& ctx);
  Response show_signup_confirm(Ctx& ctx);
  Response do_signup_confirm(Ctx& ctx);
  Response show_signin(Ctx& ctx);
  Response do_signin(Ctx& ctx);
  Response show_signin_code(Ctx& ctx);
  Response do_signin_code(Ctx& ctx);
  Response do_signout(Ctx& ctx);
  Response show_account(Ctx& ctx);
  Response do_change_password(Ctx& ctx);
  Response do_theme(Ctx& ctx);
  Response do_export(Ctx& ctx);
  Response do_delete_account(Ctx& ctx);
  Response show_access(Ctx& ctx);
  Response access_csv(Ctx& ctx);
  Response show_two_factor(Ctx& ctx);
  Response do_two_factor_enable(Ctx& ctx);
  Response do_two_factor_disable(Ctx& ctx);
  Response do_recovery_codes(Ctx& ctx);
  Response show_confirm(Ctx& ctx);
  Response do_confirm(Ctx& ctx);
  Response show_admin(Ctx& ctx);
  Response show_admin_member(Ctx& ctx);

 private:
  std::string device_token(Ctx& ctx) const;
  void signed_in(Ctx& ctx, const accounts::IssuedSession& session);
  Response render_account(Ctx& ctx, boost::json::object view, int status);
  Response render_two_factor(Ctx& ctx, boost::json::object view, int status);

  mail::Outbox& outbox_;
  accounts::Accounts& accounts_;
  accounts::TwoFactor& two_factor_;
  store::AccessRepo& access_;
  PersonalData& data_;
};

// Every value of an export document as CSV rows: section, item number, field path, value.
std::string export_csv(const boost::json::object& document);

}  // namespace sb::web
