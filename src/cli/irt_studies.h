// The longer analyses behind docs/VALIDATION.md that `make validation` runs and `make test` does
// not (their statistics are unit-tested on simulated data): differential item functioning
// (also `securebase irt dif`), the comparison of adaptive-test rules, and the sample-size study
// for SecureBase's own bank.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "psychometrics/cat.h"
#include "psychometrics/instrument.h"
#include "psychometrics/responses.h"

namespace sb::cli {

// A group: the rows whose value in a column equals `value`, or, for "LOW-HIGH", lies in that
// numeric range (anything else, such as an impossible age typed as text, is left out).
struct GroupSpec {
  std::string name, value;
};

// One DIF analysis per dimension, reference against focal, over the rows in `range`.
std::string dif_markdown(const psy::Instrument& instrument, const psy::CsvTable& table,
                         psy::RowRange range, const std::string& column, const GroupSpec& reference,
                         const GroupSpec& focal, unsigned threads);

// Selection rules x stopping rules, post hoc on `data` (full-bank EAP as the reference).
std::string cat_comparison_markdown(const psy::Instrument& instrument, const psy::Model& model,
                                    const psy::ResponseMatrix& data, const psy::CatOptions& base);

// The dependence penalty's exponent, chosen on rows the calibration (and its Q3) used: each
// candidate at a fixed 12 items and under the default stop.
std::string dependence_penalty_markdown(const psy::Instrument& instrument, const psy::Model& model,
                                        const psy::ResponseMatrix& data,
                                        const psy::CatOptions& base);

// The sample-size study on a bank with parameters (SecureBase's own), under its adaptive test.
std::string sample_size_markdown(const psy::Instrument& bank, const psy::CatOptions& cat,
                                 unsigned threads);

void add_dif_command(CLI::App& irt);
// Runs `irt dif` if it was parsed; the exit code, or -1 if it was not.
int run_dif_command();

}  // namespace sb::cli
