// Reductions and shape ops. sum_to and broadcast_to are each other's backward, and
// sum_to is what the engine applies to every gradient of a broadcast input.
#include "autograd/ops/ops.hpp"

#include "autograd/core/error.hpp"
#include "autograd/core/node.hpp"
#include "autograd/kernels/reduce.hpp"
#include "autograd/ops/record.hpp"
#include "autograd/ops/shape_checks.hpp"

#include <algorithm>
#include <numeric>

namespace xgrad {

using detail::make_result;

namespace {
// The axes a reduction runs over, ascending: every axis, or the listed ones. A Shape, whose
// small buffer keeps a bias gradient's sum off the heap.
Shape reduced_axes(const Shape& input, const OpParams& p) {
    Shape axes(p.all_axes ? input.size() : p.axes.size());
    if (p.all_axes)
        std::iota(axes.begin(), axes.end(), std::size_t(0));
    else
        std::copy(p.axes.begin(), p.axes.end(), axes.begin());
    return axes;
}

// The number of elements a reduction adds up into each result element.
std::size_t reduced_count(const Shape& input, const OpParams& p) {
    std::size_t n = 1;
    for (const std::size_t axis : reduced_axes(input, p))
        n *= input[axis];
    return n;
}

Shape keepdims_shape(const Shape& input, const OpParams& p) {
    return detail::reduced_shape(input, reduced_axes(input, p), true);
}

// G of a reduction, spread back over the reduced axes: dX = broadcast(G) (* scale).
template <class T>
Tensor<T> spread(const BackwardContext<T>& c, T scale) {
    const Shape& input = c.node.input_shapes[0];
    Tensor<T> g = c.params().keepdims ? c.grad : reshape(c.grad, keepdims_shape(input, c.params()));
    g = broadcast_to(g, input);
    return scale == T(1) ? g : mul_scalar(g, scale);
}

template <class T>
Tensor<T> reduce(Op op, const Tensor<T>& x, const OpParams& params, bool average) {
    const Shape axes = reduced_axes(x.shape(), params);
    const T count = static_cast<T>(reduced_count(x.shape(), params));
    Array<T> out = params.all_axes ? Array<T>(kernels::sum_all(x.value()))
                   : axes.empty()
                       ? x.value() // numpy's axis=(): nothing is reduced
                       : kernels::sum_axes(x.value(), axes,
                                           detail::reduced_shape(x.shape(), axes, params.keepdims));
    if (average)
        out /= count; // mean of an empty axis is NaN, as numpy's
    auto backward = average ? +[](const BackwardContext<T>& c) -> InputGrads<T> {
        const std::size_t n = reduced_count(c.node.input_shapes[0], c.params());
        return {spread(c, T(1) / static_cast<T>(n))}; // dX = G broadcast to X's shape / n
    }
    : +[](const BackwardContext<T>& c) -> InputGrads<T> {
          return {spread(c, T(1))}; // dX = G broadcast to X's shape
      };
    return make_result<T>(op, std::move(out), {&x}, backward, params);
}

template <class T>
OpParams axis_params(Op op, const Tensor<T>& x, int axis, bool keepdims) {
    detail::require_defined(op, x, "input");
    OpParams params;
    params.axis = static_cast<int>(detail::checked_axis(op, x, axis));
    params.axes = {static_cast<std::size_t>(params.axis)};
    params.keepdims = keepdims;
    return params;
}

template <class T>
OpParams axes_params(Op op, const Tensor<T>& x, const std::vector<int>& axes, bool keepdims) {
    detail::require_defined(op, x, "input");
    OpParams params;
    params.axes = detail::checked_axes(op, x, axes, false);
    std::sort(params.axes.begin(), params.axes.end());
    if (params.axes.size() == 1)
        params.axis = static_cast<int>(params.axes[0]);
    params.keepdims = keepdims;
    return params;
}

template <class T>
OpParams all_params(Op op, const Tensor<T>& x) {
    detail::require_defined(op, x, "input");
    OpParams params;
    params.all_axes = true;
    return params;
}

// Whether `from` broadcasts to `to` under numpy's rules.
bool broadcastable(const Shape& from, const Shape& to) {
    if (from.size() > to.size())
        return false;
    const std::size_t lead = to.size() - from.size();
    for (std::size_t i = 0; i < from.size(); ++i)
        if (from[i] != 1 && from[i] != to[lead + i])
            return false;
    return true;
}
} // namespace

template <class T>
Tensor<T> sum(const Tensor<T>& x) {
    return reduce(Op::sum, x, all_params(Op::sum, x), false);
}
template Tensor<float> sum(const Tensor<float>&);
template Tensor<double> sum(const Tensor<double>&);
template <class T>
Tensor<T> sum(const Tensor<T>& x, int axis, bool keepdims) {
    return reduce(Op::sum, x, axis_params(Op::sum, x, axis, keepdims), false);
}
template Tensor<float> sum(const Tensor<float>&, int, bool);
template Tensor<double> sum(const Tensor<double>&, int, bool);
template <class T>
Tensor<T> mean(const Tensor<T>& x) {
    return reduce(Op::mean, x, all_params(Op::mean, x), true);
}
template Tensor<float> mean(const Tensor<float>&);
template Tensor<double> mean(const Tensor<double>&);
template <class T>
Tensor<T> mean(const Tensor<T>& x, int axis, bool keepdims) {
    return reduce(Op::mean, x, axis_params(Op::mean, x, axis, keepdims), true);
}
template Tensor<float> mean(const Tensor<float>&, int, bool);
template Tensor<double> mean(const Tensor<double>&, int, bool);
template <class T>
Tensor<T> sum(const Tensor<T>& x, const std::vector<int>& axes, bool keepdims) {
    return reduce(Op::sum, x, axes_params(Op::sum, x, axes, keepdims), false);
}
template Tensor<float> sum(const Tensor<float>&, const std::vector<int>&, bool);
template Tensor<double> sum(const Tensor<double>&, const std::vector<int>&, bool);
template <class T>
Tensor<T> mean(const Tensor<T>& x, const std::vector<int>& axes, bool keepdims) {
    return reduce(Op::mean, x, axes_params(Op::mean, x, axes, keepdims), true);
}
template Tensor<float> mean(const Tensor<float>&, const std::vector<int>&, bool);
template Tensor<double> mean(const Tensor<double>&, const std::vector<int>&, bool);

template <class T>
Tensor<T> sum_to(const Tensor<T>& x, const Shape& shape) {
    detail::require_defined(Op::sum_to, x, "input");
    if (!broadcastable(shape, x.shape()))
        throw ShapeError(
            detail::in_scope("sum_to: cannot sum " + describe(x) + " down to " + to_string(shape)));
    // Sum the leading axes the target lacks and the axes where it has extent 1.
    const std::size_t lead = x.dim() - shape.size();
    Shape axes;
    for (std::size_t i = 0; i < x.dim(); ++i)
        if (i < lead || (shape[i - lead] == 1 && x.shape()[i] != 1))
            axes.push_back(i);
    Array<T> out = axes.empty() ? x.value() : kernels::sum_axes(x.value(), axes, shape);
    out.reshape(shape);
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // dX = G broadcast to X's shape: each element of X fed one element of A
        return {broadcast_to(c.grad, c.node.input_shapes[0])};
    };
    return make_result<T>(Op::sum_to, std::move(out), {&x}, rule);
}
template Tensor<float> sum_to(const Tensor<float>&, const Shape&);
template Tensor<double> sum_to(const Tensor<double>&, const Shape&);

template <class T>
Tensor<T> broadcast_to(const Tensor<T>& x, const Shape& shape) {
    detail::require_defined(Op::broadcast_to, x, "input");
    if (!broadcastable(x.shape(), shape))
        throw ShapeError(detail::in_scope("broadcast_to: cannot broadcast " + describe(x) + " to " +
                                          to_string(shape)));
    Array<T> out = xt::broadcast(x.value(), shape);
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // dX = sum_to(G, X's shape): the copies of one element add up
        return {sum_to(c.grad, c.node.input_shapes[0])};
    };
    return make_result<T>(Op::broadcast_to, std::move(out), {&x}, rule);
}
template Tensor<float> broadcast_to(const Tensor<float>&, const Shape&);
template Tensor<double> broadcast_to(const Tensor<double>&, const Shape&);

template <class T>
Tensor<T> transpose(const Tensor<T>& x) {
    detail::require_defined(Op::transpose, x, "input");
    Array<T> out = xt::transpose(x.value());
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        return {transpose(c.grad)}; // dX = G^T
    };
    return make_result<T>(Op::transpose, std::move(out), {&x}, rule);
}
template Tensor<float> transpose(const Tensor<float>&);
template Tensor<double> transpose(const Tensor<double>&);

template <class T>
Tensor<T> transpose(const Tensor<T>& x, const std::vector<int>& axes) {
    detail::require_defined(Op::transpose, x, "input");
    OpParams params;
    params.axes = detail::checked_axes(Op::transpose, x, axes, true);
    Array<T> out = xt::transpose(x.value(), params.axes);
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        // dX = transpose(G, perm^-1): the result's axis i came from X's axis perm[i]
        const Shape& perm = c.params().axes;
        std::vector<int> inverse(perm.size());
        for (std::size_t i = 0; i < perm.size(); ++i)
            inverse[perm[i]] = static_cast<int>(i);
        return {transpose(c.grad, inverse)};
    };
    return make_result<T>(Op::transpose, std::move(out), {&x}, rule, params);
}
template Tensor<float> transpose(const Tensor<float>&, const std::vector<int>&);
template Tensor<double> transpose(const Tensor<double>&, const std::vector<int>&);

template <class T>
Tensor<T> reshape(const Tensor<T>& x, const Shape& shape) {
    detail::require_defined(Op::reshape, x, "input");
    const std::size_t n =
        std::accumulate(shape.begin(), shape.end(), std::size_t(1), std::multiplies<>());
    if (n != x.size())
        throw ShapeError(detail::in_scope(
            "reshape: cannot reshape " + describe(x) + " (" + std::to_string(x.size()) +
            " elements) to " + to_string(shape) + " (" + std::to_string(n) + " elements)"));
    Array<T> out = x.value();
    out.reshape(shape);
    auto rule = [](const BackwardContext<T>& c) -> InputGrads<T> {
        return {reshape(c.grad, c.node.input_shapes[0])}; // dX = reshape(G, X's shape)
    };
    return make_result<T>(Op::reshape, std::move(out), {&x}, rule);
}
template Tensor<float> reshape(const Tensor<float>&, const Shape&);
template Tensor<double> reshape(const Tensor<double>&, const Shape&);

} // namespace xgrad
