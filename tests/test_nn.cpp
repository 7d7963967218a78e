// The nn layer: layers, model, losses, initialisers, optimisers, mini-batches and training.
#include "autograd/core/node.hpp"
#include "autograd/kernels/optim.hpp"
#include "nn/nn.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <set>

using namespace xgrad;
using namespace xgrad::nn;

namespace {

template <class T>
Array<T> randn(std::size_t rows, std::size_t cols, unsigned seed) {
    std::mt19937 generator(seed);
    std::normal_distribution<T> normal(T(0), T(1));
    Array<T> a = Array<T>::from_shape({rows, cols});
    for (T& x : a)
        x = normal(generator);
    return a;
}

// The course's planar "flower" (week 3, load_planar_dataset): two classes of 200 points on
// the petals of r = 4 sin(4t), with noise. X (2, 400), Y (1, 400).
template <class T>
std::pair<Array<T>, Array<T>> planar(unsigned seed = 1) {
    const std::size_t N = 200, m = 2 * N;
    std::mt19937 generator(seed);
    std::normal_distribution<double> noise(0.0, 0.2);
    Array<T> X = Array<T>::from_shape({2, m});
    Array<T> Y = Array<T>::from_shape({1, m});
    for (std::size_t j = 0; j < 2; ++j)
        for (std::size_t i = 0; i < N; ++i) {
            const std::size_t col = j * N + i;
            const double t = 3.12 * (j + double(i) / (N - 1)) + noise(generator);
            const double r = 4 * std::sin(4 * t) + noise(generator);
            X(0, col) = static_cast<T>(r * std::sin(t));
            X(1, col) = static_cast<T>(r * std::cos(t));
            Y(0, col) = static_cast<T>(j);
        }
    return {X, Y};
}

} // namespace

// ---- activations ---------------------------------------------------------------------------

TEST_CASE("activations by name") {
    CHECK(parse_activation("relu") == Activation::relu);
    CHECK(parse_activation(" leaky_relu ") == Activation::leaky_relu);
    CHECK(parse_activations("relu,tanh, sigmoid") ==
          std::vector<Activation>{Activation::relu, Activation::tanh, Activation::sigmoid});
    for (Activation a : {Activation::relu, Activation::leaky_relu, Activation::sigmoid,
                         Activation::tanh, Activation::softmax})
        CHECK(parse_activation(to_string(a)) == a);
    CHECK_THROWS_WITH_AS(parse_activation("swish"), doctest::Contains("swish"),
                         std::invalid_argument);
}

TEST_CASE("leaky ReLU has slope 0.01, softmax normalises each column") {
    const Tensor<double> Z(Array<double>{{-2.0, 3.0}, {1.0, -1.0}});
    const Array<double> leaky = activate(Activation::leaky_relu, Z).value();
    CHECK(leaky(0, 0) == doctest::Approx(-0.02));
    CHECK(leaky(0, 1) == doctest::Approx(3.0));
    const Array<double> A = activate(Activation::softmax, Z).value();
    CHECK(A(0, 0) + A(1, 0) == doctest::Approx(1.0));
    CHECK(A(0, 1) + A(1, 1) == doctest::Approx(1.0));
    CHECK(A(0, 0) == doctest::Approx(std::exp(-2.0) / (std::exp(-2.0) + std::exp(1.0))));
}

// ---- initialisers --------------------------------------------------------------------------

TEST_CASE_TEMPLATE("initialisation is reproducible for a seed", T, float, double) {
    const Model<T> a({5, 4, 3, 1}, {Activation::relu, Activation::relu, Activation::sigmoid},
                     Init::he, 42);
    const Model<T> b({5, 4, 3, 1}, {Activation::relu, Activation::relu, Activation::sigmoid},
                     Init::he, 42);
    const Model<T> c({5, 4, 3, 1}, {Activation::relu, Activation::relu, Activation::sigmoid},
                     Init::he, 43);
    CHECK(a.parameter_values() == b.parameter_values());
    CHECK(a.parameter_values() != c.parameter_values());
    for (std::size_t l = 1; l <= 3; ++l)
        CHECK(xt::all(xt::equal(a.layer(l).b().value(), T(0))));
}

TEST_CASE_TEMPLATE("Init::small with numpy's generator draws what the course's "
                   "initialize_parameters_deep draws",
                   T, float, double) {
    const std::vector<std::size_t> dims = {6, 5, 3, 1};
    Initializer<T> source(Init::small, 3, Generator::numpy);
    const auto expected = reference::initialize_parameters_deep<T>(dims, 3);
    for (std::size_t l = 1; l <= 3; ++l) {
        CHECK(source.weights(dims[l], dims[l - 1]) == expected.W[l]);
        CHECK(source.bias(dims[l]) == expected.b[l]);
    }
}

TEST_CASE("He and Xavier scale randn by sqrt(2/n_in) and sqrt(1/n_in)") {
    const std::size_t n_in = 400, n_out = 300;
    for (Init init : {Init::small, Init::he, Init::xavier}) {
        Initializer<double> source(init, 7);
        const Array<double> W = source.weights(n_out, n_in);
        const double std = std::sqrt(xt::mean(W * W)());
        CAPTURE(to_string(init));
        // 120,000 draws: the sample standard deviation is within 1% of the scale.
        CHECK(std == doctest::Approx(init_scale(init, n_in)).epsilon(0.01));
    }
    CHECK(init_scale(Init::he, 8) == doctest::Approx(0.5));
    CHECK(init_scale(Init::xavier, 4) == doctest::Approx(0.5));
    CHECK(parse_init("xavier") == Init::xavier);
    CHECK_THROWS_AS(parse_init("glorot"), std::invalid_argument);
}

// ---- layers and model ----------------------------------------------------------------------

TEST_CASE("Dense holds W (n_out, n_in) and b (n_out, 1) and computes W A + b") {
    Dense<double> layer(3, 2, Init::xavier, 1);
    CHECK(layer.W().shape() == Shape{2, 3});
    CHECK(layer.b().shape() == Shape{2, 1});
    CHECK(layer.W().requires_grad());
    layer.b().data() = column({1.0, -1.0});
    const Array<double> A = randn<double>(3, 4, 2);
    const Array<double> Z = layer.forward(Tensor<double>(A)).value();
    Array<double> expected = xt::zeros<double>({2, 4});
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 4; ++j) {
            expected(i, j) = layer.b().value()(i, 0);
            for (std::size_t k = 0; k < 3; ++k)
                expected(i, j) += layer.W().value()(i, k) * A(k, j);
        }
    CHECK(xt::allclose(Z, expected));
    CHECK_THROWS_AS(Dense<double>(xt::zeros<double>({2, 3}), xt::zeros<double>({3, 1})),
                    ShapeError);
}

TEST_CASE("a model numbers its layers as the course: W[l], b[l], Z[l], A[l], scopes") {
    const Model<double> model({3, 4, 1}, {Activation::relu, Activation::sigmoid});
    CHECK(model.L() == 2);
    CHECK(model.layer_dims() == std::vector<std::size_t>{3, 4, 1});
    CHECK(model.summary() == "3 -> 4 (relu) -> 1 (sigmoid)");
    CHECK(model.layer(1).W().label() == "W[1]");
    CHECK(model.layer(2).b().label() == "b[2]");
    CHECK(model.scope_name(1) == "layer 1 (Dense 3 -> 4, relu)");
    const auto params = model.parameters();
    REQUIRE(params.size() == 4);
    CHECK(params[0].name == "W1");
    CHECK(params[1].name == "b1");
    CHECK(params[2].name == "W2");
    CHECK(params[3].name == "b2");
    CHECK(model.parameter_count() == 3 * 4 + 4 + 4 + 1);

    ForwardTrace<double> trace;
    const Tensor<double> AL = model.forward(Tensor<double>(randn<double>(3, 5, 1)), &trace);
    REQUIRE(trace.Z.size() == 3);
    CHECK(trace.Z[1].label() == "Z[1]");
    CHECK(trace.A[1].label() == "A[1]");
    CHECK(AL.label() == "A[2]");
    CHECK(trace.Z[1].scope() == "layer 1 (Dense 3 -> 4, relu)");
    CHECK(trace.Z[2].scope() == "layer 2 (Dense 4 -> 1, sigmoid)");
    CHECK(AL.op() == Op::sigmoid);
    CHECK(model.loss_kind() == Loss::binary_cross_entropy);
    CHECK_THROWS_AS(model.layer(0), std::out_of_range);
    CHECK_THROWS_AS(model.layer(3), std::out_of_range);
}

TEST_CASE("logits stop before the output activation, loss folds it in") {
    const Model<double> model({2, 3, 1}, {Activation::tanh, Activation::sigmoid});
    const Tensor<double> X(randn<double>(2, 6, 3));
    const Tensor<double> Y(Array<double>{{0, 1, 1, 0, 1, 0}});
    ForwardTrace<double> trace;
    const Tensor<double> J = model.loss(X, Y, &trace);
    CHECK(J.op() == Op::binary_cross_entropy_with_logits);
    CHECK_FALSE(trace.A[2].defined()); // no sigmoid computed for training
    CHECK(J.scope() == "loss (binary cross-entropy)");
    const Tensor<double> AL = model.forward(X);
    const double course_cost = reference::compute_cost(AL.value(), Y.value());
    CHECK(J.item() == doctest::Approx(course_cost).epsilon(1e-12));
}

TEST_CASE("retain_grad in the trace keeps dJ/dZ[l] and dJ/dA[l]") {
    const Model<double> model({2, 3, 1}, {Activation::tanh, Activation::sigmoid});
    ForwardTrace<double> trace;
    trace.retain_grad = true;
    const Array<double> Y = {{1.0, 0.0, 1.0, 1.0}};
    const Tensor<double> J =
        model.loss(Tensor<double>(randn<double>(2, 4, 5)), Tensor<double>(Y), &trace);
    J.backward();
    const Array<double> AL = model.predict_proba(trace.A[0].value());
    // dJ/dZ[L] = (AL - Y) / m
    CHECK(xt::allclose(trace.Z[2].grad(), (AL - Y) / 4.0));
    CHECK(trace.A[1].has_grad());
    CHECK(model.layer(1).W().has_grad());
}

TEST_CASE("shape errors at the model's boundary name the layer and the shapes") {
    const Model<double> model({3, 4, 1}, {Activation::relu, Activation::sigmoid});
    const Tensor<double> X(randn<double>(2, 5, 1));
    CHECK_THROWS_WITH_AS(model.forward(X),
                         doctest::Contains("layer 1 (Dense 3 -> 4, relu): X (2, 5) must be (n_x, "
                                           "m) = (3, m)"),
                         ShapeError);
    const Tensor<double> good_X(randn<double>(3, 5, 1));
    const Tensor<double> Y(xt::zeros<double>({std::size_t(5), std::size_t(1)}));
    CHECK_THROWS_WITH_AS(model.loss(good_X, Y),
                         doctest::Contains("after layer 2 (Dense 4 -> 1, sigmoid): Y (5, 1) must "
                                           "have the shape of Z[2] (1, 5)"),
                         ShapeError);
    Model<double> chain;
    chain.add(Dense<double>(3, 4), Activation::relu);
    CHECK_THROWS_WITH_AS(chain.add(Dense<double>(5, 1), Activation::sigmoid),
                         doctest::Contains("layer 2 (Dense 5 -> 1) takes 5 inputs but layer 1 "
                                           "gives 4"),
                         ShapeError);
    CHECK_THROWS_AS(Model<double>({3, 4, 1}, {Activation::relu}), std::invalid_argument);
    const Model<double> relu_out({3, 1}, {Activation::relu});
    CHECK_THROWS_WITH_AS(relu_out.loss(good_X, Tensor<double>(xt::zeros<double>({1, 5}))),
                         doctest::Contains("sigmoid (binary) or softmax"), std::invalid_argument);
}

TEST_CASE("loss() checks the data once, and again whenever X or Y is another or was changed") {
    const Model<double> model({3, 4, 1}, {Activation::relu, Activation::sigmoid});
    Tensor<double> X(randn<double>(3, 5, 1));
    Tensor<double> Y(Array<double>{{0, 1, 1, 0, 1}});
    CHECK_NOTHROW(model.loss(X, Y));
    CHECK_NOTHROW(model.loss(X, Y)); // the same tensors, unchanged: not scanned again
    X.data()(2, 3) = std::nan("");   // changed in place: data() bumps its version
    CHECK_THROWS_WITH_AS(model.loss(X, Y), doctest::Contains("X[2, 3]"), DataError);
    CHECK_THROWS_AS(model.loss(X, Y), DataError); // a failed check is not remembered
    X.data()(2, 3) = 0.5;
    CHECK_NOTHROW(model.loss(X, Y));
    const Tensor<double> bad_Y(Array<double>{{0, 1, 2, 0, 1}}); // another tensor: checked
    CHECK_THROWS_WITH_AS(model.loss(X, bad_Y), doctest::Contains("Y[0, 2]"), DataError);
    X.data()(0, 0) = std::numeric_limits<double>::infinity();
    const Model<double> copy = model;
    CHECK_THROWS_AS(copy.loss(X, Y), DataError);
}

TEST_CASE("a NaN met inside a layer is reported with the layer's name") {
    const Model<double> model({3, 4, 1}, {Activation::relu, Activation::sigmoid});
    Array<double> X = randn<double>(3, 5, 1);
    X(1, 2) = std::nan("");
    DetectAnomaly anomaly;
    CHECK_THROWS_WITH_AS(model.forward(Tensor<double>(X)),
                         doctest::Contains("layer 1 (Dense 3 -> 4, relu)"), AnomalyError);
}

TEST_CASE("parameters of the wrong shape are refused naming the key or the layer") {
    Model<double> model({3, 4, 1}, {Activation::relu, Activation::sigmoid});
    auto values = model.parameter_values();
    values["W2"] = xt::zeros<double>({std::size_t(1), std::size_t(5)});
    CHECK_THROWS_WITH_AS(model.load_parameters(values), doctest::Contains("W2"), ShapeError);
    CHECK_THROWS_WITH_AS(
        Model<double>::from_parameters(values, {Activation::relu, Activation::sigmoid}),
        doctest::Contains("layer 2"), ShapeError);
}

TEST_CASE("parameters round-trip through the course's dictionary") {
    Model<double> a({3, 4, 2}, {Activation::tanh, Activation::softmax}, Init::he, 1);
    Model<double> b({3, 4, 2}, {Activation::tanh, Activation::softmax}, Init::he, 2);
    b.load_parameters(a.parameter_values());
    CHECK(b.parameter_values() == a.parameter_values());
    const Model<double> c = Model<double>::from_parameters(a.parameter_values(),
                                                           {Activation::tanh, Activation::softmax});
    CHECK(c.parameter_values() == a.parameter_values());
    CHECK(c.layer(2).W().label() == "W[2]");
    // A copy shares the parameters; a clone does not.
    Model<double> shared = a;
    Model<double> cloned = a.clone();
    shared.layer(1).W().data()(0, 0) += 1.0;
    CHECK(a.layer(1).W().value()(0, 0) == shared.layer(1).W().value()(0, 0));
    cloned.layer(1).W().data()(0, 0) += 2.0;
    CHECK(cloned.layer(1).W().value()(0, 0) == doctest::Approx(a.layer(1).W().value()(0, 0) + 1.0));
    auto missing = a.parameter_values();
    missing.erase("b2");
    CHECK_THROWS_WITH_AS(
        Model<double>::from_parameters(missing, {Activation::tanh, Activation::softmax}),
        doctest::Contains("b2"), std::invalid_argument);
    // No activations: an error, not an empty model whose layer_dims() callers read past.
    CHECK_THROWS_WITH_AS(Model<double>::from_parameters(a.parameter_values(), {}),
                         doctest::Contains("no activations"), std::invalid_argument);
}

TEST_CASE("predict: 0/1 for sigmoid outputs, class indices for softmax") {
    Model<double> binary({2, 1}, {Activation::sigmoid});
    binary.layer(1).W().data() = Array<double>{{1.0, 0.0}};
    const Array<double> X = {{-1.0, 2.0, 0.5}, {0.0, 0.0, 0.0}};
    CHECK(binary.predict(X) == Array<double>{{0.0, 1.0, 1.0}});
    Model<double> classes({2, 3}, {Activation::softmax});
    classes.layer(1).W().data() = Array<double>{{1.0, 0.0}, {0.0, 1.0}, {-1.0, -1.0}};
    const Array<double> X3 = {{2.0, 0.0, -3.0}, {0.0, 2.0, -3.0}};
    CHECK(classes.predict(X3) == Array<double>{{0.0, 1.0, 2.0}});
}

// ---- losses --------------------------------------------------------------------------------

TEST_CASE("binary cross-entropy from probabilities is the course's compute_cost") {
    const Array<double> AL = {{0.8, 0.9, 0.4}};
    const Array<double> Y = {{1.0, 1.0, 0.0}};
    const double expected = -(std::log(0.8) + std::log(0.9) + std::log(0.6)) / 3;
    CHECK(binary_cross_entropy(Tensor<double>(AL), Tensor<double>(Y)).item() ==
          doctest::Approx(expected).epsilon(1e-14));
    // Saturated probabilities are clipped to [eps, 1 - eps]: finite, at most -log(eps).
    const Array<double> saturated = {{0.0, 1.0}};
    const Array<double> wrong = {{1.0, 0.0}};
    const double J = binary_cross_entropy(Tensor<double>(saturated), Tensor<double>(wrong)).item();
    CHECK(std::isfinite(J));
    CHECK(J == doctest::Approx(-std::log(std::numeric_limits<double>::epsilon())).epsilon(1e-6));
    CHECK_THROWS_AS(binary_cross_entropy(Tensor<double>(AL), Tensor<double>(column({1.0}))),
                    ShapeError);
}

TEST_CASE_TEMPLATE("logits of +-1000 keep the loss and its gradients finite", T, float, double) {
    const Tensor<T> Z(Array<T>{{T(1000), T(-1000), T(1000), T(-1000)}}, true);
    const Tensor<T> Y(Array<T>{{T(1), T(0), T(0), T(1)}});
    const Tensor<T> J = binary_cross_entropy_from_logits(Z, Y);
    CHECK(std::isfinite(J.item()));
    CHECK(J.item() == doctest::Approx(500.0)); // two right (0), two wrong by 1000 each, over 4
    J.backward();
    for (T g : Z.grad())
        CHECK(std::isfinite(g));
    // dJ/dZ = (sigmoid(Z) - Y) / m: 0, 0, 1/4, -1/4
    CHECK(Z.grad()(0, 2) == doctest::Approx(0.25));
    CHECK(Z.grad()(0, 3) == doctest::Approx(-0.25));

    const Tensor<T> Zc(Array<T>{{T(1000), T(-1000)}, {T(-1000), T(1000)}, {T(0), T(0)}}, true);
    const Tensor<T> Yc(Array<T>{{T(1), T(0)}, {T(0), T(0)}, {T(0), T(1)}});
    const Tensor<T> Jc = categorical_cross_entropy_from_logits(Zc, Yc);
    CHECK(std::isfinite(Jc.item()));
    CHECK(Jc.item() == doctest::Approx(500.0)); // 0 for column 1, 1000 for column 2, over 2
    Jc.backward();
    for (T g : Zc.grad())
        CHECK(std::isfinite(g));

    // The whole model with a saturated output: finite cost and parameter gradients.
    Model<T> model({2, 1}, {Activation::sigmoid});
    model.layer(1).W().data() = Array<T>{{T(1000), T(0)}};
    const Tensor<T> X(Array<T>{{T(1), T(-1)}, {T(0), T(0)}});
    const Tensor<T> J2 = model.loss(X, Tensor<T>(Array<T>{{T(0), T(1)}}));
    CHECK(std::isfinite(J2.item()));
    J2.backward();
    for (T g : model.layer(1).W().grad())
        CHECK(std::isfinite(g));
}

TEST_CASE("binary cross-entropy from logits equals the probability form where both are exact") {
    const Array<double> Z = {{0.3, -1.2, 2.0}, {1.0, 0.0, -0.5}};
    const Array<double> Y = {{1.0, 0.0, 0.0}, {1.0, 1.0, 0.0}};
    const Tensor<double> Zt(Z);
    const double from_logits = binary_cross_entropy_from_logits(Zt, Tensor<double>(Y)).item();
    const double from_probabilities = binary_cross_entropy(sigmoid(Zt), Tensor<double>(Y)).item();
    // Two rows: the cost sums over rows and averages over the 3 columns, as compute_cost.
    CHECK(from_logits == doctest::Approx(from_probabilities).epsilon(1e-13));
    CHECK(from_logits == doctest::Approx(reference::compute_cost_from_logits(Z, Y)).epsilon(1e-13));
}

TEST_CASE("categorical cross-entropy and its gradient against finite differences") {
    const Array<double> Y = {{1.0, 0.0, 0.0, 0.0}, {0.0, 1.0, 0.0, 1.0}, {0.0, 0.0, 1.0, 0.0}};
    const Array<double> Z = randn<double>(3, 4, 9);
    // -1/m sum over columns of log softmax at the true class
    double expected = 0;
    for (std::size_t j = 0; j < 4; ++j) {
        double total = 0;
        for (std::size_t i = 0; i < 3; ++i)
            total += std::exp(Z(i, j));
        for (std::size_t i = 0; i < 3; ++i)
            if (Y(i, j) == 1.0)
                expected -= std::log(std::exp(Z(i, j)) / total) / 4;
    }
    CHECK(categorical_cross_entropy_from_logits(Tensor<double>(Z), Tensor<double>(Y)).item() ==
          doctest::Approx(expected).epsilon(1e-13));
    const auto check = gradcheck(
        [&](const std::vector<Tensor<double>>& x) {
            return categorical_cross_entropy_from_logits(x[0], Tensor<double>(Y));
        },
        {Z});
    CHECK(check.passed);
}

// ---- optimisers ----------------------------------------------------------------------------

namespace {
// One parameter W (1, 2) with a fixed gradient g, to follow optimisers step by step.
struct OneParameter {
    Tensor<double> W{Array<double>{{1.0, -2.0}}, true, "W"};
    std::vector<NamedTensor<double>> params() const { return {{"W1", W}}; }
    void set_grad(const Array<double>& g) {
        W.zero_grad();
        sum(W * Tensor<double>(g)).backward(); // dW = g
    }
};
} // namespace

TEST_CASE("gradient descent: W := W - alpha dW") {
    OneParameter p;
    GradientDescent<double> gd(p.params(), 0.1);
    p.set_grad(Array<double>{{0.5, -1.0}});
    gd.step();
    CHECK(xt::allclose(p.W.value(), Array<double>{{0.95, -1.9}}));
    CHECK(gd.state().empty());
    gd.zero_grad();
    CHECK_FALSE(p.W.has_grad());
    gd.step(); // no gradient: nothing happens
    CHECK(xt::allclose(p.W.value(), Array<double>{{0.95, -1.9}}));
}

TEST_CASE("momentum: v := beta v + (1 - beta) dW, W := W - alpha v") {
    OneParameter p;
    Momentum<double> momentum(p.params(), 0.1, 0.9);
    p.set_grad(Array<double>{{1.0, 2.0}});
    momentum.step(); // v = 0.1 g
    CHECK(xt::allclose(momentum.state().at("v_dW1"), Array<double>{{0.1, 0.2}}));
    CHECK(xt::allclose(p.W.value(), Array<double>{{0.99, -2.02}}));
    momentum.step(); // v = 0.9 * 0.1 g + 0.1 g = 0.19 g
    CHECK(xt::allclose(momentum.state().at("v_dW1"), Array<double>{{0.19, 0.38}}));
    CHECK(xt::allclose(p.W.value(), Array<double>{{0.99 - 0.019, -2.02 - 0.038}}));
}

TEST_CASE("Adam's first step matches the course's formulas by hand") {
    OneParameter p;
    Adam<double> adam(p.params(), 0.01);
    const Array<double> g = {{0.5, -4.0}};
    p.set_grad(g);
    adam.step();
    // t = 1: v = 0.1 g, s = 0.001 g^2; corrected: v / 0.1 = g, s / 0.001 = g^2
    // W := W - 0.01 g / (|g| + 1e-8)
    const double w0 = 1.0 - 0.01 * 0.5 / (0.5 + 1e-8);
    const double w1 = -2.0 - 0.01 * -4.0 / (4.0 + 1e-8);
    CHECK(p.W.value()(0, 0) == doctest::Approx(w0).epsilon(1e-14));
    CHECK(p.W.value()(0, 1) == doctest::Approx(w1).epsilon(1e-14));
    const auto state = adam.state();
    CHECK(xt::allclose(state.at("v_dW1"), 0.1 * g));
    CHECK(xt::allclose(state.at("s_dW1"), 0.001 * g * g));
    CHECK(state.at("t")() == 1.0);
    CHECK(adam.t() == 1);
    // Second step by hand: v = 0.9 v + 0.1 g = 0.19 g, s = 0.999 s + 0.001 g^2 = 0.001999 g^2
    p.set_grad(g);
    adam.step();
    const double v = 0.19 * 0.5 / (1 - 0.81), s = 0.001999 * 0.25 / (1 - 0.998001);
    CHECK(p.W.value()(0, 0) ==
          doctest::Approx(w0 - 0.01 * v / (std::sqrt(s) + 1e-8)).epsilon(1e-12));
}

TEST_CASE_TEMPLATE("the optimisers' steps on a large parameter equal their update kernels", T,
                   float, double) {
    // 300 x 301 values, two steps each: every value moves as the kernel's one loop moves it.
    const std::size_t n = 300 * 301;
    Array<T> w0 = Array<T>::from_shape({300, 301}), g = Array<T>::from_shape({300, 301});
    for (std::size_t i = 0; i < n; ++i) {
        w0.data()[i] = T(std::sin(double(i)));
        g.data()[i] = T(std::cos(0.37 * double(i)));
    }
    for (const char* name : {"gd", "momentum", "adam"}) {
        CAPTURE(name);
        Tensor<T> W(w0, true);
        auto optimiser = make_optimizer<T>(name, {{"W1", W}}, T(0.01));
        Array<T> w = w0, v = xt::zeros<T>(w0.shape()), s = xt::zeros<T>(w0.shape());
        for (int t = 1; t <= 2; ++t) {
            W.impl()->grad = Tensor<T>(g); // as a backward would leave it
            optimiser->step();
            if (std::string(name) == "gd")
                kernels::gradient_descent_update(w.data(), g.data(), n, T(0.01));
            else if (std::string(name) == "momentum")
                kernels::momentum_update(w.data(), g.data(), v.data(), n, T(0.01), T(0.9));
            else
                kernels::adam_update(w.data(), g.data(), v.data(), s.data(), n, T(0.01), T(0.9),
                                     T(0.999), T(1e-8),
                                     T(1) - T(std::pow(double(T(0.9)), double(t))),
                                     T(1) - T(std::pow(double(T(0.999)), double(t))));
        }
        CHECK(W.value() == w);
        CHECK(W.value()(299, 300) != w0(299, 300)); // the last value moved too
    }
}

TEST_CASE("optimiser state can be saved and loaded: training resumes identically") {
    const auto [X, Y] = planar<double>(3);
    for (const char* name : {"gd", "momentum", "adam"}) {
        CAPTURE(name);
        const std::vector<std::size_t> dims = {2, 5, 1};
        const std::vector<Activation> g = {Activation::tanh, Activation::sigmoid};
        Model<double> a(dims, g, Init::xavier, 1);
        auto opt_a = make_optimizer<double>(name, a.parameters(), 0.05);
        FitOptions options;
        options.epochs = 3;
        options.batch_size = 64;
        fit(a, *opt_a, X, Y, options);
        // Copy parameters and state into a fresh model and optimiser, then train both on.
        Model<double> b(dims, g, Init::xavier, 99);
        b.load_parameters(a.parameter_values());
        auto opt_b = make_optimizer<double>(name, b.parameters(), 0.05);
        opt_b->load_state(opt_a->state());
        CHECK(opt_b->state() == opt_a->state());
        options.seed = 5;
        fit(a, *opt_a, X, Y, options);
        fit(b, *opt_b, X, Y, options);
        CHECK(a.parameter_values() == b.parameter_values());
    }
}

TEST_CASE("a Trainer resumed at epoch 3 from parameters and state ends where the full run does") {
    const auto [X, Y] = planar<double>(5);
    const std::vector<std::size_t> dims = {2, 6, 1};
    const std::vector<Activation> g = {Activation::leaky_relu, Activation::sigmoid};
    FitOptions options;
    options.batch_size = 50;
    options.seed = 12;
    Model<double> full(dims, g, Init::he, 1);
    Adam<double> adam_full(full.parameters(), 0.01);
    Trainer<double> trainer(full, adam_full, X, Y, options);
    CHECK(trainer.batches() == 8);
    trainer.train_epoch(1);
    trainer.train_epoch(2);
    // The checkpoint: parameter values and optimiser state after epoch 2.
    const auto saved_parameters = full.parameter_values();
    const auto saved_state = adam_full.state();
    trainer.train_epoch(3);
    const EpochStats last = trainer.train_epoch(4);

    Model<double> resumed(dims, g, Init::he, 77);
    resumed.load_parameters(saved_parameters);
    Adam<double> adam_resumed(resumed.parameters(), 0.01);
    adam_resumed.load_state(saved_state);
    Trainer<double> again(resumed, adam_resumed, X, Y, options);
    again.train_epoch(3);
    const EpochStats last_again = again.train_epoch(4);
    CHECK(resumed.parameter_values() == full.parameter_values());
    CHECK(last_again.loss == last.loss);
}

TEST_CASE("load_state refuses a state of another shape or optimiser") {
    OneParameter p;
    Adam<double> adam(p.params(), 0.01);
    auto state = adam.state();
    state.erase("t");
    CHECK_THROWS_WITH_AS(adam.load_state(state), doctest::Contains("missing entry t"),
                         std::invalid_argument);
    state = adam.state();
    state["v_dW1"] = xt::zeros<double>({3});
    CHECK_THROWS_WITH_AS(adam.load_state(state), doctest::Contains("v_dW1"), std::invalid_argument);
    Momentum<double> momentum(p.params(), 0.1);
    CHECK_THROWS_WITH_AS(momentum.load_state(adam.state()), doctest::Contains("unexpected entry"),
                         std::invalid_argument);
    GradientDescent<double> gd(p.params(), 0.1);
    CHECK_THROWS_AS(gd.load_state(adam.state()), std::invalid_argument);
    CHECK_THROWS_AS(make_optimizer<double>("rmsprop", p.params(), 0.1), std::invalid_argument);
}

TEST_CASE_TEMPLATE("every optimiser lowers the cost of logistic regression (convex)", T, float,
                   double) {
    // Two Gaussian blobs, a single sigmoid unit: the cost is convex in W and b.
    const std::size_t m = 200;
    Array<T> X = randn<T>(2, m, 4);
    Array<T> Y = Array<T>::from_shape({1, m});
    for (std::size_t j = 0; j < m; ++j) {
        Y(0, j) = j % 2 ? T(1) : T(0);
        X(0, j) += j % 2 ? T(1.5) : T(-1.5);
    }
    for (const char* name : {"gd", "momentum", "adam"}) {
        CAPTURE(name);
        Model<T> model({2, 1}, {Activation::sigmoid}, Init::small, 1);
        auto optimizer = make_optimizer<T>(name, model.parameters(), T(0.1));
        const double before = evaluate(model, X, Y).loss;
        FitOptions options;
        options.epochs = 100;
        const auto history = fit(model, *optimizer, X, Y, options);
        const Evaluation after = evaluate(model, X, Y);
        CHECK(after.loss < 0.5 * before);
        CHECK(history.back().loss < history.front().loss);
        CHECK(after.accuracy > 0.9);
    }
}

// ---- mini-batches --------------------------------------------------------------------------

TEST_CASE_TEMPLATE("ExampleRows gathers each batch as gather_columns does, at any m", T, float,
                   double) {
    // m = 1000 spans many 32-example tiles of the transpose and 16-example gather blocks.
    for (std::size_t m : {std::size_t(11), std::size_t(1000)}) {
        const std::size_t rows = 37, size = 128;
        Array<T> X = Array<T>::from_shape({rows, m});
        for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t j = 0; j < m; ++j)
                X(i, j) = T(1000 * i + j);
        std::vector<std::size_t> order(m);
        std::iota(order.begin(), order.end(), std::size_t(0));
        std::mt19937 generator(3);
        std::shuffle(order.begin(), order.end(), generator);
        const ExampleRows<T> examples(X);
        CHECK(examples.examples() == m);
        CHECK(examples.features() == rows);
        for (std::size_t start = 0; start < m; start += size) {
            const std::size_t count = std::min(size, m - start);
            Array<T> gathered = Array<T>::from_shape({rows, count});
            Array<T> expected = Array<T>::from_shape({rows, count});
            examples.gather(order.data() + start, gathered);
            gather_columns(X, order.data() + start, expected);
            CHECK(gathered == expected);
            CHECK(gathered(rows - 1, count - 1) == T(1000 * (rows - 1) + order[start + count - 1]));
        }
    }
    Array<T> X = xt::zeros<T>({3, 5});
    const ExampleRows<T> examples(X);
    std::vector<std::size_t> picked = {0, 4, 5};
    Array<T> out = Array<T>::from_shape({3, 3});
    CHECK_THROWS_WITH_AS(examples.gather(picked.data(), out),
                         doctest::Contains("example 5 out of range for 5 examples"),
                         std::invalid_argument);
    Array<T> wrong = Array<T>::from_shape({2, 3});
    CHECK_THROWS_WITH_AS(examples.gather(picked.data(), wrong),
                         doctest::Contains("must be a matrix of 3 rows"), std::invalid_argument);
    CHECK_THROWS_AS(ExampleRows<T>(Array<T>(xt::zeros<T>({3}))), std::invalid_argument);
}

TEST_CASE("random_mini_batches: course's sizes, every example once, X and Y stay paired") {
    const std::size_t m = 10;
    Array<double> X = Array<double>::from_shape({2, m});
    Array<double> Y = Array<double>::from_shape({1, m});
    for (std::size_t j = 0; j < m; ++j) {
        X(0, j) = double(j);
        X(1, j) = 100.0 + double(j);
        Y(0, j) = 1000.0 + double(j);
    }
    const auto batches = random_mini_batches(X, Y, 4, 7u);
    REQUIRE(batches.size() == 3);
    CHECK(batches[0].X.shape() == Shape{2, 4});
    CHECK(batches[2].X.shape() == Shape{2, 2});
    std::set<double> seen;
    bool shuffled = false;
    std::size_t position = 0;
    for (const auto& batch : batches)
        for (std::size_t j = 0; j < batch.X.shape()[1]; ++j, ++position) {
            const double column = batch.X(0, j);
            seen.insert(column);
            shuffled = shuffled || column != double(position);
            CHECK(batch.X(1, j) == 100.0 + column);
            CHECK(batch.Y(0, j) == 1000.0 + column);
        }
    CHECK(seen.size() == m);
    CHECK(shuffled);
    const auto again = random_mini_batches(X, Y, 4, 7u);
    CHECK(again[0].X == batches[0].X);
    const auto other = random_mini_batches(X, Y, 4, 8u);
    CHECK(other[0].X != batches[0].X);
    CHECK_THROWS_AS(random_mini_batches(X, Array<double>(xt::zeros<double>({1, 9})), 4, 7u),
                    std::invalid_argument);
    CHECK_THROWS_AS(random_mini_batches(X, Y, 0, 7u), std::invalid_argument);
}

TEST_CASE("one_hot puts each label's 1 in its row") {
    const Array<double> labels = {{2.0, 0.0, 1.0}};
    CHECK(one_hot(labels, 3) == Array<double>{{0, 1, 0}, {0, 0, 1}, {1, 0, 0}});
    CHECK_THROWS_WITH_AS(one_hot(labels, 2), doctest::Contains("example 0"), std::invalid_argument);
}

// ---- training ------------------------------------------------------------------------------

TEST_CASE("the course's planar network reaches 90% training accuracy") {
    const auto [X, Y] = planar<double>();
    // Week 3: 4 tanh hidden units, gradient descent with learning rate 1.2, 10000 iterations.
    Model<double> model({2, 4, 1}, {Activation::tanh, Activation::sigmoid}, Init::small, 2);
    GradientDescent<double> gd(model.parameters(), 1.2);
    FitOptions options;
    options.epochs = 10000;
    const auto history = fit(model, gd, X, Y, options);
    const Evaluation result = evaluate(model, X, Y);
    MESSAGE("planar 2-4-1 tanh, 10000 iterations: loss " << result.loss << ", accuracy "
                                                         << result.accuracy);
    CHECK(result.accuracy >= 0.90);
    CHECK(history.back().loss < history.front().loss);
    CHECK(binary_accuracy(model.predict_proba(X), Y) == doctest::Approx(result.accuracy));
    // In chunks of 64 columns (the last one 16): the same cost and accuracy.
    const Evaluation chunked = evaluate(model, X, Y, 64);
    CHECK(chunked.loss == doctest::Approx(result.loss).epsilon(1e-12));
    CHECK(chunked.accuracy == result.accuracy);
}

TEST_CASE("fit reports each batch and epoch; full batch equals hand-written steps") {
    const auto [X, Y] = planar<double>();
    const std::vector<std::size_t> dims = {2, 3, 1};
    const std::vector<Activation> g = {Activation::relu, Activation::sigmoid};
    Model<double> model(dims, g, Init::he, 4);
    GradientDescent<double> gd(model.parameters(), 0.1);
    FitOptions options;
    options.epochs = 2;
    options.batch_size = 150;
    std::vector<BatchProgress> batches;
    std::size_t epochs_seen = 0;
    options.on_batch = [&](const BatchProgress& b) { batches.push_back(b); };
    options.on_epoch = [&](const EpochStats& e) { epochs_seen = e.epoch; };
    const auto history = fit(model, gd, X, Y, options);
    REQUIRE(batches.size() == 6); // 150 + 150 + 100 per epoch, 2 epochs
    CHECK(batches[2].examples_done == 400);
    CHECK(batches[2].batches == 3);
    CHECK(batches[5].epoch == 2);
    CHECK(epochs_seen == 2);
    CHECK(history.size() == 2);
    // The epoch's loss averages the batch losses weighted by batch size.
    CHECK(history[0].loss ==
          doctest::Approx((150 * batches[0].loss + 150 * batches[1].loss + 100 * batches[2].loss) /
                          400));

    // Full batch: fit == the course's loop of train_step.
    Model<double> a(dims, g, Init::he, 4), b(dims, g, Init::he, 4);
    GradientDescent<double> gd_a(a.parameters(), 0.1), gd_b(b.parameters(), 0.1);
    FitOptions full;
    full.epochs = 5;
    const auto full_history = fit(a, gd_a, X, Y, full);
    const Tensor<double> Xt(X), Yt(Y);
    double first_cost = 0;
    for (int i = 0; i < 5; ++i) {
        const double cost = train_step(b, gd_b, Xt, Yt);
        if (i == 0)
            first_cost = cost;
    }
    CHECK(a.parameter_values() == b.parameter_values());
    CHECK(full_history[0].loss == doctest::Approx(first_cost).epsilon(1e-15));
}

TEST_CASE_TEMPLATE("a 3-class softmax network trains (float and double)", T, float, double) {
    // Three blobs around (2, 0), (-1, 1.7), (-1, -1.7).
    const std::size_t m = 300;
    Array<T> X = randn<T>(2, m, 6) * T(0.5);
    Array<T> labels = Array<T>::from_shape({1, m});
    const double centres[3][2] = {{2, 0}, {-1, 1.7}, {-1, -1.7}};
    for (std::size_t j = 0; j < m; ++j) {
        const std::size_t c = j % 3;
        X(0, j) += T(centres[c][0]);
        X(1, j) += T(centres[c][1]);
        labels(0, j) = T(c);
    }
    const Array<T> Y = one_hot(labels, 3);
    Model<T> model({2, 8, 3}, {Activation::relu, Activation::softmax}, Init::he, 1);
    Adam<T> adam(model.parameters(), T(0.01));
    FitOptions options;
    options.epochs = 30;
    options.batch_size = 32;
    fit(model, adam, X, Y, options);
    const Evaluation result = evaluate(model, X, Y);
    CHECK(result.accuracy > 0.95);
    CHECK(categorical_accuracy(model.predict_proba(X), Y) == doctest::Approx(result.accuracy));
    CHECK(xt::all(xt::equal(model.predict(X), labels)) == (result.accuracy == 1.0));
}

// ---- runs that go wrong, data that is wrong ----------------------------------------------------

TEST_CASE("fit stops a run whose loss grows far beyond its start, though it stays finite") {
    const auto [X, Y] = planar<double>();
    // The new user's run: gradient descent at learning rate 1000. The stable loss from logits
    // never becomes NaN; it grows to hundreds.
    Model<double> model({2, 8, 1}, {Activation::tanh, Activation::sigmoid}, Init::xavier, 1);
    GradientDescent<double> gd(model.parameters(), 1000);
    FitOptions options;
    options.epochs = 200;
    std::size_t epochs_seen = 0;
    options.on_epoch = [&](const EpochStats&) { ++epochs_seen; };
    try {
        fit(model, gd, X, Y, options);
        FAIL("no DivergenceError");
    } catch (const DivergenceError& e) {
        MESSAGE(std::string(e.what()));
        CHECK(std::isfinite(e.loss()));
        CHECK(e.loss() > 10 * std::log(2.0));
        CHECK(e.epoch() < 200);
        CHECK(epochs_seen == e.epoch() - 1); // the diverged epoch is not reported as done
        const std::string what = e.what();
        CHECK(what.find("fit: the loss is ") == 0);
        CHECK(what.find("at epoch " + std::to_string(e.epoch())) != std::string::npos);
        CHECK(what.find("training diverged") != std::string::npos);
        CHECK(what.find("Try the learning rate 10 times smaller (now 1000)") != std::string::npos);
    }
    // The same run with the watch off goes to the end, as before.
    Model<double> unwatched({2, 8, 1}, {Activation::tanh, Activation::sigmoid}, Init::xavier, 1);
    GradientDescent<double> gd2(unwatched.parameters(), 1000);
    options.divergence_factor = 0;
    options.on_epoch = nullptr;
    CHECK(fit(unwatched, gd2, X, Y, options).size() == 200);
}

TEST_CASE("DivergenceWatch: not finite, or above 10 times the larger of start and chance") {
    DivergenceWatch watch(Loss::binary_cross_entropy, 1);
    CHECK(chance_loss(Loss::binary_cross_entropy, 3) == doctest::Approx(3 * std::log(2.0)));
    CHECK(chance_loss(Loss::categorical_cross_entropy, 10) == doctest::Approx(std::log(10.0)));
    CHECK(watch.verdict(1, 1e6, 0.1).empty()); // not started: only non-finite counts
    CHECK_FALSE(watch.verdict(1, std::nan(""), 0.1).empty());
    watch.start(0.76);
    watch.start(100); // only the first batch counts
    CHECK(watch.limit() == doctest::Approx(7.6));
    CHECK(watch.verdict(3, 7.5, 0.1).empty());
    const std::string v = watch.verdict(3, 419, 1000, "--lr");
    CHECK(v.find("the loss is 419 at epoch 3, more than 10 times where the run started (0.76") ==
          0);
    CHECK(v.find("Try --lr 10 times smaller (now 1000)") != std::string::npos);
    CHECK(v.find("an adaptive optimiser (adam)") != std::string::npos);
    // Adam's run is not told to try Adam.
    const std::string adam = watch.verdict(3, 419, 1000, "--lr", "adam");
    CHECK(adam.find("Try --lr 10 times smaller (now 1000) and inputs scaled") != std::string::npos);
    CHECK(adam.find("adaptive") == std::string::npos);
    CHECK(watch.verdict(3, 419, 1000, "--lr", "adamw").find("adaptive") == std::string::npos);
    CHECK_FALSE(watch.verdict(4, std::numeric_limits<double>::infinity(), 0.1).empty());
    // A run that starts near its best is measured against chance, not its tiny start.
    DivergenceWatch resumed(Loss::categorical_cross_entropy, 10);
    resumed.start(0.01);
    CHECK(resumed.limit() == doctest::Approx(10 * std::log(10.0)));
    CHECK(resumed.verdict(5, 0.5, 0.001).empty());
}

TEST_CASE_TEMPLATE("fit, evaluate and loss refuse NaN, Inf and labels that are not labels", T,
                   float, double) {
    auto [X, Y] = planar<T>();
    Model<T> model({2, 4, 1}, {Activation::tanh, Activation::sigmoid}, Init::xavier, 1);
    GradientDescent<T> gd(model.parameters(), T(0.1));
    Array<T> bad_X = X;
    bad_X(1, 17) = std::numeric_limits<T>::quiet_NaN();
    Array<T> bad_Y = Y;
    bad_Y(0, 33) = 2;
    const char* nan_message = "X[1, 17] is nan: X must be finite";
    const char* label_message = "Y[0, 33] is 2: the labels of a sigmoid output are 0 or 1";
    CHECK_THROWS_WITH_AS(fit(model, gd, bad_X, Y), doctest::Contains(nan_message), DataError);
    CHECK_THROWS_WITH_AS(fit(model, gd, X, bad_Y), doctest::Contains(label_message), DataError);
    CHECK_THROWS_WITH_AS(evaluate(model, bad_X, Y), doctest::Contains(nan_message), DataError);
    CHECK_THROWS_WITH_AS(evaluate(model, X, bad_Y, 64), doctest::Contains(label_message),
                         DataError);
    CHECK_THROWS_WITH_AS(evaluate(model, Tensor<T>(X), Tensor<T>(bad_Y)),
                         doctest::Contains(label_message), DataError);
    CHECK_THROWS_WITH_AS(model.loss(Tensor<T>(bad_X), Tensor<T>(Y)), doctest::Contains(nan_message),
                         DataError);
    CHECK_THROWS_WITH_AS(train_step(model, gd, Tensor<T>(X), Tensor<T>(bad_Y)),
                         doctest::Contains(label_message), DataError);
    Array<T> inf_X = X;
    inf_X(0, 0) = -std::numeric_limits<T>::infinity();
    CHECK_THROWS_WITH_AS(fit(model, gd, inf_X, Y), doctest::Contains("X[0, 0] is -inf"), DataError);
    // X and Y of different m.
    const Array<T> short_Y = xt::view(Y, xt::all(), xt::range(0, 399));
    CHECK_THROWS_WITH_AS(fit(model, gd, X, short_Y),
                         "fit: X (2, 400) and Y (1, 399) must be matrices with one column per "
                         "example (same m)",
                         ShapeError);
    CHECK_THROWS_WITH_AS(evaluate(model, X, short_Y), doctest::Contains("evaluate: X (2, 400)"),
                         ShapeError);
    // Nothing trained on the bad data: the parameters are where they started.
    Model<T> fresh({2, 4, 1}, {Activation::tanh, Activation::sigmoid}, Init::xavier, 1);
    CHECK(xt::all(xt::equal(model.layer(1).W().value(), fresh.layer(1).W().value())));

    // A softmax over 3 classes: one-hot columns; a column of zeros is a class outside 0..2.
    Array<T> labels = Array<T>::from_shape({1, 400});
    for (std::size_t j = 0; j < 400; ++j)
        labels(0, j) = T(j % 3);
    Array<T> Y3 = one_hot(labels, 3);
    Model<T> softmax({2, 4, 3}, {Activation::relu, Activation::softmax}, Init::he, 1);
    GradientDescent<T> gd3(softmax.parameters(), T(0.1));
    CHECK_NOTHROW(fit(softmax, gd3, X, Y3));
    Y3(2, 5) = 0; // example 5 is of class 2: its column becomes all zeros
    CHECK_THROWS_WITH_AS(fit(softmax, gd3, X, Y3), doctest::Contains("Y[:, 5] sums to 0"),
                         DataError);
    CHECK_THROWS_WITH_AS(softmax.loss(Tensor<T>(X), Tensor<T>(labels)),
                         doctest::Contains("class indices"), DataError);
}
