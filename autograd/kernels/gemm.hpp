#pragma once
// Matrix products straight into BLAS, transposes as flags (never copies), and the bias
// broadcast of Z = W A + b.

#include "autograd/xtensor.hpp"

#include <algorithm>
#include <cblas.h>
#include <cstddef>

namespace xgrad::kernels {

inline void gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, const double* a,
                 std::size_t lda, const double* b, std::size_t ldb, double beta, double* c) {
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0, a,
                static_cast<int>(lda), b, static_cast<int>(ldb), beta, c, static_cast<int>(n));
}
inline void gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, const float* a,
                 std::size_t lda, const float* b, std::size_t ldb, float beta, float* c) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0f, a,
                static_cast<int>(lda), b, static_cast<int>(ldb), beta, c, static_cast<int>(n));
}

// C = op(A) op(B) + beta C into `out`, whose shape the caller checked: (rows of op(A),
// cols of op(B)).
template <class T>
inline void product(const Array<T>& a, bool ta, const Array<T>& b, bool tb, T beta, Array<T>& out) {
    const std::size_t m = out.shape()[0], n = out.shape()[1];
    const std::size_t k = ta ? a.shape()[0] : a.shape()[1];
    if (m == 0 || n == 0)
        return;
    if (k == 0) { // BLAS leaves C alone when k = 0; the empty sum is 0
        if (beta == T(0))
            out.fill(T(0));
        return;
    }
    gemm(ta, tb, m, n, k, a.data(), a.shape()[1], b.data(), b.shape()[1], beta, out.data());
}

// Z[i, :] = b[i] for an (n, m) Z: the start of Z = W A + b, to which BLAS adds W A (beta 1).
template <class T>
inline void fill_rows(Array<T>& Z, const T* b) {
    const std::size_t n = Z.shape()[0], m = Z.shape()[1];
    for (std::size_t i = 0; i < n; ++i)
        std::fill_n(Z.data() + i * m, m, b[i]);
}

} // namespace xgrad::kernels
