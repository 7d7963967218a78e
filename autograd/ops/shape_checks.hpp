#pragma once
// The checks an op makes of its inputs before it computes, each error naming the op.

#include "autograd/core/op.hpp"
#include "autograd/core/tensor.hpp"

#include <cstddef>
#include <vector>

namespace xgrad::detail {

/// The broadcast shape of a and b under numpy's rules; ShapeError naming op otherwise.
template <class T>
Shape broadcast_shape(Op op, const Tensor<T>& a, const Tensor<T>& b);

/// Throws ShapeError "<op>: <message>: <describe(x)>..." when `x` is undefined.
template <class T>
void require_defined(Op op, const Tensor<T>& x, const char* role);

/// Normalises a possibly negative axis of a rank-`rank` tensor; ShapeError when out of range.
template <class T>
std::size_t checked_axis(Op op, const Tensor<T>& x, int axis);

/// Normalised `axes` of x, in the order given; ShapeError naming the first one out of range
/// or repeated, and, with `permutation`, when they are not each of x's axes once.
template <class T>
Shape checked_axes(Op op, const Tensor<T>& x, const std::vector<int>& axes, bool permutation);

/// The shape of x with `axis` removed, or kept with extent 1.
Shape reduced_shape(const Shape& shape, std::size_t axis, bool keepdims);
/// The shape of x with `axes` removed, or kept with extent 1.
Shape reduced_shape(const Shape& shape, const Shape& axes, bool keepdims);

} // namespace xgrad::detail
