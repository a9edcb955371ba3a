#include "app/app.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>

#include "app/features.h"
#include "core/strings.h"

namespace sb::app {

namespace json = boost::json;

namespace {
// Well above a normal write (about a millisecond) and the assessment step's 20 ms goal.
constexpr double kSlowTransactionMs = 100;
}  // namespace

Result<std::unique_ptr<App>> App::create(AppConfig config, store::Database& db,
                                         const Clock& clock) {
  auto key = crypto::DataKey::load(config.data_key_file);
  if (!key) return key.error();
  if (auto st = crypto::check_store_key(db, *key, clock.now()); !st) return st.error();
  // Every request queued behind a slow write waits as long: the log names such writes, so a
  // slow step can be traced to one (docs/OPERATIONS.md).
  db.on_slow_transaction(kSlowTransactionMs, [](const store::Database::SlowTransaction& t) {
    spdlog::warn("slow store transaction: waited {:.0f} ms to begin, then ran {:.0f} ms ({})",
                 t.waited_ms, t.held_ms, t.committed ? "committed" : "rolled back");
  });
  std::unique_ptr<App> app(new App(std::move(config), db, clock, std::move(*key)));
  if (auto st = app->build(); !st) return st.error();
  return app;
}

App::App(AppConfig config, store::Database& db, const Clock& clock, crypto::DataKey key)
    : config_(std::move(config)),
      db_(db),
      clock_(clock),
      key_(std::move(key)),
      accounts_(db, clock, config_.password_policy) {}

App::~App() = default;

Status App::build() {
  auto content = web::Content::load(config_.content_dir);
  if (!content) return content.error();
  web::SiteConfig site_config{config_.secure_cookies, config_.public_url, config_.access_log,
                              config_.trusted_proxies, config_.node_name};
  site_ = std::make_unique<web::Site>(site_config, db_, clock_, std::move(*content), accounts_);
  services_ = std::make_unique<web::Services>(db_, clock_, key_, *site_, config_.content_dir);
  services_->places_file = config_.places_file;
  services_->background_poll_seconds = config_.background_poll_seconds;
  services_->provide(accounts_);
  outbox_ = config_.sendmail.empty() ? mail::folder_outbox(config_.mail_folder, config_.mail_from)
                                     : mail::sendmail_outbox(config_.sendmail, config_.mail_from);
  services_->provide(*outbox_);
  services_->provide(site_->access_repo());
  services_->provide<web::PersonalData>(*this);
  for (const auto& feature : features()) {
    auto module = feature.make(*services_);
    if (!module) return module.error();
    modules_.push_back(std::move(*module));
    names_.push_back(feature.name);
  }
  for (size_t i = 0; i < modules_.size(); ++i) {
    site_->begin_feature(names_[i]);
    modules_[i]->add_routes(*site_);
  }
  if (config_.prune_every_seconds > 0) {
    pruner_ = std::jthread([this](const std::stop_token& stop) {
      std::unique_lock lock(prune_mu_);
      while (!stop.stop_requested()) {
        prune_wake_.wait_for(lock, stop, std::chrono::seconds(config_.prune_every_seconds),
                             [] { return false; });
        if (stop.stop_requested()) break;
        if (auto removed = accounts_.prune(); !removed)
          spdlog::warn("pruning sessions failed: {}", removed.error().message);
      }
    });
  }
  // Work done anonymously moves to the account on sign-up or sign-in.
  accounts_.on_adopt([this](int64_t session, int64_t user) {
    for (auto& m : modules_) {
      if (auto st = m->adopt(session, user); !st)
        spdlog::error("adopting anonymous work failed: {}", st.error().message);
    }
  });
  return ok_status();
}

Result<json::object> App::export_document(const accounts::Visitor& person) {
  json::object doc{
      {"format", "securebase-export"}, {"version", 1}, {"exported_at", iso8601(clock_.now())}};
  const Owner owner{person.user_id, 0};
  for (auto& m : modules_) {
    auto sections = m->export_sections(owner);
    if (!sections) return sections.error();
    for (auto& [name, value] : *sections) doc[name] = std::move(value);
  }
  return doc;
}

void App::erase_features(soci::session& s, int64_t user_id) {
  for (auto& m : modules_) m->erase(s, user_id);
}

std::vector<std::string> App::admin_summary() {
  std::vector<std::string> lines;
  for (auto& m : modules_) {
    for (auto& line : m->admin_summary()) lines.push_back(std::move(line));
  }
  return lines;
}

Result<int> App::rotate_key(const crypto::DataKey& from, const crypto::DataKey& to) {
  int total = 0;
  for (auto& m : modules_) {
    auto n = m->rotate_key(from, to);
    if (!n) return n.error();
    total += *n;
  }
  return total;
}

}  // namespace sb::app
