#pragma once
// The course's shapes written directly: column({...}) is (n, 1) (a b[l], one example x),
// row({...}) is (1, m) (labels Y), from_buffer(values, shape) fills any shape from flat
// row-major values. xtensor reads `Array<double> b = {{0.1}, {-0.2}}` as ambiguous.

#include "autograd/core/error.hpp"
#include "autograd/xtensor.hpp"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <numeric>
#include <string>
#include <vector>

namespace xgrad {

namespace detail {
// Keeps T out of deduction, so that column({1, 2}) is an Array<double>, not Array<int>.
template <class T>
struct identity {
    using type = T;
};
template <class T>
using identity_t = typename identity<T>::type;

template <class T>
Array<T> shaped(const T* data, std::size_t size, const Shape& shape, const char* what) {
    const std::size_t n =
        std::accumulate(shape.begin(), shape.end(), std::size_t(1), std::multiplies<>());
    if (size != n)
        throw ShapeError(std::string(what) + ": " + std::to_string(size) +
                         " values do not fill shape " + to_string(shape) + ", which holds " +
                         std::to_string(n));
    if (n != 0 && data == nullptr)
        throw Error(std::string(what) + ": null data for shape " + to_string(shape));
    Array<T> out = Array<T>::from_shape(shape);
    std::copy_n(data, n, out.data());
    return out;
}
} // namespace detail

/// The (n, 1) column of `values`: column({0.1, -0.2}) is a b[1] for two units.
template <class T = double>
Array<T> column(std::initializer_list<detail::identity_t<T>> values) {
    return detail::shaped(values.begin(), values.size(), {values.size(), 1}, "column");
}
template <class T>
Array<T> column(const std::vector<T>& values) {
    return detail::shaped(values.data(), values.size(), {values.size(), 1}, "column");
}

/// The (1, m) row of `values`: row({1, 0, 1}) is the labels Y of three examples.
template <class T = double>
Array<T> row(std::initializer_list<detail::identity_t<T>> values) {
    return detail::shaped(values.begin(), values.size(), {1, values.size()}, "row");
}
template <class T>
Array<T> row(const std::vector<T>& values) {
    return detail::shaped(values.data(), values.size(), {1, values.size()}, "row");
}

/// `shape` filled with the `size` values at `data`, in row-major order (numpy's default, and
/// numpy's reshape of a flat array). ShapeError when `size` is not the number of elements of
/// `shape`. Wrap it for a tensor: Tensor<>(from_buffer(v, {2, 3}), true).
template <class T>
Array<T> from_buffer(const T* data, std::size_t size, const Shape& shape) {
    return detail::shaped(data, size, shape, "from_buffer");
}
template <class T>
Array<T> from_buffer(const std::vector<T>& values, const Shape& shape) {
    return detail::shaped(values.data(), values.size(), shape, "from_buffer");
}

} // namespace xgrad
