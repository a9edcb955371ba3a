// The HTTP request path, bytes in and responses out: Beast's parser with the server's
// limits, the conversion to our Request, the Site shell (sessions, CSRF, access policy,
// router) and every feature's pages, over a real SQLite store. Any 5xx is a finding: with a
// healthy store, no request may make a page fail.
//
// In the input, {session} and {csrf} stand for a signed-in member's session cookie value and
// CSRF token, so the fuzzer reaches the member pages and their forms too.
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <unistd.h>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "accounts/accounts.h"
#include "accounts/crypto.h"
#include "accounts/data_key.h"
#include "app/app.h"
#include "app/features.h"
#include "core/clock.h"
#include "store/database.h"
#include "store/migrations.h"
#include "web/wire.h"

#ifndef SECUREBASE_CONTENT_DIR
#error "SECUREBASE_CONTENT_DIR must name the content folder"
#endif

namespace {

struct World {
  sb::ManualClock clock{1'800'000'000};
  std::unique_ptr<sb::store::Database> db;
  std::unique_ptr<sb::app::App> app;
  std::unique_ptr<sb::accounts::Accounts> accounts;
  std::string session;
  std::string csrf;
  int64_t user_id = 0;
  uint64_t runs = 0;
};

const char* const kEmail = "member@example.org";
const char* const kPassword = "fuzzing password 1";

void die(const std::string& what) {
  std::fprintf(stderr, "http_request_fuzz: %s\n", what.c_str());
  std::abort();
}

World& world() {
  static World* w = [] {
    auto* w = new World();
    spdlog::set_level(spdlog::level::off);
    sb::crypto::init();
    const auto dir =
        std::filesystem::temp_directory_path() / ("securebase-fuzz-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto db = sb::store::Database::open("sqlite://" + (dir / "store.db").string(), 2);
    if (!db) die(db.error().message);
    w->db = std::move(*db);
    if (auto m = sb::store::migrate(*w->db, sb::app::migrations()); !m) die(m.error().message);
    const auto key = (dir / "data.key").string();
    if (!sb::crypto::DataKey::generate().save(key)) die("cannot write the data key");
    sb::app::AppConfig cfg;
    cfg.content_dir = SECUREBASE_CONTENT_DIR;
    cfg.places_file = SECUREBASE_PLACES_FILE;
    cfg.data_key_file = key;
    cfg.access_log = false;
    cfg.prune_every_seconds = 0;
    cfg.password_policy = sb::crypto::PasswordPolicy{1, 8192};
    auto app = sb::app::App::create(cfg, *w->db, w->clock);
    if (!app) die(app.error().message);
    w->app = std::move(*app);
    w->accounts = std::make_unique<sb::accounts::Accounts>(*w->db, w->clock, cfg.password_policy);
    auto issued = w->accounts->sign_up(kEmail, kPassword, {}, "fuzz");
    if (!issued) die(issued.error().message);
    w->session = issued->token;
    w->csrf = issued->visitor.csrf_token;
    w->user_id = *issued->visitor.user_id;
    return w;
  }();
  return *w;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& w = world();
  std::string bytes(reinterpret_cast<const char*>(data), size);
  replace_all(bytes, "{session}", w.session);
  replace_all(bytes, "{csrf}", w.csrf);
  sb::web::wire::Limits limits;  // the server's defaults
  const std::string out = sb::web::wire::answer_bytes(bytes, limits, [&](sb::web::Request& req) {
    auto res = w.app->handle(req);
    if (res.status >= 500)
      die("status " + std::to_string(res.status) + " for " + req.method + " " + req.target);
    return res;
  });
  if (!out.empty() && !out.starts_with("HTTP/1.1 ")) die("a response that is not HTTP/1.1");
  // The input may have signed the member out: sign in again so later inputs still reach the
  // member pages.
  auto visitor = w.accounts->resolve(w.session);
  if (!visitor || !visitor->signed_in()) {
    auto again = w.accounts->sign_in(kEmail, kPassword, "fuzz", {});
    if (!again || !again->session) die("cannot sign the member in again");
    w.session = again->session->token;
    w.csrf = again->session->visitor.csrf_token;
  }
  // What the member wrote piles up over millions of inputs and would slow every later page
  // (search reads all entries); start their data afresh now and then.
  if (++w.runs % 20000 == 0) {
    auto erased = w.db->run([&](soci::session& s) { w.app->erase_features(s, w.user_id); });
    if (!erased) die(erased.error().message);
  }
  return 0;
}
