// Elementwise arithmetic. Each op in three statements: its result from a kernel, its rule
// as a lambda (the derivative as a one-line comment beside it), its record; then its
// explicit instantiations. Rules return gradients in the output's shape; the engine sums
// them back to broadcast inputs' shapes.
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
    Array<T> out = kernels::broadcast_zip(a.value(), b.value(), std::plus<T>(),
                                          [&] { return Array<T>(a.value() + b.value()); });
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        return {c.grad, c.grad}; // dX = G, dY = G
    };
    return make_result<T>(Op::add, std::move(out), {&a, &b}, rule);
}
template Tensor<float> add(const Tensor<float>&, const Tensor<float>&);
template Tensor<double> add(const Tensor<double>&, const Tensor<double>&);

template <class T>
Tensor<T> sub(const Tensor<T>& a, const Tensor<T>& b) {
    detail::broadcast_shape(Op::sub, a, b);
    Array<T> out = kernels::broadcast_zip(a.value(), b.value(), std::minus<T>(),
                                          [&] { return Array<T>(a.value() - b.value()); });
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        return {c.grad, c.needs(1) ? neg(c.grad) : Tensor<T>()}; // dX = G, dY = -G
    };
    return make_result<T>(Op::sub, std::move(out), {&a, &b}, rule);
}
template Tensor<float> sub(const Tensor<float>&, const Tensor<float>&);
template Tensor<double> sub(const Tensor<double>&, const Tensor<double>&);

template <class T>
Tensor<T> mul(const Tensor<T>& a, const Tensor<T>& b) {
    detail::broadcast_shape(Op::mul, a, b);
    Array<T> out = kernels::broadcast_zip(a.value(), b.value(), std::multiplies<T>(),
                                          [&] { return Array<T>(a.value() * b.value()); });
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // dX = G * Y, dY = G * X
        return {c.needs(0) ? mul(c.grad, c.input(1)) : Tensor<T>(),
                c.needs(1) ? mul(c.grad, c.input(0)) : Tensor<T>()};
    };
    return make_result<T>(Op::mul, std::move(out), {&a, &b}, rule);
}
template Tensor<float> mul(const Tensor<float>&, const Tensor<float>&);
template Tensor<double> mul(const Tensor<double>&, const Tensor<double>&);

template <class T>
Tensor<T> div(const Tensor<T>& a, const Tensor<T>& b) {
    detail::broadcast_shape(Op::div, a, b);
    Array<T> out = kernels::broadcast_zip(a.value(), b.value(), std::divides<T>(),
                                          [&] { return Array<T>(a.value() / b.value()); });
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // dX = G / Y, dY = -G * X / Y^2 = -(G * A) / Y
        return {c.needs(0) ? div(c.grad, c.input(1)) : Tensor<T>(),
                c.needs(1) ? neg(div(mul(c.grad, c.output), c.input(1))) : Tensor<T>()};
    };
    return make_result<T>(Op::div, std::move(out), {&a, &b}, rule);
}
template Tensor<float> div(const Tensor<float>&, const Tensor<float>&);
template Tensor<double> div(const Tensor<double>&, const Tensor<double>&);

template <class T>
Tensor<T> neg(const Tensor<T>& x) {
    detail::require_defined(Op::neg, x, "input");
    Array<T> out = kernels::map(x.value(), [](T v) { return -v; });
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        return {neg(c.grad)}; // dX = -G
    };
    return make_result<T>(Op::neg, std::move(out), {&x}, rule);
}
template Tensor<float> neg(const Tensor<float>&);
template Tensor<double> neg(const Tensor<double>&);

template <class T>
Tensor<T> add_scalar(const Tensor<T>& x, typename Tensor<T>::value_type k) {
    detail::require_defined(Op::add_scalar, x, "input");
    OpParams params;
    params.constant = k;
    Array<T> out = kernels::map(x.value(), [k](T v) { return v + k; });
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        return {c.grad}; // dX = G
    };
    return make_result<T>(Op::add_scalar, std::move(out), {&x}, rule, params);
}
template Tensor<float> add_scalar(const Tensor<float>&, float);
template Tensor<double> add_scalar(const Tensor<double>&, double);

template <class T>
Tensor<T> mul_scalar(const Tensor<T>& x, typename Tensor<T>::value_type k) {
    detail::require_defined(Op::mul_scalar, x, "input");
    OpParams params;
    params.constant = k;
    Array<T> out = kernels::map(x.value(), [k](T v) { return v * k; });
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        return {mul_scalar(c.grad, static_cast<T>(c.params().constant))}; // dX = c * G
    };
    return make_result<T>(Op::mul_scalar, std::move(out), {&x}, rule, params);
}
template Tensor<float> mul_scalar(const Tensor<float>&, float);
template Tensor<double> mul_scalar(const Tensor<double>&, double);

template <class T>
Tensor<T> pow(const Tensor<T>& x, typename Tensor<T>::value_type p) {
    detail::require_defined(Op::pow, x, "input");
    OpParams params;
    params.exponent = p;
    Array<T> out = xt::pow(x.value(), p);
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        const T e = static_cast<T>(c.params().exponent);
        return {mul(c.grad, mul_scalar(pow(c.input(0), e - 1), e))}; // dX = G * p X^(p-1)
    };
    return make_result<T>(Op::pow, std::move(out), {&x}, rule, params);
}
template Tensor<float> pow(const Tensor<float>&, float);
template Tensor<double> pow(const Tensor<double>&, double);

// c^x = exp(x log c): no op of its own, exp's and mul_scalar's rules give dX = G c^x log c.
template <class T>
Tensor<T> pow(typename Tensor<T>::value_type c, const Tensor<T>& x) {
    if (!x.defined())
        throw Error(detail::in_scope("pow: the exponent of pow(c, x) is undefined"));
    if (!(c > T(0)))
        throw Error(detail::in_scope("pow: the base " + std::to_string(c) + " of pow(c, " +
                                     describe(x) + ") must be positive (c^x = exp(x log c))"));
    return exp(mul_scalar(x, std::log(c)));
}
template Tensor<float> pow(float, const Tensor<float>&);
template Tensor<double> pow(double, const Tensor<double>&);

template <class T>
Tensor<T> exp(const Tensor<T>& x) {
    detail::require_defined(Op::exp, x, "input");
    Array<T> out = xt::exp(x.value());
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        return {mul(c.grad, c.output)}; // dX = G * e^X = G * A
    };
    return make_result<T>(Op::exp, std::move(out), {&x}, rule);
}
template Tensor<float> exp(const Tensor<float>&);
template Tensor<double> exp(const Tensor<double>&);

template <class T>
Tensor<T> log(const Tensor<T>& x) {
    detail::require_defined(Op::log, x, "input");
    Array<T> out = xt::log(x.value());
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        return {div(c.grad, c.input(0))}; // dX = G / X
    };
    return make_result<T>(Op::log, std::move(out), {&x}, rule);
}
template Tensor<float> log(const Tensor<float>&);
template Tensor<double> log(const Tensor<double>&);

template <class T>
Tensor<T> sqrt(const Tensor<T>& x) {
    detail::require_defined(Op::sqrt, x, "input");
    Array<T> out = xt::sqrt(x.value());
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        return {div(c.grad, mul_scalar(c.output, T(2)))}; // dX = G / (2 sqrt X) = G / (2 A)
    };
    return make_result<T>(Op::sqrt, std::move(out), {&x}, rule);
}
template Tensor<float> sqrt(const Tensor<float>&);
template Tensor<double> sqrt(const Tensor<double>&);

template <class T>
Tensor<T> abs(const Tensor<T>& x) {
    detail::require_defined(Op::abs, x, "input");
    Array<T> out = kernels::map(x.value(), [](T v) { return std::abs(v); });
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // dX = G * sign(X); at X = 0 any value in [-1, 1] is a subgradient: 0 is taken
        Array<T> sign = kernels::map(c.input(0).value(), [](T v) { return T((v > 0) - (v < 0)); });
        return {mul(c.grad, constant(std::move(sign)))};
    };
    return make_result<T>(Op::abs, std::move(out), {&x}, rule);
}
template Tensor<float> abs(const Tensor<float>&);
template Tensor<double> abs(const Tensor<double>&);

namespace {
// Share of the gradient that goes to `a` for max(a, b): 1 where a wins, 1/2 at ties.
template <class T>
Tensor<T> winner_share(const Tensor<T>& a, const Tensor<T>& b, bool larger_wins) {
    Array<T> share = larger_wins ? Array<T>(xt::cast<T>(a.value() > b.value()))
                                 : Array<T>(xt::cast<T>(a.value() < b.value()));
    share += T(0.5) * xt::cast<T>(xt::equal(a.value(), b.value()));
    return constant(std::move(share));
}

// dX = G * (X wins), dY = G * (Y wins), ties split G/2
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
    Array<T> out = xt::maximum(a.value(), b.value());
    auto rule = [](const BackwardContext<T>& c) { return extremum_backward(c, true); };
    return make_result<T>(Op::maximum, std::move(out), {&a, &b}, rule);
}
template Tensor<float> maximum(const Tensor<float>&, const Tensor<float>&);
template Tensor<double> maximum(const Tensor<double>&, const Tensor<double>&);

template <class T>
Tensor<T> minimum(const Tensor<T>& a, const Tensor<T>& b) {
    detail::broadcast_shape(Op::minimum, a, b);
    Array<T> out = xt::minimum(a.value(), b.value());
    auto rule = [](const BackwardContext<T>& c) { return extremum_backward(c, false); };
    return make_result<T>(Op::minimum, std::move(out), {&a, &b}, rule);
}
template Tensor<float> minimum(const Tensor<float>&, const Tensor<float>&);
template Tensor<double> minimum(const Tensor<double>&, const Tensor<double>&);

template <class T>
Tensor<T> clip(const Tensor<T>& x, T lo, T hi) {
    detail::require_defined(Op::clip, x, "input");
    if (!(lo <= hi))
        throw ShapeError(detail::in_scope("clip: lower bound " + std::to_string(lo) +
                                          " is above upper bound " + std::to_string(hi)));
    OpParams params;
    params.lo = lo;
    params.hi = hi;
    Array<T> out = xt::clip(x.value(), lo, hi);
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // dX = G * (lo <= X <= hi): 1 inside, 0 where clipped
        const auto& X = c.input(0).value();
        const OpParams& p = c.params();
        return {mul(c.grad, constant<T>(xt::cast<T>(X >= T(p.lo) && X <= T(p.hi))))};
    };
    return make_result<T>(Op::clip, std::move(out), {&x}, rule, params);
}
template Tensor<float> clip(const Tensor<float>&, float, float);
template Tensor<double> clip(const Tensor<double>&, double, double);

} // namespace xgrad
