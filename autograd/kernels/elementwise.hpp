#pragma once
// What op definitions (autograd/ops_*.cpp) share: making a result and its node,
// the shape checks that name the op, and the instantiation lists. Not a public header.

#include "autograd/kernels/buffer_cache.hpp"
#include "autograd/core/error.hpp"
#include "autograd/core/tape.hpp"
#include "autograd/core/tensor.hpp"

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <optional>
#if defined(__linux__)
#include <sys/mman.h>
#endif

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

// Asks Linux to back the whole 2 MiB pages inside [p, p + bytes) with transparent huge
// pages, before the buffer is first written. A fresh buffer costs one page fault per 4 KiB
// touched otherwise: 8,192 for a 32 MiB dW, several percent of a training step of the
// large networks, which a hand-written loop reusing its buffers never pays. Only pages
// wholly inside the buffer are advised, so no neighbour's memory is affected. Advice only:
// a kernel that declines it changes nothing.
inline void advise_huge_pages(void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t huge = std::uintptr_t(2) << 20;
    if (bytes < 2 * huge) return;
    const auto start = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t begin = (start + huge - 1) & ~(huge - 1);
    const std::uintptr_t end = (start + bytes) & ~(huge - 1);
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

// The buffer cache (autograd/buffer_cache.hpp): a buffer of `size` elements (at least
// buffer_cache_min_bytes) kept from a dead tensor, reshaped to `shape`; none when none fits.
template <class T>
std::optional<Array<T>> take_cached_buffer(const Shape& shape, std::size_t size);
// Called as a tensor dies: keeps its buffer when it is large and the cache has room.
template <class T>
void give_buffer_to_cache(Array<T>& buffer);

// A new, uninitialised array for an op's result: a cached buffer when one fits, else fresh
// memory (huge pages when it is big).
template <class T>
inline Array<T> new_array(const Shape& shape) {
    std::size_t size = 1;
    for (std::size_t extent : shape) size *= extent;
    if (size * sizeof(T) >= buffer_cache_min_bytes)
        if (std::optional<Array<T>> cached = take_cached_buffer<T>(shape, size))
            return std::move(*cached);
    // Not `Array<T> out;` first: an xarray made empty allocates its one 0-d element.
    Array<T> out = Array<T>::from_shape(shape);
    advise_huge_pages(out.data(), size * sizeof(T));
    return out;
}

// sigmoid(v) = 1 / (1 + e^-v), written with e = e^-|v| so that it never overflows:
// sigmoid(+-1000) is exactly 1 or 0, never NaN. Given e when the caller has it already
// (the cross-entropy's forward).
template <class T>
inline T sigmoid_given_exp(T v, T e) {
    return v >= 0 ? T(1) / (T(1) + e) : e / (T(1) + e);
}
template <class T>
inline T sigmoid_of(T v) {
    return sigmoid_given_exp(v, std::exp(-std::abs(v)));
}

// out[i] = f(x[i]) over contiguous data: one loop the compiler vectorises.
template <class T, class F>
inline Array<T> map(const Array<T>& x, F f) {
    Array<T> out = new_array<T>(x.shape());
    const T* in = x.data();
    T* o = out.data();
    const std::size_t n = x.size();
    for (std::size_t i = 0; i < n; ++i) o[i] = f(in[i]);
    return out;
}

// out[i] = f(a[i], b[i]) for two arrays of one shape.
template <class T, class F>
inline Array<T> zip(const Array<T>& a, const Array<T>& b, F f) {
    Array<T> out = new_array<T>(a.shape());
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
            Array<T> out = new_array<T>({n, m});
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
