// CustomOp: the user's forward under NoGrad, recorded as Op::custom with a rule that calls
// the user's backward and checks what it returns.
#include "autograd/ops/custom.hpp"

#include "autograd/core/anomaly.hpp"
#include "autograd/core/error.hpp"
#include "autograd/core/grad_mode.hpp"
#include "autograd/core/node.hpp"
#include "autograd/ops/ops.hpp"
#include "autograd/ops/record.hpp"

#include <exception>

namespace xgrad {

namespace {

template <class T>
std::string where(const TensorImpl<T>& node) {
    return "backward of " + node.user_op->name + " (tape entry " + std::to_string(node.sequence) +
           (node.label.empty() ? "" : ", " + node.label) + ")";
}

// The rule of every custom op: the user's backward, then one gradient per input, each of
// its input's shape or of a shape that sums to it (a broadcast).
template <class T>
InputGrads<T> user_rule(const BackwardContext<T>& c) {
    const TensorImpl<T>& node = c.node;
    std::vector<Tensor<T>> grads;
    try {
        grads = node.user_op->backward(c);
    } catch (const std::exception& e) {
        std::throw_with_nested(Error(where(node) + " threw: " + e.what()));
    }
    if (grads.size() != node.n_inputs)
        throw GraphError(where(node) + ": the rule returned " + std::to_string(grads.size()) +
                         " gradients for " + std::to_string(node.n_inputs) +
                         " inputs (an undefined Tensor for an input that gets none)");
    InputGrads<T> out;
    for (std::size_t i = 0; i < grads.size(); ++i) {
        if (!grads[i].defined() || !c.needs(static_cast<int>(i)))
            continue;
        const Shape& shape = node.input_shapes[i];
        if (grads[i].shape() != shape) {
            try {
                out[i] = sum_to(grads[i], shape);
            } catch (const ShapeError&) {
                throw ShapeError(where(node) + ": the gradient for input " + std::to_string(i) +
                                 " has shape " + to_string(grads[i].shape()) +
                                 ", which neither is nor broadcasts to the input's " +
                                 to_string(shape));
            }
            continue;
        }
        out[i] = std::move(grads[i]);
    }
    return out;
}

} // namespace

template <class T>
std::shared_ptr<const UserOp<T>> CustomOp<T>::make(UserOp<T> op) {
    if (op.name.empty())
        throw GraphError("CustomOp: the op needs a name (graph exports and errors show it)");
    if (op.arity < 1 || op.arity > 3)
        throw GraphError("CustomOp " + op.name + ": takes 1 to 3 inputs, not " +
                         std::to_string(op.arity));
    return std::make_shared<const UserOp<T>>(std::move(op));
}

template <class T>
Tensor<T> CustomOp<T>::operator()(const std::vector<Tensor<T>>& inputs) const {
    const UserOp<T>& op = *m_op;
    if (inputs.size() != op.arity)
        throw GraphError(detail::in_scope(op.name + ": takes " + std::to_string(op.arity) +
                                          (op.arity == 1 ? " input" : " inputs") + ", given " +
                                          std::to_string(inputs.size())));
    for (std::size_t i = 0; i < inputs.size(); ++i)
        if (!inputs[i].defined())
            throw GraphError(
                detail::in_scope(op.name + ": input " + std::to_string(i) + " is undefined"));
    Tensor<T> result;
    try {
        // The forward's own ops are not the graph: this op is. Anomaly detection checks its
        // result below, naming this op rather than the log or div inside it.
        NoGrad no_grad;
        detail::AnomalyMode quiet(false);
        result = op.forward(inputs);
    } catch (const std::exception& e) {
        std::throw_with_nested(
            Error(detail::in_scope(op.name + ": its forward threw: " + e.what())));
    }
    if (!result.defined())
        throw GraphError(detail::in_scope(op.name + ": its forward returned an undefined tensor"));
    // The forward's result is the op's value: taken over when nothing else holds it (a
    // forward may return one of its inputs as it is), copied otherwise.
    Array<T> value =
        result.impl().use_count() == 1 ? std::move(result.impl()->value) : Array<T>(result.value());
    const Tensor<T>* pointers[3] = {};
    for (std::size_t i = 0; i < inputs.size(); ++i)
        pointers[i] = &inputs[i];
    return detail::make_result<T>(Op::custom, std::move(value), pointers, inputs.size(),
                                  &user_rule<T>, OpParams{}, m_op);
}

template class CustomOp<float>;
template class CustomOp<double>;

} // namespace xgrad
