// The weekly regulation check-in.
#include "features/checkin/module.h"

#include <soci/soci.h>

#include <boost/json.hpp>

#include "features/checkin/checkin.h"
#include "features/checkin/checkin_repo.h"
#include "features/checkin/pages.h"

namespace sb::features {
namespace {

namespace json = boost::json;
using web::Need;

class CheckinModule final : public web::Module {
 public:
  CheckinModule(web::Services& s, growth::CheckinForm form)
      : form_(std::move(form)), checkins_(s.db, s.clock, form_), pages_(s.kit, form_, checkins_) {
    s.provide(form_);
    s.provide(checkins_);
  }

  void add_routes(web::Routes& r) override {
    using P = web::CheckinPages;
    r.page("GET", "/checkin", Need::member("checkin:read"), pages_.handler(&P::checkin_page));
    r.page("POST", "/checkin", Need::member("checkin:write"), pages_.handler(&P::do_checkin));
  }

  std::vector<web::PersonalTable> personal_tables() const override {
    return {{"regulation_checkins", "user_id"}};
  }
  Result<json::object> export_sections(const Owner& owner) override {
    auto history = checkins_.history(owner);
    if (!history) return history.error();
    json::array weeks;
    for (const auto& c : *history) {
      json::object scores;
      for (const auto& [area, score] : c.by_area) scores[area] = score;
      weeks.push_back(json::object{{"week_start", c.week_start}, {"scores", scores}});
    }
    return json::object{{"checkins", weeks}};
  }
  void erase(soci::session& s, int64_t user_id) override {
    store::CheckinRepo::erase_user(s, user_id);
  }

 private:
  growth::CheckinForm form_;
  growth::Checkins checkins_;
  web::CheckinPages pages_;
};

}  // namespace

web::Feature checkin() {
  return {"checkin",
          {{5,
            "regulation check-ins",
            {
                "CREATE TABLE regulation_checkins ("
                " id {{PK}},"
                " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " week_start TEXT NOT NULL,"
                " taken_at BIGINT NOT NULL,"
                " answers TEXT NOT NULL,"
                " UNIQUE (user_id, week_start))",
            }}},
          [](web::Services& s) -> Result<std::unique_ptr<web::Module>> {
            auto form = growth::CheckinForm::load(s.content_dir + "/checkin.json");
            if (!form) return form.error();
            return std::unique_ptr<web::Module>(new CheckinModule(s, std::move(*form)));
          }};
}

}  // namespace sb::features
