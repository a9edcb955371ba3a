// Who may do what to whose data. Every page request resolves to an AccessContext: the actor
// (a visitor or an account, with its role), the subject whose data the request reads or
// changes, and the grant that allows it. Routes declare what they need; the AccessPolicy
// (access_policy.h) is the only place that decides, and the only place that creates a context.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "accounts/accounts.h"
#include "core/owner.h"
#include "core/result.h"

namespace sb::web {

class AccessPolicy;

// Whose data: a person (an account), an anonymous visitor's own session, or a group several
// accounts share (a child profile its caregivers share, a study its coders share), of a kind a
// feature brings.
enum class SubjectKind { kVisitor, kPerson, kGroup };

struct Subject {
  SubjectKind kind = SubjectKind::kVisitor;
  int64_t id = 0;     // the session id of a visitor, the user id of a person, the group's row id
  std::string label;  // how an administrator's page names the subject (e-mail), never logged
  std::string group_kind;  // for a group: "child", "study"
  std::string role;        // for a group: the actor's role in it ("first caregiver", "coder")
};

// How the access policy learns who belongs to a group: a feature registers one per kind.
struct GroupMember {
  int64_t group_id = 0;
  std::string label;  // the group's name for pages (a child's name), never logged
  std::string role;   // empty when the account does not belong to it (or no longer does)
};
class GroupDirectory {
 public:
  virtual ~GroupDirectory() = default;
  // The group with this public id and the account's role in it; nullopt when there is none.
  virtual Result<std::optional<GroupMember>> membership(const std::string& public_id,
                                                        int64_t user_id) = 0;
};

// The directory over a feature's service whose membership(public_id, user_id) returns
// Result<std::optional<M>>, M holding group_id, name and role.
template <typename Service>
class MembershipDirectory final : public GroupDirectory {
 public:
  explicit MembershipDirectory(Service& service) : service_(service) {}
  Result<std::optional<GroupMember>> membership(const std::string& public_id,
                                                int64_t user_id) override {
    auto m = service_.membership(public_id, user_id);
    if (!m) return m.error();
    if (!*m) return std::optional<GroupMember>{};
    return std::optional<GroupMember>{GroupMember{(*m)->group_id, (*m)->name, (*m)->role}};
  }

 private:
  Service& service_;
};

// Why the actor may act on the subject's data.
enum class Grant {
  kSelf,        // it is the actor's own data
  kConsent,     // the subject granted the actor this scope (clinician sharing)
  kModeration,  // an administrator acting for the service
  kMembership,  // the actor belongs to the group (a caregiver of the child, a study's coder)
};
const char* grant_name(Grant g);

class AccessContext {
 public:
  const accounts::Visitor& actor() const { return actor_; }
  const Subject& subject() const { return subject_; }
  Grant grant() const { return grant_; }
  const std::string& scope() const { return scope_; }
  bool by_someone_else() const { return grant_ != Grant::kSelf; }
  // The subject as the owner the feature services take. For kSelf on a signed-in actor this is
  // the actor's account; for a visitor, their session; for another person, that person.
  Owner owner() const;

 private:
  friend class AccessPolicy;
  AccessContext(accounts::Visitor actor, Subject subject, Grant grant, std::string scope)
      : actor_(std::move(actor)),
        subject_(std::move(subject)),
        grant_(grant),
        scope_(std::move(scope)) {}

  accounts::Visitor actor_;
  Subject subject_;
  Grant grant_;
  std::string scope_;
};

// What a route needs. Built with the named constructors below, e.g.
//   Need::member("journal:read")                    the signed-in person's own journal
//   Need::visitor("assessment:write")               anonymous visitors too (their session's work)
//   Need::moderation("member", "account:read")      an admin, on the person named by {member}
//   Need::member("account:export").fresh()          and re-authenticated in the last 10 minutes
struct Need {
  enum class Who {
    kAnyone,     // public pages: no session needed, nothing personal shown
    kVisitor,    // a session (created on demand), signed in or not
    kMember,     // a signed-in account
    kAdmin,      // a signed-in administrator with two-factor
    kClinician,  // a signed-in clinician with two-factor (their own listing)
  };
  Who who = Who::kAnyone;
  std::string scope;                   // e.g. "journal:read"; empty for public pages
  std::string subject_param;           // path parameter naming another person (their public id)
  bool moderation = false;             // admins may act on that person's data
  bool consent = false;                // a grant of `scope` from that person allows it
  std::string group_kind;              // the path parameter names a group of this kind
  bool fresh_auth = false;             // password or code entered in the last 10 minutes
  bool pending_second_factor = false;  // the second step of signing in

  static Need anyone() { return {}; }
  static Need visitor(std::string scope) { return of(Who::kVisitor, std::move(scope)); }
  static Need member(std::string scope) { return of(Who::kMember, std::move(scope)); }
  static Need admin(std::string scope) { return of(Who::kAdmin, std::move(scope)); }
  static Need clinician(std::string scope) { return of(Who::kClinician, std::move(scope)); }
  static Need moderation_of(std::string param, std::string scope) {
    Need n = of(Who::kAdmin, std::move(scope));
    n.subject_param = std::move(param);
    n.moderation = true;
    return n;
  }
  static Need consent_of(std::string param, std::string scope) {
    Need n = of(Who::kMember, std::move(scope));
    n.subject_param = std::move(param);
    n.consent = true;
    return n;
  }
  // A group's data (a child profile, a study) named by {param}: its members only, every access
  // recorded in the group's own access list.
  static Need member_of(std::string kind, std::string param, std::string scope) {
    Need n = of(Who::kMember, std::move(scope));
    n.subject_param = std::move(param);
    n.group_kind = std::move(kind);
    return n;
  }
  static Need signing_in() {
    Need n;
    n.pending_second_factor = true;
    return n;
  }
  Need fresh() && {
    fresh_auth = true;
    return std::move(*this);
  }
  // A one-line description for the access matrix and the route list.
  std::string describe() const;

 private:
  static Need of(Who who, std::string scope) {
    Need n;
    n.who = who;
    n.scope = std::move(scope);
    return n;
  }
};

inline constexpr int64_t kFreshAuthSeconds = 10 * 60;

}  // namespace sb::web
