#pragma once
// A dense layer's forward and backward as the floors write them by hand (floor.cpp, full batch;
// minibatch_floor.cpp, mini-batches), with the engine's BLAS calls: row-major cblas_?gemm with
// transpose flags, the bias written into Z and added to by gemm with beta = 1. Course notation,
// one column per example; m is the columns' count and stride (the batch).

#include <algorithm>
#include <cblas.h>
#include <cstddef>

namespace xgrad::bench {

inline void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const double* a,
                 int lda, const double* b, int ldb, double beta, double* c) {
    cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, a, lda, b, ldb, beta, c, n);
}
inline void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const float* a,
                 int lda, const float* b, int ldb, float beta, float* c) {
    cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, a, lda, b, ldb, beta, c, n);
}

/// Z = W A_prev + b: W (n, n_prev), A_prev (n_prev, m), b (n), Z (n, m).
template <class T>
void dense_forward(int n, int n_prev, int m, const T* W, const T* b, const T* A_prev, T* Z) {
    for (int i = 0; i < n; ++i)
        std::fill_n(Z + std::size_t(i) * std::size_t(m), m, b[i]);
    gemm(CblasNoTrans, CblasNoTrans, n, m, n_prev, W, n_prev, A_prev, m, T(1), Z);
}

/// dW = dZ A_prev^T and db = sum(dZ, axis=1), the 1/m already in dZ; dA_prev = W^T dZ when
/// dA_prev is given (the caller applies the activation's mask).
template <class T>
void dense_backward(int n, int n_prev, int m, const T* dZ, const T* A_prev, const T* W, T* dW,
                    T* db, T* dA_prev) {
    gemm(CblasNoTrans, CblasTrans, n, n_prev, m, dZ, m, A_prev, m, T(0), dW);
    for (int i = 0; i < n; ++i) {
        const T* row = dZ + std::size_t(i) * std::size_t(m);
        T s = 0;
        for (int j = 0; j < m; ++j)
            s += row[j];
        db[i] = s;
    }
    if (dA_prev)
        gemm(CblasTrans, CblasNoTrans, n_prev, m, n, W, n_prev, dZ, m, T(0), dA_prev);
}

} // namespace xgrad::bench
