// The fashion10 problem: Fashion-MNIST's training set, splitmix64 He-uniform parameters (bench.py
// draws the same), numpy's permutation for each epoch's order (what nn::Trainer draws with
// Generator::numpy).
#include "minibatch.hpp"

#include "io/datasets.hpp"
#include "random/random_state.hpp"

#include <cmath>

namespace xgrad::bench {

namespace {
// splitmix64 of a counter: element i of a stream, in [0, 1) with 53 bits. bench.py computes
// the same in numpy's uint64 arithmetic.
double splitmix_uniform(std::uint64_t stream, std::uint64_t i) {
    std::uint64_t z = stream * 0x100000000ULL + (i + 1) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return double(z >> 11) * (1.0 / 9007199254740992.0);
}
} // namespace

template <class T>
double EpochProblem<T>::alpha(std::size_t epoch) const {
    return learning_rate * std::pow(decay, double(epoch - 1));
}

template <class T>
EpochProblem<T> make_epoch_problem(std::size_t limit, std::size_t epochs) {
    EpochProblem<T> p;
    io::Dataset<T> data;
    try {
        data = io::load_fashion_mnist<T>(io::Split::train, io::fashion_mnist_dir, limit);
    } catch (const std::exception&) {
        return p; // not installed: X stays empty
    }
    p.m = data.X.shape()[1];
    p.X.assign(data.X.begin(), data.X.end());
    p.Y.assign(data.Y.begin(), data.Y.end());
    p.label.assign(data.labels.begin(), data.labels.end());
    p.W.assign(p.layers.size(), {});
    p.b.assign(p.layers.size(), {});
    for (std::size_t l = 1; l < p.layers.size(); ++l) {
        // He uniform: U(-a, a) with a = sqrt(6 / n_{l-1}), the variance 2 / n_{l-1} of He.
        const double a = std::sqrt(6.0 / double(p.layers[l - 1]));
        p.W[l].resize(p.layers[l] * p.layers[l - 1]);
        for (std::size_t i = 0; i < p.W[l].size(); ++i)
            p.W[l][i] = static_cast<T>((2 * splitmix_uniform(l, i) - 1) * a);
        p.b[l].assign(p.layers[l], T(0));
    }
    p.order.assign(epochs + 1, {});
    for (std::size_t e = 1; e <= epochs; ++e) {
        random::RandomState numpy(std::int64_t(p.seed) + std::int64_t(e));
        const Array<std::int64_t> order = numpy.permutation(p.m);
        p.order[e].assign(order.begin(), order.end());
    }
    return p;
}

template struct EpochProblem<float>;
template struct EpochProblem<double>;
template EpochProblem<float> make_epoch_problem(std::size_t, std::size_t);
template EpochProblem<double> make_epoch_problem(std::size_t, std::size_t);

} // namespace xgrad::bench
