#pragma once
// What the two engine columns (xgrad, xgrad nn) share: the problem's arrays as tensors,
// the last cost, and the tape they record on.
#include "bench.hpp"

#include "autograd/autograd.hpp"

#include <algorithm>

namespace xgrad::bench {

template <class T>
Array<T> to_array(const std::vector<T>& values, std::size_t rows, std::size_t cols) {
    Array<T> out = Array<T>::from_shape({rows, cols});
    std::copy(values.begin(), values.end(), out.begin());
    return out;
}

template <class T>
class EngineColumn : public Column {
public:
    explicit EngineColumn(const Problem<T>& p)
        : m_p(p), m_X(to_array(p.X, p.layers[0], p.m)), m_Y(to_array(p.Y, 1, p.m)) {}

    double cost() const override { return m_cost; }
    long tape_slots() const override { return static_cast<long>(Tape<T>::current().slots()); }

protected:
    const Problem<T>& m_p;
    Tensor<T> m_X, m_Y;
    double m_cost = 0;
};

} // namespace xgrad::bench
