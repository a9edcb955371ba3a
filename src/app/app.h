// Composition: builds the shared objects (content, data key, accounts, the web shell), makes
// every feature's module, registers their routes, and is the one place that walks all modules
// for the account export, account deletion, key rotation and adoption of anonymous work.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "accounts/accounts.h"
#include "accounts/data_key.h"
#include "accounts/mail.h"
#include "core/clock.h"
#include "features/account/pages.h"
#include "store/database.h"
#include "web/module.h"
#include "web/site.h"

namespace sb::app {

struct AppConfig {
  std::string content_dir = "content";
  // Postcodes and cities with coordinates, made by scripts/bootstrap (scripts/places).
  std::string places_file = "var/places.tsv";
  // The data key for free-text fields; created (mode 0600) on first run.
  std::string data_key_file = "var/data.key";
  // Secure + __Host- cookies need HTTPS; plain-HTTP local use (make run) turns them off.
  bool secure_cookies = true;
  // How people reach SecureBase ("https://example.org"), for addresses used outside the
  // browser (the calendar feed). Empty: taken from the request's Host header.
  std::string public_url;
  bool access_log = true;
  crypto::PasswordPolicy password_policy;
  // Reverse proxies whose X-Forwarded-For names the client (serve --trusted-proxy).
  std::vector<std::string> trusted_proxies;
  // Outgoing mail (the sign-up link): written as files into mail_folder, or handed to a
  // sendmail-compatible program when `sendmail` is set.
  std::string mail_folder = "var/mail";
  std::string sendmail;
  std::string mail_from = "SecureBase <no-reply@localhost>";
  // Names this server in an X-SecureBase-Node response header (serve --node-name).
  std::string node_name;
  // How often expired sessions and old sign-in failures are removed (0: never; tests).
  int prune_every_seconds = 600;
  // How often background workers look for queued work (a recalibration); 0: no workers.
  int background_poll_seconds = 5;
};

class App final : public web::PersonalData {
 public:
  static Result<std::unique_ptr<App>> create(AppConfig config, store::Database& db,
                                             const Clock& clock);
  ~App() override;

  web::Response handle(web::Request& req) { return site_->handle(req); }
  const web::Router& router() const { return site_->router(); }
  const std::vector<web::DeclaredRoute>& routes() const { return site_->declared_routes(); }
  std::string session_cookie_name() const { return site_->session_cookie_name(); }
  const std::vector<std::unique_ptr<web::Module>>& modules() const { return modules_; }
  // The feature names, in the order of modules().
  const std::vector<std::string>& feature_names() const { return names_; }
  const crypto::DataKey& data_key() const { return key_; }

  // Re-encrypts every module's sealed columns from `from` to `to`.
  Result<int> rotate_key(const crypto::DataKey& from, const crypto::DataKey& to);

  // PersonalData
  Result<boost::json::object> export_document(const accounts::Visitor& person) override;
  void erase_features(soci::session& s, int64_t user_id) override;
  std::vector<std::string> admin_summary() override;

 private:
  App(AppConfig config, store::Database& db, const Clock& clock, crypto::DataKey key);
  Status build();

  AppConfig config_;
  store::Database& db_;
  const Clock& clock_;
  crypto::DataKey key_;
  accounts::Accounts accounts_;
  std::unique_ptr<web::Site> site_;
  std::unique_ptr<mail::Outbox> outbox_;
  std::unique_ptr<web::Services> services_;
  std::vector<std::unique_ptr<web::Module>> modules_;
  std::vector<std::string> names_;
  std::mutex prune_mu_;  // only for the pruner's timed wait
  std::condition_variable_any prune_wake_;
  std::jthread pruner_;  // last: stopped and joined before the rest goes
};

}  // namespace sb::app
