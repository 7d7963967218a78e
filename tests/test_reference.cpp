// The course's hand-written backprop (nn/reference) checked against hand-computed numbers and
// central finite differences, the way the course's gradient-checking notebook does.
#include "nn/reference/backprop.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>

using namespace xgrad;
using namespace xgrad::reference;

namespace {

// Tolerances, stated once.
constexpr double gradcheck_tolerance =
    1e-7; // the course's threshold for ||a - n|| / (||a|| + ||n||)
constexpr double finite_difference_step = 1e-6;

template <class T>
constexpr double agreement_tolerance() {
    return std::is_same_v<T, float> ? 1e-5 : 1e-12;
}

template <class T>
Array<T> randn(std::initializer_list<std::size_t> shape, unsigned seed, double scale = 1.0) {
    std::mt19937 generator(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    Array<T> a = Array<T>::from_shape(shape);
    for (auto& x : a)
        x = static_cast<T>(normal(generator) * scale);
    return a;
}

// Moves every entry at least `margin` away from 0, keeping its sign: finite differences must not
// straddle ReLU's kink.
Array<double> away_from_zero(Array<double> a, double margin = 0.1) {
    for (auto& x : a)
        x = x >= 0 ? x + margin : x - margin;
    return a;
}

// A column vector: {{0.5}} would be ambiguous for xtensor's initializer-list constructors.
Array<double> column(std::initializer_list<double> values) {
    Array<double> c = Array<double>::from_shape({values.size(), 1});
    std::copy(values.begin(), values.end(), c.begin());
    return c;
}

Array<double> labels(std::size_t m, unsigned seed) {
    std::mt19937 generator(seed);
    Array<double> Y = Array<double>::from_shape({1, m});
    for (std::size_t j = 0; j < m; ++j)
        Y(0, j) = static_cast<double>(generator() % 2);
    return Y;
}

template <class T>
double relative_error(const Array<T>& analytic, const Array<T>& numeric) {
    REQUIRE(analytic.shape() == numeric.shape());
    const double difference =
        std::sqrt(static_cast<double>(xt::sum(xt::square(analytic - numeric))()));
    const double norms = std::sqrt(static_cast<double>(xt::sum(xt::square(analytic))())) +
                         std::sqrt(static_cast<double>(xt::sum(xt::square(numeric))()));
    return norms == 0 ? difference : difference / norms;
}

// d f / d x by central differences, one entry at a time; x is restored afterwards.
Array<double> numeric_gradient(const std::function<double()>& f, Array<double>& x) {
    Array<double> gradient = Array<double>::from_shape(x.shape());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double saved = x.data()[i];
        x.data()[i] = saved + finite_difference_step;
        const double plus = f();
        x.data()[i] = saved - finite_difference_step;
        const double minus = f();
        x.data()[i] = saved;
        gradient.data()[i] = (plus - minus) / (2 * finite_difference_step);
    }
    return gradient;
}

template <class F>
std::string invalid_argument_message(F&& f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "(no std::invalid_argument thrown)";
}

void check_mentions(const std::string& message, std::initializer_list<const char*> parts) {
    INFO("message: ", message);
    for (const char* part : parts) {
        INFO("expected to mention: ", part);
        CHECK(message.find(part) != std::string::npos);
    }
}

const Activation all_activations[] = {Activation::relu, Activation::leaky_relu, Activation::sigmoid,
                                      Activation::tanh};

Array<double> activation_backward(Activation g, const Array<double>& dA, const Array<double>& Z) {
    switch (g) {
    case Activation::relu:
        return relu_backward(dA, Z);
    case Activation::leaky_relu:
        return leaky_relu_backward(dA, Z);
    case Activation::sigmoid:
        return sigmoid_backward(dA, Z);
    case Activation::tanh:
        return tanh_backward(dA, Z);
    }
    return {};
}

Array<double> activation_forward(Activation g, const Array<double>& Z) {
    switch (g) {
    case Activation::relu:
        return relu(Z).first;
    case Activation::leaky_relu:
        return leaky_relu(Z).first;
    case Activation::sigmoid:
        return sigmoid(Z).first;
    case Activation::tanh:
        return tanh(Z).first;
    }
    return {};
}

// Caches borrow their arrays, so passing a temporary must not compile.
template <class A, class = void>
struct linear_forward_accepts : std::false_type {};
template <class A>
struct linear_forward_accepts<
    A, std::void_t<decltype(linear_forward(std::declval<A>(), std::declval<const Array<double>&>(),
                                           std::declval<const Array<double>&>()))>>
    : std::true_type {};
static_assert(linear_forward_accepts<const Array<double>&>::value);
static_assert(!linear_forward_accepts<Array<double>&&>::value);

} // namespace

TEST_CASE("parse_activation reads the course's names and refuses others") {
    for (Activation g : all_activations)
        CHECK(parse_activation(to_string(g)) == g);
    CHECK(parse_activation("leaky_relu") == Activation::leaky_relu);
    CHECK_THROWS_WITH_AS(parse_activation("softmax"), doctest::Contains("\"softmax\""),
                         std::invalid_argument);
    CHECK(course_activations(3) ==
          std::vector<Activation>{Activation::relu, Activation::relu, Activation::sigmoid});
}

TEST_CASE_TEMPLATE("initialize_parameters_deep gives the course's shapes, zero b and seeded W", T,
                   float, double) {
    const auto parameters = initialize_parameters_deep<T>({5, 4, 3}, 3);
    REQUIRE(parameters.L() == 2);
    CHECK(parameters.W[1].shape() == Shape{4, 5});
    CHECK(parameters.b[1].shape() == Shape{4, 1});
    CHECK(parameters.W[2].shape() == Shape{3, 4});
    CHECK(parameters.b[2].shape() == Shape{3, 1});
    CHECK(xt::all(xt::equal(parameters.b[1], T(0))));
    CHECK(xt::all(xt::equal(parameters.b[2], T(0))));
    // randn * 0.01: small, not zero
    CHECK(xt::amax(xt::abs(parameters.W[1]))() < T(0.06));
    CHECK(xt::amax(xt::abs(parameters.W[1]))() > T(0));

    const auto same_seed = initialize_parameters_deep<T>({5, 4, 3}, 3);
    const auto other_seed = initialize_parameters_deep<T>({5, 4, 3}, 4);
    CHECK(same_seed.W[1] == parameters.W[1]);
    CHECK(same_seed.W[2] == parameters.W[2]);
    CHECK(other_seed.W[1] != parameters.W[1]);

    const auto scaled = initialize_parameters_deep<T>({5, 4, 3}, 3, T(1));
    CHECK(xt::allclose(scaled.W[1] * T(0.01), parameters.W[1]));
}

TEST_CASE("initialize_parameters_deep([5, 4, 3]) prints the notebook's expected output") {
    // Course 1 week 4, "Building your Deep Neural Network: Step by Step", expected output of
    // initialize_parameters_deep([5,4,3]) (np.random.seed(3)), to the 8 decimals it prints.
    const auto parameters = initialize_parameters_deep<double>({5, 4, 3});
    const Array<double> W1 = {{0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388},
                              {-0.00354759, -0.00082741, -0.00627001, -0.00043818, -0.00477218},
                              {-0.01313865, 0.00884622, 0.00881318, 0.01709573, 0.00050034},
                              {-0.00404677, -0.0054536, -0.01546477, 0.00982367, -0.01101068}};
    const Array<double> W2 = {{-0.01185047, -0.0020565, 0.01486148, 0.00236716},
                              {-0.01023785, -0.00712993, 0.00625245, -0.00160513},
                              {-0.00768836, -0.00230031, 0.00745056, 0.01976111}};
    CHECK(xt::amax(xt::abs(parameters.W[1] - W1))() < 5e-9);
    CHECK(xt::amax(xt::abs(parameters.W[2] - W2))() < 5e-9);
}

TEST_CASE("Parameters and Grads have the course's keys for .npy interchange") {
    auto parameters = initialize_parameters_deep<double>({3, 2, 1});
    CHECK(parameters.keys() == std::vector<std::string>{"W1", "b1", "W2", "b2"});
    CHECK(&parameters.at("W2") == &parameters.W[2]);
    CHECK(&parameters.at("b1") == &parameters.b[1]);
    CHECK_THROWS_AS(parameters.at("W3"), std::out_of_range);
    CHECK_THROWS_AS(parameters.at("W0"), std::out_of_range);
    CHECK_THROWS_AS(parameters.at("W"), std::out_of_range);
    CHECK_THROWS_AS(parameters.at("x1"), std::out_of_range);

    const Array<double> X = randn<double>({3, 4}, 1);
    const Array<double> Y = labels(4, 2);
    const auto [AL, caches] = L_model_forward(X, parameters);
    auto grads = L_model_backward(AL, Y, caches);
    CHECK(grads.keys() ==
          std::vector<std::string>{"dA0", "dW1", "db1", "dZ1", "dA1", "dW2", "db2", "dZ2", "dA2"});
    CHECK(&grads.at("dW2") == &grads.dW[2]);
    CHECK(&grads.at("dA0") == &grads.dA[0]);
    CHECK(&grads.at("dZ1") == &grads.dZ[1]);
    CHECK_THROWS_AS(grads.at("dA3"), std::out_of_range);
    CHECK_THROWS_AS(grads.at("dW0"), std::out_of_range);

    const auto shortcut = L_model_backward_from_dZL(AL, Y, caches);
    CHECK(shortcut.keys() ==
          std::vector<std::string>{"dA0", "dW1", "db1", "dZ1", "dA1", "dW2", "db2", "dZ2"});
}

TEST_CASE("linear_forward computes W A + b, worked by hand") {
    // The course's test shapes: A (3, 2), W (1, 3), b (1, 1) -> Z (1, 2).
    const Array<double> A = {{1, -1}, {2, 0}, {0, 3}};
    const Array<double> W = {{1, 2, 3}};
    const Array<double> b = column({0.5});
    const auto [Z, cache] = linear_forward(A, W, b);
    CHECK(Z == Array<double>{{5.5, 8.5}}); // 1 + 4 + 0 + 0.5, -1 + 0 + 9 + 0.5
    CHECK(cache.A_prev == &A);
    CHECK(cache.W == &W);
    CHECK(cache.b == &b);

    // b broadcast over the columns, one entry per row
    const Array<double> A2 = {{1, 0, 2}, {0, 1, -1}};
    const Array<double> W2 = {{1, 2}, {3, 4}};
    const Array<double> b2 = column({1, -2});
    CHECK(linear_forward(A2, W2, b2).first == Array<double>{{2, 3, 1}, {1, 2, 0}});
}

TEST_CASE_TEMPLATE("the activations follow their formulas and cache Z", T, float, double) {
    const Array<T> Z = {{-2, 0, 3}};
    const auto s = [](double z) { return static_cast<T>(1 / (1 + std::exp(-z))); };
    CHECK(relu(Z).first == Array<T>{{0, 0, 3}});
    CHECK(xt::allclose(leaky_relu(Z).first, Array<T>{{T(-0.02), 0, 3}}));
    CHECK(xt::allclose(sigmoid(Z).first, Array<T>{{s(-2), T(0.5), s(3)}}));
    CHECK(xt::allclose(tanh(Z).first, Array<T>{{T(std::tanh(-2.0)), 0, T(std::tanh(3.0))}}));
    CHECK(sigmoid(Z).second == Z);
    CHECK(relu(Z).second == Z);
}

TEST_CASE("each activation's backward matches central differences") {
    const Array<double> R = randn<double>({3, 4}, 11); // f(Z) = sum(R * g(Z)), so df/dA = R
    for (Activation g : all_activations) {
        CAPTURE(to_string(g));
        Array<double> Z = away_from_zero(randn<double>({3, 4}, 12));
        const auto f = [&] { return xt::sum(R * activation_forward(g, Z))(); };
        const Array<double> numeric = numeric_gradient(f, Z);
        CHECK(relative_error(activation_backward(g, R, Z), numeric) < gradcheck_tolerance);
    }
}

TEST_CASE("ReLU's derivative at Z = 0 is 0 and leaky ReLU's is 0.01, as in PyTorch") {
    const Array<double> Z = {{-1, 0, 1}};
    const Array<double> dA = {{1, 1, 1}};
    CHECK(relu_backward(dA, Z) == Array<double>{{0, 0, 1}});
    CHECK(xt::allclose(leaky_relu_backward(dA, Z), Array<double>{{0.01, 0.01, 1}}));
}

TEST_CASE("linear_backward matches central differences") {
    // f = sum(R * Z) with R standing for dZ. The course's dW and db carry the cost's 1/m,
    // dA_prev does not: dA_prev = df/dA, m dW = df/dW, m db = df/db.
    const std::size_t m = 5;
    Array<double> A = randn<double>({4, m}, 21);
    Array<double> W = randn<double>({3, 4}, 22);
    Array<double> b = randn<double>({3, 1}, 23);
    const Array<double> R = randn<double>({3, m}, 24);
    const auto f = [&] { return xt::sum(R * linear_forward(A, W, b).first)(); };

    const auto [Z, cache] = linear_forward(A, W, b);
    const auto [dA_prev, dW, db] = linear_backward(R, cache);
    CHECK(dA_prev.shape() == A.shape());
    CHECK(dW.shape() == W.shape());
    CHECK(db.shape() == b.shape());
    CHECK(relative_error(dA_prev, numeric_gradient(f, A)) < gradcheck_tolerance);
    CHECK(relative_error(Array<double>(dW * double(m)), numeric_gradient(f, W)) <
          gradcheck_tolerance);
    CHECK(relative_error(Array<double>(db * double(m)), numeric_gradient(f, b)) <
          gradcheck_tolerance);
}

TEST_CASE("linear_activation_backward matches central differences for every activation") {
    const std::size_t m = 6;
    const Array<double> R = randn<double>({3, m}, 31);
    for (Activation g : all_activations) {
        CAPTURE(to_string(g));
        Array<double> A_prev = randn<double>({4, m}, 32);
        Array<double> W = randn<double>({3, 4}, 33, 0.5);
        Array<double> b = randn<double>({3, 1}, 34, 0.5);
        const auto f = [&] {
            return xt::sum(R * linear_activation_forward(A_prev, W, b, g).first)();
        };
        const auto [A, cache] = linear_activation_forward(A_prev, W, b, g);
        REQUIRE(xt::amin(xt::abs(cache.activation_cache))() > 1e-3); // away from ReLU's kink
        const auto [dA_prev, dW, db] = linear_activation_backward(R, cache, g);
        CHECK(relative_error(dA_prev, numeric_gradient(f, A_prev)) < gradcheck_tolerance);
        CHECK(relative_error(Array<double>(dW * double(m)), numeric_gradient(f, W)) <
              gradcheck_tolerance);
        CHECK(relative_error(Array<double>(db * double(m)), numeric_gradient(f, b)) <
              gradcheck_tolerance);
    }
}

TEST_CASE("L_model_backward of a 3-layer model matches central differences of compute_cost") {
    const std::size_t m = 7;
    Array<double> X = randn<double>({4, m}, 41);
    const Array<double> Y = labels(m, 42);
    auto parameters = initialize_parameters_deep<double>({4, 5, 3, 1}, 43, 0.7);
    for (std::size_t l = 1; l <= 3; ++l) // nonzero b, so that no Z sits exactly on ReLU's kink
        parameters.b[l] = randn<double>({parameters.b[l].shape()[0], 1}, 44 + l, 0.5);

    const std::vector<std::vector<Activation>> activation_lists = {
        course_activations(3),
        {Activation::tanh, Activation::leaky_relu, Activation::sigmoid},
        {Activation::sigmoid, Activation::tanh, Activation::sigmoid},
    };
    for (const auto& activations : activation_lists) {
        CAPTURE(std::string(to_string(activations[0])) + ", " +
                std::string(to_string(activations[1])));
        const auto J = [&] {
            return compute_cost(L_model_forward(X, parameters, activations).first, Y);
        };
        const auto forward = L_model_forward(X, parameters, activations);
        const Array<double>& AL = forward.first;
        const Caches<double>& caches = forward.second;
        for (std::size_t l = 0; l < 3; ++l) // finite differences must not straddle ReLU's kink
            REQUIRE(xt::amin(xt::abs(caches[l].activation_cache))() > 1e-3);
        const auto grads = L_model_backward(AL, Y, caches, activations);

        for (std::size_t l = 1; l <= 3; ++l) {
            CAPTURE(l);
            CHECK(relative_error(grads.dW[l], numeric_gradient(J, parameters.W[l])) <
                  gradcheck_tolerance);
            CHECK(relative_error(grads.db[l], numeric_gradient(J, parameters.b[l])) <
                  gradcheck_tolerance);
        }
        // dA0 is per example, like dA and dZ: m times dJ/dX
        CHECK(relative_error(Array<double>(grads.dA[0] / double(m)), numeric_gradient(J, X)) <
              gradcheck_tolerance);

        // Gradient checking catches the course's planted bug, in dW2 and db1 only.
        const auto buggy =
            L_model_backward(AL, Y, caches, activations, PlantedBug::course_gradient_check);
        CHECK(relative_error(buggy.dW[2], numeric_gradient(J, parameters.W[2])) > 0.1);
        CHECK(relative_error(buggy.db[1], numeric_gradient(J, parameters.b[1])) > 0.1);
        CHECK(relative_error(buggy.dW[1], numeric_gradient(J, parameters.W[1])) <
              gradcheck_tolerance);
        CHECK(relative_error(buggy.db[2], numeric_gradient(J, parameters.b[2])) <
              gradcheck_tolerance);
    }
}

TEST_CASE_TEMPLATE("L_model_backward and L_model_backward_from_dZL agree", T, float, double) {
    const std::size_t m = 8;
    const Array<T> X = randn<T>({6, m}, 51);
    const Array<T> Y = labels(m, 52);
    const auto parameters = initialize_parameters_deep<T>({6, 5, 4, 1}, 53, T(0.5));
    const auto [AL, caches] = L_model_forward(X, parameters);
    const auto grads = L_model_backward(AL, Y, caches);
    const auto shortcut = L_model_backward_from_dZL(AL, Y, caches);

    CHECK(grads.dA[3].shape() == AL.shape());
    CHECK(shortcut.dA[3].size() == 0);
    for (std::size_t l = 1; l <= 3; ++l) {
        CAPTURE(l);
        CHECK(relative_error(grads.dZ[l], shortcut.dZ[l]) < agreement_tolerance<T>());
        CHECK(relative_error(grads.dW[l], shortcut.dW[l]) < agreement_tolerance<T>());
        CHECK(relative_error(grads.db[l], shortcut.db[l]) < agreement_tolerance<T>());
        CHECK(relative_error(grads.dA[l - 1], shortcut.dA[l - 1]) < agreement_tolerance<T>());
    }
    CHECK(relative_error(grads.dZ[3], Array<T>(AL - Y)) < agreement_tolerance<T>());
}

TEST_CASE_TEMPLATE("the planted bug doubles dW2 and quadruples db1, and nothing else", T, float,
                   double) {
    const Array<T> X = randn<T>({4, 5}, 61);
    const Array<T> Y = labels(5, 62);
    const auto parameters = initialize_parameters_deep<T>({4, 3, 2, 1}, 63, T(0.5));
    const auto [AL, caches] = L_model_forward(X, parameters);
    for (bool from_dZL : {false, true}) {
        CAPTURE(from_dZL);
        const auto backward = from_dZL ? L_model_backward_from_dZL<T> : L_model_backward<T>;
        const auto clean = backward(AL, Y, caches, {}, PlantedBug::none);
        const auto buggy = backward(AL, Y, caches, {}, PlantedBug::course_gradient_check);
        REQUIRE(buggy.keys() == clean.keys());
        for (const auto& key : clean.keys()) {
            CAPTURE(key);
            const T factor = key == "dW2" ? T(2) : key == "db1" ? T(4) : T(1);
            CHECK(buggy.at(key) == Array<T>(clean.at(key) * factor));
        }
    }

    // A one-layer model has no dW2: only db1 changes.
    const auto one_layer = initialize_parameters_deep<T>({4, 1}, 64);
    const auto [AL1, caches1] = L_model_forward(X, one_layer);
    auto grads = L_model_backward(AL1, Y, caches1);
    const auto buggy = L_model_backward(AL1, Y, caches1, {}, PlantedBug::course_gradient_check);
    CHECK(buggy.dW[1] == grads.dW[1]);
    CHECK(buggy.db[1] == Array<T>(grads.db[1] * T(4)));
    corrupt_like_course(grads);
    CHECK(grads.db[1] == buggy.db[1]);
}

TEST_CASE("compute_cost matches the course's test case, and the logits version is stable") {
    // compute_cost_test_case: Y = [[1, 1, 0]], AL = [[.8, .9, .4]]
    const Array<double> Y = {{1, 1, 0}};
    const Array<double> AL = {{0.8, 0.9, 0.4}};
    CHECK(compute_cost(AL, Y) == doctest::Approx(0.2797765635793422).epsilon(1e-12));
    const Array<double> ZL = xt::log(AL / (1.0 - AL)); // sigmoid(ZL) = AL
    CHECK(compute_cost_from_logits(ZL, Y) == doctest::Approx(0.2797765635793422).epsilon(1e-12));

    // sigmoid(100) rounds to 1 and log(1 - 1) is -inf; from the logits each term is exactly 100.
    const Array<double> Z_far = {{100, -100}};
    const Array<double> Y_wrong = {{0, 1}};
    CHECK(std::isinf(compute_cost(sigmoid(Z_far).first, Y_wrong)));
    CHECK(compute_cost_from_logits(Z_far, Y_wrong) == doctest::Approx(100.0));
    CHECK(compute_cost_from_logits(Array<float>{{100, -100}}, Array<float>{{0, 1}}) ==
          doctest::Approx(100.0));
}

TEST_CASE("shape mistakes throw std::invalid_argument naming the function, layer and shapes") {
    const Array<double> A = xt::ones<double>({4, 10});
    const Array<double> W = xt::ones<double>({3, 5});
    const Array<double> b = xt::zeros<double>({3, 1});
    check_mentions(invalid_argument_message([&] { linear_forward(A, W, b); }),
                   {"linear_forward", "W has shape (3, 5)", "A_prev has shape (4, 10)"});

    const Array<double> W_ok = xt::ones<double>({3, 4});
    const Array<double> b_wide = xt::zeros<double>({3, 2});
    check_mentions(invalid_argument_message([&] { linear_forward(A, W_ok, b_wide); }),
                   {"linear_forward", "b has shape (3, 2)", "(3, 1)"});

    const Array<double> x_vector = xt::ones<double>({4});
    check_mentions(invalid_argument_message([&] { linear_forward(x_vector, W_ok, b); }),
                   {"linear_forward", "A_prev has shape (4)", "matrix"});

    // The layer whose W does not fit is named.
    auto parameters = initialize_parameters_deep<double>({4, 3, 2, 1});
    parameters.W[2] = xt::ones<double>({2, 5});
    check_mentions(invalid_argument_message([&] { L_model_forward(A, parameters); }),
                   {"L_model_forward, layer 2", "linear_forward", "(2, 5)", "(3, 10)"});
    const auto two_layers = initialize_parameters_deep<double>({4, 3, 1});
    check_mentions(
        invalid_argument_message([&] { L_model_forward(A, two_layers, {Activation::relu}); }),
        {"L_model_forward", "1 activations for 2 layers"});

    // Labels (m, 1) against predictions (1, m): an error, not an (m, m) broadcast.
    const Array<double> AL = {{0.5, 0.5, 0.5, 0.5}};
    const Array<double> Y_column = xt::ones<double>({4, 1});
    check_mentions(invalid_argument_message([&] { compute_cost(AL, Y_column); }),
                   {"compute_cost", "AL has shape (1, 4)", "Y has shape (4, 1)"});
    check_mentions(invalid_argument_message([&] { compute_cost_from_logits(AL, Y_column); }),
                   {"compute_cost_from_logits", "(1, 4)", "(4, 1)"});

    const auto good = initialize_parameters_deep<double>({4, 3, 1});
    const Array<double> X = xt::ones<double>({4, 4});
    // Named members, not structured bindings: C++17 lambdas can't capture those (clang refuses).
    const auto forward_good = L_model_forward(X, good);
    const Array<double>& AL_good = forward_good.first;
    const auto& caches = forward_good.second;
    check_mentions(invalid_argument_message([&] { L_model_backward(AL_good, Y_column, caches); }),
                   {"L_model_backward", "(1, 4)", "(4, 1)"});
    check_mentions(
        invalid_argument_message([&] { L_model_backward_from_dZL(AL_good, Y_column, caches); }),
        {"L_model_backward_from_dZL", "(1, 4)", "(4, 1)"});
    check_mentions(invalid_argument_message([&] {
                       L_model_backward(AL_good, Array<double>(xt::ones<double>({1, 4})), caches,
                                        {Activation::tanh, Activation::sigmoid});
                   }),
                   {"L_model_backward", "{tanh, sigmoid}", "{relu, sigmoid}"});

    const auto forward_tanh = L_model_forward(X, good, {Activation::relu, Activation::tanh});
    const Array<double>& AL_tanh = forward_tanh.first;
    const auto& caches_tanh = forward_tanh.second;
    check_mentions(invalid_argument_message([&] {
                       L_model_backward_from_dZL(AL_tanh, Array<double>(xt::ones<double>({1, 4})),
                                                 caches_tanh);
                   }),
                   {"L_model_backward_from_dZL", "sigmoid", "layer 2 is tanh"});

    const auto dZ_wrong = xt::ones<double>({3, 7});
    check_mentions(
        invalid_argument_message(
            [&] { linear_backward(Array<double>(dZ_wrong), caches[0].linear_cache); }),
        {"linear_backward", "dZ has shape (3, 7)", "W has shape (3, 4)", "A_prev (4, 4)"});
    check_mentions(
        invalid_argument_message([&] {
            relu_backward(Array<double>(xt::ones<double>({1, 4})), caches[0].activation_cache);
        }),
        {"relu_backward", "dA has shape (1, 4)", "(3, 4)"});

    auto parameters_to_update = initialize_parameters_deep<double>({4, 3, 1});
    auto grads = L_model_backward(AL_good, Array<double>(xt::ones<double>({1, 4})), caches);
    grads.dW[1] = xt::ones<double>({4, 3});
    check_mentions(
        invalid_argument_message([&] { update_parameters(parameters_to_update, grads, 0.1); }),
        {"update_parameters, layer 1", "W has shape (3, 4)", "dW has shape (4, 3)"});
}

TEST_CASE("update_parameters takes one gradient-descent step in place") {
    auto parameters = initialize_parameters_deep<double>({3, 2, 1}, 71, 1.0);
    const auto before = parameters;
    const Array<double> X = randn<double>({3, 4}, 72);
    const Array<double> Y = labels(4, 73);
    Grads<double> grads;
    {
        const auto [AL, caches] = L_model_forward(X, parameters);
        grads = L_model_backward(AL, Y, caches);
    }
    update_parameters(parameters, grads, 0.1);
    for (std::size_t l = 1; l <= 2; ++l) {
        CHECK(xt::allclose(parameters.W[l], before.W[l] - 0.1 * grads.dW[l]));
        CHECK(xt::allclose(parameters.b[l], before.b[l] - 0.1 * grads.db[l]));
    }
}

TEST_CASE("caches stay valid when moved, and hold each layer's A_prev and Z") {
    const Array<double> X = randn<double>({3, 5}, 81);
    const Array<double> Y = labels(5, 82);
    const auto parameters = initialize_parameters_deep<double>({3, 4, 2, 1}, 83, 0.5);
    auto [AL, caches] = L_model_forward(X, parameters);
    const auto grads = L_model_backward(AL, Y, caches);

    const Caches<double> moved = std::move(caches);
    const auto grads_after_move = L_model_backward(AL, Y, moved);
    for (const auto& key : grads.keys())
        CHECK(grads.at(key) == grads_after_move.at(key));

    // Layer by layer, the same as chaining linear_activation_forward by hand.
    CHECK(&moved.A(0) == &X);
    const auto [A1, cache1] =
        linear_activation_forward(X, parameters.W[1], parameters.b[1], Activation::relu);
    const auto [A2, cache2] =
        linear_activation_forward(A1, parameters.W[2], parameters.b[2], Activation::relu);
    const auto [A3, cache3] =
        linear_activation_forward(A2, parameters.W[3], parameters.b[3], Activation::sigmoid);
    CHECK(moved.A(1) == A1);
    CHECK(moved.A(2) == A2);
    CHECK(AL == A3);
    CHECK(moved[2].activation_cache == cache3.activation_cache);
    CHECK(moved[2].linear_cache.W == &parameters.W[3]);
}

TEST_CASE_TEMPLATE("compute_dA0 = false skips the gradient for X and changes nothing else", T,
                   float, double) {
    const Array<T> X = randn<T>({5, 6}, 91);
    const Array<T> Y = labels(6, 92);
    const auto parameters = initialize_parameters_deep<T>({5, 4, 1}, 93, T(0.5));
    const auto [AL, caches] = L_model_forward(X, parameters);
    const auto full = L_model_backward(AL, Y, caches);
    const auto lean = L_model_backward(AL, Y, caches, {}, BackwardOptions(PlantedBug::none, false));
    CHECK(full.dA[0].shape() == X.shape());
    CHECK(lean.dA[0].size() == 0);
    for (const auto& key : lean.keys())
        CHECK(lean.at(key) == full.at(key));
}

TEST_CASE_TEMPLATE("training the course's way lowers the cost", T, float, double) {
    // Two separable blobs; the loop of the course's L_layer_model.
    const std::size_t m = 64;
    const Array<T> X = randn<T>({2, m}, 101);
    Array<T> Y = Array<T>::from_shape({1, m});
    for (std::size_t j = 0; j < m; ++j)
        Y(0, j) = X(0, j) + X(1, j) > 0 ? T(1) : T(0);
    auto parameters = initialize_parameters_deep<T>({2, 4, 1}, 102, T(0.5));
    const std::vector<Activation> activations = {Activation::tanh, Activation::sigmoid};

    T first_cost = 0, cost = 0;
    for (int i = 0; i < 300; ++i) {
        const auto [AL, caches] = L_model_forward(X, parameters, activations);
        cost = compute_cost(AL, Y);
        if (i == 0)
            first_cost = cost;
        const auto grads = L_model_backward(AL, Y, caches);
        update_parameters(parameters, grads, T(0.5));
    }
    CHECK(first_cost > T(0.5));
    CHECK(cost < T(0.2));
}
