#include "nn/batches.hpp"

#include "autograd/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace xgrad::nn {

using xgrad::to_string; // shapes, next to nn's to_string of enums

std::vector<std::size_t> shuffled_columns(std::size_t m, std::mt19937& generator) {
    std::vector<std::size_t> order(m);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::shuffle(order.begin(), order.end(), generator);
    return order;
}

std::vector<std::size_t> shuffled_columns(std::size_t m, random::RandomState& numpy) {
    const Array<std::int64_t> permutation = numpy.permutation(m);
    return std::vector<std::size_t>(permutation.begin(), permutation.end());
}

template <class T>
void gather_columns(const Array<T>& source, const std::size_t* columns, Array<T>& out) {
    if (source.dimension() != 2 || out.dimension() != 2 || out.shape()[0] != source.shape()[0])
        throw std::invalid_argument("gather_columns: out " + to_string(out.shape()) +
                                    " must be a matrix with the rows of source " +
                                    to_string(source.shape()));
    const std::size_t rows = source.shape()[0], m = source.shape()[1], count = out.shape()[1];
    for (std::size_t j = 0; j < count; ++j)
        if (columns[j] >= m)
            throw std::invalid_argument("gather_columns: column " + std::to_string(columns[j]) +
                                        " out of range for " + std::to_string(m) + " columns");
    const T* src = source.data();
    T* dst = out.data();
    // Row by row: each output row reads one source row, so the gather stays in cache.
    for (std::size_t i = 0; i < rows; ++i) {
        const T* row = src + i * m;
        T* out_row = dst + i * count;
        for (std::size_t j = 0; j < count; ++j)
            out_row[j] = row[columns[j]];
    }
}

template <class T>
ExampleRows<T>::ExampleRows(const Array<T>& X) {
    if (X.dimension() != 2)
        throw std::invalid_argument("ExampleRows: X " + to_string(X.shape()) +
                                    " must be a matrix with one column per example");
    m_features = X.shape()[0];
    m_examples = X.shape()[1];
    m_rows.resize(m_features * m_examples);
    // A blocked transpose: 32 x 32 tiles keep both the reads and the writes in cache.
    constexpr std::size_t tile = 32;
    const T* x = X.data();
    for (std::size_t i0 = 0; i0 < m_features; i0 += tile)
        for (std::size_t j0 = 0; j0 < m_examples; j0 += tile) {
            const std::size_t i1 = std::min(i0 + tile, m_features);
            const std::size_t j1 = std::min(j0 + tile, m_examples);
            for (std::size_t i = i0; i < i1; ++i)
                for (std::size_t j = j0; j < j1; ++j)
                    m_rows[j * m_features + i] = x[i * m_examples + j];
        }
}

template <class T>
void ExampleRows<T>::gather(const std::size_t* picked, Array<T>& out) const {
    if (out.dimension() != 2 || out.shape()[0] != m_features)
        throw std::invalid_argument("ExampleRows::gather: out " + to_string(out.shape()) +
                                    " must be a matrix of " + std::to_string(m_features) +
                                    " rows, one per feature");
    const std::size_t count = out.shape()[1];
    for (std::size_t j = 0; j < count; ++j)
        if (picked[j] >= m_examples)
            throw std::invalid_argument("ExampleRows::gather: example " +
                                        std::to_string(picked[j]) + " out of range for " +
                                        std::to_string(m_examples) + " examples");
    // Blocks of 16 examples: each feature reads one value from each of 16 rows (in cache after
    // the first feature) and writes 16 contiguous values of its output row.
    constexpr std::size_t block = 16;
    T* dst = out.data();
    for (std::size_t j0 = 0; j0 < count; j0 += block) {
        const std::size_t n = std::min(block, count - j0);
        const T* rows[block];
        for (std::size_t j = 0; j < n; ++j)
            rows[j] = m_rows.data() + picked[j0 + j] * m_features;
        for (std::size_t p = 0; p < m_features; ++p) {
            T* out_row = dst + p * count + j0;
            for (std::size_t j = 0; j < n; ++j)
                out_row[j] = rows[j][p];
        }
    }
}

namespace {

// random_mini_batches with the order of the columns drawn by draw_order(m).
template <class T, class DrawOrder>
std::vector<MiniBatch<T>> cut_mini_batches(const Array<T>& X, const Array<T>& Y,
                                           std::size_t mini_batch_size, DrawOrder draw_order) {
    if (X.dimension() != 2 || Y.dimension() != 2 || X.shape()[1] != Y.shape()[1])
        throw std::invalid_argument("random_mini_batches: X " + to_string(X.shape()) + " and Y " +
                                    to_string(Y.shape()) +
                                    " must be matrices with one column per example (same m)");
    if (mini_batch_size == 0)
        throw std::invalid_argument("random_mini_batches: mini_batch_size must be at least 1");
    const std::size_t m = X.shape()[1];
    const std::vector<std::size_t> permutation = draw_order(m);
    std::vector<MiniBatch<T>> batches;
    for (std::size_t start = 0; start < m; start += mini_batch_size) {
        const std::size_t count = std::min(mini_batch_size, m - start);
        MiniBatch<T> batch{Array<T>::from_shape({X.shape()[0], count}),
                           Array<T>::from_shape({Y.shape()[0], count})};
        gather_columns(X, permutation.data() + start, batch.X);
        gather_columns(Y, permutation.data() + start, batch.Y);
        batches.push_back(std::move(batch));
    }
    return batches;
}

} // namespace

template <class T>
std::vector<MiniBatch<T>> random_mini_batches(const Array<T>& X, const Array<T>& Y,
                                              std::size_t mini_batch_size,
                                              std::mt19937& generator) {
    return cut_mini_batches(X, Y, mini_batch_size,
                            [&](std::size_t m) { return shuffled_columns(m, generator); });
}

template <class T>
std::vector<MiniBatch<T>> random_mini_batches(const Array<T>& X, const Array<T>& Y,
                                              std::size_t mini_batch_size,
                                              random::RandomState& numpy) {
    // np.random.permutation(m), then X[:, permutation] cut into batches (complete ones first).
    return cut_mini_batches(X, Y, mini_batch_size,
                            [&](std::size_t m) { return shuffled_columns(m, numpy); });
}

template <class T>
std::vector<MiniBatch<T>> random_mini_batches(const Array<T>& X, const Array<T>& Y,
                                              std::size_t mini_batch_size, unsigned seed) {
    std::mt19937 generator(seed);
    return random_mini_batches(X, Y, mini_batch_size, generator);
}

template <class T>
Array<T> one_hot(const Array<T>& labels, std::size_t classes) {
    const std::size_t m = labels.size();
    Array<T> Y = xt::zeros<T>({classes, m});
    const T* label = labels.data();
    for (std::size_t j = 0; j < m; ++j) {
        const T c = label[j];
        if (!(c >= 0) || c != std::floor(c) || c >= static_cast<T>(classes))
            throw std::invalid_argument("one_hot: example " + std::to_string(j) + " has label " +
                                        std::to_string(c) + ", expected an integer in [0, " +
                                        std::to_string(classes) + ")");
        Y(static_cast<std::size_t>(c), j) = T(1);
    }
    return Y;
}

#define XGRAD_INSTANTIATE(T)                                                                       \
    template void gather_columns(const Array<T>&, const std::size_t*, Array<T>&);                  \
    template std::vector<MiniBatch<T>> random_mini_batches(const Array<T>&, const Array<T>&,       \
                                                           std::size_t, std::mt19937&);            \
    template std::vector<MiniBatch<T>> random_mini_batches(const Array<T>&, const Array<T>&,       \
                                                           std::size_t, unsigned);                 \
    template std::vector<MiniBatch<T>> random_mini_batches(const Array<T>&, const Array<T>&,       \
                                                           std::size_t, random::RandomState&);     \
    template Array<T> one_hot(const Array<T>&, std::size_t);
XGRAD_INSTANTIATE(float)
XGRAD_INSTANTIATE(double)
#undef XGRAD_INSTANTIATE
template class ExampleRows<float>;
template class ExampleRows<double>;

} // namespace xgrad::nn
