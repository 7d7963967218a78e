#include "io/datasets.hpp"

#include "io/idx.hpp"

#include <cmath>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <vector>

namespace xgrad::io {
namespace detail {

// Standard normal draws from mt19937 by Box-Muller. std::normal_distribution is not specified
// bit for bit, so it would give different flowers under libstdc++ and libc++.
class Normal {
public:
    explicit Normal(std::uint32_t seed) : m_gen(seed) {}
    // Uniform in [0, 1) with 53 random bits, as numpy's random_sample builds it.
    double uniform() {
        const auto a = static_cast<std::uint32_t>(m_gen() >> 5);
        const auto b = static_cast<std::uint32_t>(m_gen() >> 6);
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }
    double operator()() {
        if (m_has_spare) {
            m_has_spare = false;
            return m_spare;
        }
        const double pi = 3.14159265358979323846;
        const double u1 = 1.0 - uniform(); // (0, 1]: log stays finite
        const double u2 = uniform();
        const double r = std::sqrt(-2.0 * std::log(u1));
        m_spare = r * std::sin(2.0 * pi * u2);
        m_has_spare = true;
        return r * std::cos(2.0 * pi * u2);
    }

private:
    std::mt19937 m_gen;
    double m_spare = 0.0;
    bool m_has_spare = false;
};

// Uniform integer in [0, n), n > 0, from 64 random bits (bias < n / 2^64).
std::size_t uniform_index(std::mt19937& gen, std::size_t n) {
    const std::uint64_t r = (std::uint64_t(gen()) << 32) | gen();
    return static_cast<std::size_t>(r % n);
}

template <class T>
Dataset<T> select_columns(const Dataset<T>& d, const std::vector<std::size_t>& cols) {
    Dataset<T> out;
    out.X = xt::view(d.X, xt::all(), xt::keep(cols));
    out.Y = xt::view(d.Y, xt::all(), xt::keep(cols));
    out.labels = xt::view(d.labels, xt::keep(cols));
    return out;
}

std::string pick_file(const std::string& dir, const std::string& stem) {
    namespace fs = std::filesystem;
    const std::string gz = (fs::path(dir) / (stem + ".gz")).string();
    const std::string plain = (fs::path(dir) / stem).string();
    std::error_code ec;
    if (!fs::exists(gz, ec) && fs::exists(plain, ec))
        return plain;
    return gz; // if neither exists, the reader's error names the .gz the package ships
}

// Reads a split and keeps the examples `keep(label)` accepts, the first `limit` of them.
template <class T, class Keep>
Dataset<T> read_fashion(Split split, const std::string& dir, std::size_t limit, Keep keep,
                        std::size_t n_y, bool one_hot) {
    const std::string prefix = split == Split::train ? "train" : "t10k";
    const std::string images_path = pick_file(dir, prefix + "-images-idx3-ubyte");
    const std::string labels_path = pick_file(dir, prefix + "-labels-idx1-ubyte");
    const IdxDataset raw = read_idx_dataset(images_path, labels_path);
    const std::size_t count = raw.images.dims[0];
    const std::size_t n_x = raw.images.dims[1] * raw.images.dims[2];

    std::vector<std::size_t> cols;
    for (std::size_t i = 0; i < count && (limit == 0 || cols.size() < limit); ++i) {
        const unsigned label = raw.labels.bytes[i];
        if (label >= fashion_mnist_classes.size())
            throw FileError(labels_path, "label " + std::to_string(label) + " of example " +
                                             std::to_string(i) + " is outside 0..9");
        if (keep(static_cast<int>(label)))
            cols.push_back(i);
    }

    const std::size_t m = cols.size();
    Dataset<T> d;
    d.X = Array<T>::from_shape({n_x, m});
    d.Y = xt::zeros<T>({n_y, m});
    d.labels = Array<int>::from_shape({m});
    T* X = d.X.data();
    T* Y = d.Y.data();
    const T scale = T(1) / T(255);
    for (std::size_t k = 0; k < m; ++k) {
        const std::uint8_t* pixels = raw.images.bytes.data() + cols[k] * n_x;
        for (std::size_t p = 0; p < n_x; ++p)
            X[p * m + k] = T(pixels[p]) * scale;
        const int label = raw.labels.bytes[cols[k]];
        d.labels(k) = label;
        if (one_hot)
            Y[static_cast<std::size_t>(label) * m + k] = T(1);
        else
            Y[k] = label == fashion_binary_positive ? T(1) : T(0);
    }
    return d;
}

} // namespace detail

template <class T>
Dataset<T> planar_dataset(std::size_t m, std::uint32_t seed) {
    if (m == 0 || m % 2 != 0)
        throw std::invalid_argument("planar_dataset: m must be even and positive, got " +
                                    std::to_string(m));
    const std::size_t N = m / 2; // points per class
    const double a = 4.0;        // maximum ray of the flower
    detail::Normal randn(seed);
    Dataset<T> d;
    d.X = Array<T>::from_shape({2, m});
    d.Y = Array<T>::from_shape({1, m});
    d.labels = Array<int>::from_shape({m});
    std::vector<double> t(N), r(N);
    for (std::size_t j = 0; j < 2; ++j) {
        // t = linspace(j*3.12, (j+1)*3.12, N) + randn(N)*0.2   (theta)
        const double lo = static_cast<double>(j) * 3.12, hi = static_cast<double>(j + 1) * 3.12;
        for (std::size_t i = 0; i < N; ++i) {
            const double step = N > 1 ? (hi - lo) / static_cast<double>(N - 1) : 0.0;
            t[i] = lo + step * static_cast<double>(i) + randn() * 0.2;
        }
        // r = a*sin(4*t) + randn(N)*0.2   (radius)
        for (std::size_t i = 0; i < N; ++i)
            r[i] = a * std::sin(4.0 * t[i]) + randn() * 0.2;
        for (std::size_t i = 0; i < N; ++i) {
            const std::size_t col = N * j + i;
            d.X(0, col) = static_cast<T>(r[i] * std::sin(t[i]));
            d.X(1, col) = static_cast<T>(r[i] * std::cos(t[i]));
            d.Y(0, col) = static_cast<T>(j);
            d.labels(col) = static_cast<int>(j);
        }
    }
    return d;
}

template <class T>
std::pair<Dataset<T>, Dataset<T>> train_test_split(const Dataset<T>& data, double test_fraction,
                                                   std::uint32_t seed) {
    if (!(test_fraction >= 0.0 && test_fraction <= 1.0))
        throw std::invalid_argument("train_test_split: test_fraction must be in [0, 1], got " +
                                    std::to_string(test_fraction));
    if (data.X.dimension() != 2 || data.Y.dimension() != 2 || data.labels.dimension() != 1 ||
        data.Y.shape()[1] != data.X.shape()[1] || data.labels.shape()[0] != data.X.shape()[1])
        throw std::invalid_argument(
            "train_test_split: expected X (n_x, m), Y (n_y, m) and labels (m,) with one m");
    const std::size_t m = data.X.shape()[1];
    std::vector<std::size_t> order(m);
    for (std::size_t i = 0; i < m; ++i)
        order[i] = i;
    std::mt19937 gen(seed);
    for (std::size_t i = m; i > 1; --i) // Fisher-Yates, spelled out so every platform agrees
        std::swap(order[i - 1], order[detail::uniform_index(gen, i)]);
    const auto n_train =
        static_cast<std::size_t>(std::llround(static_cast<double>(m) * (1.0 - test_fraction)));
    const std::vector<std::size_t> train(order.begin(), order.begin() + n_train);
    const std::vector<std::size_t> test(order.begin() + n_train, order.end());
    return {detail::select_columns(data, train), detail::select_columns(data, test)};
}

template <class T>
Dataset<T> load_fashion_mnist(Split split, const std::string& dir, std::size_t limit) {
    return detail::read_fashion<T>(
        split, dir, limit, [](int) { return true; }, fashion_mnist_classes.size(), true);
}

template <class T>
Dataset<T> load_fashion_mnist_binary(Split split, const std::string& dir, std::size_t limit) {
    return detail::read_fashion<T>(
        split, dir, limit,
        [](int label) {
            return label == fashion_binary_negative || label == fashion_binary_positive;
        },
        1, false);
}

#define XGRAD_DATA_DATASETS_INSTANTIATE(T)                                                         \
    template Dataset<T> planar_dataset<T>(std::size_t, std::uint32_t);                             \
    template std::pair<Dataset<T>, Dataset<T>> train_test_split<T>(const Dataset<T>&, double,      \
                                                                   std::uint32_t);                 \
    template Dataset<T> load_fashion_mnist<T>(Split, const std::string&, std::size_t);             \
    template Dataset<T> load_fashion_mnist_binary<T>(Split, const std::string&, std::size_t);

XGRAD_DATA_DATASETS_INSTANTIATE(float)
XGRAD_DATA_DATASETS_INSTANTIATE(double)
#undef XGRAD_DATA_DATASETS_INSTANTIATE

} // namespace xgrad::io
