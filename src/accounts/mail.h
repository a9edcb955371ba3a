// Outgoing e-mail. SecureBase sends mail only to the address it concerns (the sign-up link);
// how it leaves the machine is the operator's choice: a folder an MTA or a person picks the
// messages up from, or a sendmail-compatible program (postfix, exim, msmtp).
#pragma once

#include <memory>
#include <string>

#include "core/result.h"

namespace sb::mail {

struct Message {
  std::string to;
  std::string subject;
  std::string text;  // plain text, UTF-8
};

class Outbox {
 public:
  virtual ~Outbox() = default;
  virtual Status send(const Message& message) = 0;
};

// The message as RFC 5322 text (CRLF lines, UTF-8 body). A header value holding a line break
// is refused: recipient and subject can never add headers.
Result<std::string> format_message(const Message& message, const std::string& from,
                                   int64_t unix_seconds);

// Writes each message to DIR/<microseconds>-<random>.eml (mode 0600; the folder is created 0700).
std::unique_ptr<Outbox> folder_outbox(std::string dir, std::string from);
// Hands each message to `program -t -i` on its standard input.
std::unique_ptr<Outbox> sendmail_outbox(std::string program, std::string from);

}  // namespace sb::mail
