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
void gather_column_batches(const Array<T>& source, const std::size_t* columns,
                           const std::vector<std::size_t>& first,
                           const std::vector<Array<T>*>& out) {
    if (source.dimension() != 2)
        throw std::invalid_argument("gather_column_batches: source " + to_string(source.shape()) +
                                    " must be a matrix");
    if (first.size() != out.size())
        throw std::invalid_argument("gather_column_batches: " + std::to_string(first.size()) +
                                    " first columns for " + std::to_string(out.size()) +
                                    " batches");
    const std::size_t rows = source.shape()[0], m = source.shape()[1];
    for (std::size_t b = 0; b < out.size(); ++b) {
        const Array<T>& batch = *out[b];
        if (batch.dimension() != 2 || batch.shape()[0] != rows)
            throw std::invalid_argument("gather_column_batches: a batch " +
                                        to_string(batch.shape()) + " must be a matrix with the " +
                                        "rows of source " + to_string(source.shape()));
        for (std::size_t j = 0; j < batch.shape()[1]; ++j)
            if (columns[first[b] + j] >= m)
                throw std::invalid_argument("gather_column_batches: column " +
                                            std::to_string(columns[first[b] + j]) +
                                            " out of range for " + std::to_string(m) + " columns");
    }
    // The row's random reads hit the cache (a row is m values: 240 KB of float32 for 60,000
    // examples); the writes go to each batch's row in turn, in order.
    for (std::size_t i = 0; i < rows; ++i) {
        const T* row = source.data() + i * m;
        for (std::size_t b = 0; b < out.size(); ++b) {
            const std::size_t count = out[b]->shape()[1];
            const std::size_t* picked = columns + first[b];
            T* out_row = out[b]->data() + i * count;
            for (std::size_t j = 0; j < count; ++j)
                out_row[j] = row[picked[j]];
        }
    }
}

template <class T>
void gather_column_batches(const Array<T>& source, const std::size_t* columns, std::size_t size,
                           const std::vector<Array<T>*>& out) {
    std::vector<std::size_t> first(out.size());
    for (std::size_t b = 0; b < out.size(); ++b) {
        if (out[b]->dimension() == 2 && out[b]->shape()[1] > size)
            throw std::invalid_argument("gather_column_batches: a batch " +
                                        to_string(out[b]->shape()) + " has more than " +
                                        std::to_string(size) + " columns");
        first[b] = b * size;
    }
    gather_column_batches(source, columns, first, out);
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
    template void gather_column_batches(const Array<T>&, const std::size_t*, std::size_t,          \
                                        const std::vector<Array<T>*>&);                            \
    template void gather_column_batches(const Array<T>&, const std::size_t*,                       \
                                        const std::vector<std::size_t>&,                           \
                                        const std::vector<Array<T>*>&);                            \
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

} // namespace xgrad::nn
