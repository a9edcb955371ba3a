#include "features/assessment/assessments_repo.h"

#include <soci/soci.h>

#include "store/errors.h"
#include "store/query.h"

namespace sb::store {
namespace {

using ll = long long;

constexpr const char* kColumns =
    "SELECT id, public_id, user_id, session_id, instrument_id, instrument_version, consent, "
    "status, "
    "started_at, completed_at, result_json FROM assessments ";

AssessmentRecord read(const soci::row& r) {
  AssessmentRecord a;
  a.id = get_int64(r, 0);
  a.public_id = r.get<std::string>(1);
  if (r.get_indicator(2) == soci::i_ok) a.user_id = get_int64(r, 2);
  if (r.get_indicator(3) == soci::i_ok) a.session_id = get_int64(r, 3);
  a.instrument_id = r.get<std::string>(4);
  a.instrument_version = r.get<std::string>(5);
  a.consent = get_int64(r, 6) != 0;
  a.completed = r.get<std::string>(7) == "completed";
  a.started_at = get_int64(r, 8);
  if (r.get_indicator(9) == soci::i_ok) a.completed_at = get_int64(r, 9);
  if (r.get_indicator(10) == soci::i_ok) a.result_json = r.get<std::string>(10);
  return a;
}

Error conflict(const std::string& why) { return Error{ErrorCode::kConflict, why, ""}; }

// Inside a transaction: how many answers an assessment has, refusing one that is complete.
ll answers_while_in_progress(soci::session& s, ll id) {
  std::string status;
  ll count = 0;
  s << "SELECT status FROM assessments WHERE id = :a", soci::use(id), soci::into(status);
  if (status != "in_progress") throw StoreError{conflict("this assessment is already complete")};
  s << "SELECT COUNT(*) FROM assessment_answers WHERE assessment_id = :a", soci::use(id),
      soci::into(count);
  return count;
}

}  // namespace

Result<int64_t> AssessmentsRepo::create(const std::string& public_id, const Owner& owner,
                                        const std::string& instrument_id,
                                        const std::string& version, bool consent, int64_t now) {
  ll id = 0, uid = owner.user_id.value_or(0), sid = owner.session_id, t = now;
  int c = consent ? 1 : 0;
  soci::indicator uind = owner.user_id ? soci::i_ok : soci::i_null;
  soci::indicator sind = owner.session_id ? soci::i_ok : soci::i_null;
  auto st = db_.run([&](soci::session& s) {
    s << "INSERT INTO assessments(public_id, user_id, session_id, instrument_id, "
         "instrument_version, consent, "
         "status, started_at) VALUES(:p, :u, :s, :i, :v, :c, 'in_progress', :t) RETURNING id",
        soci::use(public_id), soci::use(uid, uind), soci::use(sid, sind), soci::use(instrument_id),
        soci::use(version), soci::use(c), soci::use(t), soci::into(id);
  });
  if (!st) return st.error();
  return static_cast<int64_t>(id);
}

Result<std::optional<AssessmentRecord>> AssessmentsRepo::find(const std::string& public_id) {
  return select_one<AssessmentRecord>(
      db_, std::string(kColumns) + "WHERE public_id = :p",
      [&](const soci::row& r) -> AssessmentRecord { return read(r); }, public_id);
}

Result<std::vector<AnswerRecord>> AssessmentsRepo::answers(int64_t assessment_id) {
  const ll id = assessment_id;
  return select_all<AnswerRecord>(
      db_,
      "SELECT position, item_id, answer, answered_at FROM assessment_answers "
      "WHERE assessment_id = :a ORDER BY position",
      [&](const soci::row& r) -> AnswerRecord {
        return {static_cast<int>(get_int64(r, 0)), r.get<std::string>(1),
                static_cast<int>(get_int64(r, 2)), get_int64(r, 3)};
      },
      id);
}

Status AssessmentsRepo::add_answer(int64_t assessment_id, int position, const std::string& item_id,
                                   int answer, int64_t now) {
  const ll id = assessment_id, t = now;
  auto st = db_.transaction([&](soci::session& s) {
    if (answers_while_in_progress(s, id) != position)
      throw StoreError{conflict("this question has already been answered")};
    s << "INSERT INTO assessment_answers(assessment_id, position, item_id, answer, answered_at) "
         "VALUES(:a, :p, :i, :v, :t)",
        soci::use(id), soci::use(position), soci::use(item_id), soci::use(answer), soci::use(t);
  });
  // Two submissions racing for the same position: the primary key lets only one in.
  if (!st && st.error().code == ErrorCode::kAlreadyExists)
    return conflict("this question has already been answered");
  return st;
}

Status AssessmentsRepo::remove_answer(int64_t assessment_id, int position) {
  const ll id = assessment_id;
  return db_.transaction([&](soci::session& s) {
    if (answers_while_in_progress(s, id) != position + 1)
      throw StoreError{conflict("only the last answer can be changed")};
    s << "DELETE FROM assessment_answers WHERE assessment_id = :a AND position = :p", soci::use(id),
        soci::use(position);
  });
}

Status AssessmentsRepo::complete(int64_t assessment_id, const std::string& result_json,
                                 int64_t now) {
  const ll id = assessment_id, t = now;
  return db_.run([&](soci::session& s) {
    s << "UPDATE assessments SET status = 'completed', completed_at = :t, result_json = :r "
         "WHERE id = :a AND status = 'in_progress'",
        soci::use(t), soci::use(result_json), soci::use(id);
  });
}

Result<std::vector<AssessmentRecord>> AssessmentsRepo::for_user(int64_t user_id) {
  return owned_by("user_id", user_id);
}

Result<std::vector<AssessmentRecord>> AssessmentsRepo::first_and_latest(
    const std::vector<int64_t>& user_ids) {
  std::vector<AssessmentRecord> out;
  if (user_ids.empty()) return out;
  std::vector<ll> ids(user_ids.begin(), user_ids.end());
  std::string in;
  for (size_t i = 0; i < ids.size(); ++i) in += (i ? ", :u" : ":u") + std::to_string(i);
  // Window functions: both back ends number each user's completed assessments both ways; the
  // numbering reads only ids and times, the result text is read for the chosen rows only.
  const std::string sql =
      "SELECT a.id, a.public_id, a.user_id, a.session_id, a.instrument_id, a.instrument_version, "
      "a.consent, a.status, a.started_at, a.completed_at, a.result_json FROM assessments a JOIN "
      "(SELECT id, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY completed_at, id) AS "
      "from_first, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY completed_at DESC, id DESC) "
      "AS from_last FROM assessments WHERE status = 'completed' AND user_id IN (" +
      in +
      ")) t ON t.id = a.id WHERE t.from_first = 1 OR t.from_last = 1 ORDER BY a.user_id, "
      "a.completed_at, a.id";
  auto st = db_.run([&](soci::session& s) {
    db_.query(
        s, sql,
        [&](soci::statement& stmt) {
          for (const ll& id : ids) stmt.exchange(soci::use(id));
        },
        [&](const soci::row& r) { out.push_back(read(r)); });
  });
  if (!st) return st.error();
  return out;
}

Result<std::vector<AssessmentRecord>> AssessmentsRepo::for_session(int64_t session_id) {
  // A session's own work only: once adopted, the rows carry a user id and leave this list.
  return owned_by("session_id", session_id, " AND user_id IS NULL");
}

Result<std::vector<AssessmentRecord>> AssessmentsRepo::owned_by(const char* column, int64_t id,
                                                                const char* also) {
  const ll key = id;
  return select_all<AssessmentRecord>(
      db_, std::string(kColumns) + "WHERE " + column + " = :u" + also + " ORDER BY started_at, id",
      [&](const soci::row& r) -> AssessmentRecord { return read(r); }, key);
}

Status AssessmentsRepo::adopt(int64_t session_id, int64_t user_id) {
  const ll sid = session_id, uid = user_id;
  return db_.run([&](soci::session& s) {
    s << "UPDATE assessments SET user_id = :u, session_id = NULL WHERE session_id = :s AND user_id "
         "IS NULL",
        soci::use(uid), soci::use(sid);
  });
}

Result<int64_t> AssessmentsRepo::count_consented_complete(const std::string& instrument_id) {
  ll n = 0;
  auto st = db_.run([&](soci::session& s) {
    s << "SELECT COUNT(*) FROM assessments WHERE instrument_id = :i AND consent = 1 AND status = "
         "'completed'",
        soci::use(instrument_id), soci::into(n);
  });
  if (!st) return st.error();
  return static_cast<int64_t>(n);
}

Result<std::vector<std::vector<AnswerRecord>>> AssessmentsRepo::consented_answers(
    const std::string& instrument_id) {
  // In chunks of assessments, each its own short read: one read over every answer would hold
  // a snapshot for its whole length, and on SQLite no checkpoint can pass a snapshot, so the
  // log grows behind it and the next writers pay for it.
  constexpr int kChunk = 500;
  std::vector<std::vector<AnswerRecord>> out;
  ll after = 0;
  bool more = true;
  while (more) {
    auto st = db_.run([&](soci::session& s) {
      ll last = after;
      soci::rowset<soci::row> chunk =
          (s.prepare << "SELECT id FROM assessments WHERE instrument_id = :i AND consent = 1 "
                        "AND status = 'completed' AND id > :after ORDER BY id LIMIT :n",
           soci::use(instrument_id), soci::use(after), soci::use(kChunk));
      for (const auto& r : chunk) last = get_int64(r, 0);
      more = last != after;
      if (!more) return;
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT a.id, x.position, x.item_id, x.answer FROM assessments a "
                        "JOIN assessment_answers x ON x.assessment_id = a.id "
                        "WHERE a.instrument_id = :i AND a.consent = 1 AND a.status = 'completed' "
                        "AND a.id > :after AND a.id <= :last ORDER BY a.id, x.position",
           soci::use(instrument_id), soci::use(after), soci::use(last));
      int64_t current = -1;
      for (const auto& r : rows) {
        const int64_t id = get_int64(r, 0);
        if (id != current) {
          out.emplace_back();
          current = id;
        }
        out.back().push_back({static_cast<int>(get_int64(r, 1)), r.get<std::string>(2),
                              static_cast<int>(get_int64(r, 3)), 0});
      }
      after = last;
    });
    if (!st) return st.error();
  }
  return out;
}

Status AssessmentsRepo::add_unowned_answer_sets(const std::string& instrument_id,
                                                const std::string& version,
                                                const std::vector<std::vector<AnswerRecord>>& sets,
                                                const std::string& id_prefix, int64_t now) {
  const ll t = now;
  return db_.transaction([&](soci::session& s) {
    std::vector<ll> owner;
    std::vector<int> position, answer;
    std::vector<std::string> item;
    std::vector<ll> when;
    for (size_t i = 0; i < sets.size(); ++i) {
      ll id = 0;
      const std::string public_id = id_prefix + std::to_string(i) + "-" + std::to_string(now);
      s << "INSERT INTO assessments(public_id, instrument_id, instrument_version, consent, "
           "status, started_at, completed_at, result_json) VALUES(:p, :i, :v, 1, 'completed', :t, "
           ":t2, '{}') RETURNING id",
          soci::use(public_id), soci::use(instrument_id), soci::use(version), soci::use(t),
          soci::use(t), soci::into(id);
      for (const auto& a : sets[i]) {
        owner.push_back(id);
        position.push_back(a.position);
        item.push_back(a.item_id);
        answer.push_back(a.answer);
        when.push_back(t);
      }
    }
    if (owner.empty()) return;
    s << "INSERT INTO assessment_answers(assessment_id, position, item_id, answer, answered_at) "
         "VALUES(:a, :p, :i, :x, :t)",
        soci::use(owner), soci::use(position), soci::use(item), soci::use(answer), soci::use(when);
  });
}

Result<std::vector<AnswerCount>> AssessmentsRepo::consented_answer_counts(
    const std::string& instrument_id) {
  return select_all<AnswerCount>(
      db_,
      "SELECT x.item_id, x.answer, COUNT(*) FROM assessments a "
      "JOIN assessment_answers x ON x.assessment_id = a.id "
      "WHERE a.instrument_id = :i AND a.consent = 1 AND a.status = 'completed' "
      "GROUP BY x.item_id, x.answer",
      [](const soci::row& r) -> AnswerCount {
        return {r.get<std::string>(0), static_cast<int>(get_int64(r, 1)), get_int64(r, 2)};
      },
      instrument_id);
}

void AssessmentsRepo::erase_user(soci::session& s, int64_t user_id) {
  const ll id = user_id;
  s << "DELETE FROM assessment_answers WHERE assessment_id IN "
       "(SELECT id FROM assessments WHERE user_id = :i)",
      soci::use(id);
  s << "DELETE FROM assessments WHERE user_id = :i", soci::use(id);
}

}  // namespace sb::store
