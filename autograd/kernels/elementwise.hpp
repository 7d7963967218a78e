#pragma once
// Elementwise loops: out = f(x), f(a, b), and f(a, b) under broadcasting, over contiguous
// data in loops the compiler vectorises.

#include "autograd/kernels/new_array.hpp"
#include "autograd/xtensor.hpp"

#include <cstddef>

namespace xgrad::kernels {

// out[i] = f(x[i]) over contiguous data: one loop the compiler vectorises.
template <class T, class F>
inline Array<T> map(const Array<T>& x, F f) {
    Array<T> out = new_array<T>(x.shape());
    const T* in = x.data();
    T* o = out.data();
    const std::size_t n = x.size();
    for (std::size_t i = 0; i < n; ++i)
        o[i] = f(in[i]);
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
    for (std::size_t i = 0; i < n; ++i)
        o[i] = f(pa[i], pb[i]);
    return out;
}

// out = f(a, b) under numpy broadcasting. The shapes training meets take one direct loop
// each: same shape, one side a single element (a scalar, a (1,1) seed), and an (n, m)
// matrix with an (n, 1) column (the course's b); xtensor's broadcasting steppers, several
// times slower per element, handle every other case through `general`.
template <class T, class F, class General>
inline Array<T> broadcast_zip(const Array<T>& a, const Array<T>& b, F f, General general) {
    if (a.shape() == b.shape())
        return zip(a, b, f);
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
                    for (std::size_t j = 0; j < m; ++j)
                        o[j] = f(pa[i * m + j], pb[i]);
                else
                    for (std::size_t j = 0; j < m; ++j)
                        o[j] = f(pa[i], pb[i * m + j]);
            return out;
        }
    }
    return general();
}

} // namespace xgrad::kernels
