// One-time invitation codes into a group (a child's profile, a study): the rows share a shape
// (group, creator, code hash, expiry, used at, used by), so claiming one is written once.
#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>

namespace sb::store {

// Inside a transaction: marks the unused, unexpired invitation with this hash in `table` as
// used by `user` and returns its group (the `group_column`), or nullopt when there is none or
// someone else claimed it first. Table and column are the caller's constants, never input.
inline std::optional<long long> claim_invite(soci::session& s, const std::string& table,
                                             const std::string& group_column,
                                             const std::string& hash, long long user,
                                             long long now) {
  long long invite = 0, group = 0;
  soci::indicator ind = soci::i_null;
  s << "SELECT id, " + group_column + " FROM " + table +
           " WHERE code_hash = :h AND used_at IS NULL AND expires_at > :t",
      soci::use(hash), soci::use(now), soci::into(invite, ind), soci::into(group);
  if (ind != soci::i_ok) return std::nullopt;
  // Used only if still unused: two people typing the same code at once, one wins.
  soci::statement mark = (s.prepare << "UPDATE " + table +
                                           " SET used_at = :t, used_by = :u WHERE id = :i AND "
                                           "used_at IS NULL",
                          soci::use(now), soci::use(user), soci::use(invite));
  mark.execute(true);
  if (mark.get_affected_rows() != 1) return std::nullopt;
  return group;
}

}  // namespace sb::store
