// Activations and their backward helpers, each op in three statements (result, rule,
// record) with its instantiations beside it. The helpers (sigmoid_grad, ...) are ops of
// their own, as PyTorch's sigmoid_backward: one fused kernel in a plain backward, and
// still differentiable when a backward is recorded (create_graph).
#include "autograd/ops/ops.hpp"

#include "autograd/core/error.hpp"
#include "autograd/core/grad_mode.hpp"
#include "autograd/core/node.hpp"
#include "autograd/kernels/elementwise.hpp"
#include "autograd/kernels/stable_math.hpp"
#include "autograd/ops/record.hpp"
#include "autograd/ops/shape_checks.hpp"

#include <cmath>

namespace xgrad {

using detail::make_result;

namespace {
using kernels::map;
using kernels::zip;

// The backward formulas, one value at a time: dX from G and the saved S (the output A).
template <class T>
T tanh_backward(T g, T s) {
    return g * (T(1) - s * s);
}
template <class T>
T sigmoid_backward(T g, T s) {
    return g * s * (T(1) - s);
}
template <class T>
T relu_backward(T g, T s) {
    return s > 0 ? g : T(0);
}

// dX = f(G, A) elementwise, into G's own buffer when the walk has given G up and nothing else
// holds it (as the floor masks dZ in place; one buffer fewer at the backward's peak), else as
// the op `made`, which is also what a recorded backward (create_graph) differentiates.
template <class T, class F, class Made>
Tensor<T> into_spare_grad(const BackwardContext<T>& c, F f, Made made) {
    if (Array<T>* G = detail::spare_grad_values(c)) {
        T* g = G->data();
        const T* a = c.output.value().data();
        for (std::size_t i = 0, n = G->size(); i < n; ++i)
            g[i] = f(g[i], a[i]);
        return c.grad;
    }
    return made();
}

template <class T>
void require_same_shape(Op op, const Tensor<T>& g, const Tensor<T>& a) {
    detail::require_defined(op, g, "gradient");
    detail::require_defined(op, a, "second input");
    if (g.shape() != a.shape())
        throw ShapeError(detail::in_scope(std::string(op_info(op).name) + ": gradient " +
                                          describe(g) + " and " + describe(a) +
                                          " must have the same shape"));
}
} // namespace

template <class T>
Tensor<T> tanh(const Tensor<T>& x) {
    detail::require_defined(Op::tanh, x, "input");
    Array<T> out = map(x.value(), [](T v) { return std::tanh(v); });
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // dX = G * (1 - A^2)
        return {into_spare_grad(
            c, [](T g, T a) { return tanh_backward(g, a); },
            [&] { return tanh_grad(c.grad, c.output); })};
    };
    return make_result<T>(Op::tanh, std::move(out), {&x}, rule);
}
template Tensor<float> tanh(const Tensor<float>&);
template Tensor<double> tanh(const Tensor<double>&);

template <class T>
Tensor<T> sigmoid(const Tensor<T>& x) {
    detail::require_defined(Op::sigmoid, x, "input");
    Array<T> out = map(x.value(), [](T v) { return kernels::sigmoid_of(v); });
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // dX = G * A * (1 - A)
        return {into_spare_grad(
            c, [](T g, T a) { return sigmoid_backward(g, a); },
            [&] { return sigmoid_grad(c.grad, c.output); })};
    };
    return make_result<T>(Op::sigmoid, std::move(out), {&x}, rule);
}
template Tensor<float> sigmoid(const Tensor<float>&);
template Tensor<double> sigmoid(const Tensor<double>&);

template <class T>
Tensor<T> relu(const Tensor<T>& x) {
    detail::require_defined(Op::relu, x, "input");
    Array<T> out = map(x.value(), [](T v) { return v > 0 ? v : T(0); });
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // dX = G * (A > 0): 0 at 0
        return {into_spare_grad(
            c, [](T g, T a) { return relu_backward(g, a); },
            [&] { return relu_grad(c.grad, c.output); })};
    };
    return make_result<T>(Op::relu, std::move(out), {&x}, rule);
}
template Tensor<float> relu(const Tensor<float>&);
template Tensor<double> relu(const Tensor<double>&);

template <class T>
Tensor<T> softplus(const Tensor<T>& x) {
    detail::require_defined(Op::softplus, x, "input");
    // log(1 + e^v) = max(v, 0) + log1p(e^-|v|): e^-|v| <= 1 never overflows (v = +-1000).
    Array<T> out =
        map(x.value(), [](T v) { return std::max(v, T(0)) + std::log1p(std::exp(-std::abs(v))); });
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        return {mul(c.grad, sigmoid(c.input(0)))}; // dX = G * e^X / (1 + e^X) = G * sigmoid(X)
    };
    return make_result<T>(Op::softplus, std::move(out), {&x}, rule);
}
template Tensor<float> softplus(const Tensor<float>&);
template Tensor<double> softplus(const Tensor<double>&);

template <class T>
Tensor<T> leaky_relu(const Tensor<T>& x, T slope) {
    detail::require_defined(Op::leaky_relu, x, "input");
    OpParams params;
    params.slope = slope;
    Array<T> out = map(x.value(), [slope](T v) { return v > 0 ? v : slope * v; });
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // dX = G * (X > 0 ? 1 : slope): slope at 0
        return {leaky_relu_grad(c.grad, c.input(0), static_cast<T>(c.params().slope))};
    };
    return make_result<T>(Op::leaky_relu, std::move(out), {&x}, rule, params);
}
template Tensor<float> leaky_relu(const Tensor<float>&, float);
template Tensor<double> leaky_relu(const Tensor<double>&, double);

template <class T>
Tensor<T> sigmoid_grad(const Tensor<T>& g, const Tensor<T>& a) {
    require_same_shape(Op::sigmoid_grad, g, a);
    Array<T> out = zip(g.value(), a.value(), [](T h, T s) { return sigmoid_backward(h, s); });
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // A = H * S * (1 - S): dH = G * S * (1 - S), dS = G * H * (1 - 2S)
        const Tensor<T> H = c.input(0), S = c.input(1);
        return {c.needs(0) ? sigmoid_grad(c.grad, S) : Tensor<T>(),
                c.needs(1) ? mul(mul(c.grad, H), add_scalar(mul_scalar(S, T(-2)), T(1)))
                           : Tensor<T>()};
    };
    return make_result<T>(Op::sigmoid_grad, std::move(out), {&g, &a}, rule);
}
template Tensor<float> sigmoid_grad(const Tensor<float>&, const Tensor<float>&);
template Tensor<double> sigmoid_grad(const Tensor<double>&, const Tensor<double>&);

template <class T>
Tensor<T> tanh_grad(const Tensor<T>& g, const Tensor<T>& a) {
    require_same_shape(Op::tanh_grad, g, a);
    Array<T> out = zip(g.value(), a.value(), [](T h, T s) { return tanh_backward(h, s); });
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // A = H * (1 - S^2): dH = G * (1 - S^2), dS = -2 G * H * S
        const Tensor<T> H = c.input(0), S = c.input(1);
        return {c.needs(0) ? tanh_grad(c.grad, S) : Tensor<T>(),
                c.needs(1) ? mul_scalar(mul(mul(c.grad, H), S), T(-2)) : Tensor<T>()};
    };
    return make_result<T>(Op::tanh_grad, std::move(out), {&g, &a}, rule);
}
template Tensor<float> tanh_grad(const Tensor<float>&, const Tensor<float>&);
template Tensor<double> tanh_grad(const Tensor<double>&, const Tensor<double>&);

template <class T>
Tensor<T> relu_grad(const Tensor<T>& g, const Tensor<T>& a) {
    require_same_shape(Op::relu_grad, g, a);
    Array<T> out = zip(g.value(), a.value(), [](T h, T s) { return relu_backward(h, s); });
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // A = H * (S > 0): dH = G * (S > 0), dS = 0 (a step: derivative 0 wherever it exists)
        return {c.needs(0) ? relu_grad(c.grad, c.input(1)) : Tensor<T>(), Tensor<T>()};
    };
    return make_result<T>(Op::relu_grad, std::move(out), {&g, &a}, rule);
}
template Tensor<float> relu_grad(const Tensor<float>&, const Tensor<float>&);
template Tensor<double> relu_grad(const Tensor<double>&, const Tensor<double>&);

template <class T>
Tensor<T> leaky_relu_grad(const Tensor<T>& g, const Tensor<T>& x, T slope) {
    require_same_shape(Op::leaky_relu_grad, g, x);
    OpParams params;
    params.slope = slope;
    Array<T> out = zip(g.value(), x.value(), [slope](T h, T s) { return s > 0 ? h : slope * h; });
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // A = H * (S > 0 ? 1 : slope): dH = G * (S > 0 ? 1 : slope), dS = 0
        const T s = static_cast<T>(c.params().slope);
        return {c.needs(0) ? leaky_relu_grad(c.grad, c.input(1), s) : Tensor<T>(), Tensor<T>()};
    };
    return make_result<T>(Op::leaky_relu_grad, std::move(out), {&g, &x}, rule, params);
}
template Tensor<float> leaky_relu_grad(const Tensor<float>&, const Tensor<float>&, float);
template Tensor<double> leaky_relu_grad(const Tensor<double>&, const Tensor<double>&, double);

} // namespace xgrad
