// What a harness does when an invariant breaks: print what broke and abort, so libFuzzer
// saves the input as a finding.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond, what)                                               \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::fprintf(stderr, "fuzz invariant broken: %s (%s)\n", what, #cond); \
      std::abort();                                                          \
    }                                                                        \
  } while (0)
