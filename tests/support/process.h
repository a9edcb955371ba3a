// Running the real `securebase` binary as its own process, for tests that kill it or limit its
// files. Internal to the tests.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

namespace sb::testing {

// A port nothing listens on right now (the kernel's pick for port 0).
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Starts `args` (the program first) with its output discarded and, when `files` is given, that
// many open files at most. Returns the child's pid.
inline pid_t spawn(const std::vector<std::string>& args, rlim_t files = 0) {
  std::fflush(stdout);  // or the child prints the test's buffered output again
  const pid_t pid = fork();
  if (pid == 0) {
    if (files) {
      rlimit limit{files, files};
      setrlimit(RLIMIT_NOFILE, &limit);
    }
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

// Runs `args` to the end; its exit code, or -1 when it did not exit normally.
inline int run_to_end(const std::vector<std::string>& args) {
  int status = 0;
  waitpid(spawn(args), &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace sb::testing
