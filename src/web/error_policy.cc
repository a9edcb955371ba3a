#include "web/error_policy.h"

#include <spdlog/spdlog.h>

#include "accounts/crypto.h"

namespace sb::web {

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 422;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kThrottled:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

std::string public_message(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kConflict:
    case ErrorCode::kThrottled:
      return error.message;
    case ErrorCode::kNotFound:
      return "There is nothing at this address, or it is not yours to see.";
    case ErrorCode::kAlreadyExists:
      return "That already exists.";
    case ErrorCode::kPermissionDenied:
      return "This page is not open to your account.";
    case ErrorCode::kUnauthenticated:
      return "Please sign in first.";
    case ErrorCode::kUnavailable:
      return "SecureBase cannot reach its store right now. Nothing you saved was lost; please try "
             "again in a moment.";
    case ErrorCode::kInternal:
      return "Something went wrong on our side. Nothing you saved was lost.";
  }
  return "Something went wrong on our side.";
}

std::string new_reference_id() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : crypto::random_bytes(4)) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id;
}

Response plain_failure(const Request& req, const Error& error) {
  const int status = http_status(error.code);
  const std::string reference = new_reference_id();
  spdlog::error("ref={} {} {} -> {}: {}", reference, req.method, req.route, status, error.message);
  return Response::text("Not available right now (reference " + reference + ").\n", status);
}

}  // namespace sb::web
