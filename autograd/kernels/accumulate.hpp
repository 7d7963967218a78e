#pragma once
// Gradient accumulation in place: sum += g.

#include <cstddef>

namespace xgrad::kernels {

// s[i] += g[i]. A loop, not `sum += g` on the arrays: xtensor evaluates an in-place
// assignment of an array into a temporary the size of the gradient first.
template <class T>
inline void add_in_place(T* s, const T* g, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        s[i] += g[i];
}

} // namespace xgrad::kernels
