#pragma once
// Mini-batches of columns (examples), as the course's random_mini_batches, and one-hot labels.

#include "autograd/xtensor.hpp"
#include "random/random_state.hpp"

#include <cstddef>
#include <random>
#include <vector>

namespace xgrad::nn {

template <class T>
struct MiniBatch {
    Array<T> X; ///< (n_x, batch)
    Array<T> Y; ///< (k, batch)
};

/// The course's random_mini_batches: the columns of X (n_x, m) and Y (k, m) shuffled by one
/// permutation drawn from `generator`, then cut into batches of mini_batch_size columns, the
/// last batch holding the m % mini_batch_size left over. Throws std::invalid_argument when X
/// and Y disagree on m or mini_batch_size is 0.
template <class T>
std::vector<MiniBatch<T>> random_mini_batches(const Array<T>& X, const Array<T>& Y,
                                              std::size_t mini_batch_size, std::mt19937& generator);
/// The same with a fresh std::mt19937(seed): the same seed gives the same batches.
template <class T>
std::vector<MiniBatch<T>> random_mini_batches(const Array<T>& X, const Array<T>& Y,
                                              std::size_t mini_batch_size = 64, unsigned seed = 0);

/// The course's random_mini_batches with the course's generator: the permutation is
/// numpy's np.random.permutation(m) drawn from `numpy`, so random::RandomState(seed) gives the
/// notebook's batches for random_mini_batches(X, Y, mini_batch_size, seed) exactly.
template <class T>
std::vector<MiniBatch<T>> random_mini_batches(const Array<T>& X, const Array<T>& Y,
                                              std::size_t mini_batch_size,
                                              random::RandomState& numpy);
template <class T>
std::vector<MiniBatch<T>> random_mini_batches(const Array<T>& X, const Array<T>& Y,
                                              std::size_t mini_batch_size,
                                              random::RandomState&& numpy) {
    return random_mini_batches(X, Y, mini_batch_size, numpy);
}

/// 0, 1, ..., m-1 in an order drawn from `generator` (std::shuffle).
std::vector<std::size_t> shuffled_columns(std::size_t m, std::mt19937& generator);
/// 0, 1, ..., m-1 in numpy's order: np.random.permutation(m) drawn from `numpy`.
std::vector<std::size_t> shuffled_columns(std::size_t m, random::RandomState& numpy);

/// out(:, j) = source(:, columns[j]) for j < out's column count; out must already have shape
/// (rows of source, count) (so a training loop refills its batch buffers without allocating).
template <class T>
void gather_columns(const Array<T>& source, const std::size_t* columns, Array<T>& out);

/// A training set example-major, for gathering mini-batches: row j holds example j (column j
/// of the course-layout X), copied once. In the course layout an example is a strided column,
/// so gathering a batch straight from X (n_x, m) reads one value from each of n_x rows of m
/// values: for Fashion-MNIST in float64 a row is 480 KB, larger than the L2 cache, and nearly
/// every read misses. From example rows, a batch is 128 contiguous rows, transposed in blocks.
template <class T>
class ExampleRows {
public:
    /// Copies X (n, m), one column per example. Throws std::invalid_argument unless X is a
    /// matrix.
    explicit ExampleRows(const Array<T>& X);
    std::size_t examples() const { return m_examples; } ///< m
    std::size_t features() const { return m_features; } ///< n
    /// out(:, j) = X(:, picked[j]) for every column j of out, which must already have shape
    /// (n, count): a training loop refills its batch buffer without allocating. Throws
    /// std::invalid_argument naming a picked example out of range or a wrong out shape.
    void gather(const std::size_t* picked, Array<T>& out) const;

private:
    std::size_t m_features = 0, m_examples = 0;
    std::vector<T> m_rows; // (m, n) row-major
};
extern template class ExampleRows<float>;
extern template class ExampleRows<double>;

/// Labels 0..classes-1 (any shape holding m values, e.g. (1, m)) as a one-hot (classes, m)
/// matrix, one column per example. Throws std::invalid_argument naming the example whose label
/// is not an integer in range.
template <class T>
Array<T> one_hot(const Array<T>& labels, std::size_t classes);

} // namespace xgrad::nn
