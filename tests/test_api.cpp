// What a user of the API meets first (issue 14, item 5): grad() with braced lists, a scalar
// on either side of every operator, and the course's columns, rows and flat buffers.
#include "autograd/autograd.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

using namespace xgrad;

TEST_CASE_TEMPLATE("grad({outputs}, {inputs}), the README's form, deduces T from the tensors", T,
                   float, double) {
    Tensor<T> W(Array<T>{{0.5, -1.0, 2.0}, {1.5, 0.25, -0.5}}, true, "W[1]");
    Tensor<T> b(column<T>({0.1, -0.2}), true, "b[1]");
    Tensor<T> X(Array<T>{{1.0, 2.0, 3.0, 4.0}, {0.5, -1.0, 2.0, 0.0}, {-2.0, 1.0, 1.0, 3.0}});
    const Tensor<T> J = sum(matmul(W, X) + b);
    const std::vector<Tensor<T>> g = grad({J}, {W, b});
    REQUIRE(g.size() == 2);
    // dJ/dW[i][k] = sum_j X[k][j] for every row i; dJ/db[i] = m.
    for (std::size_t i = 0; i < 2; ++i) {
        CHECK(g[0].value()(i, 0) == doctest::Approx(10.0));
        CHECK(g[0].value()(i, 1) == doctest::Approx(1.5));
        CHECK(g[0].value()(i, 2) == doctest::Approx(3.0));
        CHECK(g[1].value()(i, 0) == doctest::Approx(4.0));
    }
    CHECK_FALSE(W.has_grad()); // grad() leaves .grad alone

    // Seeds, retain_graph and create_graph in the same form.
    const Tensor<T> y = W * W;
    const std::vector<Tensor<T>> dy =
        grad({y}, {W}, {Tensor<T>(Array<T>(xt::ones<T>({2, 3})))}, true, true);
    CHECK(dy[0].requires_grad()); // 2 W, recorded
    const std::vector<Tensor<T>> d2y = grad({sum(dy[0])}, {W});
    for (const T v : d2y[0].value())
        CHECK(v == doctest::Approx(2.0));
}

TEST_CASE("grad({...}, {...}) with T given or defaulted picks the braced overload") {
    Tensor<> x(row({1.0, 2.0, 3.0}), true);
    const Tensor<> y = sum(x * x);
    const auto g = grad<double>({y}, {x}, {}, true);
    CHECK(g[0].value()(0, 2) == doctest::Approx(6.0));
    const std::vector<Tensor<>> outputs = {y};
    CHECK(grad(outputs, {x})[0].value()(0, 1) == doctest::Approx(4.0)); // mixed: vector, braces
}

namespace {
// One scalar operator: its name, the tensor function, and its value and derivative at x.
template <class T>
struct ScalarOperator {
    std::string name;
    std::function<Tensor<T>(const Tensor<T>&)> f;
    std::function<double(double)> value, derivative;
};

template <class T>
std::vector<ScalarOperator<T>> scalar_operators() {
    const double c = 2.5;
    return {
        {"x + c", [](const Tensor<T>& x) { return x + 2.5; }, [=](double x) { return x + c; },
         [](double) { return 1.0; }},
        {"c + x", [](const Tensor<T>& x) { return 2.5 + x; }, [=](double x) { return c + x; },
         [](double) { return 1.0; }},
        {"x - c", [](const Tensor<T>& x) { return x - 2.5; }, [=](double x) { return x - c; },
         [](double) { return 1.0; }},
        {"c - x", [](const Tensor<T>& x) { return 2.5 - x; }, [=](double x) { return c - x; },
         [](double) { return -1.0; }},
        {"x * c", [](const Tensor<T>& x) { return x * 2.5; }, [=](double x) { return x * c; },
         [=](double) { return c; }},
        {"c * x", [](const Tensor<T>& x) { return 2.5 * x; }, [=](double x) { return c * x; },
         [=](double) { return c; }},
        {"x / c", [](const Tensor<T>& x) { return x / 2.5; }, [=](double x) { return x / c; },
         [=](double) { return 1 / c; }},
        {"c / x", [](const Tensor<T>& x) { return 2.5 / x; }, [=](double x) { return c / x; },
         [=](double x) { return -c / (x * x); }},
        {"-x", [](const Tensor<T>& x) { return -x; }, [](double x) { return -x; },
         [](double) { return -1.0; }},
        {"pow(x, 3)", [](const Tensor<T>& x) { return pow(x, 3); },
         [](double x) { return x * x * x; }, [](double x) { return 3 * x * x; }},
        {"pow(x, c)", [](const Tensor<T>& x) { return pow(x, 2.5); },
         [=](double x) { return std::pow(x, c); },
         [=](double x) { return c * std::pow(x, c - 1); }},
        {"pow(c, x)", [](const Tensor<T>& x) { return pow(2.5, x); },
         [=](double x) { return std::pow(c, x); },
         [=](double x) { return std::pow(c, x) * std::log(c); }},
    };
}
} // namespace

TEST_CASE_TEMPLATE("every scalar-tensor operator works in both orders, with its gradient", T, float,
                   double) {
    const double tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-12;
    const Array<T> values{0.5, 1.25, 2.0, 3.5};
    for (const ScalarOperator<T>& op : scalar_operators<T>()) {
        CAPTURE(op.name);
        Tensor<T> x(values, true);
        const Tensor<T> y = op.f(x);
        REQUIRE(y.shape() == x.shape());
        sum(y).backward();
        for (std::size_t i = 0; i < values.size(); ++i) {
            const double v = values(i);
            CAPTURE(v);
            CHECK(y.value()(i) == doctest::Approx(op.value(v)).epsilon(tolerance));
            CHECK(x.grad()(i) == doctest::Approx(op.derivative(v)).epsilon(tolerance));
        }
    }
}

TEST_CASE("pow(c, x) refuses a base that is not positive, naming it") {
    const Tensor<> x(row({1.0, 2.0}), true, "x");
    CHECK_THROWS_WITH_AS(pow(-2.0, x), doctest::Contains("pow: the base -2"), Error);
    CHECK_THROWS_WITH_AS(pow(0.0, x), doctest::Contains("must be positive"), Error);
}

TEST_CASE_TEMPLATE("column and row make the course's (n, 1) and (1, m) shapes", T, float, double) {
    const Array<T> b = column<T>({0.1, -0.2, 0.3});
    CHECK(b.shape() == Shape{3, 1});
    CHECK(b(1, 0) == T(-0.2));
    const Array<T> Y = row<T>({1, 0, 1, 1});
    CHECK(Y.shape() == Shape{1, 4});
    CHECK(Y(0, 1) == T(0));
    CHECK(Y(0, 3) == T(1));
    CHECK(column(std::vector<T>{1, 2}).shape() == Shape{2, 1});
    CHECK(row(std::vector<T>{}).shape() == Shape{1, 0});
    // A column is a b[l]: it broadcasts over the m columns of W A.
    const Tensor<T> W(Array<T>{{1, 0}, {0, 1}, {1, 1}}, true);
    const Tensor<T> A(Array<T>{{1, 2, 3, 4}, {5, 6, 7, 8}});
    Tensor<T> bias(b, true, "b[1]");
    const Tensor<T> Z = matmul(W, A) + bias;
    CHECK(Z.shape() == Shape{3, 4});
    CHECK(Z.value()(2, 3) == doctest::Approx(12.3));
    sum(Z).backward();
    CHECK(bias.grad().shape() == Shape{3, 1});
    CHECK(bias.grad()(0, 0) == T(4));
}

TEST_CASE("column({1, 2}) is an Array<double>: integers do not make an integer array") {
    static_assert(std::is_same_v<decltype(column({1, 2})), Array<double>>);
    static_assert(std::is_same_v<decltype(row({1, 2})), Array<double>>);
    static_assert(std::is_same_v<decltype(column<float>({1, 2})), Array<float>>);
    CHECK(column({1, 2})(1, 0) == 2.0);
}

TEST_CASE_TEMPLATE("from_buffer fills a shape from flat values in row-major order", T, float,
                   double) {
    const std::vector<T> values = {1, 2, 3, 4, 5, 6};
    const Array<T> a = from_buffer(values, {2, 3});
    CHECK(a.shape() == Shape{2, 3});
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 3; ++j)
            CHECK(a(i, j) == values[i * 3 + j]); // numpy's reshape of a flat array
    const Array<T> b = from_buffer(values.data() + 2, 4, {4, 1});
    CHECK(b(0, 0) == T(3));
    CHECK(b(3, 0) == T(6));
    const Tensor<T> X(from_buffer(values, {3, 2}), true, "X");
    CHECK(X.value()(2, 1) == T(6));
    CHECK(from_buffer(std::vector<T>{}, {0, 3}).size() == 0);
    CHECK(from_buffer(std::vector<T>{7}, {}).shape() == Shape{});
}

TEST_CASE("from_buffer says when the values do not fill the shape") {
    const std::vector<double> five = {1, 2, 3, 4, 5};
    CHECK_THROWS_WITH_AS(from_buffer(five, {2, 3}),
                         "from_buffer: 5 values do not fill shape (2, 3), which holds 6",
                         ShapeError);
    CHECK_THROWS_WITH_AS(from_buffer(five.data(), 4, {2, 1}),
                         "from_buffer: 4 values do not fill shape (2, 1), which holds 2",
                         ShapeError);
    CHECK_THROWS_WITH_AS(from_buffer<double>(nullptr, 6, {2, 3}),
                         "from_buffer: null data for shape (2, 3)", Error);
}
