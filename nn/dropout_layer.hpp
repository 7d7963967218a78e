#pragma once
// Inverted dropout as a layer (course 2 week 1, nn/dropout.hpp): in training passes each unit
// of A is kept with probability keep_prob and the kept ones are divided by keep_prob; in
// evaluation A passes unchanged. Training pass k draws its mask from std::mt19937 seeded by
// (seed, k), and k is the layer's buffer "passes": a run resumed from a checkpoint draws the
// masks the uninterrupted run would have.

#include "nn/dropout.hpp"
#include "nn/layer.hpp"

#include <cstddef>
#include <map>
#include <string>

namespace xgrad::nn {

template <class T = double>
class Dropout : public Layer<T> {
public:
    /// Throws std::invalid_argument unless 0 < keep_prob <= 1.
    explicit Dropout(double keep_prob, unsigned seed = 1);
    double keep_prob() const { return m_keep_prob; }

    /// Training: dropout(A, D, keep_prob) with D = (rand(A's shape) < keep_prob), a new mask
    /// every pass (kept in D()); otherwise A itself.
    Tensor<T> forward(const Tensor<T>& A, bool training) override;
    /// "Dropout 0.8" (keep_prob).
    std::string name() const override;
    /// The mask of the last training pass (empty before one).
    const Array<T>& D() const { return m_D; }
    /// "passes": training passes so far (a 0-d array).
    std::map<std::string, Array<T>> buffers() const override;
    void load_buffers(const std::map<std::string, Array<T>>& values) override;

private:
    double m_keep_prob;
    unsigned m_seed;
    std::size_t m_passes = 0;
    Array<T> m_D;
};

extern template class Dropout<float>;
extern template class Dropout<double>;

} // namespace xgrad::nn
