#pragma once
// OpParams: the non-tensor arguments of an op.

#include "autograd/xtensor.hpp"

namespace xgrad {

/// Non-tensor arguments of an op, kept on its node for backward and for inspection. Each op
/// sets only its own fields; the others keep their defaults.
struct OpParams {
    double exponent = 0;   ///< pow: p in x^p
    double constant = 0;   ///< add_scalar, mul_scalar: c in x + c, c x
    double slope = 0;      ///< leaky_relu, leaky_relu_grad: the slope for x <= 0
    double lo = 0, hi = 0; ///< clip: the bounds
    int axis = -1;         ///< reductions, softmax: the axis; -1 with all_axes = every axis
    bool all_axes = false; ///< reductions: over every axis
    bool keepdims = false; ///< reductions: keep reduced axes with extent 1
    /// Reductions over listed axes: those axes, ascending (axis is set too when there is one).
    /// transpose: the permutation (numpy's transpose(axes)); empty: axes reversed.
    Shape axes{};
    bool transpose_a = false, transpose_b = false; ///< matmul: use A^T / B^T
};

} // namespace xgrad
