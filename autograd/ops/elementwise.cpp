// Elementwise arithmetic. Each op: its forward, then its backward rule with the
// derivative as a one-line comment. Rules return gradients in the output's shape;
// the engine sums them back to broadcast inputs' shapes.
#include "autograd/ops/ops.hpp"

#include "autograd/core/error.hpp"
#include "autograd/core/node.hpp"
#include "autograd/kernels/elementwise.hpp"
#include "autograd/ops/record.hpp"
#include "autograd/ops/shape_checks.hpp"

#include <cmath>
#include <functional>

namespace xgrad {

using detail::constant;
using detail::make_result;

template <class T>
Tensor<T> add(const Tensor<T>& a, const Tensor<T>& b) {
    detail::broadcast_shape(Op::add, a, b);
    return make_result<T>(Op::add,
                          kernels::broadcast_zip(a.value(), b.value(), std::plus<T>(),
                                                [&] { return Array<T>(a.value() + b.value()); }),
                          {&a, &b},
                          [](const BackwardContext<T>& c) -> InputGrads<T> {
                              return {c.grad, c.grad}; // (a + b)'a = 1, (a + b)'b = 1
                          });
}

template <class T>
Tensor<T> sub(const Tensor<T>& a, const Tensor<T>& b) {
    detail::broadcast_shape(Op::sub, a, b);
    return make_result<T>(Op::sub,
                          kernels::broadcast_zip(a.value(), b.value(), std::minus<T>(),
                                                [&] { return Array<T>(a.value() - b.value()); }),
                          {&a, &b},
                          [](const BackwardContext<T>& c) -> InputGrads<T> {
                              // (a - b)'a = 1, (a - b)'b = -1
                              return {c.grad, c.needs(1) ? neg(c.grad) : Tensor<T>()};
                          });
}

template <class T>
Tensor<T> mul(const Tensor<T>& a, const Tensor<T>& b) {
    detail::broadcast_shape(Op::mul, a, b);
    return make_result<T>(Op::mul,
                          kernels::broadcast_zip(a.value(), b.value(), std::multiplies<T>(),
                                                [&] { return Array<T>(a.value() * b.value()); }),
                          {&a, &b},
                          [](const BackwardContext<T>& c) -> InputGrads<T> {
                              // (a * b)'a = b, (a * b)'b = a
                              return {c.needs(0) ? mul(c.grad, c.input(1)) : Tensor<T>(),
                                      c.needs(1) ? mul(c.grad, c.input(0)) : Tensor<T>()};
                          });
}

template <class T>
Tensor<T> div(const Tensor<T>& a, const Tensor<T>& b) {
    detail::broadcast_shape(Op::div, a, b);
    return make_result<T>(Op::div,
                          kernels::broadcast_zip(a.value(), b.value(), std::divides<T>(),
                                                [&] { return Array<T>(a.value() / b.value()); }),
                          {&a, &b},
                          [](const BackwardContext<T>& c) -> InputGrads<T> {
                              // (a / b)'a = 1 / b, (a / b)'b = -a / b^2 = -(a / b) / b
                              return {c.needs(0) ? div(c.grad, c.input(1)) : Tensor<T>(),
                                      c.needs(1) ? neg(div(mul(c.grad, c.output), c.input(1)))
                                                 : Tensor<T>()};
                          });
}

template <class T>
Tensor<T> neg(const Tensor<T>& x) {
    detail::require_defined(Op::neg, x, "input");
    return make_result<T>(Op::neg, kernels::map(x.value(), [](T v) { return -v; }), {&x},
                          [](const BackwardContext<T>& c) -> InputGrads<T> {
                              return {neg(c.grad)}; // (-x)' = -1
                          });
}

template <class T>
Tensor<T> add_scalar(const Tensor<T>& x, typename Tensor<T>::value_type k) {
    detail::require_defined(Op::add_scalar, x, "input");
    OpParams params;
    params.scalar = k;
    return make_result<T>(Op::add_scalar, kernels::map(x.value(), [k](T v) { return v + k; }), {&x},
                          [](const BackwardContext<T>& c) -> InputGrads<T> {
                              return {c.grad}; // (x + k)' = 1
                          },
                          params);
}

template <class T>
Tensor<T> mul_scalar(const Tensor<T>& x, typename Tensor<T>::value_type k) {
    detail::require_defined(Op::mul_scalar, x, "input");
    OpParams params;
    params.scalar = k;
    return make_result<T>(Op::mul_scalar, kernels::map(x.value(), [k](T v) { return v * k; }), {&x},
                          [](const BackwardContext<T>& c) -> InputGrads<T> {
                              // (k x)' = k
                              return {mul_scalar(c.grad, static_cast<T>(c.params().scalar))};
                          },
                          params);
}

template <class T>
Tensor<T> pow(const Tensor<T>& x, T p) {
    detail::require_defined(Op::pow, x, "input");
    OpParams params;
    params.scalar = p;
    return make_result<T>(Op::pow, xt::pow(x.value(), p), {&x},
                          [](const BackwardContext<T>& c) -> InputGrads<T> {
                              // (x^p)' = p x^(p-1)
                              const T p = static_cast<T>(c.params().scalar);
                              return {mul(c.grad, mul_scalar(pow(c.input(0), p - 1), p))};
                          },
                          params);
}

template <class T>
Tensor<T> exp(const Tensor<T>& x) {
    detail::require_defined(Op::exp, x, "input");
    return make_result<T>(Op::exp, xt::exp(x.value()), {&x},
                          [](const BackwardContext<T>& c) -> InputGrads<T> {
                              return {mul(c.grad, c.output)}; // (e^x)' = e^x
                          });
}

template <class T>
Tensor<T> log(const Tensor<T>& x) {
    detail::require_defined(Op::log, x, "input");
    return make_result<T>(Op::log, xt::log(x.value()), {&x},
                          [](const BackwardContext<T>& c) -> InputGrads<T> {
                              return {div(c.grad, c.input(0))}; // (log x)' = 1 / x
                          });
}

template <class T>
Tensor<T> sqrt(const Tensor<T>& x) {
    detail::require_defined(Op::sqrt, x, "input");
    return make_result<T>(Op::sqrt, xt::sqrt(x.value()), {&x},
                          [](const BackwardContext<T>& c) -> InputGrads<T> {
                              // (sqrt x)' = 1 / (2 sqrt x)
                              return {div(c.grad, mul_scalar(c.output, T(2)))};
                          });
}

namespace {
// Share of the gradient that goes to `a` for max(a, b): 1 where a wins, 1/2 at ties.
template <class T>
Tensor<T> winner_share(const Tensor<T>& a, const Tensor<T>& b, bool larger_wins) {
    Array<T> share = larger_wins ? Array<T>(xt::cast<T>(a.value() > b.value()))
                                  : Array<T>(xt::cast<T>(a.value() < b.value()));
    share += T(0.5) * xt::cast<T>(xt::equal(a.value(), b.value()));
    return constant(std::move(share));
}

template <class T>
InputGrads<T> extremum_backward(const BackwardContext<T>& c, bool larger_wins) {
    const Tensor<T> a = c.input(0), b = c.input(1);
    return {c.needs(0) ? mul(c.grad, winner_share(a, b, larger_wins)) : Tensor<T>(),
            c.needs(1) ? mul(c.grad, winner_share(b, a, larger_wins)) : Tensor<T>()};
}
} // namespace

template <class T>
Tensor<T> maximum(const Tensor<T>& a, const Tensor<T>& b) {
    detail::broadcast_shape(Op::maximum, a, b);
    return make_result<T>(Op::maximum, xt::maximum(a.value(), b.value()), {&a, &b},
                          [](const BackwardContext<T>& c) { return extremum_backward(c, true); });
}

template <class T>
Tensor<T> minimum(const Tensor<T>& a, const Tensor<T>& b) {
    detail::broadcast_shape(Op::minimum, a, b);
    return make_result<T>(Op::minimum, xt::minimum(a.value(), b.value()), {&a, &b},
                          [](const BackwardContext<T>& c) { return extremum_backward(c, false); });
}

template <class T>
Tensor<T> clip(const Tensor<T>& x, T lo, T hi) {
    detail::require_defined(Op::clip, x, "input");
    if (!(lo <= hi))
        throw ShapeError(detail::in_scope("clip: lower bound " + std::to_string(lo) +
                                          " is above upper bound " + std::to_string(hi)));
    OpParams params;
    params.scalar = lo;
    params.scalar2 = hi;
    return make_result<T>(
        Op::clip, xt::clip(x.value(), lo, hi), {&x},
        [](const BackwardContext<T>& c) -> InputGrads<T> {
            // clip'(x) = 1 inside [lo, hi], 0 where clipped
            const auto& x = c.input(0).value();
            const T lo = static_cast<T>(c.params().scalar), hi = static_cast<T>(c.params().scalar2);
            return {mul(c.grad, constant<T>(xt::cast<T>(x >= lo && x <= hi)))};
        },
        params);
}

#define XGRAD_INSTANTIATE(T)                                                                      \
    template Tensor<T> add(const Tensor<T>&, const Tensor<T>&);                                   \
    template Tensor<T> sub(const Tensor<T>&, const Tensor<T>&);                                   \
    template Tensor<T> mul(const Tensor<T>&, const Tensor<T>&);                                   \
    template Tensor<T> div(const Tensor<T>&, const Tensor<T>&);                                   \
    template Tensor<T> neg(const Tensor<T>&);                                                     \
    template Tensor<T> add_scalar(const Tensor<T>&, T);                                           \
    template Tensor<T> mul_scalar(const Tensor<T>&, T);                                           \
    template Tensor<T> pow(const Tensor<T>&, T);                                                  \
    template Tensor<T> exp(const Tensor<T>&);                                                     \
    template Tensor<T> log(const Tensor<T>&);                                                     \
    template Tensor<T> sqrt(const Tensor<T>&);                                                    \
    template Tensor<T> maximum(const Tensor<T>&, const Tensor<T>&);                               \
    template Tensor<T> minimum(const Tensor<T>&, const Tensor<T>&);                               \
    template Tensor<T> clip(const Tensor<T>&, T, T);
XGRAD_FOR_EACH_SCALAR(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

} // namespace xgrad
