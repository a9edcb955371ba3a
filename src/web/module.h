// The contract every feature follows. A feature is one folder under src/features with a
// module.cc that returns its Feature: its migrations (data), and a factory for its Module, which
// declares its routes with their access needs and its part of every person's data: what goes
// into the account export, what account deletion erases, which sealed columns key rotation
// re-encrypts, and what anonymous work it adopts at sign-up. The application (src/app) lists
// the features once; export, deletion, rotation and adoption iterate them, so nothing else in
// the code lists features.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <memory>
#include <string>
#include <typeindex>
#include <unordered_map>
#include <vector>

#include "accounts/data_key.h"
#include "core/clock.h"
#include "core/owner.h"
#include "core/result.h"
#include "store/database.h"
#include "store/migrations.h"
#include "web/access.h"
#include "web/http.h"
#include "web/pages.h"

namespace sb::web {

// A table that holds people's data, and the column naming whose rows they are. The coverage
// test checks that every such table is exported and erased, and that no table is left unnamed.
struct PersonalTable {
  std::string table;
  std::string subject_column;  // e.g. "user_id"
  // When subject_column points at another table's row (answers at their assessment), that
  // table; its user_id names the person.
  std::string through = "";
};

// How a feature adds its routes. Page routes go through the shell: the session is resolved,
// CSRF is checked on anything but GET, the need is decided by the access policy and audited,
// and errors are rendered by the one error policy. Public routes (calendar feeds) take their
// credential from the request itself and are listed as such in the access matrix.
class Routes {
 public:
  virtual ~Routes() = default;
  virtual void page(const std::string& method, const std::string& pattern, Need need,
                    PageHandler handler) = 0;
  virtual void public_route(const std::string& method, const std::string& pattern,
                            std::function<Response(Request&)> handler) = 0;
  // A public GET page that looks the same to every visitor without a session: rendered once.
  virtual void cached_page(const std::string& pattern, PageHandler handler) = 0;
};

class Module {
 public:
  virtual ~Module() = default;
  virtual void add_routes(Routes& routes) = 0;
  // Tables holding people's data that this module owns.
  virtual std::vector<PersonalTable> personal_tables() const { return {}; }
  // The subject's data: export sections by name. The CSV export is made from the same values.
  virtual Result<boost::json::object> export_sections(const Owner&) {
    return boost::json::object{};
  }
  // Erases every row of the user inside account deletion's single transaction.
  virtual void erase(soci::session&, int64_t /*user_id*/) {}
  // Re-encrypts the module's sealed columns; returns how many values were rewritten.
  virtual Result<int> rotate_key(const crypto::DataKey& /*from*/, const crypto::DataKey& /*to*/) {
    return 0;
  }
  // Hands an anonymous session's work to the account it just signed in to.
  virtual Status adopt(int64_t /*session_id*/, int64_t /*user_id*/) { return ok_status(); }
  // Lines for the administrators' overview page.
  virtual std::vector<std::string> admin_summary() { return {}; }
};

// Shared objects, and the services features offer one another (the progress dashboard reads
// the journal, the plan reads the skills). A feature provides what it owns when it is made;
// features made later can ask for it.
class Services {
 public:
  Services(store::Database& db, const Clock& clock, const crypto::DataKey& key, PageKit& kit,
           const std::string& content_dir)
      : db(db), clock(clock), key(key), kit(kit), content_dir(content_dir) {}

  template <typename T>
  void provide(T& service) {
    by_type_[std::type_index(typeid(T))] = &service;
  }
  // The service of type T; a missing one is a programming error in the feature list's order.
  template <typename T>
  T& get() const {
    auto it = by_type_.find(std::type_index(typeid(T)));
    if (it == by_type_.end()) throw std::logic_error(std::string("no service ") + typeid(T).name());
    return *static_cast<T*>(it->second);
  }

  store::Database& db;
  const Clock& clock;
  const crypto::DataKey& key;
  PageKit& kit;
  std::string content_dir;
  // The gazetteer (scripts/places/convert.mjs): postcodes and cities with their coordinates.
  std::string places_file;
  // How often a feature's background worker looks in the store for work queued by any server
  // (a recalibration); 0 starts no worker (commands that only pass through).
  int background_poll_seconds = 5;

 private:
  std::unordered_map<std::type_index, void*> by_type_;
};

struct Feature {
  std::string name;
  std::vector<store::Migration> migrations;
  std::function<Result<std::unique_ptr<Module>>(Services&)> make;
};

}  // namespace sb::web
