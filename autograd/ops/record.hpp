#pragma once
// Recording an op: its result, with a node on the tape when a gradient is wanted.

#include "autograd/core/backward_rule.hpp"
#include "autograd/core/op.hpp"
#include "autograd/core/op_params.hpp"
#include "autograd/core/scalar_types.hpp"
#include "autograd/core/tensor.hpp"

#include <initializer_list>

namespace xgrad::detail {

/// The result of `op`: a tensor holding `value` and, when grad mode is on and an input
/// requires a gradient, a node with `backward`, entered on the tape. Under anomaly
/// detection, a NaN or Inf in `value` is reported here.
template <class T>
Tensor<T> make_result(Op op, Array<T>&& value, std::initializer_list<const Tensor<T>*> inputs,
                      BackwardFn<T> backward, const OpParams& params = {});

/// A constant tensor (no gradient) holding `value`: what a rule multiplies G by.
template <class T>
Tensor<T> constant(Array<T>&& value) {
    return Tensor<T>(std::move(value));
}

} // namespace xgrad::detail
