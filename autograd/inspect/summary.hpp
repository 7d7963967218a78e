#pragma once
// Summary: shape, norm, range (and the values, when few) of an array.

#include "autograd/xtensor.hpp"

#include <cstddef>
#include <vector>

namespace xgrad {

/// Shape, norm and range of an array; the values themselves when there are few.
struct Summary {
    Shape shape;
    std::size_t size = 0;
    double norm = 0, min = 0, max = 0, mean = 0; ///< min/max over finite entries
    std::size_t nonfinite = 0;                   ///< NaN and Inf entries
    std::vector<double> values; ///< every value, row-major, when size <= small_size
    static constexpr std::size_t small_size = 16;
};

template <class T>
Summary summarize(const Array<T>& values);

} // namespace xgrad
