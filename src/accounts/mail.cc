#include "accounts/mail.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <chrono>
#include <ctime>
#include <filesystem>

#include "accounts/crypto.h"

extern char** environ;

namespace sb::mail {

namespace {

bool has_line_break(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

Status write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error{ErrorCode::kInternal, "could not write the message", ""};
    done += static_cast<size_t>(n);
  }
  return ok_status();
}

class FolderOutbox final : public Outbox {
 public:
  FolderOutbox(std::string dir, std::string from) : dir_(std::move(dir)), from_(std::move(from)) {}

  Status send(const Message& message) override {
    const int64_t now = std::time(nullptr);
    auto text = format_message(message, from_, now);
    if (!text) return text.error();
    std::error_code ec;
    if (!std::filesystem::exists(dir_, ec)) {
      std::filesystem::create_directories(dir_, ec);
      ::chmod(dir_.c_str(), 0700);
    }
    // Named by the microsecond, so the folder lists in the order the mail was written.
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    const std::string path = fmt::format("{}/{}-{}.eml", dir_, micros, crypto::random_token(8));
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Error{ErrorCode::kInternal, "cannot create " + path, ""};
    auto st = write_all(fd, *text);
    if (::fsync(fd) != 0 && st) st = Error{ErrorCode::kInternal, "cannot sync " + path, ""};
    ::close(fd);
    return st;
  }

 private:
  std::string dir_, from_;
};

class SendmailOutbox final : public Outbox {
 public:
  SendmailOutbox(std::string program, std::string from)
      : program_(std::move(program)), from_(std::move(from)) {}

  Status send(const Message& message) override {
    auto text = format_message(message, from_, std::time(nullptr));
    if (!text) return text.error();
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
      return Error{ErrorCode::kInternal, "cannot make a pipe for sendmail", ""};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
    std::string t = "-t", i = "-i";
    char* argv[] = {program_.data(), t.data(), i.data(), nullptr};
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, program_.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[0]);
    if (rc != 0) {
      ::close(pipe_fds[1]);
      return Error{ErrorCode::kInternal, "cannot start " + program_, ""};
    }
    auto st = write_all(pipe_fds[1], *text);
    ::close(pipe_fds[1]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (st && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
      st = Error{ErrorCode::kInternal, program_ + " refused the message", ""};
    return st;
  }

 private:
  std::string program_, from_;
};

}  // namespace

Result<std::string> format_message(const Message& message, const std::string& from,
                                   int64_t unix_seconds) {
  if (has_line_break(message.to) || has_line_break(message.subject) || has_line_break(from))
    return Error{ErrorCode::kInvalidArgument, "a mail header holds a line break", ""};
  char date[64];
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &utc);
  std::string body;
  for (char c : message.text) {  // bare LF to CRLF, as RFC 5322 wants
    if (c == '\n') body += '\r';
    if (c != '\r') body += c;
  }
  return fmt::format(
      "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{}@securebase>\r\n"
      "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
      from, message.to, message.subject, date, crypto::random_token(16), body);
}

std::unique_ptr<Outbox> folder_outbox(std::string dir, std::string from) {
  return std::make_unique<FolderOutbox>(std::move(dir), std::move(from));
}

std::unique_ptr<Outbox> sendmail_outbox(std::string program, std::string from) {
  return std::make_unique<SendmailOutbox>(std::move(program), std::move(from));
}

}  // namespace sb::mail
