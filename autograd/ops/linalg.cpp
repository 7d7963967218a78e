// Matrix products, straight into BLAS. Transposes are BLAS flags, never copies:
// the course's dW = dZ A^T and dA_prev = W^T dZ read A and W where they lie.
#include "autograd/ops/ops.hpp"

#include "autograd/core/error.hpp"
#include "autograd/core/node.hpp"
#include "autograd/kernels/gemm.hpp"
#include "autograd/kernels/new_array.hpp"
#include "autograd/ops/record.hpp"
#include "autograd/ops/shape_checks.hpp"

namespace xgrad {

using detail::make_result;

namespace {

template <class T>
void require_matrix(Op op, const Tensor<T>& x, const char* role) {
    detail::require_defined(op, x, role);
    if (x.dim() != 2)
        throw ShapeError(detail::in_scope(std::string(op_info(op).name) + ": " + role +
                                          " must be a matrix, got " + describe(x)));
}

} // namespace

template <class T>
Tensor<T> matmul(const Tensor<T>& a, const Tensor<T>& b, bool transpose_a, bool transpose_b) {
    require_matrix(Op::matmul, a, "first input");
    require_matrix(Op::matmul, b, "second input");
    const std::size_t m = transpose_a ? a.shape()[1] : a.shape()[0];
    const std::size_t k = transpose_a ? a.shape()[0] : a.shape()[1];
    const std::size_t kb = transpose_b ? b.shape()[1] : b.shape()[0];
    const std::size_t n = transpose_b ? b.shape()[0] : b.shape()[1];
    if (k != kb)
        throw ShapeError(detail::in_scope(
            "matmul: inner dimensions differ: " + describe(a) + (transpose_a ? "^T" : "") +
            " @ " + describe(b) + (transpose_b ? "^T" : "") + ": " + std::to_string(k) +
            " != " + std::to_string(kb)));
    Array<T> out = kernels::new_array<T>({m, n});
    kernels::product(a.value(), transpose_a, b.value(), transpose_b, T(0), out);
    OpParams params;
    params.transpose_a = transpose_a;
    params.transpose_b = transpose_b;
    return make_result<T>(
        Op::matmul, std::move(out), {&a, &b},
        [](const BackwardContext<T>& c) -> InputGrads<T> {
            // C = A B: dA = G B^T, dB = A^T G; with A or B read transposed, the same
            // identities transposed (e.g. C = A^T B: dA = B G^T, dB = A G).
            const bool ta = c.params().transpose_a, tb = c.params().transpose_b;
            const Tensor<T> a = c.input(0), b = c.input(1), &g = c.grad;
            Tensor<T> da, db;
            if (c.needs(0)) da = ta ? matmul(b, g, tb, true) : matmul(g, b, false, !tb);
            if (c.needs(1)) db = tb ? matmul(g, a, true, ta) : matmul(a, g, !ta, false);
            return {da, db};
        },
        params);
}

template <class T>
Tensor<T> linear(const Tensor<T>& W, const Tensor<T>& A, const Tensor<T>& b) {
    require_matrix(Op::linear, W, "W");
    require_matrix(Op::linear, A, "A_prev");
    require_matrix(Op::linear, b, "b");
    const std::size_t n = W.shape()[0], k = W.shape()[1], m = A.shape()[1];
    if (A.shape()[0] != k)
        throw ShapeError(detail::in_scope("linear: W " + describe(W) + " needs A_prev with " +
                                          std::to_string(k) + " rows, got " + describe(A)));
    if (b.shape()[0] != n || b.shape()[1] != 1)
        throw ShapeError(detail::in_scope("linear: b " + describe(b) + " must be (" +
                                          std::to_string(n) + ", 1) for W " + describe(W)));
    // Z = W A + b: start from b in every column, then let BLAS add W A (beta = 1).
    Array<T> Z = kernels::new_array<T>({n, m});
    kernels::fill_rows(Z, b.value().data());
    kernels::product(W.value(), false, A.value(), false, T(1), Z);
    return make_result<T>(Op::linear, std::move(Z), {&W, &A, &b},
                          [](const BackwardContext<T>& c) -> InputGrads<T> {
                              // dW = dZ A^T, dA_prev = W^T dZ, db = sum(dZ, axis=1)
                              const Tensor<T>& dZ = c.grad;
                              return {c.needs(0) ? matmul(dZ, c.input(1), false, true) : Tensor<T>(),
                                      c.needs(1) ? matmul(c.input(0), dZ, true, false) : Tensor<T>(),
                                      c.needs(2) ? sum(dZ, 1, true) : Tensor<T>()};
                          });
}

#define XGRAD_INSTANTIATE(T)                                                                      \
    template Tensor<T> matmul(const Tensor<T>&, const Tensor<T>&, bool, bool);                    \
    template Tensor<T> linear(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&);
XGRAD_FOR_EACH_SCALAR(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

} // namespace xgrad
