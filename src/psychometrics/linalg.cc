#include "psychometrics/linalg.h"

#include <cmath>

namespace sb::psy {
bool cholesky(std::vector<double>& A, size_t n) {
  for (size_t j = 0; j < n; ++j) {
    double d = A[j * n + j];
    for (size_t k = 0; k < j; ++k) d -= A[j * n + k] * A[j * n + k];
    if (!(d > 0.0)) return false;
    d = std::sqrt(d);
    A[j * n + j] = d;
    for (size_t i = j + 1; i < n; ++i) {
      double s = A[i * n + j];
      for (size_t k = 0; k < j; ++k) s -= A[i * n + k] * A[j * n + k];
      A[i * n + j] = s / d;
    }
  }
  return true;
}

void cholesky_solve(const std::vector<double>& L, size_t n, double* b) {
  for (size_t i = 0; i < n; ++i) {  // L y = b
    double s = b[i];
    for (size_t k = 0; k < i; ++k) s -= L[i * n + k] * b[k];
    b[i] = s / L[i * n + i];
  }
  for (size_t i = n; i-- > 0;) {  // L^T x = y
    double s = b[i];
    for (size_t k = i + 1; k < n; ++k) s -= L[k * n + i] * b[k];
    b[i] = s / L[i * n + i];
  }
}

bool solve_spd(std::vector<double> A, std::vector<double>& b, size_t n) {
  if (!cholesky(A, n)) return false;
  cholesky_solve(A, n, b.data());
  return true;
}

bool invert_spd(std::vector<double>& A, size_t n) {
  std::vector<double> inv(n * n, 0.0);
  std::vector<double> L = A;
  if (!cholesky(L, n)) return false;
  std::vector<double> col(n);
  for (size_t c = 0; c < n; ++c) {
    for (size_t i = 0; i < n; ++i) col[i] = i == c ? 1.0 : 0.0;
    for (size_t i = 0; i < n; ++i) {
      double s = col[i];
      for (size_t k = 0; k < i; ++k) s -= L[i * n + k] * col[k];
      col[i] = s / L[i * n + i];
    }
    for (size_t i = n; i-- > 0;) {
      double s = col[i];
      for (size_t k = i + 1; k < n; ++k) s -= L[k * n + i] * col[k];
      col[i] = s / L[i * n + i];
    }
    for (size_t i = 0; i < n; ++i) inv[i * n + c] = col[i];
  }
  A = std::move(inv);
  return true;
}

}  // namespace sb::psy
