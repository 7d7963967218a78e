#pragma once
// grad(): gradients of outputs with respect to chosen inputs, as torch.autograd.grad.

#include "autograd/core/tensor.hpp"

#include <vector>

namespace xgrad {

/// Gradients of `outputs` (seeded with ones, or with `seeds`) with respect to `inputs`,
/// returned in input order without touching any .grad. An input the outputs do not
/// depend on gets a zero gradient.
template <class T>
std::vector<Tensor<T>> grad(const std::vector<Tensor<T>>& outputs,
                            const std::vector<Tensor<T>>& inputs,
                            const std::vector<Tensor<T>>& seeds = {}, bool retain_graph = false,
                            bool create_graph = false);

} // namespace xgrad
