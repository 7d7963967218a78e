#pragma once
// UserOp: what the engine keeps of an op defined outside the library (CustomOp in
// autograd/ops/custom.hpp): its name and rule for people reading a graph, and its forward
// and backward. Each node such an op records points to it.

#include "autograd/core/backward_rule.hpp"
#include "autograd/core/tensor.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace xgrad {

/// A user-defined op, as a node sees it. Made by CustomOp.
template <class T>
struct UserOp {
    std::string name;  ///< shown in graph exports and errors, as a built-in's op-table name
    std::string rule;  ///< its local derivative, in the op table's notation (G, A, X, Y, dX...)
    std::size_t arity; ///< 1 to 3 tensor inputs
    /// Values in, value out; runs under NoGrad (nothing it does is recorded).
    std::function<Tensor<T>(const std::vector<Tensor<T>>&)> forward;
    /// One gradient per input (undefined: none), written with the engine's ops so that it is
    /// differentiable under create_graph.
    std::function<std::vector<Tensor<T>>(const BackwardContext<T>&)> backward;
};

} // namespace xgrad
