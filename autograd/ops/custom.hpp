#pragma once
// CustomOp: an op defined outside the library, as PyTorch's torch.autograd.Function or
// Flashlight's Variable(result, inputs, gradFunc): a name, a rule's text, a forward and a
// backward. Its results are recorded on the tape like a built-in's (Op::custom, with the
// op's own name), so graph exports, step-through, gradcheck, retain_graph, anomaly
// detection and version checks treat it as one; a backward written with the engine's ops
// is differentiable under create_graph.
//
//     const xgrad::CustomOp<double> swish(
//         "swish", "dX = G * (A + sigmoid(X) * (1 - A))", 1,
//         [](const std::vector<xgrad::Tensor<double>>& in) { return in[0] * sigmoid(in[0]); },
//         [](const xgrad::BackwardContext<double>& c) {
//             const auto s = sigmoid(c.input(0));
//             return c.grad * (c.output + s * (1.0 - c.output)); // one input: one gradient
//         });
//     xgrad::Tensor<double> A = swish(Z);

#include "autograd/core/backward_rule.hpp"
#include "autograd/core/tensor.hpp"
#include "autograd/core/user_op.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace xgrad {

/// An op defined outside the library. Cheap to copy; its results keep it alive.
template <class T>
class CustomOp {
public:
    /// `name` and `rule` are what graph exports, step-through and errors show (the rule in
    /// the op table's notation: G the gradient at the output, A the output, X, Y, Z the
    /// inputs, dX... what each receives). `arity`: 1 to 3 inputs.
    ///
    /// `forward(inputs)` returns the result as a Tensor<T> or an Array<T>; it runs under
    /// NoGrad, so whatever it computes with engine ops is not recorded.
    ///
    /// `backward(c)` sees c.grad (G), c.output (A), c.input(i) and c.needs(i) (whether input
    /// i wants a gradient), and returns one gradient per input as a std::vector<Tensor<T>>
    /// (an undefined Tensor where there is none), or a single Tensor<T> for a one-input op.
    /// A gradient may keep a broadcast input's larger shape: the engine sums it back, as for
    /// the built-ins. Written with the engine's ops, it is differentiable (create_graph).
    template <class Forward, class Backward>
    CustomOp(std::string name, std::string rule, std::size_t arity, Forward forward,
             Backward backward);

    Tensor<T> operator()(const std::vector<Tensor<T>>& inputs) const;
    Tensor<T> operator()(const Tensor<T>& x) const { return (*this)(std::vector<Tensor<T>>{x}); }
    Tensor<T> operator()(const Tensor<T>& x, const Tensor<T>& y) const {
        return (*this)(std::vector<Tensor<T>>{x, y});
    }
    Tensor<T> operator()(const Tensor<T>& x, const Tensor<T>& y, const Tensor<T>& z) const {
        return (*this)(std::vector<Tensor<T>>{x, y, z});
    }

    const std::string& name() const { return m_op->name; }
    const std::string& rule() const { return m_op->rule; }
    std::size_t arity() const { return m_op->arity; }

private:
    static std::shared_ptr<const UserOp<T>> make(UserOp<T> op);
    std::shared_ptr<const UserOp<T>> m_op;
};

template <class T>
template <class Forward, class Backward>
CustomOp<T>::CustomOp(std::string name, std::string rule, std::size_t arity, Forward forward,
                      Backward backward) {
    using Inputs = std::vector<Tensor<T>>;
    UserOp<T> op;
    op.name = std::move(name);
    op.rule = std::move(rule);
    op.arity = arity;
    op.forward = [f = std::move(forward)](const Inputs& in) { return Tensor<T>(f(in)); };
    using Grads = std::invoke_result_t<Backward&, const BackwardContext<T>&>;
    if constexpr (std::is_convertible_v<Grads, Tensor<T>>)
        op.backward = [b = std::move(backward)](const BackwardContext<T>& c) {
            return Inputs{Tensor<T>(b(c))};
        };
    else
        op.backward = [b = std::move(backward)](const BackwardContext<T>& c) {
            return Inputs(b(c));
        };
    m_op = make(std::move(op));
}

extern template class CustomOp<float>;
extern template class CustomOp<double>;

} // namespace xgrad
