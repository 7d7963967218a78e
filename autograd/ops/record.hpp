#pragma once
// Recording an op: its result, with a node on the tape when a gradient is wanted.

#include "autograd/core/backward_rule.hpp"
#include "autograd/core/op.hpp"
#include "autograd/core/op_params.hpp"
#include "autograd/core/scalar_types.hpp"
#include "autograd/core/tensor.hpp"
#include "autograd/core/user_op.hpp"

#include <cstddef>
#include <initializer_list>
#include <memory>

namespace xgrad::detail {

/// The result of `op`: a tensor holding `value` and, when grad mode is on and an input
/// requires a gradient, a node with `backward`, entered on the tape. Under anomaly
/// detection, a NaN or Inf in `value` is reported here.
/// The same for `count` inputs at `inputs`; a CustomOp's result (Op::custom) also points to
/// its `user_op`, whose name the node then goes by.
template <class T>
Tensor<T> make_result(Op op, Array<T>&& value, const Tensor<T>* const* inputs, std::size_t count,
                      BackwardFn<T> backward, const OpParams& params,
                      std::shared_ptr<const UserOp<T>> user_op);
template <class T>
Tensor<T> make_result(Op op, Array<T>&& value, std::initializer_list<const Tensor<T>*> inputs,
                      BackwardFn<T> backward, const OpParams& params = {}) {
    return make_result<T>(op, std::move(value), inputs.begin(), inputs.size(), backward, params,
                          std::shared_ptr<const UserOp<T>>());
}

/// G's values, for a rule to write its result into, when the walk has given G up
/// (BackwardContext::grad_is_spare) and nothing else holds it: no grad() or retain_grad
/// keeps it, no hook, no second input it was also sent to. nullptr otherwise: then the rule
/// makes a new tensor. A plain backward through relu then needs no buffer for dX.
template <class T>
Array<T>* spare_grad_values(const BackwardContext<T>& c);

/// A constant tensor (no gradient) holding `value`: what a rule multiplies G by.
template <class T>
Tensor<T> constant(Array<T>&& value) {
    return Tensor<T>(std::move(value));
}

} // namespace xgrad::detail
