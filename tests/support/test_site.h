// A whole SecureBase (store, app, HTTP server on port 0) for integration tests.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "app/app.h"
#include "core/clock.h"
#include "support/fast_policy.h"
#include "support/http_client.h"
#include "support/test_db.h"
#include "web/server.h"

namespace sb::testing {

// Every test site in this process writes its mail into one folder.
inline const std::string& mail_folder() {
  static const std::string dir = temp_path("mail");
  return dir;
}

// Every message to `address` in mail_folder(), whole, newest first.
inline std::vector<std::string> mails_to(const std::string& address) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(mail_folder(), ec))
    files.push_back(e.path());
  std::sort(files.rbegin(), files.rend());  // named by the microsecond: newest first
  std::vector<std::string> found;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find("\r\nTo: " + address + "\r\n") != std::string::npos)
      found.push_back(std::move(text));
  }
  return found;
}

// The newest message to `address` ("" when there is none).
inline std::string newest_mail_to(const std::string& address) {
  auto all = mails_to(address);
  return all.empty() ? "" : all.front();
}

// The path of the sign-up link in a message ("" when it has none).
inline std::string signup_link(const std::string& message) {
  const auto at = message.find("/signup/confirm/");
  if (at == std::string::npos) return "";
  const auto end = message.find_first_of("\r\n ", at);
  return message.substr(at, end - at);
}

struct TestSite {
  explicit TestSite(TestBackend backend, bool secure_cookies = true,
                    const std::function<void(app::AppConfig&)>& configure = {}) {
    crypto::init();
    db = fresh_database(backend, 4, &db_url);
    if (!db) return;
    app::AppConfig cfg;
    cfg.content_dir = SECUREBASE_CONTENT_DIR;
    cfg.places_file = SECUREBASE_PLACES_FILE;
    cfg.secure_cookies = secure_cookies;
    cfg.access_log = false;
    cfg.password_policy = fast_password_policy();
    cfg.mail_folder = mail_folder();
    key_path = temp_path("data.key");
    // Each site its own store and key, made the way `admin create-key` makes one.
    std::filesystem::remove(key_path);
    EXPECT_TRUE(crypto::DataKey::generate().save(key_path));
    cfg.data_key_file = key_path;
    if (configure) configure(cfg);
    auto created = app::App::create(cfg, *db, clock);
    if (!created) {
      ADD_FAILURE() << created.error().message;
      return;
    }
    app = std::move(*created);
    web::ServerConfig scfg;
    scfg.port = 0;
    scfg.io_threads = 2;
    scfg.worker_threads = 4;
    server =
        std::make_unique<web::Server>(scfg, [this](web::Request& r) { return app->handle(r); });
    auto p = server->start();
    if (!p) {
      ADD_FAILURE() << p.error().message;
      return;
    }
    port = *p;
  }
  ~TestSite() {
    if (server) server->stop();
  }
  bool ready() const { return port != 0; }
  Browser browser() const { return Browser(port); }
  std::string cookie_name() const { return app->session_cookie_name(); }

  ManualClock clock{1'800'000'000};
  std::string key_path;
  std::string db_url;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<app::App> app;
  std::unique_ptr<web::Server> server;
  int port = 0;
};

// Signs up through the pages, as a person would: the form, the link from the mail, and the
// button on the link's page. Returns the last answer (303 to /account when it worked).
// Signs out as a person would: from the menu, whose form carries the session's token.
// The text of a page between two markers (a code shown once, an id in a link); empty if absent.
inline std::string between(const std::string& text, const std::string& before,
                           const std::string& after) {
  const size_t start = text.find(before);
  if (start == std::string::npos) return "";
  const size_t from = start + before.size();
  return text.substr(from, text.find(after, from) - from);
}

inline HttpResponse sign_out(Browser& b) {
  b.get("/menu");
  return b.post("/signout", {});
}

inline HttpResponse sign_up(Browser& b, const std::string& email, const std::string& password) {
  b.get("/signup");
  auto sent =
      b.post("/signup", {{"email", email}, {"password", password}, {"password_confirm", password}});
  if (sent.status != 303 || sent.header("location") != "/signup/sent") return sent;
  const std::string link = signup_link(newest_mail_to(email));
  if (link.empty()) return sent;  // the address had an account: the mail has no link
  b.get(link);
  return b.post(link, {});
}

// Turns on two-factor sign-in through the pages, as a person with an authenticator app would,
// and returns the key (base32) so the test can make later codes.
inline std::string enable_two_factor(Browser& b, const TestSite& site) {
  auto page = b.get("/account/two-factor");
  const std::string open = "<code class=\"secret\">";
  const auto at = page.body.find(open);
  if (at == std::string::npos) {
    ADD_FAILURE() << "no secret on the two-factor page (status " << page.status << ")";
    return "";
  }
  const auto end = page.body.find('<', at + open.size());
  const std::string secret = page.body.substr(at + open.size(), end - at - open.size());
  auto done = b.post("/account/two-factor/enable",
                     {{"code", accounts::TwoFactor::totp_for_base32(secret, site.clock.now())}});
  EXPECT_EQ(done.status, 200) << done.body;
  return secret;
}

// A new administrator, signed in with two-factor on (which every administrator's page needs).
inline Browser signed_in_admin(TestSite& site, const std::string& email,
                               const std::string& password) {
  accounts::Accounts accounts(*site.db, site.clock, fast_password_policy());
  EXPECT_TRUE(accounts.create_user(email, password, accounts::Role::kAdmin));
  Browser b = site.browser();
  b.get("/signin");
  b.post("/signin", {{"email", email}, {"password", password}});
  enable_two_factor(b, site);
  return b;
}

}  // namespace sb::testing
