#include "growth/key_rotation.h"

#include "growth/journal.h"
#include "growth/plan.h"
#include "growth/reconsider.h"
#include "growth/skills.h"

namespace sb::growth {

Result<int> rotate_data_key(store::Database& db, const crypto::DataKey& from,
                            const crypto::DataKey& to) {
  // Every table with a sealed column is listed here, so a new one is hard to miss.
  using Rotation =
      Result<int> (*)(store::Database&, const crypto::DataKey&, const crypto::DataKey&);
  int total = 0;
  for (Rotation rotate :
       {&Journal::rotate_key, &Practice::rotate_key, &Reconsider::rotate_key, &Plans::rotate_key}) {
    auto n = rotate(db, from, to);
    if (!n) return n.error();
    total += *n;
  }
  return total;
}

}  // namespace sb::growth
