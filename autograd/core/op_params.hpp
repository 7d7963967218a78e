#pragma once
// OpParams: the non-tensor arguments of an op.

namespace xgrad {

/// Non-tensor arguments of an op, kept on its node for backward and for inspection.
struct OpParams {
    double scalar = 0;      ///< exponent (pow), constant (add/mul_scalar), slope, clip's lo
    double scalar2 = 0;     ///< clip's hi
    int axis = -1;          ///< reductions, softmax: the axis; -1 with all_axes = every axis
    bool all_axes = false;  ///< reductions: over every axis
    bool keepdims = false;  ///< reductions: keep reduced axes with extent 1
    bool transpose_a = false, transpose_b = false; ///< matmul: use A^T / B^T
};

} // namespace xgrad
