// The self-awareness journal: its table, its pages and its part of each person's data.
#include "features/journal/module.h"

#include <soci/soci.h>

#include <boost/json.hpp>

#include "features/journal/journal.h"
#include "features/journal/journal_repo.h"
#include "features/journal/pages.h"

namespace sb::features {
namespace {

namespace json = boost::json;
using web::Need;

class JournalModule final : public web::Module {
 public:
  explicit JournalModule(web::Services& s)
      : db_(s.db), journal_(s.db, s.clock, s.key), pages_(s.kit, journal_) {
    s.provide(journal_);
  }

  void add_routes(web::Routes& r) override {
    using P = web::JournalPages;
    r.page("GET", "/journal", Need::member("journal:read"), pages_.handler(&P::journal_list));
    r.page("GET", "/journal/new", Need::member("journal:write"), pages_.handler(&P::journal_new));
    r.page("GET", "/journal/calendar", Need::member("journal:read"),
           pages_.handler(&P::journal_calendar));
    r.page("POST", "/journal", Need::member("journal:write"),
           pages_.handler(&P::do_journal_create));
    r.page("GET", "/journal/{id}", Need::member("journal:read"), pages_.handler(&P::journal_show));
    r.page("GET", "/journal/{id}/edit", Need::member("journal:write"),
           pages_.handler(&P::journal_edit));
    r.page("POST", "/journal/{id}", Need::member("journal:write"),
           pages_.handler(&P::do_journal_update));
    r.page("POST", "/journal/{id}/delete", Need::member("journal:write"),
           pages_.handler(&P::do_journal_delete));
    r.page("POST", "/mood", Need::member("journal:write"), pages_.handler(&P::do_mood_create));
    r.page("GET", "/mood/{id}", Need::member("journal:write"), pages_.handler(&P::mood_details));
    r.page("POST", "/mood/{id}", Need::member("journal:write"),
           pages_.handler(&P::do_mood_details));
  }

  std::vector<web::PersonalTable> personal_tables() const override {
    return {{"journal_entries", "user_id"}};
  }
  Result<json::object> export_sections(const Owner& owner) override {
    auto journal = journal_.export_json(owner);
    if (!journal) return journal.error();
    return json::object{{"journal", json::parse(*journal)}};
  }
  void erase(soci::session& s, int64_t user_id) override {
    store::JournalRepo::erase_user(s, user_id);
  }
  Result<int> rotate_key(const crypto::DataKey& from, const crypto::DataKey& to) override {
    return growth::Journal::rotate_key(db_, from, to);
  }

 private:
  store::Database& db_;
  growth::Journal journal_;
  web::JournalPages pages_;
};

}  // namespace

web::Feature journal() {
  return {"journal",
          {{3,
            "journal",
            {
                "CREATE TABLE journal_entries ("
                " id {{PK}},"
                " public_id TEXT NOT NULL UNIQUE,"
                " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " occurred_on TEXT NOT NULL,"
                " kind TEXT NOT NULL CHECK (kind IN ('quick', 'full')),"
                " sealed TEXT NOT NULL,"
                " created_at BIGINT NOT NULL,"
                " updated_at BIGINT NOT NULL)",
                "CREATE INDEX journal_user ON journal_entries(user_id, occurred_on)",
            }}},
          [](web::Services& s) -> Result<std::unique_ptr<web::Module>> {
            return std::unique_ptr<web::Module>(new JournalModule(s));
          }};
}

}  // namespace sb::features
