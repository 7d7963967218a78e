#pragma once
// Builds one op of the op table from a source of bytes: the fuzzer's op switch
// (fuzz_graph.cpp), in a header so that the normal test build checks it too
// (tests/test_ops.cpp: "the fuzzer's op builder covers every op"). `Bytes` is libFuzzer's
// FuzzedDataProvider or anything with its ConsumeIntegral, ConsumeIntegralInRange and
// ConsumeBool.
//
// Ops with parameters, or more than one way to be called, have a case of their own. Every
// other op is called by its name in the table with as many tensors as its arity
// (call_by_name), so an op such as abs(x) needs no line here.
#include "autograd/autograd.hpp"

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace xgrad::fuzzing {

template <class T, class Bytes>
T pick_value(Bytes& in) {
    static const T table[] = {T(0),
                              T(1),
                              T(-1),
                              T(0.5),
                              T(-2),
                              T(3),
                              T(1e-8),
                              T(-1e-8),
                              T(100),
                              T(-100),
                              T(0.25),
                              T(7),
                              std::numeric_limits<T>::max(),
                              std::numeric_limits<T>::lowest(),
                              std::numeric_limits<T>::min(),
                              std::numeric_limits<T>::denorm_min(),
                              std::numeric_limits<T>::infinity(),
                              -std::numeric_limits<T>::infinity(),
                              std::numeric_limits<T>::quiet_NaN()};
    const std::uint8_t b = in.template ConsumeIntegral<std::uint8_t>();
    if (b < 2 * sizeof(table) / sizeof(table[0]))
        return table[b % (sizeof(table) / sizeof(table[0]))];
    return T(static_cast<int>(b) - 160) / T(16); // ordinary values in [-4, 6)
}

template <class Bytes>
Shape pick_shape(Bytes& in, std::size_t max_rank = 3) {
    Shape shape;
    const std::size_t rank = in.template ConsumeIntegralInRange<std::size_t>(0, max_rank);
    for (std::size_t i = 0; i < rank; ++i)
        shape.push_back(in.template ConsumeIntegralInRange<std::size_t>(0, 4));
    return shape;
}

// Up to four axes in [-4, 3]: often valid for the ranks pick_shape makes, sometimes out of
// range or repeated (which the op must refuse cleanly).
template <class Bytes>
std::vector<int> pick_axes(Bytes& in) {
    std::vector<int> axes(in.template ConsumeIntegralInRange<std::size_t>(0, 4));
    for (int& axis : axes)
        axis = in.template ConsumeIntegralInRange<int>(-4, 3);
    return axes;
}

// A permutation of `rank` axes (shuffled by the bytes), or now and then any axes at all.
template <class Bytes>
std::vector<int> pick_permutation(Bytes& in, std::size_t rank) {
    if (in.ConsumeBool())
        return pick_axes(in);
    std::vector<int> perm(rank);
    for (std::size_t i = 0; i < rank; ++i)
        perm[i] = static_cast<int>(i);
    for (std::size_t i = rank; i > 1; --i)
        std::swap(perm[i - 1], perm[in.template ConsumeIntegralInRange<std::size_t>(0, i - 1)]);
    return perm;
}

/// Thrown when an op of the table has no way to be built here: a test failure, not a finding.
struct MissingOp : std::logic_error {
    using std::logic_error::logic_error;
};

// f called with the first `arity` of a, b, c, if it takes that many tensors.
template <int arity, class T, class F>
Tensor<T> call_with(F f, const Tensor<T>& a, const Tensor<T>& b, const Tensor<T>& c, Op op) {
    using X = const Tensor<T>&;
    if constexpr (arity == 1 && std::is_invocable_v<F, X>)
        return f(a);
    else if constexpr (arity == 2 && std::is_invocable_v<F, X, X>)
        return f(a, b);
    else if constexpr (arity == 3 && std::is_invocable_v<F, X, X, X>)
        return f(a, b, c);
    else {
        (void)f, (void)a, (void)b, (void)c;
        throw MissingOp(std::string("op builder: ") + op_info(op).name +
                        " is not a function of its arity's tensors: give it a case in "
                        "tests/fuzz/op_builder.hpp");
    }
}

// The op called by its table name: xgrad::name(a), name(a, b) or name(a, b, c), found by
// argument-dependent lookup (a name that is no such function makes call_with throw).
template <class T>
Tensor<T> call_by_name(Op op, const Tensor<T>& a, const Tensor<T>& b, const Tensor<T>& c) {
    switch (op) {
    case Op::leaf:
        return a;
    case Op::custom: // a user's op has no name in the table to be called by
        break;
#define XGRAD_OP(name, arity, keeps, rule)                                                         \
    case Op::name:                                                                                 \
        return call_with<arity>(                                                                   \
            [](const auto&... x) -> decltype(name(x...)) { return name(x...); }, a, b, c, op);
#include "autograd/core/op_list.def"
#undef XGRAD_OP
    }
    throw MissingOp("op builder: unknown op id " + std::to_string(static_cast<int>(op)));
}

/// `op` applied to a, b, c, with its parameters (axes, scalars, shapes) from the bytes.
template <class T, class Bytes>
Tensor<T> build_op(Op op, Bytes& in, const Tensor<T>& a, const Tensor<T>& b, const Tensor<T>& c,
                   int axis, bool flag) {
    switch (op) {
    case Op::add:
        return flag ? add(a, b) : a + pick_value<T>(in);
    case Op::sub:
        return flag ? sub(a, b) : pick_value<T>(in) - a;
    case Op::mul:
        return flag ? mul(a, b) : pick_value<T>(in) * a;
    case Op::div:
        return flag ? div(a, b) : a / pick_value<T>(in);
    case Op::neg:
        return -a;
    case Op::add_scalar:
        return add_scalar(a, pick_value<T>(in));
    case Op::mul_scalar:
        return mul_scalar(a, pick_value<T>(in));
    case Op::pow:
        return pow(a, pick_value<T>(in));
    case Op::leaky_relu:
        return leaky_relu(a, pick_value<T>(in));
    case Op::clip:
        return clip(a, pick_value<T>(in), pick_value<T>(in));
    case Op::sum:
        if (flag)
            return sum(a);
        return in.ConsumeBool() ? sum(a, pick_axes(in), in.ConsumeBool())
                                : sum(a, axis, in.ConsumeBool());
    case Op::mean:
        if (flag)
            return mean(a);
        return in.ConsumeBool() ? mean(a, pick_axes(in), in.ConsumeBool())
                                : mean(a, axis, in.ConsumeBool());
    case Op::transpose:
        return flag ? transpose(a) : transpose(a, pick_permutation(in, a.dim()));
    case Op::sum_to:
        return sum_to(a, flag ? b.shape() : pick_shape(in, 4));
    case Op::broadcast_to:
        return broadcast_to(a, flag ? b.shape() : pick_shape(in, 4));
    case Op::reshape:
        return reshape(a, flag ? b.shape() : pick_shape(in, 4));
    case Op::matmul:
        return matmul(a, b, flag, in.ConsumeBool());
    case Op::softmax:
        return softmax(a, axis);
    case Op::log_softmax:
        return log_softmax(a, axis);
    case Op::leaky_relu_grad:
        return leaky_relu_grad(a, b, pick_value<T>(in));
    default:
        return call_by_name(op, a, b, c);
    }
}

} // namespace xgrad::fuzzing
