#pragma once
// Inverted dropout, course 2 week 1 ("Regularization"): after a hidden layer's activation
//   D = np.random.rand(A.shape[0], A.shape[1]) < keep_prob;  A = A * D;  A = A / keep_prob
// so that the expected A is unchanged and nothing is rescaled at test time. The mask is a
// constant of the pass, so the engine's gradient is the course's dA = dA * D / keep_prob.
// A Model applies it only when given a DropoutMasks (fit does); forward, predict and
// evaluate without one run the whole network.

#include "autograd/autograd.hpp"
#include "nn/init.hpp"
#include "random/random_state.hpp"

#include <cstddef>
#include <map>
#include <random>

namespace xgrad::nn {

/// A * D / keep_prob with the engine's ops; D holds 0 and 1 and has A's shape. Throws
/// ShapeError when the shapes differ and std::invalid_argument unless 0 < keep_prob <= 1.
template <class T>
Tensor<T> dropout(const Tensor<T>& A, const Array<T>& D, double keep_prob);

/// Where the masks D[l] of a forward pass come from.
template <class T = double>
class DropoutMasks {
public:
    /// Fresh masks every pass, from one stream seeded `seed`:
    ///  - Generator::standard: std::mt19937 and std::uniform_real_distribution<double>;
    ///  - Generator::numpy: numpy's rand, continuing from pass to pass.
    explicit DropoutMasks(unsigned seed = 1, Generator generator = Generator::standard);
    /// The course's forward_propagation_with_dropout: np.random.seed(seed) at the start of
    /// every pass, then D1, D2, ... drawn in layer order with np.random.rand. Every pass (every
    /// training iteration) gets the same masks, as in the notebook.
    static DropoutMasks course(unsigned seed = 1);
    /// Given masks, the same on every pass (for gradient checks): D[l] for the layers with
    /// dropout. A pass that needs a mask not given throws std::invalid_argument.
    static DropoutMasks fixed(std::map<std::size_t, Array<T>> D);

    /// Called by the model at the start of a forward pass.
    void begin_pass();
    /// D[l] for A[l] of `shape`: (rand(shape) < keep_prob) as 0 and 1, drawn in row-major order
    /// as numpy fills it (or the fixed mask, checked against `shape`). Kept until the next pass.
    const Array<T>& mask(std::size_t l, const Shape& shape, double keep_prob);
    /// The mask the last pass used on A[l]; throws std::out_of_range when it used none.
    const Array<T>& D(std::size_t l) const;
    const std::map<std::size_t, Array<T>>& masks() const { return m_D; }

private:
    enum class Source { standard, numpy, numpy_reseeded, fixed };
    DropoutMasks(Source source, unsigned seed)
        : m_source(source), m_seed(seed), m_standard(seed), m_numpy(seed) {}

    Source m_source;
    unsigned m_seed;
    std::mt19937 m_standard;
    random::RandomState m_numpy;
    std::map<std::size_t, Array<T>> m_D;
};

extern template class DropoutMasks<float>;
extern template class DropoutMasks<double>;

} // namespace xgrad::nn
