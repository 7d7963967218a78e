// Data-parallel training under mpirun (ctest runs this with 1, 2 and 3 processes): every
// process also trains the same network alone on the whole data, and the two must agree to
// 1e-12 in float64 after 10 epochs, whatever the shares.

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "nn/distributed/broadcast.hpp"
#include "nn/distributed/gradient_all_reduce.hpp"
#include "nn/distributed/processes.hpp"
#include "nn/nn.hpp"

#include <cmath>
#include <random>

using namespace xgrad;
using distributed::GradientAllReduce;
using distributed::Processes;

namespace {

// n_x features, k classes (k = 1: binary labels), m examples, from a seeded generator.
template <class T>
std::pair<Array<T>, Array<T>> blobs(std::size_t n_x, std::size_t k, std::size_t m, unsigned seed) {
    std::mt19937 generator(seed);
    std::normal_distribution<double> normal;
    Array<T> X = Array<T>::from_shape({n_x, m});
    Array<T> Y = Array<T>::from_shape({k, m});
    for (std::size_t j = 0; j < m; ++j) {
        double score = 0;
        for (std::size_t i = 0; i < n_x; ++i) {
            X(i, j) = static_cast<T>(normal(generator));
            score += (i % 2 ? -1.0 : 1.0) * double(X(i, j));
        }
        if (k == 1)
            Y(0, j) = score > 0 ? T(1) : T(0);
        else
            for (std::size_t c = 0; c < k; ++c)
                Y(c, j) = std::size_t(std::fabs(score) * 1.7) % k == c ? T(1) : T(0);
    }
    return {X, Y};
}

struct Case {
    std::vector<std::size_t> layers;
    std::vector<nn::Activation> activations;
    std::string optimizer;
    std::size_t m, batch;
    double lambd = 0;
};

// The largest |difference| between the parameters of a model trained alone and one trained
// data parallel, from the same seed, on the same global batches, for `epochs` epochs.
template <class T>
double alone_vs_parallel(const Case& c, typename GradientAllReduce<T>::Mode mode,
                         std::size_t bucket_bytes, std::size_t epochs = 10) {
    Processes& processes = Processes::world();
    const auto [X, Y] = blobs<T>(c.layers.front(), c.layers.back(), c.m, 5);
    nn::FitOptions options;
    options.epochs = epochs;
    options.batch_size = c.batch;
    options.seed = 3;
    options.lambd = c.lambd;

    nn::Model<T> alone(c.layers, c.activations, nn::Init::he, 7);
    auto alone_optimizer = nn::make_optimizer<T>(c.optimizer, alone.parameters(), T(0.05));
    nn::fit(alone, *alone_optimizer, X, Y, options);

    // Every rank starts from its own initialisation: the broadcast makes them rank 0's.
    nn::Model<T> model(c.layers, c.activations, nn::Init::he, 7 + unsigned(processes.rank()));
    auto optimizer = nn::make_optimizer<T>(c.optimizer, model.parameters(), T(0.05));
    distributed::broadcast_from_lead(processes, model, optimizer.get());
    GradientAllReduce<T> all_reduce(processes, model.parameters(), bucket_bytes, mode);
    options.parallel = &all_reduce;
    nn::fit(model, *optimizer, X, Y, options);

    double worst = 0;
    const auto a = alone.parameter_values(), b = model.parameter_values();
    for (const auto& [name, value] : a)
        worst = std::max(worst, double(xt::amax(xt::abs(value - b.at(name)))()));
    return worst;
}

const std::vector<Case> cases = {
    // Adam, binary: 150 examples in batches of 32, the last of 22 (shares 8, 7, 7 of 3 ranks).
    {{6, 8, 5, 1},
     {nn::Activation::relu, nn::Activation::tanh, nn::Activation::sigmoid},
     "adam",
     150,
     32},
    // Momentum, softmax, with L2: 97 examples in batches of 20 (the last of 17).
    {{5, 7, 3}, {nn::Activation::tanh, nn::Activation::softmax}, "momentum", 97, 20, 0.3},
    // Gradient descent, batches of 2 of 11 examples: with 3 ranks one share of every batch
    // is empty, and the last batch has one example.
    {{4, 3, 1}, {nn::Activation::leaky_relu, nn::Activation::sigmoid}, "gd", 11, 2},
    // Full batch.
    {{4, 6, 1}, {nn::Activation::relu, nn::Activation::sigmoid}, "adam", 64, 0},
};

} // namespace

TEST_CASE("shards of a batch: contiguous, in rank order, their union the batch") {
    for (std::size_t size = 1; size <= 5; ++size)
        for (std::size_t count = 0; count <= 13; ++count) {
            std::size_t next = 0;
            for (std::size_t rank = 0; rank < size; ++rank) {
                const nn::Shard s = nn::shard(count, rank, size);
                CHECK(s.begin == next);
                CHECK(s.size() + 1 >= count / size + (count % size ? 1 : 0));
                CHECK(s.size() <= count / size + 1);
                next = s.end;
            }
            CHECK(next == count);
        }
    CHECK_THROWS_AS(nn::shard(4, 2, 2), std::invalid_argument);
}

TEST_CASE("broadcast: every rank holds rank 0's parameters and Adam's state") {
    Processes& processes = Processes::world();
    nn::Model<double> model({3, 4, 1}, {nn::Activation::relu, nn::Activation::sigmoid},
                            nn::Init::he, 11 + unsigned(processes.rank()));
    nn::Adam<double> adam(model.parameters(), 0.1);
    auto state = adam.state();
    for (auto& [key, value] : state) // t, Adam's step count, must be a whole number
        value.fill(double(processes.rank()) + (key == "t" ? 1.0 : 0.5));
    adam.load_state(state);
    distributed::broadcast_from_lead(processes, model, &adam);
    const nn::Model<double> lead({3, 4, 1}, {nn::Activation::relu, nn::Activation::sigmoid},
                                 nn::Init::he, 11);
    for (const auto& [name, value] : lead.parameter_values())
        CHECK(xt::amax(xt::abs(value - model.parameter_values().at(name)))() == 0.0);
    for (const auto& [key, value] : adam.state())
        CHECK(xt::amax(xt::abs(value - (key == "t" ? 1.0 : 0.5)))() == 0.0);
}

TEST_CASE("buckets: the last layer's parameters first, split at the byte threshold") {
    Processes& processes = Processes::world();
    nn::Model<double> model({10, 20, 5, 1},
                            {nn::Activation::relu, nn::Activation::relu, nn::Activation::sigmoid});
    using Mode = GradientAllReduce<double>::Mode;
    GradientAllReduce<double> each(processes, model.parameters(), 1, Mode::after_backward);
    CHECK(each.buckets() ==
          std::vector<std::vector<std::string>>{{"b3"}, {"W3"}, {"b2"}, {"W2"}, {"b1"}, {"W1"}});
    // b3, W3, b2, W2 hold 1 + 5 + 5 + 100 doubles, 888 bytes: at 880 the bucket closes there.
    GradientAllReduce<double> some(processes, model.parameters(), 880, Mode::after_backward);
    CHECK(some.buckets() ==
          std::vector<std::vector<std::string>>{{"b3", "W3", "b2", "W2"}, {"b1", "W1"}});
    GradientAllReduce<double> one(processes, model.parameters(), 1 << 30, Mode::after_backward);
    CHECK(one.buckets().size() == 1);
}

TEST_CASE_TEMPLATE("data parallel equals one process on the same global batches", T, double,
                   float) {
    const double tolerance = sizeof(T) == 8 ? 1e-12 : 2e-5;
    using Mode = typename GradientAllReduce<T>::Mode;
    for (std::size_t i = 0; i < cases.size(); ++i)
        for (Mode mode : {Mode::after_backward, Mode::overlap})
            for (std::size_t bucket_bytes : {std::size_t(1), std::size_t(1) << 20}) {
                CAPTURE(i);
                CAPTURE(int(mode));
                CAPTURE(bucket_bytes);
                CHECK(alone_vs_parallel<T>(cases[i], mode, bucket_bytes) <= tolerance);
            }
}

TEST_CASE("the epoch's figures are the whole epoch's, on every rank") {
    Processes& processes = Processes::world();
    const auto [X, Y] = blobs<double>(4, 1, 50, 2);
    nn::FitOptions options;
    options.batch_size = 16;
    options.seed = 1;
    nn::Model<double> alone({4, 3, 1}, {nn::Activation::tanh, nn::Activation::sigmoid});
    nn::GradientDescent<double> gd_alone(alone.parameters(), 0.1);
    const nn::EpochStats a = nn::fit(alone, gd_alone, X, Y, options).at(0);
    nn::Model<double> model({4, 3, 1}, {nn::Activation::tanh, nn::Activation::sigmoid});
    nn::GradientDescent<double> gd(model.parameters(), 0.1);
    GradientAllReduce<double> all_reduce(processes, model.parameters());
    options.parallel = &all_reduce;
    const nn::EpochStats b = nn::fit(model, gd, X, Y, options).at(0);
    CHECK(b.loss == doctest::Approx(a.loss).epsilon(1e-12));
    CHECK(b.accuracy == doctest::Approx(a.accuracy).epsilon(1e-12));
    CHECK(all_reduce.figures().steps == 4);
}

TEST_CASE("overlap: every bucket starts from its parameters' hooks, during backward") {
    Processes& processes = Processes::world();
    const auto [X, Y] = blobs<double>(5, 1, 40, 4);
    nn::FitOptions options;
    options.batch_size = 10;
    using Mode = GradientAllReduce<double>::Mode;
    for (Mode mode : {Mode::overlap, Mode::after_backward}) {
        nn::Model<double> model(
            {5, 4, 3, 1}, {nn::Activation::relu, nn::Activation::relu, nn::Activation::sigmoid});
        nn::Adam<double> adam(model.parameters(), 0.01);
        GradientAllReduce<double> all_reduce(processes, model.parameters(), 1, mode);
        options.parallel = &all_reduce;
        nn::fit(model, adam, X, Y, options);
        const auto& f = all_reduce.figures();
        CHECK(f.steps == 4);
        CHECK(f.buckets == 6);
        CHECK(f.early_starts == (mode == Mode::overlap ? f.steps * f.buckets : 0));
    }
}

int main(int argc, char** argv) {
    Processes& processes = Processes::world();
    processes.timeout(60); // a rank that fails an assertion and leaves a collective
    doctest::Context context(argc, argv);
    const int failed = context.run();
    processes.finalize();
    return failed;
}
