// The weekly plan and its private calendar feed. Needs the skills feature (its library and log).
#include "features/plan/module.h"

#include <soci/soci.h>

#include <boost/json.hpp>

#include "features/clinician/care.h"
#include "features/plan/pages.h"
#include "features/plan/plan.h"
#include "features/plan/plan_repo.h"

namespace sb::features {
namespace {

namespace json = boost::json;
using web::Need;

class PlanModule final : public web::Module {
 public:
  explicit PlanModule(web::Services& s)
      : db_(s.db),
        plans_(s.db, s.clock, s.key, s.get<growth::SkillLibrary>(), s.get<growth::Practice>()),
        pages_(s.kit, s.get<growth::SkillLibrary>(), plans_) {
    s.provide(plans_);
    // A therapist's requested measures join the calendar feed (docs/CARE.md).
    plans_.set_asked_source([&care = s.get<care::Care>()](
                                int64_t user_id) -> Result<std::vector<growth::AskedMeasure>> {
      auto asked = care.asked_of_client(user_id);
      if (!asked) return asked.error();
      std::vector<growth::AskedMeasure> out;
      for (const auto& a : *asked) {
        growth::AskedMeasure m;
        m.uid_part = "asked-" + std::to_string(a.request.id);
        m.summary = std::string(a.request.kind == "assessment" ? "Assessment" : "Weekly check-in") +
                    ", asked by " + a.who;
        m.description = a.who + " asked for " + care::kind_words(a.request.kind) +
                        ". Open SecureBase to do it, or say no on Your therapist.";
        m.first_day = day_of(a.request.created_at);
        m.every_weeks = a.request.kind == "checkin" ? 1 : a.request.every_weeks;
        out.push_back(std::move(m));
      }
      return out;
    });
  }

  void add_routes(web::Routes& r) override {
    using P = web::PlanPages;
    r.page("GET", "/plan", Need::member("plan:read"), pages_.handler(&P::plan_page));
    r.page("POST", "/plan", Need::member("plan:write"), pages_.handler(&P::do_plan_save));
    r.page("POST", "/plan/add", Need::member("plan:write"), pages_.handler(&P::do_plan_add));
    r.page("POST", "/plan/feed", Need::member("plan:write"), pages_.handler(&P::do_feed_create));
    r.page("POST", "/plan/feed/revoke", Need::member("plan:write"),
           pages_.handler(&P::do_feed_revoke));
    // Read by calendar services without a session: the secret token in the address is the
    // only credential.
    r.public_route("GET", "/calendar/{token}",
                   [this](web::Request& req) { return pages_.calendar_feed(req); });
  }

  std::vector<web::PersonalTable> personal_tables() const override {
    return {{"weekly_plans", "user_id"}, {"calendar_feeds", "user_id"}};
  }
  Result<json::object> export_sections(const Owner& owner) override {
    auto plan = plans_.export_json(owner);
    if (!plan) return plan.error();
    return json::object{{"weekly_plan", json::parse(*plan)}};
  }
  void erase(soci::session& s, int64_t user_id) override {
    store::PlanRepo::erase_user(s, user_id);
  }
  Result<int> rotate_key(const crypto::DataKey& from, const crypto::DataKey& to) override {
    return growth::Plans::rotate_key(db_, from, to);
  }

 private:
  store::Database& db_;
  growth::Plans plans_;
  web::PlanPages pages_;
};

}  // namespace

web::Feature plan() {
  return {"plan",
          {{6,
            "weekly plans and calendar feeds",
            {
                "CREATE TABLE weekly_plans ("
                " user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
                " items TEXT NOT NULL,"
                " started_at BIGINT NOT NULL,"
                " updated_at BIGINT NOT NULL)",
                "CREATE TABLE calendar_feeds ("
                " user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
                " token_hash TEXT NOT NULL UNIQUE,"
                " token_sealed TEXT NOT NULL,"
                " created_at BIGINT NOT NULL)",
            }}},
          [](web::Services& s) -> Result<std::unique_ptr<web::Module>> {
            return std::unique_ptr<web::Module>(new PlanModule(s));
          }};
}

}  // namespace sb::features
