#pragma once
// A backward rule: what it sees (BackwardContext) and what it returns (InputGrads).

#include "autograd/core/op_params.hpp"
#include "autograd/core/tensor.hpp"

#include <array>

namespace xgrad {

template <class T>
struct TensorImpl;

/// What a backward rule sees: the gradient at the op's output, the output itself,
/// the inputs, and the op's parameters. Rules use the engine's own ops, so the
/// gradients they return are themselves differentiable under create_graph.
template <class T>
struct BackwardContext {
    const Tensor<T>& grad;   ///< G: dLoss/dOutput
    const Tensor<T>& output; ///< A: the op's result (saved by no one: no reference cycle)
    const TensorImpl<T>& node;
    /// The walk's own G, which it reads no more after the rule: a plain backward that shows
    /// no step to step-through. A rule may then write its result into G's buffer, when
    /// nothing else holds G (detail::spare_grad_values, autograd/ops/record.hpp).
    bool grad_is_spare = false;
    Tensor<T> input(int i) const;
    /// Whether input i wants a gradient; rules skip the work for those that do not.
    bool needs(int i) const;
    const OpParams& params() const;
};

/// Gradients for each input, in input order; an undefined tensor means "none".
template <class T>
using InputGrads = std::array<Tensor<T>, 3>;

template <class T>
using BackwardFn = InputGrads<T> (*)(const BackwardContext<T>&);

extern template struct BackwardContext<float>;
extern template struct BackwardContext<double>;

} // namespace xgrad
