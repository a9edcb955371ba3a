// Emotion-regulation skills and the practice log.
#include "features/skills/module.h"

#include <soci/soci.h>

#include <boost/json.hpp>

#include "features/skills/pages.h"
#include "features/skills/practice_repo.h"
#include "features/skills/skills.h"

namespace sb::features {
namespace {

namespace json = boost::json;
using web::Need;

class SkillsModule final : public web::Module {
 public:
  SkillsModule(web::Services& s, growth::SkillLibrary library)
      : db_(s.db),
        library_(std::move(library)),
        practice_(s.db, s.clock, s.key, library_),
        pages_(s.kit, library_, practice_) {
    s.provide(library_);
    s.provide(practice_);
  }

  void add_routes(web::Routes& r) override {
    using P = web::SkillsPages;
    // The library is for everyone; the practice log beside each skill only for its owner.
    r.page("GET", "/skills", Need::anyone(), pages_.handler(&P::skills_list));
    r.page("GET", "/skills/{id}", Need::anyone(), pages_.handler(&P::skill_page));
    r.page("POST", "/skills/{id}/log", Need::member("practice:write"),
           pages_.handler(&P::do_skill_log));
  }

  std::vector<web::PersonalTable> personal_tables() const override {
    return {{"practice_logs", "user_id"}};
  }
  Result<json::object> export_sections(const Owner& owner) override {
    auto logs = practice_.export_json(owner);
    if (!logs) return logs.error();
    return json::object{{"practice_logs", json::parse(*logs)}};
  }
  void erase(soci::session& s, int64_t user_id) override {
    store::PracticeRepo::erase_user(s, user_id);
  }
  Result<int> rotate_key(const crypto::DataKey& from, const crypto::DataKey& to) override {
    return growth::Practice::rotate_key(db_, from, to);
  }

 private:
  store::Database& db_;
  growth::SkillLibrary library_;
  growth::Practice practice_;
  web::SkillsPages pages_;
};

}  // namespace

web::Feature skills() {
  return {"skills",
          {{4,
            "practice logs",
            {
                "CREATE TABLE practice_logs ("
                " id {{PK}},"
                " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " skill_id TEXT NOT NULL,"
                " practiced_at BIGINT NOT NULL,"
                " distress_before INTEGER NOT NULL CHECK (distress_before BETWEEN 0 AND 10),"
                " distress_after INTEGER NOT NULL CHECK (distress_after BETWEEN 0 AND 10),"
                " note_sealed TEXT NOT NULL)",
                "CREATE INDEX practice_logs_user ON practice_logs(user_id, practiced_at)",
            }}},
          [](web::Services& s) -> Result<std::unique_ptr<web::Module>> {
            auto library = growth::SkillLibrary::load(s.content_dir + "/skills.json");
            if (!library) return library.error();
            return std::unique_ptr<web::Module>(new SkillsModule(s, std::move(*library)));
          }};
}

}  // namespace sb::features
