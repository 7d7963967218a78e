// User-defined ops (CustomOp): recorded like a built-in, and treated as one by gradcheck,
// graph exports, step-through, retain_graph, anomaly detection, version checks and
// create_graph.
#include "autograd/autograd.hpp"
#include "autograd/inspect/inspect.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

using namespace xgrad;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// swish(x) = x sigmoid(x), as a user would define it; its rule with engine ops.
template <class T>
CustomOp<T> make_swish() {
    return CustomOp<T>(
        "swish", "dX = G * (A + sigmoid(X) * (1 - A))", 1,
        [](const std::vector<Tensor<T>>& in) { return in[0] * sigmoid(in[0]); },
        [](const BackwardContext<T>& c) {
            const Tensor<T> s = sigmoid(c.input(0));
            return c.grad * (c.output + s * (T(1) - c.output));
        });
}

// scale_shift(X, b) = X * 2 + b with b (n, 1) broadcast over the columns, forward on Arrays
// with xtensor, and a rule that leaves b's gradient (n, m): the engine sums it back.
const CustomOp<double> scale_shift(
    "scale_shift", "dX = 2 G, dY = G", 2,
    [](const std::vector<Tensor<double>>& in) {
        return Array<double>(in[0].value() * 2.0 + in[1].value());
    },
    [](const BackwardContext<double>& c) -> std::vector<Tensor<double>> {
        return {c.needs(0) ? c.grad * 2.0 : Tensor<double>(), c.grad};
    });

// An (n, 1) column: Array<double>{{0.1}, {-0.2}} is ambiguous in xtensor.
Array<double> as_column(std::initializer_list<double> values) {
    Array<double> out = Array<double>::from_shape({values.size(), 1});
    std::copy(values.begin(), values.end(), out.begin());
    return out;
}

// The message of the xgrad::Error `f` throws ("" if none).
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("a custom op's value and gradient are those of its closed form") {
    const CustomOp<double> swish = make_swish<double>();
    Tensor<double> Z(Array<double>{{-2.0, 0.0, 1.5}}, true, "Z");
    const Tensor<double> A = swish(Z);
    CHECK(A.op() == Op::custom);
    CHECK(std::string(A.op_name()) == "swish");
    CHECK(std::string(A.op_rule()) == "dX = G * (A + sigmoid(X) * (1 - A))");
    sum(A).backward();
    for (std::size_t j = 0; j < 3; ++j) {
        const double z = Z.value()(0, j), s = 1 / (1 + std::exp(-z));
        CHECK(A.value()(0, j) == doctest::Approx(z * s));
        CHECK(Z.grad()(0, j) == doctest::Approx(s + z * s * (1 - s))); // d(z s)/dz
    }
}

TEST_CASE("custom ops pass gradcheck, inside a network and with a broadcast input") {
    const CustomOp<double> swish = make_swish<double>();
    const DifferentiableFunction layer = [&](const std::vector<Tensor<double>>& p) {
        return mean(swish(matmul(p[0], p[1])) * p[2]);
    };
    const auto result = gradcheck(layer, {Array<double>{{0.3, -0.7}, {1.1, 0.4}, {-0.2, 0.9}},
                                          Array<double>{{0.5, -1.0, 2.0}, {1.5, 0.25, -0.5}},
                                          Array<double>{{1.0, -2.0, 0.5}}});
    CAPTURE(result.report());
    CHECK(result.passed);

    const auto broadcast = gradcheck(
        [](const std::vector<Tensor<double>>& p) { return sum(tanh(scale_shift(p[0], p[1]))); },
        {Array<double>{{0.1, -0.4, 0.3}, {0.2, 0.6, -0.5}}, as_column({0.05, -0.1})});
    CAPTURE(broadcast.report());
    CHECK(broadcast.passed);
}

TEST_CASE("graph exports show a custom op's name and rule") {
    const CustomOp<double> swish = make_swish<double>();
    Tensor<double> Z(Array<double>{{-1.0, 2.0}}, true, "Z");
    const Tensor<double> A = swish(Z).label("A");
    const Graph graph = inspect(sum(A));
    const GraphTensor* a = graph.find("A");
    REQUIRE(a != nullptr);
    CHECK(a->op == Op::custom);
    CHECK(a->op_name == "swish");
    const std::string text = to_text(graph);
    CHECK(contains(text, "  swish "));
    CHECK(contains(text, "custom ops:\n  swish: dX = G * (A + sigmoid(X) * (1 - A))\n"));
    const std::string json = to_json(graph);
    CHECK(contains(json, "\"swish\""));
    CHECK(contains(json, "dX = G * (A + sigmoid(X) * (1 - A))"));
    const std::string dot = to_dot(graph);
    CHECK(contains(dot, "label=\"swish\""));
    CHECK(contains(dot, "tooltip=\"dX = G * (A + sigmoid(X) * (1 - A))\""));
}

TEST_CASE("step-through backward names a custom op's step and shows its rule") {
    const CustomOp<double> swish = make_swish<double>();
    Tensor<double> Z(Array<double>{{-1.0, 2.0}}, true, "Z");
    const Tensor<double> L = sum(swish(Z).label("A"));
    StepThrough<double> walk(L);
    while (walk.step()) {
    }
    REQUIRE(walk.steps().size() == 2);
    const StepInfo& step = walk.steps()[1];
    CHECK(step.op == Op::custom);
    CHECK(step.op_name == "swish");
    CHECK(step.rule == "dX = G * (A + sigmoid(X) * (1 - A))");
    CHECK(contains(step.text(), "step 2: swish #"));
    CHECK(Z.has_grad());
}

TEST_CASE("a custom op's graph is freed by backward unless retain_graph, like a built-in's") {
    const CustomOp<double> swish = make_swish<double>();
    Tensor<double> Z(as_column({0.5}), true, "Z");
    const Tensor<double> A = swish(Z);
    BackwardOptions keep;
    keep.retain_graph = true;
    A.backward(keep);
    const double once = Z.grad()(0, 0);
    A.backward(keep);
    CHECK(Z.grad()(0, 0) == doctest::Approx(2 * once));
    A.backward();
    CHECK(A.is_freed());
    CHECK(contains(error_of([&] { A.backward(); }), "was already freed"));
}

TEST_CASE("anomaly detection and version checks name a custom op") {
    const CustomOp<double> swish = make_swish<double>();
    const CustomOp<double> bad_rule(
        "bad_rule", "dX = G / 0", 1,
        [](const std::vector<Tensor<double>>& in) { return in[0] * 1.0; },
        [](const BackwardContext<double>& c) { return c.grad / 0.0; });
    Tensor<double> x(Array<double>{1.0, -1.0}, true, "x");
    {
        DetectAnomaly detect;
        const CustomOp<double> log_op(
            "my_log", "dX = G / X", 1,
            [](const std::vector<Tensor<double>>& in) { return log(in[0]); },
            [](const BackwardContext<double>& c) { return c.grad / c.input(0); });
        CHECK(contains(error_of([&] { log_op(x); }), "my_log produced NaN or Inf"));
        CHECK(contains(error_of([&] { sum(bad_rule(x)).backward(); }),
                       "backward of bad_rule (tape entry"));
    }
    const Tensor<double> L = sum(swish(x));
    x.data()(0) = 3.0;
    CHECK(contains(error_of([&] { L.backward(); }), "changed in place (data()) after swish"));
}

TEST_CASE("a custom op's rule of engine ops is differentiated under create_graph") {
    const CustomOp<double> swish = make_swish<double>();
    Tensor<double> x(Array<double>{0.7}, true, "x");
    const auto dx = grad<double>({sum(swish(x))}, {x}, {}, true, true);
    const auto ddx = grad<double>({sum(dx[0])}, {x});
    // swish'' = s (1 - s) (2 + x (1 - 2 s))
    const double v = 0.7, s = 1 / (1 + std::exp(-v));
    CHECK(dx[0].item() == doctest::Approx(s + v * s * (1 - s)));
    CHECK(ddx[0].item() == doctest::Approx(s * (1 - s) * (2 + v * (1 - 2 * s))));
}

TEST_CASE("custom ops work in float32") {
    const CustomOp<float> swish = make_swish<float>();
    Tensor<float> Z(Array<float>{1.0f, -0.5f}, true);
    sum(swish(Z)).backward();
    const float s = 1 / (1 + std::exp(-1.0f));
    CHECK(Z.grad()(0) == doctest::Approx(s + s * (1 - s)).epsilon(1e-6));
}

TEST_CASE("a custom op's misuse is reported with its name") {
    const CustomOp<double> swish = make_swish<double>();
    Tensor<double> x(Array<double>{1.0}, true, "x");
    CHECK(contains(error_of([&] { swish(x, x); }), "swish: takes 1 input, given 2"));
    CHECK(contains(error_of([&] { swish(Tensor<double>()); }), "swish: input 0 is undefined"));
    CHECK(contains(error_of([] {
                       CustomOp<double>(
                           "", "", 1, [](const std::vector<Tensor<double>>& in) { return in[0]; },
                           [](const BackwardContext<double>& c) { return c.grad; });
                   }),
                   "needs a name"));
    const CustomOp<double> two_grads(
        "two_grads", "dX = G", 1, [](const std::vector<Tensor<double>>& in) { return in[0] * 1.0; },
        [](const BackwardContext<double>& c) -> std::vector<Tensor<double>> {
            return {c.grad, c.grad};
        });
    CHECK(contains(error_of([&] { sum(two_grads(x)).backward(); }),
                   "backward of two_grads (tape entry"));
    CHECK(contains(error_of([&] { sum(two_grads(x)).backward(); }),
                   "the rule returned 2 gradients for 1 inputs"));
    const CustomOp<double> wrong_shape(
        "wrong_shape", "dX = G", 1,
        [](const std::vector<Tensor<double>>& in) { return in[0] * 1.0; },
        [](const BackwardContext<double>&) {
            return Tensor<double>(Array<double>{1.0, 2.0, 3.0});
        });
    Tensor<double> y(Array<double>{1.0, 2.0}, true, "y");
    CHECK(contains(error_of([&] { sum(wrong_shape(y)).backward(); }),
                   "the gradient for input 0 has shape (3), which neither is nor broadcasts to "
                   "the input's (2)"));
    const CustomOp<double> throws(
        "throws", "dX = G", 1,
        [](const std::vector<Tensor<double>>&) -> Tensor<double> {
            throw std::runtime_error("no");
        },
        [](const BackwardContext<double>& c) { return c.grad; });
    CHECK(contains(error_of([&] { throws(x); }), "throws: its forward threw: no"));
    CHECK_FALSE(x.has_grad());
}
