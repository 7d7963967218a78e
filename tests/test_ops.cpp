// Every op in autograd/core/op_list.def against central finite differences in float64.
// The sample table below is the test half of the op table: an op without a row fails
// "every op has a gradient check", so a new op's test is one row away.
#include "autograd/autograd.hpp"
#include "autograd/inspect/format.hpp"
#include "autograd/inspect/inspect.hpp"
#include "fuzz/op_builder.hpp"

#include <doctest/doctest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

using namespace xgrad;
using Args = std::vector<Tensor<double>>;

namespace {

enum class Domain {
    smooth,   // uniform in [-2, 2], kept 0.1 away from the kinks at -1, 0 and 1
    positive, // uniform in [0.5, 2]
};

struct Sample {
    Op op;
    std::vector<Shape> shapes;
    Domain domain;
    DifferentiableFunction f;
};

const std::vector<Sample>& samples() {
    using D = Domain;
    static const std::vector<Sample> table = {
        {Op::add, {{3, 4}, {3, 4}}, D::smooth, [](const Args& x) { return x[0] + x[1]; }},
        {Op::add, {{3, 4}, {3, 1}}, D::smooth, [](const Args& x) { return x[0] + x[1]; }},
        {Op::add, {{3, 1}, {1, 4}}, D::smooth, [](const Args& x) { return x[0] + x[1]; }},
        {Op::add, {{2, 3, 4}, {4}}, D::smooth, [](const Args& x) { return x[0] + x[1]; }},
        {Op::sub, {{3, 4}, {3, 1}}, D::smooth, [](const Args& x) { return x[0] - x[1]; }},
        {Op::sub, {{1, 4}, {3, 4}}, D::smooth, [](const Args& x) { return x[0] - x[1]; }},
        {Op::mul, {{3, 4}, {3, 4}}, D::smooth, [](const Args& x) { return x[0] * x[1]; }},
        {Op::mul, {{3, 4}, {1, 4}}, D::smooth, [](const Args& x) { return x[0] * x[1]; }},
        {Op::mul, {{3, 4}, {}}, D::smooth, [](const Args& x) { return x[0] * x[1]; }},
        {Op::div, {{3, 4}, {3, 1}}, D::positive, [](const Args& x) { return x[0] / x[1]; }},
        {Op::div, {{3, 4}, {3, 4}}, D::positive, [](const Args& x) { return x[0] / x[1]; }},
        {Op::neg, {{3, 4}}, D::smooth, [](const Args& x) { return -x[0]; }},
        {Op::add_scalar, {{3, 4}}, D::smooth, [](const Args& x) { return x[0] + 1.5; }},
        {Op::add_scalar, {{3, 4}}, D::smooth, [](const Args& x) { return 2.0 - x[0]; }},
        {Op::mul_scalar, {{3, 4}}, D::smooth, [](const Args& x) { return x[0] * -2.5; }},
        {Op::mul_scalar, {{3, 4}}, D::smooth, [](const Args& x) { return x[0] / 4.0; }},
        {Op::pow, {{3, 4}}, D::smooth, [](const Args& x) { return pow(x[0], 3.0); }},
        {Op::pow, {{3, 4}}, D::positive, [](const Args& x) { return pow(x[0], -1.5); }},
        {Op::pow, {{3, 4}}, D::positive, [](const Args& x) { return pow(x[0], 0.5); }},
        {Op::exp, {{3, 4}}, D::smooth, [](const Args& x) { return exp(x[0]); }},
        {Op::log, {{3, 4}}, D::positive, [](const Args& x) { return log(x[0]); }},
        {Op::sqrt, {{3, 4}}, D::positive, [](const Args& x) { return sqrt(x[0]); }},
        {Op::abs, {{3, 4}}, D::smooth, [](const Args& x) { return abs(x[0]); }},
        {Op::tanh, {{3, 4}}, D::smooth, [](const Args& x) { return tanh(x[0]); }},
        {Op::sigmoid, {{3, 4}}, D::smooth, [](const Args& x) { return sigmoid(x[0]); }},
        {Op::relu, {{3, 4}}, D::smooth, [](const Args& x) { return relu(x[0]); }},
        {Op::softplus, {{3, 4}}, D::smooth, [](const Args& x) { return softplus(x[0]); }},
        {Op::leaky_relu, {{3, 4}}, D::smooth, [](const Args& x) { return leaky_relu(x[0]); }},
        {Op::leaky_relu, {{3, 4}}, D::smooth, [](const Args& x) { return leaky_relu(x[0], 0.2); }},
        {Op::clip, {{3, 4}}, D::smooth, [](const Args& x) { return clip(x[0], -1.0, 1.0); }},
        {Op::maximum,
         {{3, 4}, {3, 4}},
         D::smooth,
         [](const Args& x) { return maximum(x[0], x[1]); }},
        {Op::maximum,
         {{3, 4}, {3, 1}},
         D::smooth,
         [](const Args& x) { return maximum(x[0], x[1]); }},
        {Op::minimum,
         {{3, 4}, {3, 4}},
         D::smooth,
         [](const Args& x) { return minimum(x[0], x[1]); }},
        {Op::minimum,
         {{3, 4}, {1, 4}},
         D::smooth,
         [](const Args& x) { return minimum(x[0], x[1]); }},
        {Op::sum, {{3, 4}}, D::smooth, [](const Args& x) { return sum(x[0]); }},
        {Op::sum, {{3, 4}}, D::smooth, [](const Args& x) { return sum(x[0], 0); }},
        {Op::sum, {{3, 4}}, D::smooth, [](const Args& x) { return sum(x[0], 1, true); }},
        {Op::sum, {{2, 3, 4}}, D::smooth, [](const Args& x) { return sum(x[0], -2); }},
        {Op::mean, {{3, 4}}, D::smooth, [](const Args& x) { return mean(x[0]); }},
        {Op::mean, {{3, 4}}, D::smooth, [](const Args& x) { return mean(x[0], 1, true); }},
        {Op::mean, {{2, 3, 4}}, D::smooth, [](const Args& x) { return mean(x[0], 0); }},
        // Several axes, numpy's axis tuple; with keepdims the result broadcasts back against
        // x, so x is used twice (x - mean over (1, 2) centres each of the 2 blocks).
        {Op::sum,
         {{2, 3, 4}},
         D::smooth,
         [](const Args& x) {
             return sum(x[0], {0, 2});
         }},
        {Op::sum,
         {{2, 3, 4}},
         D::smooth,
         [](const Args& x) {
             return sum(x[0], {-1, 0}, true);
         }},
        {Op::sum,
         {{2, 3, 4}},
         D::smooth,
         [](const Args& x) {
             return sum(x[0], {0, 2}, true) * x[0];
         }},
        {Op::sum,
         {{2, 3, 4}, {3, 1}},
         D::smooth,
         [](const Args& x) {
             return sum(x[0] * x[1], {0, 1, 2});
         }},
        {Op::sum,
         {{3, 4}},
         D::smooth,
         [](const Args& x) { return sum(x[0], std::vector<int>{}) * x[0]; }},
        {Op::mean,
         {{2, 3, 4}},
         D::smooth,
         [](const Args& x) {
             return mean(x[0], {0, 1});
         }},
        {Op::mean,
         {{2, 3, 4}},
         D::smooth,
         [](const Args& x) {
             return x[0] - mean(x[0], {1, -1}, true);
         }},
        {Op::mean,
         {{2, 3, 4}, {4}},
         D::smooth,
         [](const Args& x) {
             return mean(x[0] + x[1], {2, 0}, true);
         }},
        {Op::sum_to,
         {{3, 4}},
         D::smooth,
         [](const Args& x) {
             return sum_to(x[0], {3, 1});
         }},
        {Op::sum_to, {{2, 3, 4}}, D::smooth, [](const Args& x) { return sum_to(x[0], {4}); }},
        {Op::broadcast_to,
         {{3, 1}},
         D::smooth,
         [](const Args& x) {
             return broadcast_to(x[0], {3, 4});
         }},
        {Op::broadcast_to,
         {{4}},
         D::smooth,
         [](const Args& x) {
             return broadcast_to(x[0], {2, 3, 4});
         }},
        {Op::transpose, {{3, 4}}, D::smooth, [](const Args& x) { return transpose(x[0]); }},
        {Op::transpose, {{2, 3, 4}}, D::smooth, [](const Args& x) { return transpose(x[0]); }},
        // Axis permutations (numpy's transpose(axes)); the gradient takes the inverse one.
        {Op::transpose,
         {{2, 3, 4}},
         D::smooth,
         [](const Args& x) {
             return transpose(x[0], {1, 2, 0});
         }},
        {Op::transpose,
         {{2, 3, 4}},
         D::smooth,
         [](const Args& x) {
             return transpose(x[0], {-1, 0, 1});
         }},
        {Op::transpose,
         {{3, 4}},
         D::smooth,
         [](const Args& x) {
             return transpose(x[0], {0, 1});
         }},
        {Op::transpose,
         {{3, 3}},
         D::smooth,
         [](const Args& x) {
             return transpose(x[0], {1, 0}) * x[0];
         }},
        {Op::transpose,
         {{2, 3, 4}, {4, 1}},
         D::smooth,
         [](const Args& x) {
             const Tensor<double> t = transpose(x[0], {0, 2, 1}); // (2, 4, 3)
             return t * t + x[1];
         }},
        {Op::reshape,
         {{3, 4}},
         D::smooth,
         [](const Args& x) {
             return reshape(x[0], {2, 6});
         }},
        {Op::reshape, {{2, 3, 4}}, D::smooth, [](const Args& x) { return reshape(x[0], {24}); }},
        {Op::matmul, {{3, 4}, {4, 5}}, D::smooth, [](const Args& x) { return matmul(x[0], x[1]); }},
        {Op::matmul,
         {{4, 3}, {4, 5}},
         D::smooth,
         [](const Args& x) { return matmul(x[0], x[1], true, false); }},
        {Op::matmul,
         {{3, 4}, {5, 4}},
         D::smooth,
         [](const Args& x) { return matmul(x[0], x[1], false, true); }},
        {Op::matmul,
         {{4, 3}, {5, 4}},
         D::smooth,
         [](const Args& x) { return matmul(x[0], x[1], true, true); }},
        {Op::linear,
         {{3, 4}, {4, 5}, {3, 1}},
         D::smooth,
         [](const Args& x) { return linear(x[0], x[1], x[2]); }},
        {Op::softmax, {{4, 5}}, D::smooth, [](const Args& x) { return softmax(x[0], 0); }},
        {Op::softmax, {{4, 5}}, D::smooth, [](const Args& x) { return softmax(x[0], -1); }},
        {Op::log_softmax, {{4, 5}}, D::smooth, [](const Args& x) { return log_softmax(x[0], 0); }},
        {Op::log_softmax, {{4, 5}}, D::smooth, [](const Args& x) { return log_softmax(x[0], 1); }},
        {Op::binary_cross_entropy_with_logits,
         {{1, 6}, {1, 6}},
         D::smooth,
         [](const Args& x) { return binary_cross_entropy_with_logits(x[0], sigmoid(x[1])); }},
        {Op::sigmoid_grad,
         {{3, 4}, {3, 4}},
         D::smooth,
         [](const Args& x) { return sigmoid_grad(x[0], sigmoid(x[1])); }},
        {Op::tanh_grad,
         {{3, 4}, {3, 4}},
         D::smooth,
         [](const Args& x) { return tanh_grad(x[0], tanh(x[1])); }},
        {Op::relu_grad,
         {{3, 4}, {3, 4}},
         D::smooth,
         [](const Args& x) { return relu_grad(x[0], relu(x[1])); }},
        {Op::leaky_relu_grad,
         {{3, 4}, {3, 4}},
         D::smooth,
         [](const Args& x) { return leaky_relu_grad(x[0], x[1], 0.01); }},
    };
    return table;
}

Array<double> random_input(const Shape& shape, Domain domain, std::mt19937& generator) {
    std::uniform_real_distribution<double> smooth(-2.0, 2.0), positive(0.5, 2.0);
    Array<double> value = Array<double>::from_shape(shape);
    for (double& v : value) {
        if (domain == Domain::positive) {
            v = positive(generator);
            continue;
        }
        do
            v = smooth(generator);
        while (std::abs(v) < 0.1 || std::abs(std::abs(v) - 1) < 0.1);
    }
    return value;
}

} // namespace

TEST_CASE("every op in the op table has a gradient check sample") {
    std::set<Op> covered;
    for (const Sample& s : samples())
        covered.insert(s.op);
    for (Op op : all_ops()) {
        CAPTURE(op_info(op).name);
        CHECK(covered.count(op) == 1);
    }
}

TEST_CASE("every op's gradient matches central finite differences (float64, < 1e-7)") {
    std::mt19937 generator(42);
    for (const Sample& s : samples()) {
        std::vector<Array<double>> inputs;
        std::string shapes;
        for (const Shape& shape : s.shapes) {
            inputs.push_back(random_input(shape, s.domain, generator));
            shapes += to_string(shape) + " ";
        }
        const GradcheckResult result = gradcheck(s.f, inputs);
        CAPTURE(op_info(s.op).name);
        CAPTURE(shapes);
        CAPTURE(result.report());
        CHECK(result.passed);
        CHECK(result.inputs.size() == s.shapes.size());
    }
}

TEST_CASE("every op's second derivative matches central differences of its gradient") {
    // gradgradcheck differentiates each op's recorded backward rule (create_graph), so a rule
    // written with something other than the engine's ops would fail here.
    std::mt19937 generator(43);
    for (const Sample& s : samples()) {
        std::vector<Array<double>> inputs;
        for (const Shape& shape : s.shapes)
            inputs.push_back(random_input(shape, s.domain, generator));
        const GradcheckResult result = gradgradcheck(s.f, inputs);
        CAPTURE(op_info(s.op).name);
        CAPTURE(result.report());
        CHECK(result.passed);
    }
}

TEST_CASE("the op table names each op once and gives its arity and rule") {
    std::set<std::string> names;
    for (Op op : all_ops()) {
        const OpInfo& info = op_info(op);
        CHECK(names.insert(info.name).second);
        CHECK(info.arity >= 1);
        CHECK(info.arity <= 3);
        CHECK(std::string(info.rule).size() > 3);
    }
    CHECK(std::string(op_info(Op::sigmoid).rule) == "sigmoid': dX = G * A * (1 - A)");
    CHECK(std::string(op_info(Op::leaf).name) == "leaf");
}

TEST_CASE("gradcheck catches a wrong gradient") {
    // x * detach(x) hides half of d(x^2)/dx = 2x from autodiff: the check must fail.
    const DifferentiableFunction wrong = [](const Args& x) { return x[0] * x[0].detach(); };
    const GradcheckResult result = gradcheck(wrong, {Array<double>{{0.5, 1.5, 2.0}}});
    CHECK_FALSE(result.passed);
    CHECK(result.inputs[0].relative_difference == doctest::Approx(1.0 / 3.0).epsilon(1e-6));
    CHECK(result.inputs[0].worst_entry == 2);
    CHECK(result.report().find("FAIL") != std::string::npos);
}

namespace {
// Bytes for the op builder: the low end of every range (pick_value gives 0), false.
struct LowBytes {
    template <class I>
    I ConsumeIntegral() {
        return I(0);
    }
    template <class I>
    I ConsumeIntegralInRange(I lo, I) {
        return lo;
    }
    bool ConsumeBool() { return false; }
};
} // namespace

TEST_CASE("the fuzzer's op builder covers every op of the op table, and exports name it") {
    const Tensor<double> a(xt::ones<double>({2, 2}), true), b(xt::ones<double>({2, 2}), true),
        c(xt::ones<double>({2, 1}), true);
    for (Op op : all_ops()) {
        const std::string name = op_info(op).name;
        CAPTURE(name);
        for (const bool flag : {false, true}) {
            CAPTURE(flag);
            LowBytes bytes;
            try {
                const Tensor<double> out = fuzzing::build_op(op, bytes, a, b, c, 0, flag);
                REQUIRE(out.defined());
                // With flag set, every op is built as itself (without, add may be add_scalar).
                if (!flag)
                    continue;
                CHECK(out.op() == op);
                const Graph graph = inspect(out);
                CHECK(to_json(graph).find("\"op\": \"" + name + "\"") != std::string::npos);
                // The text and the picture show the op's caption: its name, or its
                // parameters for the scalar ops ("+ 0", "^ 0").
                const std::string caption = detail::op_caption(op, out.params());
                CHECK(to_text(graph).find(caption) != std::string::npos);
                CHECK(to_dot(graph).find(caption) != std::string::npos);
            } catch (const fuzzing::MissingOp& e) {
                FAIL(e.what());
            } catch (const Error& e) {
                // Refused for these shapes or parameters: the op has a case all the same.
                CHECK_MESSAGE(!flag, e.what());
            }
        }
    }
}

TEST_CASE("the README's op list names every op of the op table") {
    std::ifstream file(std::string(XGRAD_SOURCE_DIR) + "/README.md");
    REQUIRE(file);
    std::stringstream text;
    text << file.rdbuf();
    const std::string readme = text.str();
    const std::size_t start = readme.find("* Ops (");
    REQUIRE(start != std::string::npos);
    const std::string list = readme.substr(start, readme.find("\n* ", start + 1) - start);
    std::set<std::string> words;
    std::string word;
    for (const char ch : list + " ") {
        if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_') {
            word += ch;
        } else if (!word.empty()) {
            words.insert(word);
            word.clear();
        }
    }
    for (Op op : all_ops()) {
        CAPTURE(op_info(op).name);
        CHECK(words.count(op_info(op).name) == 1);
    }
}

TEST_CASE("the op table's rules use its notation: G arrives, each input's gradient is named") {
    for (Op op : all_ops()) {
        const OpInfo& info = op_info(op);
        CAPTURE(info.name);
        const std::string rule = info.rule;
        CHECK(rule.find('G') != std::string::npos);
        // Each rule names the gradient of its first input: dX, dW (linear), dZ (the loss)
        // or dH (the *_grad helpers).
        CHECK((rule.find("dX") != std::string::npos || rule.find("dW") != std::string::npos ||
               rule.find("dZ") != std::string::npos || rule.find("dH") != std::string::npos));
        if (info.arity >= 2)
            CHECK((rule.find("dY") != std::string::npos ||
                   rule.find("dA_prev") != std::string::npos ||
                   rule.find("dS") != std::string::npos));
    }
}

TEST_CASE_TEMPLATE("transpose(x, axes) permutes as numpy's transpose(axes)", T, float, double) {
    Array<T> values = Array<T>::from_shape({2, 3, 4});
    for (std::size_t i = 0; i < values.size(); ++i)
        values.data()[i] = T(i); // numpy's arange(24).reshape(2, 3, 4)
    const Tensor<T> x(values, true);
    const Tensor<T> t = transpose(x, {1, 2, 0});
    REQUIRE(t.shape() == Shape{3, 4, 2});
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 4; ++j)
            for (std::size_t k = 0; k < 2; ++k)
                CHECK(t.value()(i, j, k) == values(k, i, j)); // result axis n is x's axis axes[n]
    CHECK(transpose(x, {-1, -3, -2}).shape() == Shape{4, 2, 3});
    CHECK(transpose(x, {0, 1, 2}).value() == values);
    // The gradient goes back through the inverse permutation: a weight per element of t
    // lands on the element of x it came from.
    Array<T> weights = Array<T>::from_shape({3, 4, 2});
    for (std::size_t i = 0; i < weights.size(); ++i)
        weights.data()[i] = T(i);
    sum(t * Tensor<T>(weights)).backward();
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 4; ++j)
            for (std::size_t k = 0; k < 2; ++k)
                CHECK(x.grad()(k, i, j) == weights(i, j, k));
}

TEST_CASE_TEMPLATE("sum and mean over several axes, as numpy's axis tuple", T, float, double) {
    Array<T> values = Array<T>::from_shape({2, 3, 4});
    for (std::size_t i = 0; i < values.size(); ++i)
        values.data()[i] = T(i);
    const Tensor<T> x(values, true);
    const Tensor<T> s = sum(x, {0, 2});
    REQUIRE(s.shape() == Shape{3});
    const Tensor<T> kept = mean(x, {2, -3}, true); // the order and the sign do not matter
    REQUIRE(kept.shape() == Shape{1, 3, 1});
    for (std::size_t j = 0; j < 3; ++j) {
        T total = 0;
        for (std::size_t i = 0; i < 2; ++i)
            for (std::size_t k = 0; k < 4; ++k)
                total += values(i, j, k);
        CHECK(s.value()(j) == total);
        CHECK(kept.value()(0, j, 0) == doctest::Approx(total / 8));
    }
    CHECK(sum(x, {0, 1, 2}).shape() == Shape{});
    CHECK(sum(x, {0, 1, 2}).item() == T(276));
    CHECK(sum(x, std::vector<int>{}).value() == values); // numpy's axis=(): nothing reduced
    sum(mean(x, {0, 2})).backward();                     // each element counts 1/8
    for (const T g : x.grad())
        CHECK(g == doctest::Approx(1.0 / 8));
}

TEST_CASE_TEMPLATE("several axes and permutations of an empty tensor give empty results", T, float,
                   double) {
    // The fuzzer's shapes have zero extents; the kernels must not read through no data.
    Tensor<T> x = Tensor<T>::zeros({0, 3, 2}, true);
    const Tensor<T> s = sum(x, {0, 2});
    CHECK(s.shape() == Shape{3});
    CHECK(s.value() == xt::zeros<T>({3}));
    CHECK(mean(x, {2, 1}, true).shape() == Shape{0, 1, 1});
    const Tensor<T> t = transpose(x, {2, 0, 1});
    CHECK(t.shape() == Shape{2, 0, 3});
    sum(s).backward();
    sum(t).backward();
    CHECK(x.grad().shape() == Shape{0, 3, 2});
}

TEST_CASE("transpose and the reductions name bad axes") {
    const Tensor<double> x(xt::ones<double>({3, 4}), true, "x");
    CHECK_THROWS_WITH_AS(transpose(x, {0, 0}),
                         "transpose: axis 0 of axes (0, 0) names axis 0 of x (3, 4) again",
                         ShapeError);
    CHECK_THROWS_WITH_AS(transpose(x, {0}),
                         "transpose: axes (0,) name 1 axes of x (3, 4), which has 2: give each "
                         "axis once",
                         ShapeError);
    CHECK_THROWS_WITH_AS(transpose(x, {0, 2}),
                         "transpose: axis 2 is out of range for x (3, 4) of rank 2", ShapeError);
    CHECK_THROWS_WITH_AS(sum(x, {1, -1}),
                         "sum: axis -1 of axes (1, -1) names axis 1 of x (3, 4) again", ShapeError);
    CHECK_THROWS_WITH_AS(mean(x, {0, 5}), "mean: axis 5 is out of range for x (3, 4) of rank 2",
                         ShapeError);
}

TEST_CASE("the exports show several axes and permutations") {
    const Tensor<double> x(xt::ones<double>({2, 3, 4}), true, "x");
    const Tensor<double> y = sum(transpose(x, {2, 0, 1}), {0, 2}, true);
    const Graph graph = inspect(y);
    const std::string text = to_text(graph), json = to_json(graph);
    CHECK(text.find("sum axes=(0, 2), keepdims") != std::string::npos);
    CHECK(text.find("transpose (2, 0, 1)") != std::string::npos);
    CHECK(json.find("\"axes\": [2, 0, 1]") != std::string::npos);
    CHECK(json.find("\"axes\": [0, 2]") != std::string::npos);
    CHECK(detail::op_caption(Op::sum, sum(x, 1).params()) == "sum axis=1");
    CHECK(detail::op_caption(Op::transpose, transpose(x).params()) == "transpose");
}

TEST_CASE("abs: the gradient at 0 is the subgradient 0, elsewhere the sign") {
    Tensor<double> x(Array<double>{-2.0, 0.0, 3.0}, true);
    sum(abs(x)).backward();
    CHECK(x.grad()(0) == -1.0);
    CHECK(x.grad()(1) == 0.0);
    CHECK(x.grad()(2) == 1.0);
    CHECK(abs(x).value()(0) == 2.0);
}

TEST_CASE_TEMPLATE("softplus is finite, with finite gradients, at +-1000", T, float, double) {
    Tensor<T> x(Array<T>{T(-1000), T(0), T(1000)}, true);
    const Tensor<T> y = softplus(x);
    CHECK(y.value()(0) == T(0));
    CHECK(y.value()(1) == doctest::Approx(std::log(2.0)));
    CHECK(y.value()(2) == T(1000));
    sum(y).backward();
    CHECK(x.grad()(0) == T(0)); // sigmoid(-1000)
    CHECK(x.grad()(1) == doctest::Approx(0.5));
    CHECK(x.grad()(2) == T(1)); // sigmoid(1000)
}
