#pragma once
// Sums and maxima over axes.
//
// Two xtensor quirks, explained here once:
// - Its immediate reducers (xt::sum, xt::amax with evaluation_strategy::immediate) read
//   through a null pointer on an empty array, and a max over an empty axis reads past the
//   data. The functions here handle empty arrays themselves, or say that they need data.
// - Its general reducer costs several times a direct loop on the reduction training does
//   all the time: a matrix's rows or columns (the course's db = sum(dZ, axis=1), and every
//   bias gradient the engine reduces with sum_to). sum_matrix is that loop.

#include "autograd/xtensor.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace xgrad::kernels {

// The sum of every element.
template <class T>
inline T sum_all(const Array<T>& x) {
    T total = 0;
    for (const T v : x)
        total += v;
    return total;
}

// Sum over one axis of a matrix: shape (n, 1) for axis 1, (1, m) for axis 0.
template <class T>
inline Array<T> sum_matrix(const Array<T>& x, std::size_t axis) {
    const std::size_t n = x.shape()[0], m = x.shape()[1];
    const T* p = x.data();
    if (axis == 1) {
        Array<T> out = Array<T>::from_shape({n, std::size_t(1)});
        for (std::size_t i = 0; i < n; ++i, p += m) {
            T s = 0;
            for (std::size_t j = 0; j < m; ++j)
                s += p[j];
            out.data()[i] = s;
        }
        return out;
    }
    Array<T> out = Array<T>::from_shape({std::size_t(1), m});
    T* o = out.data();
    std::fill_n(o, m, T(0));
    for (std::size_t i = 0; i < n; ++i, p += m)
        for (std::size_t j = 0; j < m; ++j)
            o[j] += p[j];
    return out;
}

// The sum of x over `axes` (at least one), in `shape`: x's shape with those axes removed
// or kept with extent 1, as the caller wants.
template <class T>
inline Array<T> sum_axes(const Array<T>& x, const Shape& axes, const Shape& shape) {
    Array<T> out = [&]() -> Array<T> {
        if (x.dimension() == 2 && axes.size() == 1)
            return sum_matrix(x, axes[0]);
        if (x.size() == 0)
            return xt::zeros<T>(shape);
        return xt::sum(x, axes, xt::evaluation_strategy::immediate);
    }();
    out.reshape(shape);
    return out;
}

// x - max(x, axis): exp of it never overflows. An empty x stays empty.
template <class T>
inline Array<T> minus_max(const Array<T>& x, std::size_t axis) {
    if (x.size() == 0)
        return x;
    Array<T> top = xt::amax(x, {axis}, xt::keep_dims | xt::evaluation_strategy::immediate);
    return x - top;
}

// sum(e, axis) keeping the axis with extent 1; e must not be empty.
template <class E>
inline auto sum_keepdims(const E& e, std::size_t axis) {
    using T = typename E::value_type;
    return Array<T>(xt::sum(e, {axis}, xt::keep_dims | xt::evaluation_strategy::immediate));
}

} // namespace xgrad::kernels
