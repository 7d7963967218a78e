#pragma once
// numpy's legacy generator, np.random.RandomState (what np.random.seed seeds), draw for draw.
// The course's notebooks seed it before every random step, so with the same seed this gives
// the notebook's numbers bit for bit: MT19937 seeded as numpy seeds it from an integer,
// numpy's 53-bit doubles, the polar Box-Muller normal that keeps its second value, and the
// masked-rejection bounded integers that permutation and shuffle use.
// (From numpy 1.24's mtrand.pyx, _bounded_integers.pyx.in, src/mt19937/ and
// src/distributions/; the legacy stream is frozen, so any numpy >= 1.17 draws the same.)

#include "autograd/xtensor.hpp"

#include <cstddef>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace xgrad::random {

/// np.random.RandomState: one MT19937 stream and numpy's legacy distributions on it.
/// Arrays come back with numpy's shapes, filled in row-major (C) order as numpy fills them.
class RandomState {
public:
    /// np.random.RandomState(seed). Throws std::invalid_argument unless 0 <= seed < 2**32.
    explicit RandomState(std::int64_t seed = 0) { this->seed(seed); }

    /// np.random.seed(seed): restarts the stream and forgets a kept normal value, as numpy's
    /// seed does. Throws std::invalid_argument unless 0 <= seed < 2**32.
    void seed(std::int64_t seed);

    // ---- Single draws ----------------------------------------------------------------------

    /// One 32-bit word of MT19937.
    std::uint32_t next_uint32() { return static_cast<std::uint32_t>(m_mt()); }
    /// Two words, the first in the high half (numpy's mt19937_next64).
    std::uint64_t next_uint64();
    /// random_sample(): a double in [0, 1) from 53 bits of two words.
    double random_sample();
    /// standard_normal(): numpy's legacy polar Box-Muller. Each pair of uniforms gives two
    /// normals; the second is kept and returned by the next call.
    double standard_normal();
    /// normal(loc, scale) = loc + scale * standard_normal(). Throws if scale < 0.
    double normal(double loc, double scale);
    /// uniform(low, high) = low + (high - low) * random_sample().
    double uniform(double low, double high);
    /// randint(low, high): an integer in [low, high), numpy's masked rejection (the default
    /// dtype int64: 32-bit draws when high - low - 1 fits in 32 bits, 64-bit draws otherwise).
    /// Throws std::invalid_argument when low >= high.
    std::int64_t randint(std::int64_t low, std::int64_t high);
    /// numpy's random_interval(max): an integer in [0, max] by masked rejection; what shuffle
    /// and permutation draw.
    std::uint64_t random_interval(std::uint64_t max);

    // ---- Arrays, numpy's shapes ------------------------------------------------------------

    /// random_sample(size) / rand(d0, d1, ...).
    Array<double> random_sample(const Shape& shape);
    template <class... D>
    Array<double> rand(D... dims) {
        static_assert(sizeof...(D) > 0, "rand() without sizes is random_sample()");
        return random_sample(Shape{static_cast<std::size_t>(dims)...});
    }
    /// standard_normal(size) / randn(d0, d1, ...): randn(n_l, n_prev) is the course's W.
    Array<double> standard_normal(const Shape& shape);
    template <class... D>
    Array<double> randn(D... dims) {
        static_assert(sizeof...(D) > 0, "randn() without sizes is standard_normal()");
        return standard_normal(Shape{static_cast<std::size_t>(dims)...});
    }
    Array<double> normal(double loc, double scale, const Shape& shape);
    Array<double> uniform(double low, double high, const Shape& shape);
    Array<std::int64_t> randint(std::int64_t low, std::int64_t high, const Shape& shape);

    /// permutation(n): 0, 1, ..., n-1 (int64, as np.arange) shuffled.
    Array<std::int64_t> permutation(std::size_t n);
    /// shuffle(x) in place along the first axis (rows of a matrix), as numpy's legacy shuffle:
    /// for i = n-1 down to 1, swap x[i] and x[random_interval(i)]. Throws for a 0-d array.
    template <class T>
    void shuffle(Array<T>& x);
    template <class T>
    void shuffle(std::vector<T>& x);

    /// Whether the next standard_normal() returns a kept value (numpy's has_gauss).
    bool has_gauss() const { return m_has_gauss; }

private:
    template <class Swap>
    void shuffle_indices(std::size_t n, Swap swap) {
        for (std::size_t i = n; i-- > 1;)
            swap(i, static_cast<std::size_t>(random_interval(i)));
    }

    std::mt19937 m_mt; // the standard fixes the algorithm and its seeding (init_genrand)
    bool m_has_gauss = false;
    double m_gauss = 0.0;
};

template <class T>
void RandomState::shuffle(Array<T>& x) {
    if (x.dimension() == 0)
        throw std::invalid_argument("RandomState::shuffle: a 0-d array has no axis to shuffle");
    const std::size_t n = x.shape()[0];
    if (n == 0)
        return;
    const std::size_t row = x.size() / n; // entries of one x[i]
    T* data = x.data();
    shuffle_indices(n, [&](std::size_t i, std::size_t j) {
        for (std::size_t k = 0; k < row; ++k)
            std::swap(data[i * row + k], data[j * row + k]);
    });
}

template <class T>
void RandomState::shuffle(std::vector<T>& x) {
    shuffle_indices(x.size(), [&](std::size_t i, std::size_t j) { std::swap(x[i], x[j]); });
}

} // namespace xgrad::random
