// The gradient comparison: autodiff, the course's manual formulas and finite differences agree
// on random networks, and disagree exactly where a bug is planted.
#include "nn/nn.hpp"

#include <doctest/doctest.h>

#include <random>
#include <sstream>

using namespace xgrad;
using namespace xgrad::nn;

namespace {

// Random inputs and labels for a network, X (n_x, m) ~ N(0, 1), Y in {0, 1} (or one-hot).
template <class T>
struct Problem {
    Model<T> model;
    Array<T> X, Y;
};

template <class T>
Array<T> randn(std::size_t rows, std::size_t cols, std::mt19937& generator) {
    std::normal_distribution<T> normal(T(0), T(1));
    Array<T> a = Array<T>::from_shape({rows, cols});
    for (T& x : a)
        x = normal(generator);
    return a;
}

template <class T>
Problem<T> random_problem(const std::vector<std::size_t>& dims, const std::vector<Activation>& g,
                          std::size_t m, unsigned seed) {
    for (unsigned attempt = 0;; ++attempt) {
        std::mt19937 generator(seed * 1000 + attempt);
        Model<T> model(dims, g, Init::xavier, seed * 1000 + attempt);
        Array<T> X = randn<T>(dims.front(), m, generator);
        Array<T> Y = xt::zeros<T>({dims.back(), m});
        std::uniform_int_distribution<std::size_t> pick(0, dims.back() - 1);
        std::bernoulli_distribution coin(0.5);
        for (std::size_t j = 0; j < m; ++j) {
            if (g.back() == Activation::softmax)
                Y(pick(generator), j) = T(1);
            else
                for (std::size_t i = 0; i < dims.back(); ++i)
                    Y(i, j) = coin(generator) ? T(1) : T(0);
        }
        if (distance_to_kinks(model, X) > 1e-3 || attempt > 50)
            return {std::move(model), std::move(X), std::move(Y)};
    }
}

const std::vector<Activation> hidden_activations = {Activation::relu, Activation::leaky_relu,
                                                    Activation::tanh, Activation::sigmoid};

double worst_manual(const Comparison& c) {
    double worst = 0;
    for (const auto& row : c.rows)
        worst = std::max(worst, row.manual.relative);
    return worst;
}

} // namespace

TEST_CASE("autodiff, manual and numeric agree on random networks of 1 to 5 layers") {
    // Agreement autodiff vs manual in float64: 1e-10 (they differ only by rounding).
    const double manual_tolerance = 1e-10;
    unsigned seed = 1;
    for (std::size_t L = 1; L <= 5; ++L)
        for (Activation hidden : hidden_activations)
            for (std::size_t m : {std::size_t(1), std::size_t(7)}) {
                std::vector<std::size_t> dims = {4};
                std::vector<Activation> g;
                for (std::size_t l = 1; l < L; ++l) {
                    dims.push_back(3 + (l + seed) % 4);
                    g.push_back(hidden);
                }
                dims.push_back(1);
                g.push_back(Activation::sigmoid);
                auto p = random_problem<double>(dims, g, m, ++seed);
                const Comparison c = compare_gradients(p.model, p.X, p.Y);
                CAPTURE(p.model.summary());
                CAPTURE(m);
                REQUIRE(c.rows.size() == 4 * L);
                CHECK(c.manual_breakdown.empty());
                for (const auto& row : c.rows) {
                    CAPTURE(row.tensor);
                    CHECK(row.manual.available);
                    CHECK(row.numeric.available);
                    CHECK(row.manual.relative <= manual_tolerance);
                    CHECK(row.numeric.passed);
                }
                CHECK(c.failing().empty());
                CHECK(c.first_disagreement() == "");
                CHECK(c.network_autodiff >= 0);
                CHECK(c.network_autodiff <= 2e-7);
                CHECK(c.network_manual <= 2e-7);
                CHECK(c.passed());
            }
}

TEST_CASE("rows come in backward order with the course's names and shapes") {
    auto p = random_problem<double>(
        {3, 5, 2, 1}, {Activation::tanh, Activation::relu, Activation::sigmoid}, 4, 7);
    const Comparison c = compare_gradients(p.model, p.X, p.Y);
    const std::vector<std::string> names = {"dZ3", "dW3", "db3", "dA2", "dZ2", "dW2",
                                            "db2", "dA1", "dZ1", "dW1", "db1", "dA0"};
    const std::vector<Shape> shapes = {{1, 4}, {1, 2}, {1, 1}, {2, 4}, {2, 4}, {2, 5},
                                       {2, 1}, {5, 4}, {5, 4}, {5, 3}, {5, 1}, {3, 4}};
    REQUIRE(c.rows.size() == names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        CHECK(c.rows[i].tensor == names[i]);
        CHECK(c.rows[i].shape == shapes[i]);
    }
    CHECK(c.m == 4);
}

TEST_CASE("dZ and dA are compared per example, as the course's (m times the engine's)") {
    auto p = random_problem<double>({3, 4, 1}, {Activation::tanh, Activation::sigmoid}, 6, 11);
    const auto grads = autodiff_gradients(p.model, p.X, p.Y, true);
    // dZ[L] for sigmoid with cross-entropy is AL - Y per example (no 1/m).
    const Array<double> AL = p.model.predict_proba(p.X);
    const Array<double> expected = AL - p.Y;
    CHECK(xt::allclose(grads.at("dZ2"), expected, 1e-12, 1e-14));
    // dW[L] = 1/m dZ[L] A[L-1]^T
    ForwardTrace<double> trace;
    p.model.forward(Tensor<double>(p.X), &trace);
    const Array<double> A1 = trace.A[1].value();
    Array<double> dW2 = xt::zeros<double>({std::size_t(1), std::size_t(4)});
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 6; ++j)
            dW2(0, i) += expected(0, j) * A1(i, j) / 6.0;
    CHECK(xt::allclose(grads.at("dW2"), dW2, 1e-12, 1e-14));
    CHECK(grads.count("dA0") == 1);
    CHECK(grads.count("dA2") == 0);
}

TEST_CASE("the planted bug is caught: exactly dW2 and db1 fail") {
    for (std::size_t L : {std::size_t(2), std::size_t(3), std::size_t(4)}) {
        std::vector<std::size_t> dims = {4};
        std::vector<Activation> g;
        for (std::size_t l = 1; l < L; ++l) {
            dims.push_back(5);
            g.push_back(Activation::relu);
        }
        dims.push_back(1);
        g.push_back(Activation::sigmoid);
        auto p = random_problem<double>(dims, g, 5, 20 + static_cast<unsigned>(L));
        CompareOptions options;
        options.planted_bug = reference::PlantedBug::course_gradient_check;
        const Comparison c = compare_gradients(p.model, p.X, p.Y, options);
        CAPTURE(p.model.summary());
        CHECK(c.failing() == std::vector<std::string>{"dW2", "db1"});
        CHECK(c.first_disagreement() == "dW2");
        for (const auto& row : c.rows) {
            CAPTURE(row.tensor);
            CHECK(row.numeric.passed); // autodiff still agrees with finite differences
            if (row.tensor == "dW2" || row.tensor == "db1") {
                CHECK_FALSE(row.manual.passed);
                CHECK(row.verdict() == "FAIL: manual differs (autodiff agrees with numeric)");
            }
        }
        CHECK(c.network_autodiff_passed());
        CHECK_FALSE(c.network_manual_passed()); // the course's whole-network check fails too
        CHECK_FALSE(c.passed());
        std::ostringstream out;
        out << c;
        CHECK(out.str().find("first tensor that disagrees: dW2") != std::string::npos);
        CHECK(out.str().find("failing: dW2 db1") != std::string::npos);
    }
}

TEST_CASE("with one layer the planted bug has only db1 to corrupt") {
    auto p = random_problem<double>({3, 1}, {Activation::sigmoid}, 4, 3);
    CompareOptions options;
    options.planted_bug = reference::PlantedBug::course_gradient_check;
    CHECK(compare_gradients(p.model, p.X, p.Y, options).failing() ==
          std::vector<std::string>{"db1"});
}

TEST_CASE("logits of +-1000: autodiff stays finite, the manual formula's breakdown is named") {
    Model<double> model({2, 1}, {Activation::sigmoid}, Init::small, 1);
    model.layer(1).W().data() = Array<double>{{1000.0, 0.0}};
    const Array<double> X = {{1.0, -1.0, 1.0}, {0.5, 0.5, 0.5}};
    const Array<double> Y = {{0.0, 1.0, 1.0}}; // two confidently wrong, one confidently right
    const Tensor<double> J = model.loss(Tensor<double>(X), Tensor<double>(Y));
    CHECK(std::isfinite(J.item()));
    CHECK(J.item() == doctest::Approx(2000.0 / 3.0));
    const Comparison c = compare_gradients(model, X, Y);
    CHECK(c.manual_breakdown.find("manual formula broke down") != std::string::npos);
    CHECK(c.manual_breakdown.find("dAL") != std::string::npos);
    for (const auto& row : c.rows) {
        CAPTURE(row.tensor);
        CHECK(row.autodiff_finite);
        CHECK(row.verdict() == "ok");
    }
    CHECK(c.failing().empty());
    std::ostringstream out;
    out << c;
    CHECK(out.str().find("manual formula broke down") != std::string::npos);
    CHECK(out.str().find("FAIL") == std::string::npos);
}

TEST_CASE(
    "a relu input nearer 0 than the differences reach: the numeric failure is named a kink's") {
    Model<double> model({2, 3, 1}, {Activation::relu, Activation::sigmoid}, Init::xavier, 1);
    Array<double>& W1 = model.layer(1).W().data();
    W1(0, 0) = 1.0;
    W1(0, 1) = 0.0;
    model.layer(1).b().data().fill(0.0);
    // Z1[0, 1] = 3e-5: the five-point differences (h = 1e-4) step across relu's kink.
    const Array<double> X = {{0.7, 3e-5, -0.9, 1.3}, {0.2, -0.4, 0.8, -1.1}};
    const Array<double> Y = {{1.0, 0.0, 1.0, 0.0}};
    const Comparison near = compare_gradients(model, X, Y);
    CHECK_FALSE(near.failing().empty());
    std::string kink;
    for (const auto& note : near.notes)
        if (note.find("kink") != std::string::npos)
            kink = note;
    CHECK(kink.find("Z1[0, 1] = 3e-05") != std::string::npos);
    CHECK(kink.find("relu's kink at 0") != std::string::npos);
    std::ostringstream out;
    out << near;
    CHECK(out.str().find("note: Z1[0, 1]") != std::string::npos);

    // Away from the kink every row agrees and nothing is said about kinks.
    const Array<double> X_away = {{0.7, 0.3, -0.9, 1.3}, {0.2, -0.4, 0.8, -1.1}};
    const Comparison away = compare_gradients(model, X_away, Y);
    CHECK(away.failing().empty());
    for (const auto& note : away.notes)
        CHECK(note.find("kink") == std::string::npos);
}

TEST_CASE("softmax output: autodiff against finite differences, no manual column") {
    for (Activation hidden : hidden_activations)
        for (std::size_t m : {std::size_t(1), std::size_t(6)}) {
            auto p = random_problem<double>({4, 5, 3}, {hidden, Activation::softmax}, m, 40);
            const Comparison c = compare_gradients(p.model, p.X, p.Y);
            CAPTURE(p.model.summary());
            CHECK(c.loss == "categorical cross-entropy");
            for (const auto& row : c.rows) {
                CAPTURE(row.tensor);
                CHECK_FALSE(row.manual.available);
                CHECK(row.numeric.available);
                CHECK(row.numeric.passed);
            }
            CHECK(c.network_manual < 0);
            CHECK(c.passed());
            CHECK_FALSE(c.notes.empty());
        }
}

TEST_CASE("several sigmoid outputs: the cost sums over rows as the course's") {
    auto p = random_problem<double>({3, 4, 2}, {Activation::relu, Activation::sigmoid}, 5, 50);
    const Comparison c = compare_gradients(p.model, p.X, p.Y);
    CHECK(worst_manual(c) <= 1e-10);
    CHECK(c.passed());
}

TEST_CASE("sampled finite differences for large tensors") {
    auto p = random_problem<double>({30, 20, 1}, {Activation::tanh, Activation::sigmoid}, 8, 60);
    CompareOptions options;
    options.max_numeric_entries = 25;
    const Comparison c = compare_gradients(p.model, p.X, p.Y, options);
    for (const auto& row : c.rows) {
        CAPTURE(row.tensor);
        CHECK(row.numeric.entries == std::min<std::size_t>(25, row.shape[0] * row.shape[1]));
        CHECK(row.numeric.passed);
    }
    CHECK(c.passed());
}

TEST_CASE("the comparison leaves the model's parameters and gradients alone") {
    auto p = random_problem<double>({3, 4, 1}, {Activation::relu, Activation::sigmoid}, 5, 70);
    const auto before = p.model.parameter_values();
    compare_gradients(p.model, p.X, p.Y);
    CHECK(p.model.parameter_values() == before);
    for (const auto& param : p.model.parameters())
        CHECK_FALSE(param.tensor.has_grad());
}

TEST_CASE_TEMPLATE("float32: agreement to float precision, the planted bug still caught", T, float,
                   double) {
    const double tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-10;
    auto p = random_problem<T>({4, 6, 3, 1},
                               {Activation::relu, Activation::tanh, Activation::sigmoid}, 9, 80);
    const Comparison c = compare_gradients(p.model, p.X, p.Y);
    CHECK(worst_manual(c) <= tolerance);
    CHECK(c.threshold == (std::is_same_v<T, float> ? 1e-4 : 1e-7));
    CHECK(c.passed());
    CompareOptions options = default_compare_options<T>();
    options.planted_bug = reference::PlantedBug::course_gradient_check;
    CHECK(compare_gradients(p.model, p.X, p.Y, options).failing() ==
          std::vector<std::string>{"dW2", "db1"});
}

TEST_CASE("bad inputs name the layer and shapes") {
    auto p = random_problem<double>({3, 4, 1}, {Activation::relu, Activation::sigmoid}, 5, 90);
    const Array<double> wrong_X = xt::zeros<double>({std::size_t(2), std::size_t(5)});
    CHECK_THROWS_WITH_AS(compare_gradients(p.model, wrong_X, p.Y),
                         doctest::Contains("layer 1 (Dense 3 -> 4, relu)"), ShapeError);
    const Array<double> wrong_Y = xt::zeros<double>({std::size_t(1), std::size_t(4)});
    CHECK_THROWS_WITH_AS(compare_gradients(p.model, p.X, wrong_Y),
                         doctest::Contains("layer 2 (Dense 4 -> 1, sigmoid)"), ShapeError);
}
