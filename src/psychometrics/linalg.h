// Small dense linear algebra for calibration: symmetric positive-definite solves and inverses.
#pragma once

#include <cstddef>
#include <vector>

namespace sb::psy {

// Solves A x = b for symmetric positive-definite A (n x n, row-major). False if A is not SPD.
bool solve_spd(std::vector<double> A, std::vector<double>& b, size_t n);
// Lower-triangular Cholesky factor of A in place (the upper triangle is left as it was). False
// when A is not positive definite.
bool cholesky(std::vector<double>& A, size_t n);
// Solves L L^T x = b in place, L from cholesky().
void cholesky_solve(const std::vector<double>& L, size_t n, double* b);
// Inverts a symmetric positive-definite matrix in place. False if it is not SPD.
bool invert_spd(std::vector<double>& A, size_t n);

}  // namespace sb::psy
