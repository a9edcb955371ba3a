// Strange Situation coding studies for research labs and clinics. A study is a group for the
// access policy: its owner and coders only, every access on the study's own access list.
#include "features/studies/module.h"

#include <soci/soci.h>

#include <boost/json.hpp>

#include "features/studies/pages.h"
#include "features/studies/studies.h"
#include "features/studies/study_repo.h"

namespace sb::features {
namespace {

namespace json = boost::json;
using web::Need;

class StudiesModule final : public web::Module {
 public:
  explicit StudiesModule(web::Services& s)
      : studies_(s.db, s.clock), directory_(studies_), pages_(s.kit, studies_) {
    s.kit.add_group_kind("study", directory_);
  }

  void add_routes(web::Routes& r) override {
    using P = web::StudyPages;
    auto h = [this](web::Response (P::*m)(web::PageContext&)) { return pages_.handler(m); };
    r.page("GET", "/studies", Need::member("studies:read"), h(&P::studies_page));
    r.page("POST", "/studies", Need::member("studies:write"), h(&P::do_create));
    r.page("POST", "/studies/join", Need::member("studies:write"), h(&P::do_join));
    auto in = [](const char* scope) { return Need::member_of("study", "study", scope); };
    r.page("GET", "/studies/{study}", in("studies:read"), h(&P::study_page));
    r.page("POST", "/studies/{study}/sessions", in("studies:manage"), h(&P::do_add_session));
    r.page("POST", "/studies/{study}/invite", in("studies:manage"), h(&P::do_invite));
    r.page("GET", "/studies/{study}/sessions/{session}", in("studies:read"), h(&P::session_page));
    r.page("POST", "/studies/{study}/sessions/{session}/code", in("studies:code"), h(&P::do_code));
    r.page("POST", "/studies/{study}/sessions/{session}/final", in("studies:manage"),
           h(&P::do_final));
    r.page("GET", "/studies/{study}/agreement", in("studies:read"), h(&P::agreement_page));
    r.page("GET", "/studies/{study}/report", in("studies:read"), h(&P::report_page));
    r.page("GET", "/studies/{study}/export.csv", in("studies:read"), h(&P::export_csv));
    r.page("POST", "/studies/{study}/import", in("studies:manage"), h(&P::do_import));
  }

  std::vector<web::PersonalTable> personal_tables() const override {
    return {{"studies", "owner_user_id"},
            {"study_members", "user_id"},
            {"study_invites", "created_by"},
            {"study_codes", "coder_user_id"}};
  }

  // The studies the person belongs to, with the codes they submitted (study data is
  // pseudonymous: participant codes only).
  Result<json::object> export_sections(const Owner& owner) override {
    std::vector<std::string> ids;
    auto names = studies_.names_of(*owner.user_id, &ids);
    if (!names) return names.error();
    json::array out;
    for (size_t i = 0; i < ids.size(); ++i) {
      auto m = studies_.membership(ids[i], *owner.user_id);
      if (!m) return m.error();
      if (!*m) continue;
      auto study = studies_.load((*m)->group_id);
      if (!study) return study.error();
      json::array mine;
      for (const auto& s : study->sessions)
        for (size_t c = 0; c < s.codes.size(); ++c)
          if (s.coded_by[c] == *owner.user_id)
            mine.push_back(json::object{{"participant", s.participant},
                                        {"code", json::parse(studies::to_json(s.codes[c]))}});
      out.push_back(json::object{
          {"study", (*names)[i].first}, {"role", (*names)[i].second}, {"my_codes", mine}});
    }
    if (out.empty()) return json::object{};
    return json::object{{"coding_studies", out}};
  }

  void erase(soci::session& s, int64_t user_id) override {
    store::StudyRepo::erase_user(s, user_id);
  }

 private:
  studies::Studies studies_;
  web::MembershipDirectory<studies::Studies> directory_;
  web::StudyPages pages_;
};

}  // namespace

web::Feature studies() {
  return {"studies",
          {{19,
            "Strange Situation coding studies: members, sessions and codes",
            {
                "CREATE TABLE studies ("
                " id {{PK}},"
                " public_id TEXT NOT NULL UNIQUE,"
                " name TEXT NOT NULL,"
                " owner_user_id BIGINT NOT NULL REFERENCES users(id),"
                " created_at BIGINT NOT NULL)",
                "CREATE TABLE study_members ("
                " id {{PK}},"
                " study_id BIGINT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,"
                " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " role TEXT NOT NULL CHECK (role IN ('owner', 'coder')),"
                " label TEXT NOT NULL,"
                " added_at BIGINT NOT NULL,"
                " UNIQUE (study_id, user_id))",
                "CREATE INDEX study_members_user ON study_members(user_id)",
                "CREATE TABLE study_invites ("
                " id {{PK}},"
                " study_id BIGINT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,"
                " created_by BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " code_hash TEXT NOT NULL UNIQUE,"
                " created_at BIGINT NOT NULL,"
                " expires_at BIGINT NOT NULL,"
                " used_at BIGINT,"
                " used_by BIGINT REFERENCES users(id) ON DELETE SET NULL)",
                "CREATE TABLE study_sessions ("
                " id {{PK}},"
                " public_id TEXT NOT NULL UNIQUE,"
                " study_id BIGINT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,"
                " participant TEXT NOT NULL,"
                " created_at BIGINT NOT NULL,"
                " final_code TEXT NOT NULL,"
                " finalised_by BIGINT REFERENCES users(id) ON DELETE SET NULL,"
                " finalised_at BIGINT,"
                " UNIQUE (study_id, participant))",
                "CREATE TABLE study_codes ("
                " id {{PK}},"
                " session_id BIGINT NOT NULL REFERENCES study_sessions(id) ON DELETE CASCADE,"
                " coder_user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " code TEXT NOT NULL,"
                " submitted_at BIGINT NOT NULL,"
                " UNIQUE (session_id, coder_user_id))",
            }}},
          [](web::Services& s) -> Result<std::unique_ptr<web::Module>> {
            return std::unique_ptr<web::Module>(new StudiesModule(s));
          }};
}

}  // namespace sb::features
