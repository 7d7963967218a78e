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

/// Every mini-batch of an epoch at once: out[b](:, j) = source(:, columns[b * size + j]) for
/// each b, each out[b] already of shape (rows of source, count_b). The same values as
/// gather_columns batch by batch, but each row of source is read once for all batches while it
/// is in cache: in the course layout an example is a strided column, and gathering one batch
/// at a time reads every row of the whole data set again for each batch.
template <class T>
void gather_column_batches(const Array<T>& source, const std::size_t* columns, std::size_t size,
                           const std::vector<Array<T>*>& out);

/// The same with batch b's columns starting at columns[first[b]] (data parallel: each process
/// gathers its own share of every global batch).
template <class T>
void gather_column_batches(const Array<T>& source, const std::size_t* columns,
                           const std::vector<std::size_t>& first,
                           const std::vector<Array<T>*>& out);

/// Labels 0..classes-1 (any shape holding m values, e.g. (1, m)) as a one-hot (classes, m)
/// matrix, one column per example. Throws std::invalid_argument naming the example whose label
/// is not an integer in range.
template <class T>
Array<T> one_hot(const Array<T>& labels, std::size_t classes);

} // namespace xgrad::nn
