// The securebase command: serve, migrate, version, admin and irt subcommands.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "accounts/accounts.h"
#include "app/app.h"
#include "app/features.h"
#include "cli/demo_data.h"
#include "cli/directory_import.h"
#include "cli/irt.h"
#include "core/clock.h"
#include "features/assessment/assessment.h"
#include "features/assessment/recalibration.h"
#include "features/skills/skills.h"
#include "psychometrics/instrument.h"
#include "store/backup.h"
#include "store/database.h"
#include "web/server.h"

namespace {

constexpr const char* kDefaultDatabase = "sqlite://var/securebase.db";

std::string database_url(const std::string& flag) {
  if (!flag.empty()) return flag;
  // Read while parsing the command line, before any thread starts.
  // NOLINTNEXTLINE(concurrency-mt-unsafe)
  if (const char* env = std::getenv("SECUREBASE_DATABASE_URL"); env && *env) return env;
  return kDefaultDatabase;
}

int fail(const std::string& message) {
  std::cerr << "securebase: " << message << "\n";
  return 1;
}

std::unique_ptr<sb::store::Database> open_store(const std::string& url, size_t pool, int& rc) {
  auto db = sb::store::Database::open(url, pool);
  if (!db) {
    rc = fail(db.error().message);
    return nullptr;
  }
  return std::move(*db);
}

// The questionnaire as the content folder ships it (the assessment's built-in version).
sb::Result<sb::psy::Instrument> load_questionnaire(const std::string& content_dir) {
  return sb::psy::load_instrument(content_dir + "/instruments/securebase-relationships.json");
}

}  // namespace

namespace {

int run(int argc, char** argv) {
  sb::crypto::init();
  CLI::App app{"SecureBase: understand your attachment style and grow toward secure attachment."};
  app.require_subcommand(1);
  app.set_version_flag("--version", SECUREBASE_VERSION);

  std::string db_flag;
  auto add_db = [&](CLI::App* cmd) {
    cmd->add_option("--database", db_flag,
                    "Store URL: sqlite://PATH (embedded, default var/securebase.db) or "
                    "postgresql://USER@HOST:PORT/DB. Also SECUREBASE_DATABASE_URL.");
  };

  // serve
  auto* serve = app.add_subcommand("serve", "Serve the web application over HTTP.");
  add_db(serve);
  sb::web::ServerConfig server_config;
  sb::app::AppConfig app_config;
  size_t pool_size = 8;
  bool insecure_cookies = false, no_access_log = false;
  serve->add_option("--address", server_config.address, "Address to listen on.")
      ->envname("SECUREBASE_ADDRESS")
      ->capture_default_str();
  serve->add_option("--port", server_config.port, "Port to listen on (0 picks a free one).")
      ->envname("SECUREBASE_PORT")
      ->capture_default_str();
  serve
      ->add_option("--content", app_config.content_dir,
                   "Folder with templates/, pages/ and static/.")
      ->envname("SECUREBASE_CONTENT")
      ->capture_default_str();
  serve
      ->add_option(
          "--data-key", app_config.data_key_file,
          "Key file for encrypting free-text personal data (see `admin create-key`); serve "
          "refuses a missing file, and a key other than the one the store's data is under.")
      ->envname("SECUREBASE_DATA_KEY")
      ->capture_default_str();
  serve
      ->add_option("--public-url", app_config.public_url,
                   "The address people use to reach SecureBase (https://example.org), for links "
                   "that leave the browser, such as calendar feeds. Default: from the Host header.")
      ->envname("SECUREBASE_PUBLIC_URL");
  serve
      ->add_option("--trusted-proxy", app_config.trusted_proxies,
                   "Address of a reverse proxy whose X-Forwarded-For names the client (repeat "
                   "for several). Without it the header is ignored.")
      ->envname("SECUREBASE_TRUSTED_PROXY");
  serve
      ->add_option("--mail-folder", app_config.mail_folder,
                   "Folder for outgoing mail (the sign-up links), one .eml file per message, "
                   "for a mail system or a person to pick up.")
      ->envname("SECUREBASE_MAIL_FOLDER")
      ->capture_default_str();
  serve
      ->add_option("--sendmail", app_config.sendmail,
                   "A sendmail-compatible program to send mail with (e.g. /usr/sbin/sendmail); "
                   "replaces the mail folder.")
      ->envname("SECUREBASE_SENDMAIL");
  serve->add_option("--mail-from", app_config.mail_from, "The From: of outgoing mail.")
      ->envname("SECUREBASE_MAIL_FROM")
      ->capture_default_str();
  serve
      ->add_option("--node-name", app_config.node_name,
                   "Name this server in an X-SecureBase-Node header on every response (to see "
                   "which of several servers answered). Default: no header.")
      ->envname("SECUREBASE_NODE_NAME");
  serve
      ->add_option("--places", app_config.places_file,
                   "Postcodes and cities with coordinates, for the therapist directory "
                   "(scripts/bootstrap makes it).")
      ->envname("SECUREBASE_PLACES")
      ->capture_default_str();
  serve->add_option("--io-threads", server_config.io_threads, "Socket threads (0: one per core).");
  serve->add_option("--workers", server_config.worker_threads,
                    "Worker threads for handlers (0: one more than the cores with SQLite; four "
                    "per core, at least 8, with PostgreSQL, whose handlers wait on the network).");
  serve->add_option("--pool-size", pool_size, "Store connections in the pool.")
      ->capture_default_str();
  serve->add_flag(
      "--insecure-cookies", insecure_cookies,
      "Send the session cookie without Secure, for plain-HTTP use on this machine only.");
  serve->add_flag("--no-access-log", no_access_log, "Do not write the JSON-lines access log.");
  serve
      ->add_option("--background-poll-seconds", app_config.background_poll_seconds,
                   "How often to look for work queued through other servers (a recalibration).")
      ->envname("SECUREBASE_BACKGROUND_POLL_SECONDS")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();

  auto* migrate = app.add_subcommand("migrate", "Create or upgrade the store's schema.");
  add_db(migrate);
  app.add_subcommand("version", "Print the version and the schema version this build expects.");

  auto* admin = app.add_subcommand("admin", "Administrative tasks.");
  admin->require_subcommand(1);
  auto* create_user = admin->add_subcommand(
      "create-user", "Create an account; the password is read from standard input.");
  add_db(create_user);
  std::string email, role = "member";
  create_user->add_option("--email", email, "E-mail address of the new account.")->required();
  create_user->add_option("--role", role, "member, clinician or admin.")
      ->check(CLI::IsMember({"member", "clinician", "admin"}))
      ->capture_default_str();
  auto* seed = admin->add_subcommand(
      "seed-demo", "Add the demo account with ten weeks of sample use (idempotent).");
  add_db(seed);
  std::string instrument_file, content_dir = "content", out_file, seed_key_file = "var/data.key";
  std::string places_file = "var/places.tsv";
  seed->add_option("--content", content_dir, "The content folder.")->capture_default_str();
  seed->add_option("--places", places_file, "The places file.")->capture_default_str();
  size_t demo_listings = 5000;
  seed->add_option("--listings", demo_listings, "How many demo therapist listings to add.")
      ->capture_default_str();
  seed->add_option("--data-key", seed_key_file, "The key file serve uses.")->capture_default_str();
  auto* import_instrument =
      admin->add_subcommand("import-instrument",
                            "Check an instrument file and publish it in the store as the "
                            "questionnaire's next version (servers use it at once).");
  add_db(import_instrument);
  import_instrument->add_option("--file", instrument_file, "The instrument JSON to import.")
      ->required();
  import_instrument->add_option("--content", content_dir, "The content folder.")
      ->capture_default_str();
  std::string old_key_file, new_key_file;
  sb::cli::DirectoryImportOptions directory_import;
  auto* import_directory = admin->add_subcommand(
      "import-directory",
      "Add or update therapist listings from an NPPES monthly file (plain or gzip) or from "
      "SecureBase's JSON lines (docs/DIRECTORY.md). Idempotent by NPI; all or nothing.");
  add_db(import_directory);
  import_directory->add_option("--format", directory_import.format, "nppes or securebase.")
      ->check(CLI::IsMember({"nppes", "securebase"}))
      ->capture_default_str();
  import_directory->add_option("--file", directory_import.file, "The file to read.")->required();
  import_directory->add_option("--content", directory_import.content_dir, "The content folder.")
      ->capture_default_str();
  import_directory
      ->add_option("--places", directory_import.places_file, "The places file (scripts/bootstrap).")
      ->capture_default_str();
  auto* rotate_key = admin->add_subcommand(
      "rotate-key", "Re-encrypt all free-text data from the current key file to a new one.");
  add_db(rotate_key);
  rotate_key->add_option("--key", old_key_file, "The current key file.")->required();
  rotate_key->add_option("--content", content_dir, "The content folder.")->capture_default_str();
  rotate_key->add_option("--places", places_file, "The places file.")->capture_default_str();
  rotate_key
      ->add_option("--new-key", new_key_file, "The new key file (created if it does not exist).")
      ->required();
  std::string backup_file;
  auto* backup = admin->add_subcommand(
      "backup", "Write a consistent copy of a SQLite store while it serves (PostgreSQL: pg_dump).");
  add_db(backup);
  backup->add_option("--out", backup_file, "The backup file to write (must not exist).")
      ->required();
  auto* restore = admin->add_subcommand(
      "restore", "Restore a backup into a new SQLite store path (PostgreSQL: pg_restore).");
  add_db(restore);
  restore->add_option("--from", backup_file, "The backup file.")->required();
  std::string create_key_file;
  auto* create_key = admin->add_subcommand(
      "create-key",
      "Create a new data key file (mode 0600) for a new store; refuses to overwrite one. Every "
      "server of a store must use the same key file.");
  create_key->add_option("--out", create_key_file, "Where to write the key.")->required();
  auto* export_answers = admin->add_subcommand(
      "export-answers",
      "Write consented, completed answer sets as CSV for `securebase irt calibrate`.");
  add_db(export_answers);
  export_answers->add_option("--content", content_dir, "The content folder.")
      ->capture_default_str();
  export_answers->add_option("--out", out_file, "CSV file to write.")->required();
  size_t answer_sets = 0;
  uint64_t answer_seed = 1;
  auto* seed_answers = admin->add_subcommand(
      "seed-answers",
      "Add simulated, consented answer sets that belong to nobody, each answering what the "
      "adaptive test asked (for trying the recalibration pages and for benchmarks; never on a "
      "real deployment's store).");
  add_db(seed_answers);
  seed_answers->add_option("--count", answer_sets, "How many answer sets.")->required();
  seed_answers->add_option("--seed", answer_seed, "Simulation seed.")->capture_default_str();
  seed_answers->add_option("--content", content_dir, "The content folder.")->capture_default_str();
  double facet_slope = 0.0;
  seed_answers
      ->add_option("--facet-slope", facet_slope,
                   "Answers also share a trait per facet, each item loading this much on it "
                   "(0: one trait per scale, as the bank's parameters say).")
      ->check(CLI::Range(0.0, 5.0))
      ->capture_default_str();
  bool run_here = false;
  auto* start_calibration = admin->add_subcommand(
      "start-calibration",
      "Queue a recalibration of the questionnaire from consented answers, as the admin page "
      "does; a running server's worker runs it (or this command, with --run-here).");
  add_db(start_calibration);
  start_calibration->add_option("--content", content_dir, "The content folder.")
      ->capture_default_str();
  start_calibration->add_flag("--run-here", run_here,
                              "Run it in this process and wait for the end.");

  sb::cli::add_irt_commands(app);

  CLI11_PARSE(app, argc, argv);

  int rc = 0;
  if (app.got_subcommand("version")) {
    std::cout << "securebase " << SECUREBASE_VERSION << " (schema "
              << sb::app::latest_schema_version() << ")\n";
    return 0;
  }
  if (migrate->parsed()) {
    auto db = open_store(database_url(db_flag), 1, rc);
    if (!db) return rc;
    auto applied = sb::store::migrate(*db, sb::app::migrations());
    if (!applied) return fail(applied.error().message);
    std::cout << "migrations applied: " << *applied << "; schema version "
              << sb::app::latest_schema_version() << "\n";
    return 0;
  }
  if (import_instrument->parsed()) {
    auto ins = sb::psy::load_instrument(instrument_file);
    if (!ins) return fail(ins.error().message);
    if (auto st = sb::assessment::check_assessment_instrument(*ins); !st)
      return fail(instrument_file + ": " + st.error().field + " " + st.error().message);
    auto current = load_questionnaire(content_dir);
    if (!current) return fail(current.error().message);
    auto db = open_store(database_url(db_flag), 1, rc);
    if (!db) return rc;
    sb::SystemClock clock;
    sb::assessment::Assessments assessments(*db, clock, *current);
    sb::assessment::Recalibrations recalibrations(*db, clock, assessments, 1);
    if (auto st = recalibrations.import_version(*ins); !st) return fail(st.error().message);
    std::cout << "published " << ins->id << " version " << ins->version
              << ": new assessments use it now; results already taken keep the version they "
                 "were scored with\n";
    return 0;
  }
  if (backup->parsed()) {
    if (auto st = sb::store::backup_sqlite(database_url(db_flag), backup_file); !st)
      return fail(st.error().message);
    std::cout << "wrote " << backup_file
              << " (mode 0600); back the data key up separately: the backup cannot be read "
                 "without it\n";
    return 0;
  }
  if (restore->parsed()) {
    if (auto st = sb::store::restore_sqlite(backup_file, database_url(db_flag)); !st)
      return fail(st.error().message);
    std::cout << "restored " << backup_file << " into " << database_url(db_flag)
              << "; start the servers on it with the same --data-key\n";
    return 0;
  }
  if (create_key->parsed()) {
    if (std::filesystem::exists(create_key_file))
      return fail(create_key_file + " already exists; a key file is never overwritten");
    auto key = sb::crypto::DataKey::generate();
    if (auto st = key.save(create_key_file); !st) return fail(st.error().message);
    std::cout << "created data key " << key.id() << " in " << create_key_file
              << " (mode 0600); back it up apart from the database\n";
    return 0;
  }
  if (import_directory->parsed()) {
    auto db = open_store(database_url(db_flag), 2, rc);
    if (!db) return rc;
    return sb::cli::import_directory(*db, directory_import);
  }
  if (rotate_key->parsed()) {
    auto db = open_store(database_url(db_flag), 1, rc);
    if (!db) return rc;
    auto from = sb::crypto::DataKey::load(old_key_file);
    if (!from) return fail(from.error().message);
    auto to = sb::crypto::DataKey::load_or_create(new_key_file);
    if (!to) return fail(to.error().message);
    // Every feature's sealed columns: the application lists them, through its modules.
    sb::SystemClock clock;
    sb::app::AppConfig config;
    config.background_poll_seconds = 0;  // rotating keys only; no calibrations run here
    config.content_dir = content_dir;
    config.places_file = places_file;
    config.data_key_file = old_key_file;
    config.access_log = false;
    auto rotator = sb::app::App::create(config, *db, clock);
    if (!rotator) return fail(rotator.error().message);
    auto n = (*rotator)->rotate_key(*from, *to);
    if (!n) return fail(n.error().message);
    if (auto st = sb::crypto::record_store_key(*db, *to, clock.now()); !st)
      return fail(st.error().message);
    std::cout << "re-encrypted " << *n << " records from key " << from->id() << " to key "
              << to->id() << "; serve with --data-key " << new_key_file << "\n";
    return 0;
  }
  if (export_answers->parsed()) {
    auto db = open_store(database_url(db_flag), 1, rc);
    if (!db) return rc;
    auto ins = load_questionnaire(content_dir);
    if (!ins) return fail(ins.error().message);
    sb::SystemClock clock;
    sb::assessment::Assessments assessments(*db, clock, *ins);
    auto csv = assessments.consented_answers_csv();
    if (!csv) return fail(csv.error().message);
    std::ofstream(out_file) << *csv;
    std::cout << "wrote " << out_file << "\n";
    return 0;
  }
  if (seed_answers->parsed()) {
    auto db = open_store(database_url(db_flag), 1, rc);
    if (!db) return rc;
    sb::SystemClock clock;
    auto added = sb::cli::seed_answer_sets(*db, content_dir, answer_sets, answer_seed, clock.now(),
                                           facet_slope);
    if (!added) return fail(added.error().message);
    std::cout << "added " << *added << " simulated answer sets\n";
    return 0;
  }
  if (start_calibration->parsed()) {
    auto db = open_store(database_url(db_flag), 1, rc);
    if (!db) return rc;
    auto ins = load_questionnaire(content_dir);
    if (!ins) return fail(ins.error().message);
    sb::SystemClock clock;
    sb::assessment::Assessments assessments(*db, clock, *ins);
    sb::assessment::Recalibrations recalibrations(
        *db, clock, assessments, std::max(1u, std::thread::hardware_concurrency()));
    auto id = recalibrations.start();
    if (!id) return fail(id.error().message);
    std::cout << "queued calibration " << *id << "\n";
    if (!run_here) return 0;
    const std::atomic<bool> never_stop{false};
    auto ran = recalibrations.run_next(never_stop);
    if (!ran) return fail(ran.error().message);
    auto done = recalibrations.find(*id);
    if (!done) return fail(done.error().message);
    std::cout << "calibration " << *id << ": " << done->status
              << (done->error.empty() ? "" : " (" + done->error + ")") << "\n";
    return done->status == "done" ? 0 : 1;
  }
  if (create_user->parsed() || seed->parsed()) {
    auto db = open_store(database_url(db_flag), 1, rc);
    if (!db) return rc;
    sb::SystemClock clock;
    sb::accounts::Accounts accounts(*db, clock);
    std::string password;
    if (seed->parsed()) {
      email = "demo@securebase.example";
      password = "demo-password-123";
      role = "member";
    } else {
      if (isatty(STDIN_FILENO)) std::cerr << "Password for " << email << ": ";
      std::getline(std::cin, password);
    }
    if (seed->parsed()) {
      auto added =
          sb::cli::seed_demo_directory(*db, content_dir, places_file, clock.now(), demo_listings);
      if (!added) return fail("demo directory: " + added.error().message);
      if (*added > 0) std::cout << "added " << *added << " demo therapist listings\n";
    }
    auto id = accounts.create_user(email, password, *sb::accounts::parse_role(role));
    if (!id) {
      if (seed->parsed() && id.error().code == sb::ErrorCode::kAlreadyExists) {
        std::cout << "demo account already present: " << email << "\n";
        return 0;
      }
      return fail(id.error().message);
    }
    if (seed->parsed()) {
      auto key = sb::crypto::DataKey::load(seed_key_file);
      if (!key) return fail(key.error().message);
      // The demo's sealed text must be under the key the store's servers use.
      if (auto st = sb::crypto::check_store_key(*db, *key, clock.now()); !st)
        return fail(st.error().message);
      if (auto st = sb::cli::seed_demo_data(*db, content_dir, *key, *id, clock.now()); !st)
        return fail("demo data: " + st.error().message);
    }
    std::cout << "created " << role << " account " << email
              << (seed->parsed() ? " (password: " + password + ") with ten weeks of sample use"
                                 : "")
              << "\n";
    return 0;
  }
  if (serve->parsed()) {
    auto db = open_store(database_url(db_flag), pool_size, rc);
    if (!db) return rc;
    auto version = sb::store::current_schema_version(*db);
    if (!version) return fail(version.error().message);
    if (*version != sb::app::latest_schema_version()) {
      return fail("the store's schema is at version " + std::to_string(*version) +
                  ", this build needs " + std::to_string(sb::app::latest_schema_version()) +
                  ": run `securebase migrate` first");
    }
    sb::SystemClock clock;
    app_config.secure_cookies = !insecure_cookies;
    app_config.access_log = !no_access_log;
    auto web_app = sb::app::App::create(app_config, *db, clock);
    if (!web_app) return fail(web_app.error().message);
    // SQLite is in this process: its handlers never wait on the network, so threads beyond the
    // cores only take turns and stretch the slowest requests (measured in docs/BENCHMARKS.md).
    if (server_config.worker_threads == 0 && database_url(db_flag).rfind("sqlite:", 0) == 0)
      server_config.worker_threads = std::max(1u, std::thread::hardware_concurrency()) + 1;
    sb::web::Server server(server_config,
                           [&](sb::web::Request& r) { return (*web_app)->handle(r); });
    auto port = server.start();
    if (!port) return fail(port.error().message);
    spdlog::info("SecureBase is serving on http://{}:{}/", server_config.address, *port);
    if (app_config.sendmail.empty()) {
      spdlog::info("Outgoing mail (sign-up links) is written to {}/, not sent; see --sendmail",
                   app_config.mail_folder);
    }
    server.wait(/*handle_signals=*/true);
    spdlog::info("SecureBase stopped cleanly");
    return 0;
  }
  const int rc_irt = sb::cli::run_irt_command(app);
  return rc_irt < 0 ? 0 : rc_irt;
}

}  // namespace

int main(int argc, char** argv) {
  // Errors are values throughout; this catches what a library may still throw (allocation,
  // a thread that cannot start) so the process ends with a message instead of an abort.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "securebase: %s\n", e.what());
    return 1;
  }
}
