#include "io/course_datasets.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace xgrad::io {

Array<double> numpy_linspace(double start, double stop, std::size_t num, bool endpoint) {
    Array<double> y = Array<double>::from_shape({num});
    const std::size_t div = endpoint ? (num == 0 ? 0 : num - 1) : num;
    const double delta = stop - start;
    const double step = div > 0 ? delta / static_cast<double>(div) : 0.0;
    for (std::size_t i = 0; i < num; ++i) {
        const double k = static_cast<double>(i);
        // y = arange(num) * step (or / div * delta when step underflows to 0, or * delta when
        // div is 0), then y += start
        double v;
        if (div == 0)
            v = k * delta;
        else if (step == 0.0)
            v = k / static_cast<double>(div) * delta;
        else
            v = k * step;
        y(i) = v + start;
    }
    if (endpoint && num > 1)
        y(num - 1) = stop;
    return y;
}

namespace {

constexpr double pi = 3.141592653589793; // np.pi

// Columns of the course's layout from sklearn's (n, 2) rows: X(0, i), X(1, i).
template <class T>
Dataset<T> from_points(const std::vector<double>& x0, const std::vector<double>& x1,
                       const std::vector<int>& y) {
    const std::size_t m = y.size();
    Dataset<T> d;
    d.X = Array<T>::from_shape({2, m});
    d.Y = Array<T>::from_shape({1, m});
    d.labels = Array<int>::from_shape({m});
    for (std::size_t i = 0; i < m; ++i) {
        d.X(0, i) = static_cast<T>(x0[i]);
        d.X(1, i) = static_cast<T>(x1[i]);
        d.Y(0, i) = static_cast<T>(y[i]);
        d.labels(i) = y[i];
    }
    return d;
}

// The end of make_circles and make_moons: X, y = util_shuffle(X, y, random_state=generator),
// then X += generator.normal(scale=noise, size=X.shape), whose (n, 2) draws go row by row.
template <class T>
Dataset<T> shuffle_and_noise(std::vector<double> x0, std::vector<double> x1, std::vector<int> y,
                             std::optional<double> noise, random::RandomState& generator,
                             bool shuffle) {
    const std::size_t n = y.size();
    if (shuffle) {
        // sklearn.utils.shuffle -> resample(replace=False): indices = arange(n);
        // random_state.shuffle(indices); X = X[indices]
        const Array<std::int64_t> indices = generator.permutation(n);
        std::vector<double> s0(n), s1(n);
        std::vector<int> sy(n);
        for (std::size_t i = 0; i < n; ++i) {
            const auto k = static_cast<std::size_t>(indices(i));
            s0[i] = x0[k];
            s1[i] = x1[k];
            sy[i] = y[k];
        }
        x0.swap(s0);
        x1.swap(s1);
        y.swap(sy);
    }
    if (noise) {
        for (std::size_t i = 0; i < n; ++i) {
            x0[i] += generator.normal(0.0, *noise);
            x1[i] += generator.normal(0.0, *noise);
        }
    }
    return from_points<T>(x0, x1, y);
}

void check_noise(const char* where, std::optional<double> noise) {
    if (noise && !(*noise >= 0.0))
        throw std::invalid_argument(std::string(where) + ": noise must be >= 0 (a standard " +
                                    "deviation), got " + std::to_string(*noise));
}

} // namespace

template <class T>
Dataset<T> load_planar_dataset(std::size_t m, std::uint32_t seed) {
    if (m == 0 || m % 2 != 0)
        throw std::invalid_argument("load_planar_dataset: m must be even and positive, got " +
                                    std::to_string(m));
    random::RandomState numpy(seed); // np.random.seed(1)
    const std::size_t N = m / 2;     // points per class
    const double a = 4.0;            // maximum ray of the flower
    std::vector<double> x0(m), x1(m);
    std::vector<int> y(m);
    for (std::size_t j = 0; j < 2; ++j) {
        const double J = static_cast<double>(j);
        const Array<double> theta = numpy_linspace(J * 3.12, (J + 1.0) * 3.12, N);
        const Array<double> t_noise = numpy.randn(N);
        const Array<double> r_noise = numpy.randn(N);
        for (std::size_t i = 0; i < N; ++i) {
            const double t = theta(i) + t_noise(i) * 0.2;              // theta
            const double r = a * std::sin(4.0 * t) + r_noise(i) * 0.2; // radius
            x0[N * j + i] = r * std::sin(t);
            x1[N * j + i] = r * std::cos(t);
            y[N * j + i] = static_cast<int>(j);
        }
    }
    return from_points<T>(x0, x1, y);
}

template <class T>
Dataset<T> make_circles(std::size_t n_samples, std::optional<double> noise,
                        random::RandomState& generator, double factor, bool shuffle) {
    if (!(factor >= 0.0 && factor < 1.0))
        throw std::invalid_argument("make_circles: 'factor' has to be between 0 and 1, got " +
                                    std::to_string(factor));
    check_noise("make_circles", noise);
    const std::size_t n_out = n_samples / 2, n_in = n_samples - n_out;
    const double two_pi = 2.0 * pi;
    // endpoint=False, so that the first point is not also the last
    const Array<double> linspace_out = numpy_linspace(0.0, two_pi, n_out, false);
    const Array<double> linspace_in = numpy_linspace(0.0, two_pi, n_in, false);
    std::vector<double> x0, x1;
    std::vector<int> y;
    for (std::size_t i = 0; i < n_out; ++i) {
        x0.push_back(std::cos(linspace_out(i)));
        x1.push_back(std::sin(linspace_out(i)));
        y.push_back(0);
    }
    for (std::size_t i = 0; i < n_in; ++i) {
        x0.push_back(std::cos(linspace_in(i)) * factor);
        x1.push_back(std::sin(linspace_in(i)) * factor);
        y.push_back(1);
    }
    return shuffle_and_noise<T>(std::move(x0), std::move(x1), std::move(y), noise, generator,
                                shuffle);
}

template <class T>
Dataset<T> make_moons(std::size_t n_samples, std::optional<double> noise,
                      random::RandomState& generator, bool shuffle) {
    check_noise("make_moons", noise);
    const std::size_t n_out = n_samples / 2, n_in = n_samples - n_out;
    const Array<double> outer = numpy_linspace(0.0, pi, n_out);
    const Array<double> inner = numpy_linspace(0.0, pi, n_in);
    std::vector<double> x0, x1;
    std::vector<int> y;
    for (std::size_t i = 0; i < n_out; ++i) {
        x0.push_back(std::cos(outer(i)));
        x1.push_back(std::sin(outer(i)));
        y.push_back(0);
    }
    for (std::size_t i = 0; i < n_in; ++i) {
        x0.push_back(1.0 - std::cos(inner(i)));
        x1.push_back(1.0 - std::sin(inner(i)) - 0.5);
        y.push_back(1);
    }
    return shuffle_and_noise<T>(std::move(x0), std::move(x1), std::move(y), noise, generator,
                                shuffle);
}

template <class T>
std::pair<Dataset<T>, Dataset<T>> load_circles_dataset() {
    random::RandomState numpy(1); // np.random.seed(1): sklearn draws from numpy's global state
    Dataset<T> train = make_circles<T>(300, 0.05, numpy);
    numpy.seed(2);
    Dataset<T> test = make_circles<T>(100, 0.05, numpy);
    return {std::move(train), std::move(test)};
}

template <class T>
Dataset<T> load_moons_dataset() {
    random::RandomState numpy(3);
    return make_moons<T>(300, 0.2, numpy);
}

#define XGRAD_COURSE_DATASETS_INSTANTIATE(T)                                                       \
    template Dataset<T> load_planar_dataset<T>(std::size_t, std::uint32_t);                        \
    template Dataset<T> make_circles<T>(std::size_t, std::optional<double>, random::RandomState&,  \
                                        double, bool);                                             \
    template Dataset<T> make_moons<T>(std::size_t, std::optional<double>, random::RandomState&,    \
                                      bool);                                                       \
    template std::pair<Dataset<T>, Dataset<T>> load_circles_dataset<T>();                          \
    template Dataset<T> load_moons_dataset<T>();

XGRAD_COURSE_DATASETS_INSTANTIATE(float)
XGRAD_COURSE_DATASETS_INSTANTIATE(double)
#undef XGRAD_COURSE_DATASETS_INSTANTIATE

} // namespace xgrad::io
