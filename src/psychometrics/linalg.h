// Small dense linear algebra for calibration: symmetric positive-definite solves and inverses.
#pragma once

#include <cstddef>
#include <vector>

namespace sb::psy {

// Solves A x = b for symmetric positive-definite A (n x n, row-major). False if A is not SPD.
bool solve_spd(std::vector<double> A, std::vector<double>& b, size_t n);
// Inverts a symmetric positive-definite matrix in place. False if it is not SPD.
bool invert_spd(std::vector<double>& A, size_t n);

}  // namespace sb::psy
