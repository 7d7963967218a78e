// The course's generator in nn (initialisers, random_mini_batches) and the course's generated
// data sets, against the notebooks' printed output and against numpy's and sklearn's own run of
// the notebooks' code (tests/python/random_fixtures.json, by tests/python/make_random_fixtures.py).
#include "io/course_datasets.hpp"
#include "nn/nn.hpp"
#include "numpy_fixtures.hpp"
#include "random/random_state.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace xgrad;
using namespace xgrad::test;
using nn::Generator;
using nn::Init;

namespace {

const nlohmann::json& course(const std::string& key) {
    return numpy_fixtures().at("course").at(key);
}

// W1, ..., WL from the initializer for layer_dims, in order, as the course's loop draws them.
template <class T>
std::vector<Array<T>> draw_weights(nn::Initializer<T>& init, const std::vector<std::size_t>& dims) {
    std::vector<Array<T>> W;
    for (std::size_t l = 1; l < dims.size(); ++l)
        W.push_back(init.weights(dims[l], dims[l - 1]));
    return W;
}

// Every W of the initializer is numpy's bit for bit (double) or numpy's rounded to float.
template <class T>
void check_weights(nn::Initializer<T> init, const std::vector<std::size_t>& dims,
                   const nlohmann::json& numpy) {
    const auto W = draw_weights(init, dims);
    for (std::size_t l = 1; l < dims.size(); ++l) {
        INFO("W" << l);
        const Array<double> expected = fixture_array<double>(numpy.at("W" + std::to_string(l)));
        if constexpr (std::is_same_v<T, double>)
            check_bitwise(W[l - 1], expected);
        else
            CHECK(W[l - 1] == xt::cast<float>(expected));
        CHECK(init.bias(dims[l]) == fixture_array<T>(numpy.at("b" + std::to_string(l))));
    }
}

// The notebooks print 8 decimals: ours agree to the printed digits (and float's rounding).
template <class T>
void check_printed(const Array<T>& ours, const Array<double>& printed) {
    REQUIRE(ours.shape() == printed.shape());
    for (std::size_t i = 0; i < ours.size(); ++i) {
        const double tolerance =
            5e-9 * 1.0001 + std::abs(printed.data()[i]) * std::numeric_limits<T>::epsilon();
        CHECK(std::abs(static_cast<double>(ours.data()[i]) - printed.data()[i]) <= tolerance);
    }
}

struct Agreement {
    double max_difference = 0;
    std::size_t same_bits = 0, total = 0;
};

Agreement check_close(const Array<double>& ours, const Array<double>& numpy, double tolerance) {
    REQUIRE(ours.shape() == numpy.shape());
    Agreement a;
    for (std::size_t i = 0; i < ours.size(); ++i) {
        const double d = std::abs(ours.data()[i] - numpy.data()[i]);
        a.max_difference = std::max(a.max_difference, d);
        a.same_bits += same_bits(ours.data()[i], numpy.data()[i]);
        ++a.total;
        if (!(d <= tolerance)) {
            FAIL_CHECK("entry " << i << ": ours " << ours.data()[i] << ", numpy's "
                                << numpy.data()[i] << ", difference " << d);
            return a;
        }
    }
    return a;
}

// A data set against the numpy/sklearn run: X to 1e-12, Y and labels exactly.
void check_dataset(const std::string& name, const io::Dataset<double>& d, const nlohmann::json& X,
                   const nlohmann::json& Y) {
    INFO(name);
    const Agreement a = check_close(d.X, fixture_array<double>(X), 1e-12);
    MESSAGE(name << ": X agrees to " << a.max_difference << ", " << a.same_bits << " of " << a.total
                 << " entries bit for bit");
    const Array<double> labels = fixture_array<double>(Y);
    CHECK(d.Y == labels);
    CHECK(xt::cast<double>(d.labels) == xt::flatten(labels));
}

} // namespace

TEST_CASE_TEMPLATE("Generator::numpy gives initialize_parameters_deep's W, as the notebook prints "
                   "them",
                   T, float, double) {
    // Course 1 week 4, "Expected output" of initialize_parameters_deep([5, 4, 3]).
    nn::Initializer<T> init(Init::small, 3, Generator::numpy);
    const auto W = draw_weights(init, {5, 4, 3});
    check_printed(W[0],
                  Array<double>{{0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388},
                                {-0.00354759, -0.00082741, -0.00627001, -0.00043818, -0.00477218},
                                {-0.01313865, 0.00884622, 0.00881318, 0.01709573, 0.00050034},
                                {-0.00404677, -0.0054536, -0.01546477, 0.00982367, -0.01101068}});
    check_printed(W[1], Array<double>{{-0.01185047, -0.0020565, 0.01486148, 0.00236716},
                                      {-0.01023785, -0.00712993, 0.00625245, -0.00160513},
                                      {-0.00768836, -0.00230031, 0.00745056, 0.01976111}});
    check_weights(nn::Initializer<T>(Init::small, 3, Generator::numpy), {5, 4, 3},
                  course("initialize_parameters_deep([5, 4, 3])"));
}

TEST_CASE_TEMPLATE("Generator::numpy gives week 3's initialize_parameters (seed 2)", T, float,
                   double) {
    nn::Initializer<T> init(Init::small, 2, Generator::numpy);
    const auto W = draw_weights(init, {2, 4, 1});
    check_printed(W[0], Array<double>{{-0.00416758, -0.00056267},
                                      {-0.02136196, 0.01640271},
                                      {-0.01793436, -0.00841747},
                                      {0.00502881, -0.01245288}});
    check_printed(W[1], Array<double>{{-0.01057952, -0.00909008, 0.00551454, 0.02292208}});
    check_weights(nn::Initializer<T>(Init::small, 2, Generator::numpy), {2, 4, 1},
                  course("initialize_parameters(2, 4, 1)"));
}

TEST_CASE_TEMPLATE("Generator::numpy gives He's randn * sqrt(2 / n_prev) and week 4's "
                   "randn / sqrt(n_prev)",
                   T, float, double) {
    // Course 2 initialization, initialize_parameters_he([2, 4, 1]): the notebook's output.
    nn::Initializer<T> he(Init::he, 3, Generator::numpy);
    const auto W = draw_weights(he, {2, 4, 1});
    check_printed(W[0], Array<double>{{1.78862847, 0.43650985},
                                      {0.09649747, -1.8634927},
                                      {-0.2773882, -0.35475898},
                                      {-0.08274148, -0.62700068}});
    check_printed(W[1], Array<double>{{-0.03098412, -0.33744411, -0.92904268, 0.62552248}});
    check_weights(nn::Initializer<T>(Init::he, 3, Generator::numpy), {2, 4, 1},
                  course("initialize_parameters_he([2, 4, 1])"));
    check_weights(nn::Initializer<T>(Init::he, 3, Generator::numpy), {3, 10, 5, 1},
                  course("initialize_parameters_he([3, 10, 5, 1])"));
    // dnn_app_utils' initialize_parameters_deep: np.random.seed(1), randn / np.sqrt(n_prev).
    check_weights(nn::Initializer<T>(Init::xavier, 1, Generator::numpy), {10, 5, 3, 1},
                  course("dnn_app initialize_parameters_deep([10, 5, 3, 1])"));
}

TEST_CASE_TEMPLATE("Init::zeros and Init::large give course 2's initialize_parameters_zeros and "
                   "initialize_parameters_random",
                   T, float, double) {
    // Course 2 week 1, Initialization.ipynb (amanchadha @ 3f055e4a), expected outputs of
    // initialize_parameters_zeros([3, 2, 1]) and initialize_parameters_random([3, 2, 1]).
    nn::Initializer<T> zeros(Init::zeros, 3, Generator::numpy);
    const auto Z = draw_weights(zeros, {3, 2, 1});
    CHECK(Z[0] == xt::zeros<T>({2, 3}));
    CHECK(Z[1] == xt::zeros<T>({1, 2}));
    CHECK(zeros.bias(2) == xt::zeros<T>({2, 1}));
    nn::Initializer<T> large(Init::large, 3, Generator::numpy);
    const auto W = draw_weights(large, {3, 2, 1});
    check_printed(W[0], Array<double>{{17.88628473, 4.36509851, 0.96497468},
                                      {-18.63492703, -2.77388203, -3.54758979}});
    check_printed(W[1], Array<double>{{-0.82741481, -6.27000677}});
    // Zeros draw nothing from either generator, and the standard generator scales by 10.
    nn::Initializer<T> standard_zeros(Init::zeros, 3);
    CHECK(standard_zeros.weights(4, 4) == xt::zeros<T>({4, 4}));
    CHECK(nn::init_scale(Init::large, 7) == 10.0);
    CHECK(nn::init_scale(Init::zeros, 7) == 0.0);
    CHECK(nn::parse_init("random") == Init::large);
    CHECK(nn::parse_init("zeros") == Init::zeros);
    CHECK(nn::to_string(Init::large) == "large");
    CHECK_THROWS_WITH_AS(nn::parse_init("ones"), doctest::Contains("zeros or large"),
                         std::invalid_argument);
}

TEST_CASE("A Model built with the course's generator starts at the notebook's parameters") {
    nn::Model<double> model({5, 4, 3}, {nn::Activation::relu, nn::Activation::sigmoid},
                            nn::Initializer<double>(Init::small, 3, Generator::numpy));
    const auto parameters = model.parameter_values();
    const auto& numpy = course("initialize_parameters_deep([5, 4, 3])");
    for (const char* key : {"W1", "b1", "W2", "b2"}) {
        INFO(key);
        check_bitwise(parameters.at(key), fixture_array<double>(numpy.at(key)));
    }
}

TEST_CASE("An Initializer continues from a given RandomState, and the standard generator is "
          "unchanged") {
    random::RandomState numpy(3);
    nn::Initializer<double> from_state(Init::small, numpy); // a copy: numpy stays at seed 3
    const Array<double> W1 = from_state.weights(4, 5);
    check_bitwise(W1, numpy.randn(4, 5) * 0.01);
    CHECK(from_state.source() == Generator::numpy);
    // The default stays std::mt19937 with std::normal_distribution.
    nn::Initializer<double> standard(Init::small, 3);
    std::mt19937 generator(3);
    std::normal_distribution<double> randn(0.0, 1.0);
    const double first = randn(generator) * 0.01;
    CHECK(standard.weights(1, 1)(0, 0) == first);
    CHECK(nn::parse_generator("numpy") == Generator::numpy);
    CHECK(nn::to_string(nn::parse_generator("standard")) == "standard");
    CHECK_THROWS_WITH_AS(nn::parse_generator("torch"), doctest::Contains("expected standard"),
                         std::invalid_argument);
}

TEST_CASE_TEMPLATE("random_mini_batches with the course's generator gives the notebook's batches",
                   T, float, double) {
    // X(i, j) = 1000 i + j, Y(j) = j % 2, m = 148: two batches of 64 and one of 20.
    Array<T> X = Array<T>::from_shape({3, 148});
    Array<T> Y = Array<T>::from_shape({1, 148});
    for (std::size_t j = 0; j < 148; ++j) {
        for (std::size_t i = 0; i < 3; ++i)
            X(i, j) = static_cast<T>(1000 * i + j);
        Y(0, j) = static_cast<T>(j % 2);
    }
    for (const int seed : {0, 11}) {
        INFO("seed " << seed);
        const auto& numpy =
            course("random_mini_batches(X (3, 148), Y, 64, seed)").at(std::to_string(seed));
        const auto batches = nn::random_mini_batches(X, Y, 64, random::RandomState(seed));
        REQUIRE(batches.size() == numpy.size());
        REQUIRE(batches.size() == 3);
        CHECK(batches.back().X.shape()[1] == 20);
        for (std::size_t k = 0; k < batches.size(); ++k) {
            CHECK(batches[k].X == fixture_array<T>(numpy[k].at("X")));
            CHECK(batches[k].Y == fixture_array<T>(numpy[k].at("Y")));
        }
    }
    // The order is np.random.permutation(m)'s.
    random::RandomState a(0), b(0);
    const auto order = nn::shuffled_columns(148, a);
    const Array<std::int64_t> permutation = b.permutation(148);
    CHECK(std::equal(order.begin(), order.end(), permutation.begin()));
}

TEST_CASE("load_planar_dataset is planar_utils' flower, numpy's numbers") {
    const auto d = io::load_planar_dataset<double>();
    const auto& numpy = course("load_planar_dataset()");
    check_dataset("load_planar_dataset", d, numpy.at("X"), numpy.at("Y"));
    CHECK(d.X.shape() == Shape{2, 400});
    // float holds the same points, rounded
    const auto f = io::load_planar_dataset<float>();
    CHECK(f.X == xt::cast<float>(d.X));
    CHECK_THROWS_WITH_AS(io::load_planar_dataset<double>(401), doctest::Contains("even"),
                         std::invalid_argument);
}

TEST_CASE("load_circles_dataset and load_moons_dataset are sklearn's make_circles and make_moons "
          "as the course 2 notebooks seed them") {
    const auto [train, test] = io::load_circles_dataset<double>();
    const auto& circles = course("init_utils.load_dataset()");
    check_dataset("circles, train", train, circles.at("train_X"), circles.at("train_Y"));
    check_dataset("circles, test", test, circles.at("test_X"), circles.at("test_Y"));
    CHECK(train.X.shape() == Shape{2, 300});
    CHECK(test.X.shape() == Shape{2, 100});
    const auto moons = io::load_moons_dataset<double>();
    const auto& numpy = course("opt_utils.load_dataset()");
    check_dataset("moons", moons, numpy.at("train_X"), numpy.at("train_Y"));
    CHECK(moons.X.shape() == Shape{2, 300});
    const auto moons32 = io::load_moons_dataset<float>();
    CHECK(moons32.X == xt::cast<float>(moons.X));
}

TEST_CASE("The data sets are numpy's bit for bit where numpy's sin and cos are the C library's") {
    // numpy may compute sin and cos with its own SIMD code, an ulp or so from libm's: the
    // fixture also holds the notebooks' code run with libm's sin and cos, where every draw,
    // sum and product must agree exactly.
    const auto& libm = course("X with libm's sin and cos");
    check_bitwise(io::load_planar_dataset<double>().X,
                  fixture_array<double>(libm.at("load_planar_dataset()")));
    const auto circles = io::load_circles_dataset<double>();
    check_bitwise(circles.first.X,
                  fixture_array<double>(libm.at("init_utils.load_dataset() train")));
    check_bitwise(circles.second.X,
                  fixture_array<double>(libm.at("init_utils.load_dataset() test")));
    check_bitwise(io::load_moons_dataset<double>().X,
                  fixture_array<double>(libm.at("opt_utils.load_dataset()")));
}

TEST_CASE("make_circles and make_moons refuse what sklearn refuses, and draw nothing unasked") {
    random::RandomState rs(0);
    CHECK_THROWS_WITH_AS(io::make_circles<double>(10, 0.1, rs, 1.0),
                         doctest::Contains("'factor' has to be between 0 and 1"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(io::make_moons<double>(10, -0.1, rs), doctest::Contains("noise"),
                         std::invalid_argument);
    // Without shuffle and noise: the two circles in order, and the stream untouched.
    const auto d = io::make_circles<double>(8, std::nullopt, rs, 0.5, false);
    CHECK(d.X(0, 0) == 1.0);
    CHECK(d.X(0, 4) == 0.5);
    CHECK(d.labels == Array<int>{0, 0, 0, 0, 1, 1, 1, 1});
    CHECK(rs.random_sample() == 0.5488135039273248); // np.random.seed(0); np.random.rand()
    // An odd count: sklearn's outer circle has n // 2 points, the inner the rest.
    CHECK(xt::sum(io::make_moons<double>(7, std::nullopt, rs, false).Y)() == 4.0);
}

TEST_CASE("numpy_linspace is np.linspace's arithmetic") {
    CHECK(io::numpy_linspace(0.0, 1.0, 5) == Array<double>{0.0, 0.25, 0.5, 0.75, 1.0});
    CHECK(io::numpy_linspace(0.0, 1.0, 4, false) == Array<double>{0.0, 0.25, 0.5, 0.75});
    CHECK(io::numpy_linspace(2.0, 3.0, 1) == Array<double>{2.0});
    CHECK(io::numpy_linspace(0.0, 1.0, 0).size() == 0);
    // i * step + start, the last point exactly stop
    const Array<double> t = io::numpy_linspace(3.12, 6.24, 200);
    CHECK(t(1) == (6.24 - 3.12) / 199.0 + 3.12);
    CHECK(t(199) == 6.24);
}

TEST_CASE("fit with Generator::numpy trains on the optimization notebook's mini-batches") {
    // The notebook's model(): seed = 10; each epoch seed += 1, then
    // random_mini_batches(X, Y, 64, seed) and one update per batch.
    const auto moons = io::load_moons_dataset<double>();
    const std::vector<std::size_t> dims = {2, 5, 2, 1};
    const std::vector<nn::Activation> g = {nn::Activation::relu, nn::Activation::relu,
                                           nn::Activation::sigmoid};
    nn::Model<double> a(dims, g, nn::Initializer<double>(Init::he, 3, Generator::numpy));
    nn::Model<double> b(dims, g, nn::Initializer<double>(Init::he, 3, Generator::numpy));
    nn::GradientDescent<double> gd_a(a.parameters(), 0.0007), gd_b(b.parameters(), 0.0007);
    nn::FitOptions options;
    options.epochs = 3;
    options.batch_size = 64;
    options.seed = 10;
    options.generator = Generator::numpy;
    const auto history = nn::fit(a, gd_a, moons.X, moons.Y, options);
    std::size_t steps = 0;
    for (unsigned seed = 11; seed <= 13; ++seed)
        for (const auto& batch :
             nn::random_mini_batches(moons.X, moons.Y, 64, random::RandomState(seed))) {
            nn::train_step(b, gd_b, Tensor<double>(batch.X), Tensor<double>(batch.Y));
            ++steps;
        }
    CHECK(steps == 3 * 5); // 4 batches of 64 and one of 44 per epoch
    CHECK(history.size() == 3);
    CHECK(a.parameter_values() == b.parameter_values());
    // The standard generator's orders are others: the parameters part.
    nn::Model<double> c(dims, g, nn::Initializer<double>(Init::he, 3, Generator::numpy));
    nn::GradientDescent<double> gd_c(c.parameters(), 0.0007);
    options.generator = Generator::standard;
    nn::fit(c, gd_c, moons.X, moons.Y, options);
    CHECK(c.parameter_values() != a.parameter_values());
}
