#pragma once
// What op definitions (autograd/ops_*.cpp) share: making a result and its node,
// the shape checks that name the op, and the instantiation lists. Not a public header.

#include "autograd/error.hpp"
#include "autograd/tape.hpp"
#include "autograd/tensor.hpp"

#include <cmath>
#include <initializer_list>

namespace xgrad::detail {

/// The result of `op`: a tensor holding `value` and, when grad mode is on and an input
/// requires a gradient, a node with `backward`, entered on the tape. Under anomaly
/// detection, a NaN or Inf in `value` is reported here.
template <class T>
Tensor<T> make_result(Op op, Array<T>&& value, std::initializer_list<const Tensor<T>*> inputs,
                      BackwardFn<T> backward, const OpParams& params = {});

/// The broadcast shape of a and b under numpy's rules; ShapeError naming op otherwise.
template <class T>
Shape broadcast_shape(Op op, const Tensor<T>& a, const Tensor<T>& b);

/// Throws ShapeError "<op>: <message>: <describe(x)>..." when `x` is undefined.
template <class T>
void require_defined(Op op, const Tensor<T>& x, const char* role);

/// Normalises a possibly negative axis of a rank-`rank` tensor; ShapeError when out of range.
template <class T>
std::size_t checked_axis(Op op, const Tensor<T>& x, int axis);

/// The shape of x with `axis` removed, or kept with extent 1.
Shape reduced_shape(const Shape& shape, std::size_t axis, bool keepdims);

/// A constant tensor (no gradient) holding `value`.
template <class T>
Tensor<T> constant(Array<T>&& value) {
    return Tensor<T>(std::move(value));
}

// sigmoid(v) = 1 / (1 + e^-v), written with e^-|v| so that it never overflows:
// sigmoid(+-1000) is exactly 1 or 0, never NaN.
template <class T>
inline T sigmoid_of(T v) {
    const T e = std::exp(-std::abs(v));
    return v >= 0 ? T(1) / (T(1) + e) : e / (T(1) + e);
}

// out[i] = f(x[i]) over contiguous data: one loop the compiler vectorises.
template <class T, class F>
inline Array<T> map(const Array<T>& x, F f) {
    Array<T> out = Array<T>::from_shape(x.shape());
    const T* in = x.data();
    T* o = out.data();
    const std::size_t n = x.size();
    for (std::size_t i = 0; i < n; ++i) o[i] = f(in[i]);
    return out;
}

// out[i] = f(a[i], b[i]) for two arrays of one shape.
template <class T, class F>
inline Array<T> zip(const Array<T>& a, const Array<T>& b, F f) {
    Array<T> out = Array<T>::from_shape(a.shape());
    const T* pa = a.data();
    const T* pb = b.data();
    T* o = out.data();
    const std::size_t n = a.size();
    for (std::size_t i = 0; i < n; ++i) o[i] = f(pa[i], pb[i]);
    return out;
}

// out = f(a, b) under numpy broadcasting. The shapes training meets take one direct loop
// each: same shape, one side a single element (a scalar, a (1,1) seed), and an (n, m)
// matrix with an (n, 1) column (the course's b); xtensor's broadcasting steppers, several
// times slower per element, handle every other case through `general`.
template <class T, class F, class General>
inline Array<T> broadcast_zip(const Array<T>& a, const Array<T>& b, F f, General general) {
    if (a.shape() == b.shape()) return zip(a, b, f);
    if (b.size() == 1 && a.dimension() >= b.dimension() && a.size() > 0) {
        const T s = *b.data();
        return map(a, [f, s](T x) { return f(x, s); });
    }
    if (a.size() == 1 && b.dimension() >= a.dimension() && b.size() > 0) {
        const T s = *a.data();
        return map(b, [f, s](T y) { return f(s, y); });
    }
    if (a.dimension() == 2 && b.dimension() == 2 && a.shape()[0] == b.shape()[0]) {
        const std::size_t n = a.shape()[0];
        if (b.shape()[1] == 1 || a.shape()[1] == 1) {
            const bool column_is_b = b.shape()[1] == 1;
            const std::size_t m = column_is_b ? a.shape()[1] : b.shape()[1];
            Array<T> out = Array<T>::from_shape({n, m});
            const T* pa = a.data();
            const T* pb = b.data();
            T* o = out.data();
            for (std::size_t i = 0; i < n; ++i, o += m)
                if (column_is_b)
                    for (std::size_t j = 0; j < m; ++j) o[j] = f(pa[i * m + j], pb[i]);
                else
                    for (std::size_t j = 0; j < m; ++j) o[j] = f(pa[i], pb[i * m + j]);
            return out;
        }
    }
    return general();
}

} // namespace xgrad::detail

/// Instantiates `MACRO(T)` for the scalar types xgrad supports.
#define XGRAD_FOR_EACH_SCALAR(MACRO) MACRO(float) MACRO(double)
