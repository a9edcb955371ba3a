// The one mapping from errors to what people see. Every handler that cannot go on hands its
// Error to PageKit::fail, which uses this: the HTTP status for the code, and a plain message.
// Store and driver text (SQL, bound values, ids, key ids) goes to the log with a reference id
// that the page shows, never to the page.
#pragma once

#include <string>

#include "core/result.h"
#include "web/http.h"

namespace sb::web {

int http_status(ErrorCode code);
// The sentence shown for an error. Messages of kInvalidArgument, kConflict and kThrottled are
// written for people by the domain (they name the field and what to do); every other code
// gets a fixed sentence, whatever its message says.
std::string public_message(const Error& error);
// Eight hex characters that tie a page to its log line.
std::string new_reference_id();
// For routes that answer machines in plain text (calendar feeds): the error logged with a
// reference, and a plain-text response that shows only the reference.
Response plain_failure(const Request& req, const Error& error);

}  // namespace sb::web
