#include "web/access_policy.h"

namespace sb::web {
namespace {

using Outcome = Decision::Outcome;

Decision outcome(Outcome o) {
  Decision d;
  d.outcome = o;
  return d;
}

Subject self_subject(const accounts::Visitor& actor) {
  if (actor.signed_in()) return {SubjectKind::kPerson, *actor.user_id, actor.email, "", ""};
  return {SubjectKind::kVisitor, actor.session_id, "", "", ""};
}

bool needs_second_factor(accounts::Role role) { return role != accounts::Role::kMember; }

}  // namespace

const char* grant_name(Grant g) {
  switch (g) {
    case Grant::kSelf:
      return "self";
    case Grant::kConsent:
      return "consent";
    case Grant::kModeration:
      return "moderation";
    case Grant::kMembership:
      return "membership";
  }
  return "self";
}

Owner AccessContext::owner() const {
  if (subject_.kind == SubjectKind::kPerson) return Owner{subject_.id, 0};
  // A group's data is the group's; what the actor writes into it is theirs.
  if (subject_.kind == SubjectKind::kGroup) return Owner{actor_.user_id, 0};
  return Owner{std::nullopt, subject_.id};
}

std::string Need::describe() const {
  static constexpr const char* kWho[] = {"anyone", "visitor", "member", "admin", "clinician"};
  std::string s = kWho[static_cast<int>(who)];
  if (!scope.empty()) s += " " + scope;
  if (!subject_param.empty()) s += " of {" + subject_param + "}";
  if (moderation) s += " by moderation";
  if (consent) s += " by consent";
  if (fresh_auth) s += ", fresh";
  if (pending_second_factor) s += ", second step of sign-in";
  return s;
}

AccessContext AccessPolicy::self(const accounts::Visitor& actor, const std::string& scope) const {
  return AccessContext(actor, self_subject(actor), Grant::kSelf, scope);
}

Decision AccessPolicy::decide(const Need& need, const accounts::Visitor& actor,
                              const Request& req) {
  if (need.pending_second_factor) {
    if (actor.signed_in() || !actor.pending_user_id) return outcome(Outcome::kSignIn);
    Decision d = outcome(Outcome::kAllow);
    d.context = self(actor, need.scope);
    return d;
  }
  if (need.who == Need::Who::kAnyone || need.who == Need::Who::kVisitor) {
    Decision d = outcome(Outcome::kAllow);
    d.context = self(actor, need.scope);
    return d;
  }
  if (!actor.signed_in()) return outcome(Outcome::kSignIn);
  if (need.who == Need::Who::kAdmin) {
    if (actor.role != accounts::Role::kAdmin) return outcome(Outcome::kForbidden);
    if (!actor.second_factor) return outcome(Outcome::kSecondFactor);
  }
  if (need.who == Need::Who::kClinician) {
    if (actor.role != accounts::Role::kClinician) return outcome(Outcome::kForbidden);
    if (!actor.second_factor) return outcome(Outcome::kSecondFactor);
  }
  if (need.fresh_auth && clock_.now() - actor.authenticated_at > kFreshAuthSeconds)
    return outcome(Outcome::kReauthenticate);

  if (need.subject_param.empty()) {
    Decision d = outcome(Outcome::kAllow);
    d.context = self(actor, need.scope);
    return d;
  }
  if (!need.group_kind.empty()) return decide_group(need, actor, req);
  // Someone's data, named in the address by their public id.
  auto param = req.params.find(need.subject_param);
  if (param == req.params.end()) return outcome(Outcome::kNotFound);
  auto person = accounts_.find_user_by_public_id(param->second);
  if (!person) {
    Decision d = outcome(Outcome::kUnavailable);
    d.error = person.error();
    return d;
  }
  if (!person->has_value()) return outcome(Outcome::kNotFound);
  const Subject subject{SubjectKind::kPerson, (*person)->id, (*person)->email, "", ""};
  if (subject.id == *actor.user_id) {
    Decision d = outcome(Outcome::kAllow);
    d.context = AccessContext(actor, subject, Grant::kSelf, need.scope);
    return d;
  }
  // Seeing anyone else's data needs two-factor, whatever the grant.
  if (needs_second_factor(actor.role) && !actor.second_factor)
    return outcome(Outcome::kSecondFactor);
  if (need.moderation && actor.role == accounts::Role::kAdmin) {
    Decision d = outcome(Outcome::kAllow);
    d.context = AccessContext(actor, subject, Grant::kModeration, need.scope);
    return d;
  }
  if (need.consent) {
    if (!actor.second_factor) return outcome(Outcome::kSecondFactor);
    auto grant = access_.active_grant(subject.id, *actor.user_id, need.scope, clock_.now());
    if (!grant) {
      Decision d = outcome(Outcome::kUnavailable);
      d.error = grant.error();
      return d;
    }
    if (grant->has_value()) {
      Decision d = outcome(Outcome::kAllow);
      d.context = AccessContext(actor, subject, Grant::kConsent, need.scope);
      return d;
    }
  }
  return outcome(Outcome::kForbidden);
}

Decision AccessPolicy::decide_group(const Need& need, const accounts::Visitor& actor,
                                    const Request& req) {
  auto directory = groups_.find(need.group_kind);
  auto param = req.params.find(need.subject_param);
  if (directory == groups_.end() || param == req.params.end()) return outcome(Outcome::kNotFound);
  auto member = directory->second->membership(param->second, *actor.user_id);
  if (!member) {
    Decision d = outcome(Outcome::kUnavailable);
    d.error = member.error();
    return d;
  }
  // A group that does not exist looks the same as one the account does not belong to.
  if (!member->has_value() || (*member)->role.empty()) return outcome(Outcome::kForbidden);
  Subject subject{SubjectKind::kGroup, (*member)->group_id, (*member)->label, need.group_kind,
                  (*member)->role};
  Decision d = outcome(Outcome::kAllow);
  d.context = AccessContext(actor, std::move(subject), Grant::kMembership, need.scope);
  return d;
}

Status AccessPolicy::audit(const AccessContext& context, const Request& req) {
  if (!context.by_someone_else()) return ok_status();
  const auto& actor = context.actor();
  if (context.subject().kind == SubjectKind::kGroup) {
    // Every member's every access to a group's data is on the group's own access list.
    store::GroupAuditRecord r;
    r.group_kind = context.subject().group_kind;
    r.group_id = context.subject().id;
    r.actor_user_id = actor.user_id;
    r.actor_label = actor.email;
    r.actor_role = context.subject().role;
    r.scope = context.scope();
    r.object = req.method + " " + req.path;
    r.at = clock_.now();
    return access_.record_group(r);
  }
  store::AuditRecord r;
  r.subject_user_id = context.subject().id;
  r.actor_user_id = actor.user_id;
  r.actor_role = accounts::role_name(actor.role);
  r.actor_label = actor.email;
  r.grant = grant_name(context.grant());
  r.scope = context.scope();
  r.object = req.method + " " + req.path;
  r.at = clock_.now();
  r.address = req.remote_address;
  return access_.record(r);
}

Result<std::set<int64_t>> AccessPolicy::consented(const accounts::Visitor& actor,
                                                  const std::string& scope,
                                                  const std::vector<int64_t>& subjects,
                                                  const Request& req) {
  std::set<int64_t> allowed;
  // The same rules as one person's data: signed in, two-factor, a grant in force.
  if (!actor.signed_in() || !actor.second_factor) return allowed;
  auto granting = access_.subjects_granting(*actor.user_id, scope, clock_.now());
  if (!granting) return granting.error();
  const std::set<int64_t> asked(subjects.begin(), subjects.end());
  std::vector<store::AuditRecord> rows;
  for (int64_t subject : *granting) {
    if (!asked.count(subject) || subject == *actor.user_id) continue;
    allowed.insert(subject);
    store::AuditRecord r;
    r.subject_user_id = subject;
    r.actor_user_id = actor.user_id;
    r.actor_role = accounts::role_name(actor.role);
    r.actor_label = actor.email;
    r.grant = grant_name(Grant::kConsent);
    r.scope = scope;
    r.object = req.method + " " + req.path;
    r.at = clock_.now();
    r.address = req.remote_address;
    rows.push_back(std::move(r));
  }
  if (auto st = access_.record_all(rows); !st) return st.error();
  return allowed;
}

}  // namespace sb::web
