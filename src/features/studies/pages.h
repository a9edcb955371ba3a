// The study pages: the studies a person belongs to, one study (sessions and where each stands,
// coders, invitations), coding a session blind, the conference, the agreement report, the study
// report, and the research CSV out and in.
#pragma once

#include "features/studies/studies.h"
#include "web/pages.h"

namespace sb::web {

class StudyPages final : public FeaturePages {
 public:
  StudyPages(PageKit& kit, studies::Studies& studies) : FeaturePages(kit), studies_(studies) {}

  Response studies_page(Ctx& ctx);
  Response do_create(Ctx& ctx);
  Response do_join(Ctx& ctx);
  Response study_page(Ctx& ctx);
  Response do_add_session(Ctx& ctx);
  Response do_invite(Ctx& ctx);
  Response session_page(Ctx& ctx);
  Response do_code(Ctx& ctx);
  Response do_final(Ctx& ctx);
  Response agreement_page(Ctx& ctx);
  Response report_page(Ctx& ctx);
  Response export_csv(Ctx& ctx);
  Response do_import(Ctx& ctx);

 private:
  Response render_studies(Ctx& ctx, const Error* error, int status);
  Response render_study(Ctx& ctx, const Error* error, const std::string& code, int status);
  Response render_session(Ctx& ctx, const Error* error, int status);
  int64_t study_id(Ctx& ctx) const { return ctx.access->subject().id; }
  bool is_owner(Ctx& ctx) const { return ctx.access->subject().role == "owner"; }

  studies::Studies& studies_;
};

}  // namespace sb::web
