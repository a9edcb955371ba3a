// Pages of working with a therapist: the client's "Your therapist" page (connect, share by
// scope with a preview, stop, end), and the clinician's workspace (codes, requests, clients,
// and each shared scope, every read audited by the access policy).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "features/assessment/assessment.h"
#include "features/checkin/checkin.h"
#include "features/clinician/care.h"
#include "features/clinician/timeline.h"
#include "features/journal/journal.h"
#include "features/reconsider/reconsider.h"
#include "features/skills/skills.h"
#include "web/pages.h"

namespace sb::web {

// What a clinician reads of one scope, as template data; the client's preview shows the same.
struct SharedSources {
  assessment::Assessments& assessments;
  growth::Checkins& checkins;
  const growth::CheckinForm& checkin_form;
  growth::Practice& practice;
  const growth::SkillLibrary& skills;
  growth::Reconsider& reconsider;
  growth::Journal& journal;
};

class CarePages final : public FeaturePages {
 public:
  CarePages(PageKit& kit, care::Care& care, const SharedSources& sources)
      : FeaturePages(kit), care_(care), sources_(sources) {}

  // The client's side.
  Response care_page(Ctx& ctx);
  Response do_connect_code(Ctx& ctx);
  Response do_connect_listing(Ctx& ctx);
  Response do_share(Ctx& ctx);
  Response do_stop(Ctx& ctx);
  Response do_end_as_client(Ctx& ctx);
  Response do_decline(Ctx& ctx);
  Response preview(Ctx& ctx);

  // The clinician's side.
  Response clients_page(Ctx& ctx);
  Response do_new_code(Ctx& ctx);
  Response do_accept(Ctx& ctx);
  Response do_end_as_clinician(Ctx& ctx);
  Response client_page(Ctx& ctx);
  Response do_ask(Ctx& ctx);
  Response do_note(Ctx& ctx);
  Response do_session(Ctx& ctx);
  // The shared measures and the clinician's notes on one time axis; printable as a report.
  Response timeline_page(Ctx& ctx);
  // One shared scope of the client named by {client}; the route's need names the scope.
  Response scope_page(Ctx& ctx, const std::string& scope);
  // The shared results or check-ins as a FHIR R4 Bundle, for the clinician's record system.
  Response results_fhir(Ctx& ctx);
  Response checkins_fhir(Ctx& ctx);
  // Practice, reconsider, moods or the marked journal entries as a FHIR R4 Bundle.
  Response scope_fhir(Ctx& ctx, const std::string& scope);

 private:
  Response render_care(Ctx& ctx, const Error* error, int status);
  Response render_clients(Ctx& ctx, const std::string& new_code, int status);
  // The scope's data of `subject`, for `viewer_words` ("you", "your therapist").
  Result<boost::json::object> scope_view(const care::Scope& scope, const Owner& subject);
  // "Since our last session": one line per shared scope, from `since` (a day) to today.
  Result<boost::json::array> since_view(Ctx& ctx, int64_t client, int64_t since);
  // When each measure was last done (a day number, -1 for never), for these people.
  struct LastDone {
    std::map<int64_t, int64_t> assessment, checkin;
  };
  // The clinician's active connection with this client, if any.
  Result<std::optional<store::CareLinkRecord>> active_link_with(int64_t clinician, int64_t client);
  // The timeline's data (each shared measure asked of the policy, so each look is recorded) and
  // the words for each event, in the same order.
  struct TimelineTexts {
    std::vector<std::string> results, checkins, notes;
  };
  Result<care::TimelineInput> timeline_input(Ctx& ctx, int64_t client,
                                             const std::optional<store::CareLinkRecord>& link,
                                             TimelineTexts& texts);
  Result<LastDone> last_done(const std::vector<int64_t>& for_assessment,
                             const std::vector<int64_t>& for_checkin);

 public:
  // The client's requests from their therapists with where each stands (Today, /care).
  Result<boost::json::array> requests_view(int64_t client_user_id);

 private:
  care::Care& care_;
  SharedSources sources_;
};

}  // namespace sb::web
