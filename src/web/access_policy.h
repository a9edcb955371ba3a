// The one place that decides whether a request may proceed and creates its AccessContext, and
// the one place that writes the access audit.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "accounts/access_repo.h"
#include "accounts/accounts.h"
#include "core/clock.h"
#include "web/access.h"
#include "web/http.h"

namespace sb::web {

struct Decision {
  enum class Outcome {
    kAllow,
    kSignIn,          // 303 to /signin
    kSecondFactor,    // 303 to /account/two-factor: the role needs it
    kReauthenticate,  // 303 to /account/confirm
    kForbidden,       // 403
    kNotFound,        // 404: no such person (or not one this actor may know of)
    kUnavailable,     // the store failed; `error` says how
  };
  Outcome outcome = Outcome::kForbidden;
  std::optional<AccessContext> context;
  Error error{ErrorCode::kInternal, "", ""};
};

class AccessPolicy {
 public:
  AccessPolicy(store::AccountsRepo& accounts, store::AccessRepo& access, const Clock& clock)
      : accounts_(accounts), access_(access), clock_(clock) {}

  Decision decide(const Need& need, const accounts::Visitor& actor, const Request& req);
  // Who belongs to the groups of `kind` (a feature's, registered when it is made).
  void add_group_kind(const std::string& kind, GroupDirectory& directory) {
    groups_[kind] = &directory;
  }
  // The actor's own context (used after a visitor's session is created mid-request).
  AccessContext self(const accounts::Visitor& actor, const std::string& scope) const;
  // Records an access by someone other than the subject. The request may go on only when
  // this succeeds: no access to someone's data goes unrecorded.
  Status audit(const AccessContext& context, const Request& req);
  // A page about several people (a clinician's client list): which of `subjects` granted the
  // actor `scope`, in force now. Each of them gets an audit row for this request before the
  // answer is returned; the others are left out, never shown.
  Result<std::set<int64_t>> consented(const accounts::Visitor& actor, const std::string& scope,
                                      const std::vector<int64_t>& subjects, const Request& req);

 private:
  store::AccountsRepo& accounts_;
  store::AccessRepo& access_;
  const Clock& clock_;
  std::map<std::string, GroupDirectory*> groups_;

  Decision decide_group(const Need& need, const accounts::Visitor& actor, const Request& req);
};

}  // namespace sb::web
