// A whole SecureBase (store, app, HTTP server on port 0) for integration tests.
#pragma once

#include <memory>

#include "core/clock.h"
#include "support/fast_policy.h"
#include "support/http_client.h"
#include "support/test_db.h"
#include "web/app.h"
#include "web/server.h"

namespace sb::testing {

struct TestSite {
  explicit TestSite(TestBackend backend, bool secure_cookies = true) {
    crypto::init();
    db = fresh_database(backend);
    if (!db) return;
    web::AppConfig cfg;
    cfg.content_dir = SECUREBASE_CONTENT_DIR;
    cfg.secure_cookies = secure_cookies;
    cfg.access_log = false;
    cfg.password_policy = fast_password_policy();
    key_path = temp_path("data.key");
    cfg.data_key_file = key_path;
    auto created = web::App::create(cfg, *db, clock);
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
  std::unique_ptr<store::Database> db;
  std::unique_ptr<web::App> app;
  std::unique_ptr<web::Server> server;
  int port = 0;
};

// Signs up through the pages, as a person would.
inline HttpResponse sign_up(Browser& b, const std::string& email, const std::string& password) {
  b.get("/signup");
  return b.post("/signup",
                {{"email", email}, {"password", password}, {"password_confirm", password}});
}

}  // namespace sb::testing
