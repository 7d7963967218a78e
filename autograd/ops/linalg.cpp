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
        throw ShapeError(detail::in_scope("matmul: inner dimensions differ: " + describe(a) +
                                          (transpose_a ? "^T" : "") + " @ " + describe(b) +
                                          (transpose_b ? "^T" : "") + ": " + std::to_string(k) +
                                          " != " + std::to_string(kb)));
    Array<T> out = kernels::new_array<T>({m, n});
    kernels::product(a.value(), transpose_a, b.value(), transpose_b, T(0), out);
    OpParams params;
    params.transpose_a = transpose_a;
    params.transpose_b = transpose_b;
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // A = X Y: dX = G Y^T, dY = X^T G; with X or Y read transposed, the same
        // identities transposed (e.g. A = X^T Y: dX = Y G^T, dY = X G).
        const bool tx = c.params().transpose_a, ty = c.params().transpose_b;
        const Tensor<T> X = c.input(0), Y = c.input(1), &G = c.grad;
        Tensor<T> dX, dY;
        if (c.needs(0))
            dX = tx ? matmul(Y, G, ty, true) : matmul(G, Y, false, !ty);
        if (c.needs(1))
            dY = ty ? matmul(G, X, true, tx) : matmul(X, G, !tx, false);
        return {dX, dY};
    };
    return make_result<T>(Op::matmul, std::move(out), {&a, &b}, rule, params);
}
template Tensor<float> matmul(const Tensor<float>&, const Tensor<float>&, bool, bool);
template Tensor<double> matmul(const Tensor<double>&, const Tensor<double>&, bool, bool);

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
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        const Tensor<T>& dZ = c.grad;
        const Tensor<T> W_l = c.input(0), A_prev = c.input(1);
        return {c.needs(0) ? matmul(dZ, A_prev, false, true) : Tensor<T>(), // dW = dZ A_prev^T
                c.needs(1) ? matmul(W_l, dZ, true, false) : Tensor<T>(),    // dA_prev = W^T dZ
                c.needs(2) ? sum(dZ, 1, true) : Tensor<T>()};               // db = sum(dZ, axis=1)
    };
    return make_result<T>(Op::linear, std::move(Z), {&W, &A, &b}, rule);
}
template Tensor<float> linear(const Tensor<float>&, const Tensor<float>&, const Tensor<float>&);
template Tensor<double> linear(const Tensor<double>&, const Tensor<double>&, const Tensor<double>&);

} // namespace xgrad
