// Activations and their backward helpers. The helpers (sigmoid_grad, ...) are ops of
// their own, as PyTorch's sigmoid_backward: one fused kernel in a plain backward, and
// still differentiable when a backward is recorded (create_graph).
#include "autograd/ops/ops.hpp"

#include "autograd/core/error.hpp"
#include "autograd/core/node.hpp"
#include "autograd/core/grad_mode.hpp"
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
    return make_result<T>(Op::tanh, map(x.value(), [](T v) { return std::tanh(v); }), {&x},
                          [](const BackwardContext<T>& c) -> InputGrads<T> {
                              return {tanh_grad(c.grad, c.output)}; // tanh' = 1 - A^2
                          });
}

template <class T>
Tensor<T> sigmoid(const Tensor<T>& x) {
    detail::require_defined(Op::sigmoid, x, "input");
    return make_result<T>(Op::sigmoid, map(x.value(), [](T v) { return kernels::sigmoid_of(v); }), {&x},
                          [](const BackwardContext<T>& c) -> InputGrads<T> {
                              return {sigmoid_grad(c.grad, c.output)}; // sigmoid' = A (1 - A)
                          });
}

template <class T>
Tensor<T> relu(const Tensor<T>& x) {
    detail::require_defined(Op::relu, x, "input");
    return make_result<T>(Op::relu, map(x.value(), [](T v) { return v > 0 ? v : T(0); }), {&x},
                          [](const BackwardContext<T>& c) -> InputGrads<T> {
                              return {relu_grad(c.grad, c.output)}; // relu' = (A > 0), 0 at 0
                          });
}

template <class T>
Tensor<T> leaky_relu(const Tensor<T>& x, T slope) {
    detail::require_defined(Op::leaky_relu, x, "input");
    OpParams params;
    params.scalar = slope;
    return make_result<T>(
        Op::leaky_relu, map(x.value(), [slope](T v) { return v > 0 ? v : slope * v; }), {&x},
        [](const BackwardContext<T>& c) -> InputGrads<T> {
            // leaky_relu' = 1 for x > 0, slope otherwise (at 0: slope)
            return {leaky_relu_grad(c.grad, c.input(0), static_cast<T>(c.params().scalar))};
        },
        params);
}

template <class T>
Tensor<T> sigmoid_grad(const Tensor<T>& g, const Tensor<T>& a) {
    require_same_shape(Op::sigmoid_grad, g, a);
    return make_result<T>(
        Op::sigmoid_grad, zip(g.value(), a.value(), [](T gv, T av) { return gv * av * (T(1) - av); }),
        {&g, &a}, [](const BackwardContext<T>& c) -> InputGrads<T> {
            const Tensor<T> g = c.input(0), a = c.input(1);
            // d(g a (1-a))/dg = a (1-a); d/da = g (1 - 2a)
            return {c.needs(0) ? sigmoid_grad(c.grad, a) : Tensor<T>(),
                    c.needs(1) ? mul(mul(c.grad, g), add_scalar(mul_scalar(a, T(-2)), T(1)))
                               : Tensor<T>()};
        });
}

template <class T>
Tensor<T> tanh_grad(const Tensor<T>& g, const Tensor<T>& a) {
    require_same_shape(Op::tanh_grad, g, a);
    return make_result<T>(
        Op::tanh_grad, zip(g.value(), a.value(), [](T gv, T av) { return gv * (T(1) - av * av); }),
        {&g, &a}, [](const BackwardContext<T>& c) -> InputGrads<T> {
            const Tensor<T> g = c.input(0), a = c.input(1);
            // d(g (1-a^2))/dg = 1 - a^2; d/da = -2 g a
            return {c.needs(0) ? tanh_grad(c.grad, a) : Tensor<T>(),
                    c.needs(1) ? mul_scalar(mul(mul(c.grad, g), a), T(-2)) : Tensor<T>()};
        });
}

template <class T>
Tensor<T> relu_grad(const Tensor<T>& g, const Tensor<T>& a) {
    require_same_shape(Op::relu_grad, g, a);
    return make_result<T>(
        Op::relu_grad, zip(g.value(), a.value(), [](T gv, T av) { return av > 0 ? gv : T(0); }),
        {&g, &a}, [](const BackwardContext<T>& c) -> InputGrads<T> {
            // d(g (a>0))/dg = (a>0); the step has derivative 0 wherever it exists
            return {c.needs(0) ? relu_grad(c.grad, c.input(1)) : Tensor<T>(), Tensor<T>()};
        });
}

template <class T>
Tensor<T> leaky_relu_grad(const Tensor<T>& g, const Tensor<T>& x, T slope) {
    require_same_shape(Op::leaky_relu_grad, g, x);
    OpParams params;
    params.scalar = slope;
    return make_result<T>(
        Op::leaky_relu_grad,
        zip(g.value(), x.value(), [slope](T gv, T xv) { return xv > 0 ? gv : slope * gv; }),
        {&g, &x},
        [](const BackwardContext<T>& c) -> InputGrads<T> {
            // linear in g; the slope's step in x has derivative 0 wherever it exists
            return {c.needs(0) ? leaky_relu_grad(c.grad, c.input(1),
                                                 static_cast<T>(c.params().scalar))
                               : Tensor<T>(),
                    Tensor<T>()};
        },
        params);
}

#define XGRAD_INSTANTIATE(T)                                                                      \
    template Tensor<T> tanh(const Tensor<T>&);                                                    \
    template Tensor<T> sigmoid(const Tensor<T>&);                                                 \
    template Tensor<T> relu(const Tensor<T>&);                                                    \
    template Tensor<T> leaky_relu(const Tensor<T>&, T);                                           \
    template Tensor<T> sigmoid_grad(const Tensor<T>&, const Tensor<T>&);                          \
    template Tensor<T> tanh_grad(const Tensor<T>&, const Tensor<T>&);                             \
    template Tensor<T> relu_grad(const Tensor<T>&, const Tensor<T>&);                             \
    template Tensor<T> leaky_relu_grad(const Tensor<T>&, const Tensor<T>&, T);
XGRAD_FOR_EACH_SCALAR(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

} // namespace xgrad
