// The `securebase irt ...` subcommands: calibrate, score, simulate-cat, validate.
#pragma once

#include <CLI/CLI.hpp>

namespace sb::cli {

void add_irt_commands(CLI::App& app);
// Runs the irt subcommand that was parsed, if any; returns the exit code (or -1 if none ran).
int run_irt_command(CLI::App& app);

}  // namespace sb::cli
