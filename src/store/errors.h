// How driver failures become Errors. Internal to the store.
#pragma once

#include <optional>
#include <string>

#include "core/result.h"

#include <soci/soci.h>

namespace sb::store {

// Thrown inside a transaction body to abort it with a specific Error.
struct StoreError {
  Error error;
};

inline Error classify_driver_error(const std::string& what) {
  // Both drivers name a broken uniqueness rule in their message; nothing else is exposed.
  if (what.find("UNIQUE constraint") != std::string::npos ||
      what.find("duplicate key") != std::string::npos) {
    return Error{ErrorCode::kAlreadyExists, "already exists", ""};
  }
  return Error{ErrorCode::kUnavailable, "store error: " + what, ""};
}

// Integer columns come back as int or long long depending on driver and declared type.
inline int64_t get_int64(const soci::row& r, size_t i) {
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return r.get<int>(i);
    case soci::dt_long_long:
      return r.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<int64_t>(r.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<int64_t>(r.get<double>(i));
    default:
      return std::stoll(r.get<std::string>(i));
  }
}

// A nullable integer column.
inline std::optional<int64_t> optional_int64(const soci::row& r, size_t i) {
  if (r.get_indicator(i) != soci::i_ok) return std::nullopt;
  return get_int64(r, i);
}

}  // namespace sb::store
