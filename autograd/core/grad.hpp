#pragma once
// grad(): gradients of outputs with respect to chosen inputs, as torch.autograd.grad.

#include "autograd/core/tensor.hpp"

#include <initializer_list>
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

/// The same with braced lists, as in `grad({J}, {W, b})`: T is deduced from the tensors in
/// them (a braced list cannot deduce the std::vector overload's T).
template <class T = double>
std::vector<Tensor<T>> grad(std::initializer_list<Tensor<T>> outputs,
                            std::initializer_list<Tensor<T>> inputs,
                            std::initializer_list<Tensor<T>> seeds = {}, bool retain_graph = false,
                            bool create_graph = false) {
    return grad(std::vector<Tensor<T>>(outputs), std::vector<Tensor<T>>(inputs),
                std::vector<Tensor<T>>(seeds), retain_graph, create_graph);
}

} // namespace xgrad
