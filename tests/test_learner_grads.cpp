// A learner's own gradients as the comparison's manual column (nn/compare.hpp): the course's
// grads dictionary, computed here by the course's formulas (nn/reference) and then broken the
// ways learners break them. The comparison must name the first wrong tensor, where, and why.
#include "nn/data_checks.hpp"
#include "nn/nn.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <random>
#include <sstream>

using namespace xgrad;
using namespace xgrad::nn;

namespace {

// The week-4 network shape, relu, relu, sigmoid, on m = 6 examples kept away from relu's kink
// (finite differences across it measure nothing).
struct Learner {
    Model<double> model;
    Array<double> X, Y;
    std::map<std::string, Array<double>> grads; // the course's keys: dA0, dW1, db1, ...
};

Learner learner(unsigned seed) {
    const std::vector<std::size_t> dims = {4, 5, 3, 1};
    const std::vector<Activation> g = {Activation::relu, Activation::relu, Activation::sigmoid};
    for (unsigned attempt = 0;; ++attempt) {
        REQUIRE(attempt < 100);
        std::mt19937 generator(seed * 100 + attempt);
        std::normal_distribution<double> normal(0.0, 1.0);
        Learner p{Model<double>(dims, g, Init::xavier, seed * 100 + attempt),
                  Array<double>::from_shape({4, 6}),
                  Array<double>::from_shape({1, 6}),
                  {}};
        for (double& x : p.X)
            x = normal(generator);
        for (double& y : p.Y)
            y = normal(generator) > 0 ? 1 : 0;
        ForwardTrace<double> trace;
        {
            NoGrad no_grad;
            p.model.logits(Tensor<double>(p.X), &trace);
        }
        double nearest = 1e300;
        for (std::size_t l = 1; l < 3; ++l)
            for (double z : trace.Z[l].value())
                nearest = std::min(nearest, std::abs(z));
        if (nearest < 1e-2)
            continue;
        // The learner's L_model_backward: the course's own, independent of the engine.
        const std::vector<reference::Activation> ref = {reference::Activation::relu,
                                                        reference::Activation::relu,
                                                        reference::Activation::sigmoid};
        const reference::Parameters<double> parameters = to_reference(p.model);
        auto [AL, caches] = reference::L_model_forward(p.X, parameters, ref);
        const reference::Grads<double> grads = reference::L_model_backward(AL, p.Y, caches, ref);
        for (std::size_t l = 1; l <= 3; ++l) {
            p.grads["dW" + std::to_string(l)] = grads.dW[l];
            p.grads["db" + std::to_string(l)] = grads.db[l];
            p.grads["dA" + std::to_string(l - 1)] = grads.dA[l - 1];
        }
        return p;
    }
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string report(const Comparison& c) {
    std::ostringstream out;
    out << c;
    return out.str();
}

const CompareRow& row_of(const Comparison& c, const std::string& tensor) {
    for (const auto& row : c.rows)
        if (row.tensor == tensor)
            return row;
    FAIL("no row " << tensor);
    return c.rows.front();
}

} // namespace

TEST_CASE("a learner's correct gradients agree; the dZ they did not keep are not checked") {
    const Learner p = learner(1);
    const Comparison c = compare_gradients(p.model, p.X, p.Y, p.grads);
    CHECK(c.manual_label == "yours");
    CHECK(c.failing().empty());
    CHECK(c.passed());
    CHECK(c.first_manual_failure() == nullptr);
    CHECK(c.not_supplied == std::vector<std::string>{"dZ3", "dZ2", "dZ1"});
    for (const auto& row : c.rows) {
        CAPTURE(row.tensor);
        CHECK(row.supplied == (row.tensor[1] != 'Z'));
        CHECK(row.manual.available == row.supplied);
        CHECK(row.passed()); // not supplied is not a failure
        if (row.supplied)
            CHECK(row.manual.relative <= 1e-12);
    }
    CHECK(c.network_manual >= 0);
    CHECK(c.network_manual <= 2e-7);
    const std::string text = report(c);
    CHECK(contains(text, "autodiff vs yours"));
    CHECK(contains(text, "every tensor of yours supplied agrees with autodiff"));
    CHECK(contains(text, "not checked (not among yours): dZ3 dZ2 dZ1"));
}

TEST_CASE("a planted dW2 * 1.01 is named with its layer, shape, worst entry and the factor") {
    Learner p = learner(2);
    const Array<double> right = p.grads.at("dW2");
    p.grads["dW2"] = right * 1.01;
    const Comparison c = compare_gradients(p.model, p.X, p.Y, p.grads);
    CHECK(c.failing() == std::vector<std::string>{"dW2"});
    CHECK_FALSE(c.passed());
    const CompareRow* wrong = c.first_manual_failure();
    REQUIRE(wrong != nullptr);
    CHECK(wrong->tensor == "dW2");
    CHECK(wrong->layer == 2);
    CHECK(wrong->shape == Shape{3, 5});
    CHECK(wrong->numeric.passed); // the engine is right: the bug is theirs
    CHECK(wrong->verdict("yours") == "FAIL: yours differs (autodiff agrees with numeric)");
    // The worst entry is where 0.01 |dW2| is largest.
    std::size_t worst = 0;
    for (std::size_t i = 0; i < right.size(); ++i)
        if (std::abs(right.data()[i]) > std::abs(right.data()[worst]))
            worst = i;
    const std::vector<std::size_t> index = {worst / 5, worst % 5};
    CHECK(wrong->manual.worst_index == index);
    CHECK(wrong->manual.worst_other == doctest::Approx(right.data()[worst] * 1.01));
    CHECK(contains(wrong->hint, "yours = 1.01 x autodiff's at every entry"));
    const std::string text = report(c);
    CHECK(contains(text,
                   "first of yours that is wrong: dW2, layer 2, shape (3, 5); worst entry dW2[" +
                       std::to_string(index[0]) + ", " + std::to_string(index[1]) + "]"));
    CHECK(contains(text, "hint: yours = 1.01 x"));
}

TEST_CASE("the first wrong tensor in backward order is named: a wrong dA2 before dW1") {
    Learner p = learner(3);
    p.grads["dW1"] = p.grads.at("dW1") * 2.0;
    p.grads["dA2"] = p.grads.at("dA2") * -1.0;
    const Comparison c = compare_gradients(p.model, p.X, p.Y, p.grads);
    CHECK(c.failing() == std::vector<std::string>{"dA2", "dW1"});
    REQUIRE(c.first_manual_failure() != nullptr);
    CHECK(c.first_manual_failure()->tensor == "dA2");
    CHECK(contains(c.first_manual_failure()->hint, "a sign is flipped"));
    CHECK(contains(row_of(c, "dW1").hint, "yours = 2 x autodiff's"));
}

TEST_CASE("a transposed dW is named with the transposition") {
    Learner p = learner(4);
    p.grads["dW2"] = Array<double>(xt::transpose(p.grads.at("dW2"))); // (5, 3) for (3, 5)
    const Comparison c = compare_gradients(p.model, p.X, p.Y, p.grads);
    CHECK(c.failing() == std::vector<std::string>{"dW2"});
    const CompareRow& row = row_of(c, "dW2");
    CHECK(row.shape == Shape{3, 5});
    CHECK(row.manual.note == "yours transposed");
    CHECK(contains(row.hint, "yours has shape (5, 3), the transpose of dW2's (3, 5)"));
    CHECK(contains(row.hint, "transposed, yours agrees with autodiff"));
    REQUIRE(row.manual.worst_index.size() == 2);
    CHECK(row.manual.worst_index[0] < 5); // an index into their (5, 3)
    CHECK(row.manual.worst_index[1] < 3);
    // The table's cell names the shape, not the zero differences of the transposed values.
    std::ostringstream table;
    table << c;
    CHECK(contains(table.str(), "wrong shape"));
}

TEST_CASE("a square dW with the values of its transpose is named as transposed") {
    // Layer 2 of 4 -> 3 -> 3 -> 1 has a square (3, 3) W: the shape cannot tell.
    const std::vector<std::size_t> dims = {4, 3, 3, 1};
    const std::vector<Activation> g = {Activation::tanh, Activation::tanh, Activation::sigmoid};
    Model<double> model(dims, g, Init::xavier, 5);
    std::mt19937 generator(5);
    std::normal_distribution<double> normal(0.0, 1.0);
    Array<double> X = Array<double>::from_shape({4, 7});
    for (double& x : X)
        x = normal(generator);
    const Array<double> Y = {{1, 0, 1, 1, 0, 0, 1}};
    auto grads = autodiff_gradients(model, X, Y);
    grads["dW2"] = Array<double>(xt::transpose(grads.at("dW2")));
    const Comparison c = compare_gradients(model, X, Y, grads);
    CHECK(c.failing() == std::vector<std::string>{"dW2"});
    CHECK(contains(row_of(c, "dW2").hint, "yours is the transpose of autodiff's"));
}

TEST_CASE("factors of the course's scale: a missing 1/m, a 1/m too many in dZ, a doubled db") {
    Learner p = learner(6);
    const double m = 6;
    SUBCASE("dW3 without the 1/m") {
        p.grads["dW3"] = p.grads.at("dW3") * m;
        const Comparison c = compare_gradients(p.model, p.X, p.Y, p.grads);
        CHECK(c.first_manual_failure()->tensor == "dW3");
        CHECK(contains(c.first_manual_failure()->hint, "m x autodiff's (m = 6)"));
        CHECK(contains(c.first_manual_failure()->hint, "the 1/m is missing"));
    }
    SUBCASE("dZ in the engine's mean-cost scale instead of the course's") {
        const auto engine = autodiff_gradients(p.model, p.X, p.Y, true);
        p.grads["dZ3"] = engine.at("dZ3") / m;
        const Comparison c = compare_gradients(p.model, p.X, p.Y, p.grads);
        CHECK(c.failing() == std::vector<std::string>{"dZ3"});
        CHECK(contains(c.first_manual_failure()->hint, "1/m x autodiff's"));
        CHECK(contains(c.first_manual_failure()->hint, "per example"));
    }
    SUBCASE("db1 * 2") {
        p.grads["db1"] = p.grads.at("db1") * 2.0;
        const Comparison c = compare_gradients(p.model, p.X, p.Y, p.grads);
        CHECK(c.failing() == std::vector<std::string>{"db1"});
        CHECK(contains(c.first_manual_failure()->hint, "yours = 2 x autodiff's at every entry"));
    }
    SUBCASE("dZ in the course's scale agrees") {
        const auto engine = autodiff_gradients(p.model, p.X, p.Y, true);
        for (const char* key : {"dZ1", "dZ2", "dZ3"})
            p.grads[key] = engine.at(key);
        const Comparison c = compare_gradients(p.model, p.X, p.Y, p.grads);
        CHECK(c.passed());
        CHECK(c.not_supplied.empty());
    }
}

TEST_CASE("a relu mask missing from dZ1 is hinted at") {
    Learner p = learner(7);
    // dZ1 without relu_backward's mask: dZ1 = dA1 everywhere, where Z1 <= 0 too.
    p.grads["dZ1"] = p.grads.at("dA1");
    const Comparison c = compare_gradients(p.model, p.X, p.Y, p.grads);
    REQUIRE(c.first_manual_failure() != nullptr);
    CHECK(c.first_manual_failure()->tensor == "dZ1");
    CHECK(contains(c.first_manual_failure()->hint, "a relu mask missing"));
}

TEST_CASE("only some tensors supplied: those are checked, the rest reported not checked") {
    Learner p = learner(8);
    std::map<std::string, Array<double>> only = {{"dW1", p.grads.at("dW1")}};
    const Comparison c = compare_gradients(p.model, p.X, p.Y, only);
    CHECK(c.passed());
    CHECK(c.not_supplied.size() == 11);
    CHECK(row_of(c, "dW1").supplied);
    CHECK(row_of(c, "dW1").manual.available);
    CHECK_FALSE(row_of(c, "dW2").manual.available);
    CHECK(row_of(c, "dW2").manual.note == "not supplied");
    CHECK(c.network_manual < 0); // the whole-network check needs every dW and db
    only["dW1"] = only.at("dW1") * 1.5;
    CHECK(compare_gradients(p.model, p.X, p.Y, only).failing() == std::vector<std::string>{"dW1"});
}

TEST_CASE("a NaN in a learner's gradient fails its row at its index") {
    Learner p = learner(9);
    const double right = p.grads.at("db2")(1, 0);
    p.grads.at("db2")(1, 0) = std::numeric_limits<double>::quiet_NaN();
    const Comparison c = compare_gradients(p.model, p.X, p.Y, p.grads);
    CHECK(c.failing() == std::vector<std::string>{"db2"});
    const CompareRow& row = row_of(c, "db2");
    CHECK(row.manual.worst_index == std::vector<std::size_t>{1, 0});
    CHECK(row.manual.worst_autodiff == doctest::Approx(right).epsilon(1e-12)); // not nan
    CHECK(contains(row.hint, "db2[1, 0] is nan"));

    // In a transposed dW the NaN's place is read in autodiff's layout.
    Learner q = learner(9);
    Array<double> dW1_T = xt::transpose(q.grads.at("dW1"));
    const double right_T = dW1_T(2, 1);
    dW1_T(2, 1) = std::numeric_limits<double>::quiet_NaN();
    q.grads.at("dW1") = dW1_T;
    const Comparison c_T = compare_gradients(q.model, q.X, q.Y, q.grads);
    const CompareRow& row_T = row_of(c_T, "dW1");
    CHECK(row_T.manual.worst_autodiff == doctest::Approx(right_T).epsilon(1e-12));
}

TEST_CASE("supplied gradients of the wrong key or shape are errors naming them") {
    Learner p = learner(10);
    auto grads = p.grads;
    grads["dW4"] = xt::zeros<double>({1, 1});
    CHECK_THROWS_WITH_AS(compare_gradients(p.model, p.X, p.Y, grads),
                         doctest::Contains("'dW4' is not a gradient of this 3-layer network"),
                         std::invalid_argument);
    grads = p.grads;
    grads["dW2"] = xt::zeros<double>({3, 4});
    CHECK_THROWS_WITH_AS(compare_gradients(p.model, p.X, p.Y, grads),
                         doctest::Contains("dW2 has shape (3, 4) but (3, 5) is meant"), DataError);
    grads = p.grads;
    grads["db1"] = xt::zeros<double>({5}); // numpy's rank-1 (5,)
    CHECK_THROWS_WITH_AS(compare_gradients(p.model, p.X, p.Y, grads),
                         doctest::Contains("db1 has shape (5,), a rank-1 array, where the "
                                           "course's db1 is (5, 1)"),
                         DataError);
}

TEST_CASE("NaN or Inf in X or Y is named before any gradient") {
    Learner p = learner(11);
    Array<double> X = p.X;
    X(2, 3) = std::numeric_limits<double>::quiet_NaN();
    // relu would hide it and dW1 would then look wrong: the comparison refuses X instead.
    CHECK_THROWS_WITH_AS(compare_gradients(p.model, X, p.Y), doctest::Contains("X[2, 3] is nan"),
                         DataError);
    Array<double> Y = p.Y;
    Y(0, 4) = std::numeric_limits<double>::infinity();
    CHECK_THROWS_WITH_AS(compare_gradients(p.model, p.X, Y, p.grads),
                         doctest::Contains("Y[0, 4] is inf"), DataError);
}

TEST_CASE_TEMPLATE("float32: a learner's gradients are compared too", T, float, double) {
    const Learner p = learner(12);
    std::map<std::string, Array<double>> params64 = p.model.parameter_values();
    std::map<std::string, Array<T>> params;
    for (const auto& [name, value] : params64)
        params[name] = xt::cast<T>(value);
    const Model<T> model = Model<T>::from_parameters(params, p.model.activations());
    std::map<std::string, Array<T>> grads;
    for (const auto& [name, value] : p.grads)
        grads[name] = xt::cast<T>(value);
    const Array<T> X = xt::cast<T>(p.X), Y = xt::cast<T>(p.Y);
    CHECK(compare_gradients(model, X, Y, grads).passed());
    grads["dW2"] = grads.at("dW2") * T(1.01);
    const Comparison c = compare_gradients(model, X, Y, grads);
    REQUIRE(c.first_manual_failure() != nullptr);
    CHECK(c.first_manual_failure()->tensor == "dW2");
}

TEST_CASE("a difference of rounding size is hinted at as rounding, not as a factor") {
    Learner p = learner(13);
    Array<double> dW1 = p.grads.at("dW1");
    for (std::size_t i = 0; i < dW1.size(); ++i)
        dW1.data()[i] *= 1 + 2e-6 * (static_cast<double>(i % 3) - 1);
    p.grads["dW1"] = dW1;
    const Comparison c = compare_gradients(p.model, p.X, p.Y, p.grads);
    CHECK(c.failing() == std::vector<std::string>{"dW1"});
    CHECK(contains(c.first_manual_failure()->hint, "rounding rather than a wrong formula?"));
}
