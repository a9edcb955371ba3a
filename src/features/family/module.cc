// Children and caregivers: child profiles shared by the caregivers the first one invites, the
// caregiving log, the weekly reflection, secure-base signs by age and the guidance pages. A
// child profile is a group for the access policy: only its caregivers reach it, and every
// access is on the child's own access list.
#include "features/family/module.h"

#include <soci/soci.h>

#include <boost/json.hpp>

#include "core/dates.h"
#include "core/strings.h"
#include "features/family/family.h"
#include "features/family/family_repo.h"
#include "features/family/pages.h"

namespace sb::features {
namespace {

namespace json = boost::json;
using web::Need;

class FamilyModule final : public web::Module {
 public:
  FamilyModule(web::Services& s, family::SignBook signs)
      : db_(s.db),
        access_(s.db),
        family_(s.db, s.clock, s.key),
        signs_(std::move(signs)),
        directory_(family_),
        pages_(s.kit, family_, signs_, access_) {
    s.kit.add_group_kind("child", directory_);
    s.provide(family_);
  }

  void add_routes(web::Routes& r) override {
    using P = web::FamilyPages;
    auto h = [this](web::Response (P::*m)(web::PageContext&)) { return pages_.handler(m); };
    r.page("GET", "/family", Need::member("family:read"), h(&P::family_home));
    r.page("POST", "/family/children", Need::member("family:write"), h(&P::do_add_child));
    r.page("POST", "/family/join", Need::member("family:write"), h(&P::do_join));
    r.page("GET", "/family/guide/{slug}", Need::anyone(), h(&P::guide));
    auto child = [](const char* scope) { return Need::member_of("child", "child", scope); };
    r.page("GET", "/family/{child}", child("family:read"), h(&P::child_page));
    r.page("POST", "/family/{child}/log", child("family:write"), h(&P::do_log));
    r.page("GET", "/family/{child}/reflection", child("family:read"), h(&P::reflection_page));
    r.page("GET", "/family/{child}/signs", child("family:read"), h(&P::signs_page));
    r.page("POST", "/family/{child}/signs", child("family:write"), h(&P::do_signs));
    r.page("POST", "/family/{child}/invite", child("family:invite"), h(&P::do_invite));
    r.page("POST", "/family/{child}/caregivers/{caregiver}/remove", child("family:invite"),
           h(&P::do_remove));
    r.page("GET", "/family/{child}/access", child("family:read"), h(&P::access_page));
  }

  std::vector<web::PersonalTable> personal_tables() const override {
    return {{"children", "owner_user_id"},
            {"child_caregivers", "user_id"},
            {"child_invites", "created_by"},
            {"caregiving_log", "user_id"},
            {"sign_checks", "user_id"}};
  }

  // Each child the person cares for, with the whole log and every check (the child's record is
  // shared by its caregivers, and each of them may take it with them).
  Result<json::object> export_sections(const Owner& owner) override {
    auto children = family_.children_of(*owner.user_id);
    if (!children) return children.error();
    json::array out;
    for (const auto& [c, role] : *children) {
      auto log = family_.entries(c.id, INT64_MIN / 2, INT64_MAX / 2, *owner.user_id);
      if (!log) return log.error();
      json::array moments;
      for (const auto& e : *log) {
        json::array did;
        for (const auto& x : e.responses) did.push_back(json::string(x));
        moments.push_back(json::object{{"at", iso8601(e.at)},
                                       {"cue", e.cue},
                                       {"responses", did},
                                       {"speed", e.speed},
                                       {"outcome", e.outcome},
                                       {"note", e.note},
                                       {"logged_by", e.by}});
      }
      auto checks = family_.checks(c.id, *owner.user_id);
      if (!checks) return checks.error();
      json::array observed;
      for (const auto& k : *checks) {
        json::object answers;
        for (const auto& [sign, answer] : k.answers) answers[sign] = answer;
        observed.push_back(json::object{
            {"on", k.checked_on}, {"stage", k.stage}, {"answers", answers}, {"by", k.by}});
      }
      out.push_back(json::object{{"name", c.name},
                                 {"birth_date", c.birth_date},
                                 {"my_role", role},
                                 {"caregiving_log", moments},
                                 {"secure_base_signs", observed}});
    }
    if (out.empty()) return json::object{};
    return json::object{{"children", out}};
  }

  void erase(soci::session& s, int64_t user_id) override {
    store::FamilyRepo::erase_user(s, user_id);
  }

  Result<int> rotate_key(const crypto::DataKey& from, const crypto::DataKey& to) override {
    return family::Family::rotate_key(db_, from, to);
  }

 private:
  store::Database& db_;
  store::AccessRepo access_;
  family::Family family_;
  family::SignBook signs_;
  web::MembershipDirectory<family::Family> directory_;
  web::FamilyPages pages_;
};

}  // namespace

web::Feature family() {
  return {"family",
          {{18,
            "child profiles, their caregivers, the caregiving log and secure-base signs",
            {
                "CREATE TABLE children ("
                " id {{PK}},"
                " public_id TEXT NOT NULL UNIQUE,"
                " owner_user_id BIGINT NOT NULL REFERENCES users(id),"
                " name_sealed TEXT NOT NULL,"
                " birth_date TEXT NOT NULL,"
                " created_at BIGINT NOT NULL)",
                "CREATE INDEX children_owner ON children(owner_user_id)",
                "CREATE TABLE child_caregivers ("
                " id {{PK}},"
                " child_id BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,"
                " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " role TEXT NOT NULL CHECK (role IN ('first', 'invited')),"
                " added_at BIGINT NOT NULL,"
                " removed_at BIGINT,"
                " UNIQUE (child_id, user_id))",
                "CREATE INDEX child_caregivers_user ON child_caregivers(user_id)",
                "CREATE TABLE child_invites ("
                " id {{PK}},"
                " child_id BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,"
                " created_by BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " code_hash TEXT NOT NULL UNIQUE,"
                " created_at BIGINT NOT NULL,"
                " expires_at BIGINT NOT NULL,"
                " used_at BIGINT,"
                " used_by BIGINT REFERENCES users(id) ON DELETE SET NULL)",
                "CREATE TABLE caregiving_log ("
                " id {{PK}},"
                " child_id BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,"
                " user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,"
                " at BIGINT NOT NULL,"
                " cue TEXT NOT NULL,"
                " responses TEXT NOT NULL,"
                " speed TEXT NOT NULL,"
                " outcome TEXT NOT NULL,"
                " note_sealed TEXT NOT NULL)",
                "CREATE INDEX caregiving_log_child ON caregiving_log(child_id, at)",
                "CREATE INDEX caregiving_log_user ON caregiving_log(user_id)",
                "CREATE TABLE sign_checks ("
                " id {{PK}},"
                " child_id BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,"
                " user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,"
                " checked_on TEXT NOT NULL,"
                " stage TEXT NOT NULL,"
                " answers TEXT NOT NULL)",
                "CREATE INDEX sign_checks_child ON sign_checks(child_id, checked_on)",
            }}},
          [](web::Services& s) -> Result<std::unique_ptr<web::Module>> {
            auto signs = family::SignBook::load(s.content_dir + "/family/signs.json");
            if (!signs) return signs.error();
            return std::unique_ptr<web::Module>(new FamilyModule(s, std::move(*signs)));
          }};
}

}  // namespace sb::features
