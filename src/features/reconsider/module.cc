// The pause-and-reconsider exercise.
#include "features/reconsider/module.h"

#include <soci/soci.h>

#include <boost/json.hpp>

#include "features/reconsider/pages.h"
#include "features/reconsider/reconsider.h"
#include "features/reconsider/reconsider_repo.h"

namespace sb::features {
namespace {

namespace json = boost::json;
using web::Need;

class ReconsiderModule final : public web::Module {
 public:
  explicit ReconsiderModule(web::Services& s)
      : db_(s.db), reconsider_(s.db, s.clock, s.key), pages_(s.kit, reconsider_) {
    s.provide(reconsider_);
  }

  void add_routes(web::Routes& r) override {
    using P = web::ReconsiderPages;
    const Need read = Need::member("reconsider:read"), write = Need::member("reconsider:write");
    r.page("GET", "/reconsider", read, pages_.handler(&P::reconsider_list));
    r.page("GET", "/reconsider/new", write, pages_.handler(&P::reconsider_new));
    r.page("POST", "/reconsider", write, pages_.handler(&P::do_reconsider_create));
    r.page("GET", "/reconsider/{id}", read, pages_.handler(&P::reconsider_show));
    r.page("GET", "/reconsider/{id}/edit", write, pages_.handler(&P::reconsider_edit));
    r.page("POST", "/reconsider/{id}", write, pages_.handler(&P::do_reconsider_update));
    r.page("POST", "/reconsider/{id}/followup", write, pages_.handler(&P::do_reconsider_follow_up));
    r.page("POST", "/reconsider/{id}/delete", write, pages_.handler(&P::do_reconsider_delete));
  }

  std::vector<web::PersonalTable> personal_tables() const override {
    return {{"reconsiderations", "user_id"}};
  }
  Result<json::object> export_sections(const Owner& owner) override {
    auto all = reconsider_.export_json(owner);
    if (!all) return all.error();
    return json::object{{"reconsiderations", json::parse(*all)}};
  }
  void erase(soci::session& s, int64_t user_id) override {
    store::ReconsiderRepo::erase_user(s, user_id);
  }
  Result<int> rotate_key(const crypto::DataKey& from, const crypto::DataKey& to) override {
    return growth::Reconsider::rotate_key(db_, from, to);
  }

 private:
  store::Database& db_;
  growth::Reconsider reconsider_;
  web::ReconsiderPages pages_;
};

}  // namespace

web::Feature reconsider() {
  return {"reconsider",
          {{6,
            "pause and reconsider",
            {
                "CREATE TABLE reconsiderations ("
                " id {{PK}},"
                " public_id TEXT NOT NULL UNIQUE,"
                " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " occurred_on TEXT NOT NULL,"
                " sealed TEXT NOT NULL,"
                " created_at BIGINT NOT NULL,"
                " updated_at BIGINT NOT NULL)",
                "CREATE INDEX reconsiderations_user ON reconsiderations(user_id, occurred_on)",
            }}},
          [](web::Services& s) -> Result<std::unique_ptr<web::Module>> {
            return std::unique_ptr<web::Module>(new ReconsiderModule(s));
          }};
}

}  // namespace sb::features
