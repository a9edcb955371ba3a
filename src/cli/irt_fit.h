// `securebase irt fit` (item fit, model fit, local dependence) and the Markdown it writes, which
// `irt validate` reuses for docs/VALIDATION.md.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "psychometrics/instrument.h"
#include "psychometrics/model.h"

namespace sb::cli {

// Fit of `model` (items in the instrument's order) to `data`: M2 per dimension and for the
// whole model, S-X2 per item, and the most dependent item pairs. `estimated` says the
// parameters were fitted to these data (the tests then lose the degrees of freedom spent).
std::string fit_markdown(const psy::Instrument& instrument, const psy::Model& model,
                         const psy::ResponseMatrix& data, bool estimated);

void add_fit_commands(CLI::App& irt);
// Runs `irt fit` if it was parsed; the exit code, or -1 if it was not.
int run_fit_commands();

}  // namespace sb::cli
