#include "features/studies/studies.h"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "accounts/crypto.h"
#include "core/strings.h"
#include "features/studies/study_repo.h"

namespace sb::studies {
namespace json = boost::json;

namespace {

Error invalid(const std::string& field, const std::string& message) {
  return Error{ErrorCode::kInvalidArgument, message, field};
}
constexpr int64_t kInviteSeconds = 7 * 24 * 3600;

}  // namespace

std::string to_json(const SessionCode& c) {
  json::array episodes;
  for (const auto& e : c.episodes) {
    json::object scales;
    for (const auto& [k, v] : e.scales) scales[k] = v;
    episodes.push_back(json::object{
        {"episode", e.episode}, {"crying", e.crying}, {"seconds", e.seconds}, {"scales", scales}});
  }
  json::array indices;
  for (const auto& i : c.disorganisation_indices) indices.push_back(json::string(i));
  return json::serialize(json::object{{"episodes", episodes},
                                      {"indices", indices},
                                      {"disorganisation", c.disorganisation},
                                      {"classification", c.classification},
                                      {"subgroup", c.subgroup}});
}

Result<SessionCode> from_json(const std::string& text) {
  try {
    const auto doc = json::parse(text).as_object();
    SessionCode c;
    for (const auto& e : doc.at("episodes").as_array()) {
      EpisodeScores s;
      s.episode = static_cast<int>(e.at("episode").to_number<int64_t>());
      s.crying = static_cast<int>(e.at("crying").to_number<int64_t>());
      if (const auto* seconds = e.as_object().if_contains("seconds"))
        s.seconds = static_cast<int>(seconds->to_number<int64_t>());
      for (const auto& [k, v] : e.at("scales").as_object())
        s.scales[std::string(k)] = static_cast<int>(v.to_number<int64_t>());
      c.episodes.push_back(std::move(s));
    }
    for (const auto& i : doc.at("indices").as_array())
      c.disorganisation_indices.emplace_back(i.as_string());
    c.disorganisation = static_cast<int>(doc.at("disorganisation").to_number<int64_t>());
    c.classification = json::value_to<std::string>(doc.at("classification"));
    c.subgroup = json::value_to<std::string>(doc.at("subgroup"));
    return c;
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInternal, std::string("a stored code is not readable: ") + e.what(),
                 ""};
  }
}

std::vector<Member> Study::coders() const {
  std::vector<Member> out;
  for (const auto& m : members)
    if (m.role == "coder") out.push_back(m);
  return out;
}

bool Study::complete(const Session& s) const {
  const auto all = coders();
  if (all.empty()) return false;
  return std::all_of(all.begin(), all.end(), [&](const Member& m) {
    return std::find(s.coded_by.begin(), s.coded_by.end(), m.user_id) != s.coded_by.end();
  });
}

const std::vector<BaseRate>& base_rates() {
  static const std::vector<BaseRate> v = {{"A", 20}, {"B", 65}, {"C", 10}, {"D", 15}};
  return v;
}

Result<std::string> Studies::create(int64_t owner, const std::string& name) {
  const std::string trimmed(trim(name));
  if (trimmed.empty() || trimmed.size() > 80)
    return invalid("name", "Give the study a name of up to 80 characters.");
  store::StudyRecord r{0, crypto::random_token(16), trimmed, owner, clock_.now()};
  if (auto st = store::StudyRepo(db_).create(r); !st) return st.error();
  return r.public_id;
}

Result<std::vector<std::pair<std::string, std::string>>> Studies::names_of(
    int64_t user_id, std::vector<std::string>* ids) {
  auto rows = store::StudyRepo(db_).studies_of(user_id);
  if (!rows) return rows.error();
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [s, role] : *rows) {
    out.emplace_back(s.name, role);
    ids->push_back(s.public_id);
  }
  return out;
}

Result<std::optional<Studies::Membership>> Studies::membership(const std::string& public_id,
                                                               int64_t user_id) {
  store::StudyRepo repo(db_);
  auto study = repo.by_public_id(public_id);
  if (!study) return study.error();
  if (!*study) return std::optional<Membership>{};
  auto members = repo.members((*study)->id);
  if (!members) return members.error();
  Membership m{(*study)->id, (*study)->name, ""};
  for (const auto& x : *members)
    if (x.user_id == user_id) m.role = x.role;
  return std::optional<Membership>{m};
}

Result<Study> Studies::load(int64_t study_id) {
  store::StudyRepo repo(db_);
  auto s = repo.by_id(study_id);
  if (!s) return s.error();
  if (!*s) return Error{ErrorCode::kNotFound, "There is no such study.", ""};
  Study study{(*s)->id, (*s)->public_id, (*s)->name, {}, {}};
  auto members = repo.members(study_id);
  if (!members) return members.error();
  for (const auto& m : *members) study.members.push_back({m.user_id, m.email, m.role, m.label});
  auto sessions = repo.sessions(study_id);
  if (!sessions) return sessions.error();
  auto codes = repo.codes(study_id);
  if (!codes) return codes.error();
  for (const auto& r : *sessions) {
    Session session{r.id, r.public_id, r.participant, {}, {}, std::nullopt};
    for (const auto& c : *codes) {
      if (c.session_id != r.id) continue;
      auto code = from_json(c.code);
      if (!code) return code.error();
      code->participant = r.participant;
      code->coder = "former coder";
      for (const auto& m : study.members)
        if (m.user_id == c.coder_user_id) code->coder = m.label;
      session.codes.push_back(std::move(*code));
      session.coded_by.push_back(c.coder_user_id);
    }
    if (!r.final_code.empty()) {
      auto final_code = from_json(r.final_code);
      if (!final_code) return final_code.error();
      final_code->participant = r.participant;
      final_code->coder = "final";
      session.final_code = std::move(*final_code);
    }
    study.sessions.push_back(std::move(session));
  }
  return study;
}

Result<std::string> Studies::invite(int64_t study_id, int64_t by) {
  const std::string code = crypto::readable_code();
  const int64_t now = clock_.now();
  if (auto st = store::StudyRepo(db_).add_invite(
          study_id, by, crypto::sha256_hex("study:" + crypto::normalised_code(code)), now,
          now + kInviteSeconds);
      !st)
    return st.error();
  return code;
}

Result<std::string> Studies::join(int64_t user_id, const std::string& code) {
  const std::string typed = crypto::normalised_code(code);
  if (typed.size() != 10)
    return invalid("code", "An invitation code has ten letters and digits, like ABCD-EFGH-JK.");
  auto joined =
      store::StudyRepo(db_).use_invite(crypto::sha256_hex("study:" + typed), user_id, clock_.now());
  if (!joined) return joined.error();
  if (!*joined)
    return invalid("code",
                   "That code is not valid: it may have been used already or be more "
                   "than seven days old.");
  return **joined;
}

Status Studies::add_session(int64_t study_id, const std::string& participant) {
  SessionCode probe;
  probe.participant = std::string(trim(participant));
  probe.coder = "probe";
  if (auto st = validate(probe); !st && st.error().field == "participant") return st.error();
  return store::StudyRepo(db_).add_session(study_id, crypto::random_token(12), probe.participant,
                                           clock_.now());
}

namespace {

Result<const Session*> find_session(const Study& study, const std::string& public_id) {
  for (const auto& s : study.sessions)
    if (s.public_id == public_id) return &s;
  return Error{ErrorCode::kNotFound, "There is no such session in this study.", ""};
}

}  // namespace

Status Studies::submit(int64_t study_id, const std::string& session_public_id, int64_t coder,
                       SessionCode code) {
  auto study = load(study_id);
  if (!study) return study.error();
  auto session = find_session(*study, session_public_id);
  if (!session) return session.error();
  if (study->complete(**session))
    return invalid("code",
                   "Every coder has submitted this session: changes now go through the "
                   "conference and the final code.");
  code.participant = (*session)->participant;
  code.coder = "coder";
  if (auto st = validate(code); !st) return st;
  return store::StudyRepo(db_).put_code({(*session)->id, coder, to_json(code), clock_.now()});
}

Status Studies::finalise(int64_t study_id, const std::string& session_public_id, int64_t by,
                         SessionCode code) {
  auto study = load(study_id);
  if (!study) return study.error();
  auto session = find_session(*study, session_public_id);
  if (!session) return session.error();
  if (!study->complete(**session))
    return invalid("final", "Every coder codes the session before the conference.");
  code.participant = (*session)->participant;
  code.coder = "final";
  if (auto st = validate(code); !st) return st;
  return store::StudyRepo(db_).set_final((*session)->id, to_json(code), by, clock_.now());
}

Result<std::string> Studies::export_csv(int64_t study_id) {
  auto study = load(study_id);
  if (!study) return study.error();
  std::vector<SessionCode> all;
  for (const auto& s : study->sessions) {
    if (!study->complete(s)) continue;
    for (const auto& c : s.codes) all.push_back(c);
    if (s.final_code) all.push_back(*s.final_code);
  }
  return to_csv(study->name, all);
}

Result<int> Studies::import_csv(int64_t study_id, int64_t by, const std::string& csv) {
  auto codes = from_csv(csv);
  if (!codes) return codes.error();
  auto study = load(study_id);
  if (!study) return study.error();
  // Every coder label must be one of this study's coders (or "final"), before anything is kept.
  for (const auto& c : *codes) {
    if (c.coder == "final") continue;
    const auto coders = study->coders();
    if (std::none_of(coders.begin(), coders.end(),
                     [&](const Member& m) { return m.label == c.coder; }))
      return invalid("coder", "The file names " + c.coder +
                                  ", who is not a coder of this study. Invite them first.");
  }
  store::StudyRepo repo(db_);
  std::set<std::string> present;
  for (const auto& s : study->sessions) present.insert(s.participant);
  for (const auto& c : *codes)
    if (present.insert(c.participant).second)
      if (auto st = add_session(study_id, c.participant); !st) return st.error();
  study = load(study_id);
  if (!study) return study.error();
  int n = 0;
  for (const auto& c : *codes) {
    const Session* session = nullptr;
    for (const auto& s : study->sessions)
      if (s.participant == c.participant) session = &s;
    if (!session) continue;
    Status st = ok_status();
    if (c.coder == "final") {
      st = repo.set_final(session->id, to_json(c), by, clock_.now());
    } else {
      for (const auto& m : study->members)
        if (m.label == c.coder)
          st = repo.put_code({session->id, m.user_id, to_json(c), clock_.now()});
    }
    if (!st) return st.error();
    ++n;
  }
  return n;
}

}  // namespace sb::studies
