// `securebase irt facets`: per dimension, the between-item model against a bifactor model over
// the instrument's facets, by information criteria, and what each says about the precision of
// the dimension's score.
#pragma once

#include <CLI/CLI.hpp>

namespace sb::cli {

void add_facets_command(CLI::App& irt);
// Runs `irt facets` if it was parsed; the exit code, or -1 if it was not.
int run_facets_command();

}  // namespace sb::cli
