// Anomaly detection: under DetectAnomaly the first op whose output, or whose backward's
// gradient, holds NaN or Inf throws AnomalyError naming the op, its label, its tape
// position, its input shapes and the scope (layer) it was made in.
#include "autograd/autograd.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

using namespace xgrad;

namespace {

// The message of the AnomalyError `f` throws; fails the test if it throws nothing else.
template <class F>
std::string anomaly_message(F&& f) {
    try {
        f();
    } catch (const AnomalyError& e) {
        return e.what();
    } catch (const std::exception& e) {
        FAIL("expected AnomalyError, got: " << e.what());
    }
    FAIL("expected AnomalyError, nothing was thrown");
    return {};
}

bool has(const std::string& message, const std::string& part) {
    return message.find(part) != std::string::npos;
}

} // namespace

TEST_CASE_TEMPLATE("log of a negative inside a layer names log, its input, position and layer", T,
                   float, double) {
    Tensor<T> A(Array<T>{1, -1, 2}, true, "A[1]");
    DetectAnomaly detect;
    Scope layer("layer 2");
    Tensor<T> Z = A * T(2);
    Z.label("Z[2]");
    const std::string m = anomaly_message([&] { log(Z); });
    CAPTURE(m);
    CHECK(has(m, "anomaly: log produced NaN or Inf"));
    CHECK(has(m, "from inputs Z[2] (3)"));
    CHECK(has(m, "tape position " + std::to_string(Z.sequence() + 1)));
    CHECK(has(m, "[in layer 2]"));
}

TEST_CASE("without DetectAnomaly the same NaN passes silently, and the guard is scoped") {
    Tensor<double> x(Array<double>{-1.0}, true);
    CHECK(std::isnan(log(x).item())); // the mode, not the op, raises
    {
        DetectAnomaly detect;
        CHECK(anomaly_detection_enabled());
        { DetectAnomaly nested; }
        CHECK(anomaly_detection_enabled()); // the inner guard restores, not clears
        CHECK_THROWS_AS(log(x), AnomalyError);
    }
    CHECK_FALSE(anomaly_detection_enabled());
    CHECK_NOTHROW(log(x));
}

TEST_CASE("the first op to produce NaN is the one named, not a later one") {
    Tensor<double> x(Array<double>{4.0, -9.0}, true, "x");
    DetectAnomaly detect;
    const Tensor<double> h = x * 3.0; // finite
    const std::string m = anomaly_message([&] { exp(sqrt(h) + 1.0); });
    CAPTURE(m);
    CHECK(has(m, "anomaly: sqrt produced"));
    CHECK_FALSE(has(m, "exp"));
    CHECK_FALSE(has(m, "add_scalar"));
    CHECK(has(m, "tape position " + std::to_string(h.sequence() + 1)));
}

TEST_CASE("Inf in a forward output: exp overflow, and a NaN input reaching matmul") {
    DetectAnomaly detect;
    Tensor<double> z(Array<double>{1.0, 1000.0}, true, "z");
    const std::string overflow = anomaly_message([&] { exp(z); });
    CHECK(has(overflow, "anomaly: exp produced NaN or Inf in its output (2) from inputs z (2)"));

    // Every input's shape and label is named: the user sees which operand to look at.
    Array<double> w = xt::ones<double>({2, 3});
    w(1, 2) = std::numeric_limits<double>::quiet_NaN();
    Tensor<double> W(w, true, "W[1]");
    Tensor<double> A(xt::ones<double>({3, 4}), false, "A[0]");
    Scope model("model");
    Scope layer("layer 1 (Dense 3 -> 2)");
    const std::string m = anomaly_message([&] { matmul(W, A); });
    CAPTURE(m);
    CHECK(has(m, "anomaly: matmul produced NaN or Inf in its output (2, 4)"));
    CHECK(has(m, "from inputs W[1] (2, 3), A[0] (3, 4)"));
    CHECK(has(m, "[in model / layer 1 (Dense 3 -> 2)]"));
}

TEST_CASE_TEMPLATE("a backward that produces Inf: sqrt at 0 names sqrt, its label and layer", T,
                   float, double) {
    Tensor<T> x(Array<T>{0, 1, 4}, true, "x");
    DetectAnomaly detect;
    Tensor<T> h;
    {
        Scope layer("layer 1");
        h = sqrt(x); // sqrt(0) = 0 is finite; its derivative 1 / (2 sqrt 0) is not
        h.label("h");
    }
    const Tensor<T> loss = sum(h);
    const std::string m = anomaly_message([&] { loss.backward(); });
    CAPTURE(m);
    // The op whose backward rule made the Inf, not an op its rule used internally (div).
    CHECK(has(m, "anomaly: backward of sqrt"));
    CHECK(has(m, "tape entry " + std::to_string(h.sequence())));
    CHECK(has(m, ", h"));
    CHECK(has(m, "inputs (3)"));
    CHECK(has(m, "to its input 0 x (3)"));
    CHECK(has(m, "[made in layer 1]"));
    CHECK_FALSE(has(m, "div"));
    CHECK_FALSE(x.has_grad()); // the failed walk handed out nothing
}

TEST_CASE("backward anomalies are also caught through grad(), create_graph and broadcasting") {
    DetectAnomaly detect;
    SUBCASE("pow(x, 0.5) at 0 through grad()") {
        Tensor<double> x(Array<double>{0.0, 2.0}, true, "x");
        Tensor<double> y = pow(x, 0.5);
        y.label("y");
        const std::string m = anomaly_message([&] { grad<double>({sum(y)}, {x}); });
        CAPTURE(m);
        CHECK(has(m, "anomaly: backward of pow"));
        CHECK(has(m, "tape entry " + std::to_string(y.sequence()) + ", y"));
    }
    SUBCASE("sqrt at 0 with create_graph still names sqrt") {
        Tensor<double> x(Array<double>{0.0}, true, "x");
        Tensor<double> y = sqrt(x);
        const std::string m = anomaly_message([&] {
            y.backward(BackwardOptions{false, true, false});
        });
        CAPTURE(m);
        CHECK(has(m, "anomaly: backward of sqrt"));
        CHECK_FALSE(has(m, "div"));
    }
    SUBCASE("a broadcast input: the Inf is reported after summing back to its shape") {
        Tensor<double> b(Array<double>{0.0}, true, "b[1]"); // shape (1,), broadcast to (3,)
        Tensor<double> z(Array<double>{1.0, 2.0, 3.0}, false, "z");
        Tensor<double> s = sqrt(b) + z;
        const std::string m = anomaly_message([&] { sum(s).backward(); });
        CAPTURE(m);
        CHECK(has(m, "anomaly: backward of sqrt"));
        CHECK(has(m, "to its input 0 b[1] (1)"));
    }
}

TEST_CASE("finite graphs run unchanged under DetectAnomaly") {
    Tensor<double> W(Array<double>{{0.5, -0.25}, {1.0, 2.0}}, true, "W[1]");
    Tensor<double> X(Array<double>{{1.0, 2.0, 3.0}, {-1.0, 0.0, 1.0}}, false, "X");
    Array<double> b_value = Array<double>::from_shape({2, 1}); // (2, 1): a column
    b_value(0, 0) = 0.1;
    b_value(1, 0) = -0.1;
    Tensor<double> b(b_value, true, "b[1]");
    Tensor<double> Y(Array<double>{{1.0, 0.0, 1.0}, {0.0, 1.0, 1.0}}, false, "Y");
    const auto cost = [&] { return binary_cross_entropy_with_logits(linear(W, X, b), Y); };
    Tensor<double> plain = cost();
    plain.backward();
    const Array<double> dW = W.grad();
    W.zero_grad();
    b.zero_grad();
    DetectAnomaly detect;
    Tensor<double> checked = cost();
    CHECK_NOTHROW(checked.backward());
    CHECK(checked.item() == doctest::Approx(plain.item()));
    CHECK(W.grad() == dW);
}
