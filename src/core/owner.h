// Who owns a piece of work: a signed-in user, or an anonymous visitor's session.
#pragma once

#include <cstdint>
#include <optional>

namespace sb {

struct Owner {
  std::optional<int64_t> user_id;
  int64_t session_id = 0;  // 0: no session
};

}  // namespace sb
