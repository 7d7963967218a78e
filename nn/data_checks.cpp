#include "nn/data_checks.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <type_traits>
#include <vector>

namespace xgrad::nn {

using xgrad::to_string; // shapes, next to nn's to_string of enums

namespace {

template <class T>
std::string value_string(T x) {
    std::ostringstream out;
    out << x;
    return out.str();
}

// The course's advice on rank-1 arrays; `meant` is the course's shape, `reshape` the numpy
// call that makes one.
std::string rank1_advice(const std::string& name, std::size_t n, const std::string& meant,
                         const std::string& reshape) {
    return name + " has shape (" + std::to_string(n) + ",), a rank-1 array, where the course's " +
           name + " is " + meant +
           ". The course's advice (week 2, \"a note on python/numpy vectors\"): don't use rank-1 "
           "arrays, they broadcast in surprising ways; save " +
           reshape;
}

std::string column_or_row(const std::string& name, std::size_t n, bool column) {
    const std::string N = std::to_string(n);
    return rank1_advice(name, n, column ? "(" + N + ", 1)" : "(1, " + N + ")",
                        name + ".reshape(" + (column ? N + ", 1" : "1, " + N) + ")" +
                            (name[0] == 'd' ? " (or keepdims=True in the sum that made it)" : ""));
}

} // namespace

std::string index_string(const Shape& shape, std::size_t flat) {
    std::vector<std::size_t> index(shape.size());
    for (std::size_t k = shape.size(); k-- > 0;) {
        index[k] = shape[k] == 0 ? 0 : flat % shape[k];
        flat = shape[k] == 0 ? 0 : flat / shape[k];
    }
    std::string out = "[";
    for (std::size_t k = 0; k < index.size(); ++k)
        out += (k ? ", " : "") + std::to_string(index[k]);
    return out + "]";
}

namespace {

// Whether every entry is finite, in a pass the compiler vectorises (fit and Model::loss run
// the check every time): an entry is NaN or Inf exactly when its exponent bits are all ones.
template <class T>
bool all_finite(const T* x, std::size_t n) {
    static_assert(sizeof(T) == 4 || sizeof(T) == 8, "float or double");
    using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    constexpr Bits exponent = sizeof(T) == 4 ? Bits(0x7f800000u) : Bits(0x7ff0000000000000ull);
    Bits bad = 0;
    for (std::size_t i = 0; i < n; ++i) {
        Bits bits;
        std::memcpy(&bits, x + i, sizeof bits);
        bad |= Bits((bits & exponent) == exponent);
    }
    return bad == 0;
}

} // namespace

template <class T>
void check_finite(const Array<T>& a, const std::string& name, const std::string& file) {
    if (all_finite(a.data(), a.size()))
        return;
    std::size_t bad = 0, first = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!std::isfinite(a.data()[i]) && bad++ == 0)
            first = i;
    if (bad == 0)
        return;
    throw DataError(file, name,
                    name + index_string(a.shape(), first) + " is " + value_string(a.data()[first]) +
                        ": " + name + " must be finite (NaN or Inf: " + std::to_string(bad) +
                        " of " + std::to_string(a.size()) + " entries)");
}

template <class T>
void check_binary_labels(const Array<T>& Y, const std::string& name, const std::string& file) {
    std::size_t bad = 0, first = 0;
    for (std::size_t i = 0; i < Y.size(); ++i)
        if (Y.data()[i] != T(0) && Y.data()[i] != T(1) && bad++ == 0)
            first = i;
    if (bad == 0)
        return;
    throw DataError(file, name,
                    name + index_string(Y.shape(), first) + " is " + value_string(Y.data()[first]) +
                        ": the labels of a sigmoid output are 0 or 1 (neither: " +
                        std::to_string(bad) + " of " + std::to_string(Y.size()) + " entries)");
}

template <class T>
void check_class_labels(const Array<T>& Y, std::size_t classes, const std::string& name,
                        const std::string& file) {
    if (Y.dimension() != 2)
        return; // the shape's own check names it
    const std::size_t k = Y.shape()[0], m = Y.shape()[1];
    const T* y = Y.data();
    if (k == 1 && classes > 1) {
        for (std::size_t j = 0; j < m; ++j)
            if (!(y[j] >= T(0) && y[j] < T(classes) && y[j] == std::floor(y[j])))
                throw DataError(file, name,
                                name + index_string(Y.shape(), j) + " is " + value_string(y[j]) +
                                    ": class indices of a softmax over " + std::to_string(classes) +
                                    " classes are 0.." + std::to_string(classes - 1) +
                                    " (and a softmax's Y is one-hot, (" + std::to_string(classes) +
                                    ", m): one_hot(labels, " + std::to_string(classes) + "))");
        throw DataError(file, name,
                        name + " has shape " + to_string(Y.shape()) +
                            ", class indices, but a softmax over " + std::to_string(classes) +
                            " classes takes one-hot labels (" + std::to_string(classes) +
                            ", m): one_hot(labels, " + std::to_string(classes) + ")");
    }
    // A softmax over one unit is 1 whatever its input: no labels fit, the network is wrong.
    if (classes == 1)
        throw DataError(file, name,
                        "the network's softmax output has one unit, so one class: its output is "
                        "1 for every input and trains nothing. Give the last layer one unit per "
                        "class, or a sigmoid output for two classes");
    // Row by row (row-major data), summing each column on the way.
    std::vector<double> sums(m, 0.0);
    for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < m; ++j) {
            const T v = y[i * m + j];
            if (!(v >= T(0) && v <= T(1)))
                throw DataError(file, name,
                                name + index_string(Y.shape(), i * m + j) + " is " +
                                    value_string(v) +
                                    ": the labels of a softmax output are one-hot columns "
                                    "(entries 0 or 1, or class probabilities in [0, 1])");
            sums[j] += static_cast<double>(v);
        }
    // A column summing to 0 or 2 is the mistake; rounding in a soft label's entries is far
    // below 1e-3.
    for (std::size_t j = 0; j < m; ++j)
        if (std::fabs(sums[j] - 1) > 1e-3)
            throw DataError(file, name,
                            name + "[:, " + std::to_string(j) + "] sums to " +
                                value_string(sums[j]) + ": each column of a softmax's labels is " +
                                "one-hot, one 1 among " + std::to_string(k) + " classes" +
                                (sums[j] == 0 ? " (a column of zeros: a class outside 0.." +
                                                    std::to_string(k - 1) + "?)"
                                              : ""));
}

template <class T>
void check_examples(const Array<T>& X, const Array<T>& Y, Loss loss, std::size_t outputs,
                    const std::string& where, const std::string& x_name, const std::string& y_name,
                    const std::string& x_file, const std::string& y_file) {
    if (X.dimension() != 2 || Y.dimension() != 2 || X.shape()[1] != Y.shape()[1])
        throw ShapeError(where + ": " + x_name + " " + to_string(X.shape()) + " and " + y_name +
                         " " + to_string(Y.shape()) +
                         " must be matrices with one column per example (same m)");
    check_finite(X, x_name, x_file);
    if (loss == Loss::binary_cross_entropy)
        check_binary_labels(Y, y_name, y_file); // NaN and Inf are neither 0 nor 1
    else if (Y.shape()[0] == outputs || Y.shape()[0] == 1)
        check_class_labels(Y, outputs, y_name, y_file);
    else
        check_finite(Y, y_name, y_file);
}

template <class T>
void check_shape(const Array<T>& a, const Shape& expected, const std::string& name,
                 const std::string& file) {
    if (a.shape() == expected)
        return;
    if (a.dimension() == 1 && expected.size() == 2 && a.size() == expected[0] * expected[1] &&
        (expected[0] == 1 || expected[1] == 1))
        throw DataError(file, name, column_or_row(name, a.size(), expected[1] == 1));
    throw DataError(file, name,
                    name + " has shape " + to_string(a.shape()) + " but " + to_string(expected) +
                        " is meant");
}

template <class T>
void check_gradient_shape(const Array<T>& value, const Shape& expected, const std::string& key,
                          const std::string& file) {
    const Shape& shape = value.shape();
    if (shape.size() == 2 && expected.size() == 2 && shape[0] == expected[1] &&
        shape[1] == expected[0])
        return; // transposed: the comparison names it (the same shape passes below)
    if (key.rfind("db", 0) == 0 && shape.size() == 2 && expected.size() == 2 && shape[0] == 1 &&
        shape != expected)
        throw DataError(file, key,
                        key + " has shape " + to_string(shape) + " but " + to_string(expected) +
                            " is meant: db = 1/m np.sum(dZ, axis=1, keepdims=True) sums over "
                            "the examples (axis 1), one entry per unit");
    check_shape(value, expected, key, file);
}

template <class T>
void check_not_rank1(const Array<T>& a, const std::string& meant, bool column,
                     const std::string& name, const std::string& file) {
    if (a.dimension() != 1)
        return;
    const std::string N = std::to_string(a.size());
    throw DataError(file, name,
                    rank1_advice(name, a.size(), meant,
                                 name + ".reshape(" + (column ? N + ", 1" : "1, " + N) + ") for " +
                                     (column ? "a column" : "a row")));
}

#define XGRAD_INSTANTIATE(T)                                                                       \
    template void check_finite(const Array<T>&, const std::string&, const std::string&);           \
    template void check_binary_labels(const Array<T>&, const std::string&, const std::string&);    \
    template void check_class_labels(const Array<T>&, std::size_t, const std::string&,             \
                                     const std::string&);                                          \
    template void check_examples(const Array<T>&, const Array<T>&, Loss, std::size_t,              \
                                 const std::string&, const std::string&, const std::string&,       \
                                 const std::string&, const std::string&);                          \
    template void check_shape(const Array<T>&, const Shape&, const std::string&,                   \
                              const std::string&);                                                 \
    template void check_gradient_shape(const Array<T>&, const Shape&, const std::string&,          \
                                       const std::string&);                                        \
    template void check_not_rank1(const Array<T>&, const std::string&, bool, const std::string&,   \
                                  const std::string&);
XGRAD_INSTANTIATE(float)
XGRAD_INSTANTIATE(double)
#undef XGRAD_INSTANTIATE

} // namespace xgrad::nn
