// Errors as values. Functions that can fail for reasons outside the programmer's control
// (bad input, I/O, a missing row) return Result<T>; asserts are only for programmer error.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace sb {

enum class ErrorCode {
  kInvalidArgument,  // the caller's input is wrong; message says which field and why
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kUnauthenticated,
  kThrottled,
  kConflict,
  kUnavailable,  // a dependency (store, file) failed
  kInternal,
};

struct Error {
  ErrorCode code;
  std::string message;
  std::string field;  // the offending input field, when there is one
};

inline Error invalid(std::string field, std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message), std::move(field)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace sb
