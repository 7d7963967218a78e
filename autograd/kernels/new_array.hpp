#pragma once
// A fresh, uninitialised array for an op's result.
//
// xtensor quirk (the one place it is explained): an xarray made empty, `Array<T> out;`,
// allocates storage for its one 0-d element, and assigning a result to it later allocates
// again. So arrays here and in the ops are made with their shape (from_shape) or their
// value in one expression, never declared first and assigned after.

#include "autograd/kernels/buffer_cache.hpp"
#include "autograd/kernels/huge_pages.hpp"
#include "autograd/xtensor.hpp"

#include <optional>

namespace xgrad::kernels {

// A cached buffer when one fits, else fresh memory (huge pages when it is big).
template <class T>
inline Array<T> new_array(const Shape& shape) {
    std::size_t size = 1;
    for (std::size_t extent : shape)
        size *= extent;
    if (size * sizeof(T) >= buffer_cache_min_bytes)
        if (std::optional<Array<T>> cached = take_cached_buffer<T>(shape, size))
            return std::move(*cached);
    Array<T> out = Array<T>::from_shape(shape);
    advise_huge_pages(out.data(), size * sizeof(T));
    return out;
}

} // namespace xgrad::kernels
