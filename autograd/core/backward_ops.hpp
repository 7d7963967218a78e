#pragma once
// The two ops the backward walk runs itself: sum_to, to sum a gradient back to its input's
// shape (undoing broadcasting), and add, to accumulate gradients under create_graph.
// Declared here so that the core needs no op header; defined with the other ops in
// autograd/ops/ (as PyTorch's engine calls ATen's sum_to). The declarations are the same
// as in autograd/ops/ops.hpp.

#include "autograd/core/tensor.hpp"

namespace xgrad {

template <class T>
Tensor<T> add(const Tensor<T>& a, const Tensor<T>& b);
template <class T>
Tensor<T> sum_to(const Tensor<T>& x, const Shape& shape);

} // namespace xgrad
