// Jacobians, Hessians and their products (autograd/functional) against closed forms and
// central differences; gradcheck and gradgradcheck on functions that call grad() themselves.
#include "autograd/autograd.hpp"
#include "autograd/xtensor_linalg.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <type_traits>

using namespace xgrad;
using Args = std::vector<Tensor<double>>;

namespace {

// d f / dx by central differences, as an (f(x).size(), x.size()) matrix.
Array<double> numeric_jacobian(const TensorFunction<double>& f, const Array<double>& x,
                               double epsilon = 1e-6) {
    const std::size_t m = f(Tensor<double>(x)).size();
    Array<double> J = xt::zeros<double>({m, x.size()});
    for (std::size_t j = 0; j < x.size(); ++j) {
        Array<double> plus = x, minus = x;
        plus.data()[j] += epsilon;
        minus.data()[j] -= epsilon;
        const Array<double> up = f(Tensor<double>(plus)).value();
        const Array<double> down = f(Tensor<double>(minus)).value();
        for (std::size_t i = 0; i < m; ++i)
            J(i, j) = (up.data()[i] - down.data()[i]) / (2 * epsilon);
    }
    return J;
}

// The engine's gradient of a one-element f, as a function of x (for its central differences).
TensorFunction<double> gradient_of(const TensorFunction<double>& f) {
    return [f](const Tensor<double>& x) {
        const Tensor<double> leaf(x.value(), true);
        return grad({f(leaf)}, {leaf})[0];
    };
}

// ||a - b|| / (||a|| + ||b||), the course's measure; a and b read as flat.
double relative_difference(const Array<double>& a, const Array<double>& b) {
    REQUIRE(a.size() == b.size());
    double diff = 0, na = 0, nb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff += (a.data()[i] - b.data()[i]) * (a.data()[i] - b.data()[i]);
        na += a.data()[i] * a.data()[i];
        nb += b.data()[i] * b.data()[i];
    }
    return na + nb == 0 ? 0 : std::sqrt(diff) / (std::sqrt(na) + std::sqrt(nb));
}

template <class T>
Array<T> random_array(const Shape& shape, unsigned seed) {
    std::mt19937 generator(seed);
    std::uniform_real_distribution<double> value(-1.5, 1.5);
    Array<T> out = Array<T>::from_shape(shape);
    for (T& v : out)
        v = static_cast<T>(value(generator));
    return out;
}

// As a matrix: the first `rows` dimensions of a against the rest.
template <class T>
Array<T> as_matrix(const Tensor<T>& a, std::size_t rows) {
    Array<T> out = a.value();
    out.reshape({rows, a.size() / rows});
    return out;
}

} // namespace

TEST_CASE("jacobian of A x is A, laid out as f(x).shape + x.shape") {
    const Tensor<> A(Array<double>{{1.0, -2.0, 0.5}, {3.0, 0.25, -1.0}}, false, "A");
    const Tensor<> x(column({0.3, -0.7, 1.1}), false, "x");
    const Tensor<> J = jacobian<double>([&](const Tensor<>& z) { return matmul(A, z); }, x);
    CHECK(J.shape() == Shape{2, 1, 3, 1});
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 3; ++j)
            CHECK(J.value()(i, 0, j, 0) == A.value()(i, j));
    CHECK_FALSE(J.requires_grad());
}

TEST_CASE("jacobian of sigmoid is diag(a (1 - a))") {
    const Tensor<> x(row({-1.0, 0.0, 0.5, 2.0}));
    const Tensor<> J = jacobian<double>([](const Tensor<>& z) { return sigmoid(z); }, x);
    CHECK(J.shape() == Shape{1, 4, 1, 4});
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 4; ++j) {
            const double a = 1 / (1 + std::exp(-x.value()(0, i)));
            CHECK(J.value()(0, i, 0, j) == doctest::Approx(i == j ? a * (1 - a) : 0.0));
        }
}

TEST_CASE("jacobian matches central differences through broadcasting and a tensor used twice") {
    const Tensor<> W(random_array<double>({2, 3}, 1)), b(random_array<double>({2, 1}, 2));
    const TensorFunction<double> f = [&](const Tensor<>& x) {
        return tanh(matmul(W, x) + b) * sum(x, 0, true); // b (2, 1) and sum (1, 2) broadcast
    };
    const Array<double> x = random_array<double>({3, 2}, 3);
    const Tensor<> J = jacobian(f, Tensor<>(x));
    CHECK(J.shape() == Shape{2, 2, 3, 2});
    const double difference = relative_difference(as_matrix(J, 4), numeric_jacobian(f, x));
    CAPTURE(difference);
    CHECK(difference < 1e-7);
}

TEST_CASE_TEMPLATE("the Hessian of the logistic-regression cost is X diag(a(1-a)) X^T / m", T,
                   float, double) {
    // J(w) = 1/m sum_j BCE(sigmoid(w^T x_j), y_j), X (n_x, m) one column per example.
    const std::size_t n = 3, m = 5;
    const Tensor<T> X(random_array<T>({n, m}, 7), false, "X");
    const Tensor<T> Y(row<T>({1, 0, 0, 1, 1}), false, "Y");
    const Tensor<T> w(random_array<T>({n, 1}, 8), false, "w");
    const TensorFunction<T> cost = [&](const Tensor<T>& v) {
        return binary_cross_entropy_with_logits(matmul(v, X, true, false), Y);
    };
    const Tensor<T> H = hessian(cost, w);
    REQUIRE(H.shape() == Shape{n, 1, n, 1});
    // The closed form, from the values alone.
    Array<double> a = xt::zeros<double>({m});
    for (std::size_t j = 0; j < m; ++j) {
        double z = 0;
        for (std::size_t i = 0; i < n; ++i)
            z += double(w.value()(i, 0)) * double(X.value()(i, j));
        a(j) = 1 / (1 + std::exp(-z));
    }
    const double tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-13;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < n; ++k) {
            double expected = 0;
            for (std::size_t j = 0; j < m; ++j)
                expected += double(X.value()(i, j)) * a(j) * (1 - a(j)) * double(X.value()(k, j));
            expected /= double(m);
            CAPTURE(i);
            CAPTURE(k);
            CHECK(double(H.value()(i, 0, k, 0)) == doctest::Approx(expected).epsilon(tolerance));
        }
}

TEST_CASE("hessian: diag(6x) for sum(x^3), and central differences of the gradient") {
    const Array<double> x = random_array<double>({2, 2}, 11);
    const Tensor<> H3 =
        hessian<double>([](const Tensor<>& z) { return sum(pow(z, 3.0)); }, Tensor<>(x));
    CHECK(H3.shape() == Shape{2, 2, 2, 2});
    const Array<double> H = as_matrix(H3, 4);
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 4; ++j)
            CHECK(H(i, j) == doctest::Approx(i == j ? 6 * x.data()[i] : 0.0));

    const Tensor<> W(random_array<double>({2, 3}, 12));
    const TensorFunction<double> f = [&](const Tensor<>& z) {
        return sum(softplus(matmul(W, z))) * mean(z) + sum(z * z * z, {0, 1});
    };
    const Array<double> x2 = random_array<double>({3, 2}, 13);
    const Tensor<> H2 = hessian(f, Tensor<>(x2));
    const double difference =
        relative_difference(as_matrix(H2, 6), numeric_jacobian(gradient_of(f), x2));
    CAPTURE(difference);
    CHECK(difference < 1e-7);
    // A Hessian is symmetric.
    const Array<double> S = as_matrix(H2, 6);
    CHECK(relative_difference(S, Array<double>(xt::transpose(S))) < 1e-14);
}

TEST_CASE_TEMPLATE("vjp, jvp and hvp are the products with the Jacobian and the Hessian", T, float,
                   double) {
    const double tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-12;
    const Tensor<T> W(random_array<T>({3, 4}, 21));
    const TensorFunction<T> f = [&](const Tensor<T>& x) {
        return tanh(matmul(W, x)) * sum(x, {0}, true); // (3, 2)
    };
    const TensorFunction<T> cost = [&](const Tensor<T>& x) { return sum(sigmoid(f(x)) * f(x)); };
    const Tensor<T> x(random_array<T>({4, 2}, 22));
    const Tensor<T> v(random_array<T>({3, 2}, 23)), u(random_array<T>({4, 2}, 24));
    const Array<T> J = as_matrix(jacobian(f, x), 6);
    const Array<T> H = as_matrix(hessian(cost, x), 8);
    const auto flat = [](const Tensor<T>& t) {
        Array<T> out = t.value();
        out.reshape({t.size()});
        return out;
    };
    const Array<T> Jt_v = xt::linalg::dot(xt::transpose(J), flat(v));
    const Array<T> J_u = xt::linalg::dot(J, flat(u));
    const Array<T> H_u = xt::linalg::dot(H, flat(u));

    const auto [y1, vjp_value] = vjp(f, x, v);
    CHECK(y1.shape() == Shape{3, 2});
    CHECK(vjp_value.shape() == x.shape());
    const auto [y2, jvp_value] = jvp(f, x, u);
    CHECK(jvp_value.shape() == Shape{3, 2});
    const auto [y3, hvp_value] = hvp(cost, x, u);
    CHECK(hvp_value.shape() == x.shape());
    for (std::size_t i = 0; i < 8; ++i) {
        CHECK(flat(vjp_value)(i) == doctest::Approx(Jt_v(i)).epsilon(tolerance));
        CHECK(flat(hvp_value)(i) == doctest::Approx(H_u(i)).epsilon(tolerance));
    }
    for (std::size_t i = 0; i < 6; ++i) {
        CHECK(flat(jvp_value)(i) == doctest::Approx(J_u(i)).epsilon(tolerance));
        CHECK(flat(y2)(i) == doctest::Approx(flat(f(x))(i)).epsilon(tolerance));
    }
    CHECK(y3.item() == doctest::Approx(cost(x).item()).epsilon(tolerance));
    CHECK_FALSE(vjp_value.requires_grad());
    CHECK_FALSE(y1.requires_grad());
}

TEST_CASE("with create_graph the results are differentiable again, with respect to x itself") {
    // f = sum(x^4): H v = 12 x^2 v, and d/dx sum(H v) = 24 x v.
    Tensor<> x(row({0.5, -1.0, 2.0}), true, "x");
    const Tensor<> v(row({1.0, 2.0, -0.5}));
    const auto [cost, Hv] = hvp<double>([](const Tensor<>& z) { return sum(pow(z, 4.0)); }, x, v,
                                        /*create_graph=*/true);
    REQUIRE(Hv.requires_grad());
    const Tensor<> third = grad({sum(Hv)}, {x})[0];
    for (std::size_t i = 0; i < 3; ++i) {
        const double xi = x.value()(0, i), vi = v.value()(0, i);
        CHECK(Hv.value()(0, i) == doctest::Approx(12 * xi * xi * vi));
        CHECK(third.value()(0, i) == doctest::Approx(24 * xi * vi));
    }
    // The Hessian too: d/dx of its trace sum(12 x^2) is 24 x.
    const Tensor<> H = hessian<double>([](const Tensor<>& z) { return sum(pow(z, 4.0)); }, x, true);
    REQUIRE(H.requires_grad());
    const Tensor<> trace =
        sum(reshape(H, {9}) * Tensor<>(Array<double>{1, 0, 0, 0, 1, 0, 0, 0, 1}));
    const Tensor<> dtrace = grad({trace}, {x})[0];
    for (std::size_t i = 0; i < 3; ++i)
        CHECK(dtrace.value()(0, i) == doctest::Approx(24 * x.value()(0, i)));
    CHECK_FALSE(x.has_grad());
}

TEST_CASE("jacobian and hessian run inside NoGrad, and leave x and its .grad alone") {
    Tensor<> x(column({1.0, 2.0}), true, "x");
    NoGrad no_grad;
    const Tensor<> J = jacobian<double>([](const Tensor<>& z) { return exp(z); }, x);
    CHECK(J.value()(1, 0, 1, 0) == doctest::Approx(std::exp(2.0)));
    const Tensor<> H = hessian<double>([](const Tensor<>& z) { return sum(exp(z)); }, x);
    CHECK(H.value()(0, 0, 0, 0) == doctest::Approx(std::exp(1.0)));
    CHECK(H.value()(0, 0, 1, 0) == 0.0);
    CHECK_FALSE(x.has_grad());
    CHECK_FALSE(grad_enabled());
}

TEST_CASE("a function that does not depend on x has a zero Jacobian; a linear one a zero Hessian") {
    const Tensor<> c(row({1.0, 2.0}));
    const Tensor<> x(row({3.0, 4.0, 5.0}));
    const Tensor<> J = jacobian<double>([&](const Tensor<>&) { return c * 2.0; }, x);
    CHECK(J.shape() == Shape{1, 2, 1, 3});
    CHECK(xt::all(xt::equal(J.value(), 0.0)));
    const Tensor<> H = hessian<double>([](const Tensor<>& z) { return sum(z * 3.0); }, x);
    CHECK(H.shape() == Shape{1, 3, 1, 3});
    CHECK(xt::all(xt::equal(H.value(), 0.0)));
    const auto [y, Ju] = jvp<double>([](const Tensor<>& z) { return z * 3.0; }, x, x);
    CHECK(Ju.value()(0, 2) == doctest::Approx(15.0));
    const auto [y2, Hv] = hvp<double>([](const Tensor<>& z) { return sum(z * 3.0); }, x, x);
    CHECK(xt::all(xt::equal(Hv.value(), 0.0)));
}

TEST_CASE("vjp, jvp, hvp and hessian name the shapes that do not fit") {
    const Tensor<> x(column({1.0, 2.0, 3.0}), false, "x");
    const TensorFunction<double> f = [](const Tensor<>& z) { return tanh(z); };
    CHECK_THROWS_WITH_AS(vjp(f, x, Tensor<>(row({1.0, 2.0, 3.0}))),
                         "vjp: v (1, 3) must have the shape of f(x), (3, 1)", ShapeError);
    CHECK_THROWS_WITH_AS(jvp(f, x, Tensor<>(row({1.0, 2.0}))),
                         "jvp: u (1, 2) must have the shape of x, (3, 1)", ShapeError);
    CHECK_THROWS_WITH_AS(hessian(f, x), doctest::Contains("hessian: f(x) must have one element"),
                         ShapeError);
    CHECK_THROWS_WITH_AS(hvp(f, x, x), doctest::Contains("hvp: f(x) must have one element"),
                         ShapeError);
}

TEST_CASE("gradcheck works on a function that calls grad() itself") {
    // f(x) = d sum(x^3) / dx = 3 x^2, a gradient recorded with create_graph; its gradient
    // (through sum(R * f)) is 6 x R. The finite-difference passes used to run under NoGrad,
    // where grad() threw "input (3, 3) does not require grad".
    const DifferentiableFunction f = [](const Args& x) {
        return grad({sum(x[0] * x[0] * x[0])}, {x[0]}, {}, false, true)[0];
    };
    GradcheckResult result;
    REQUIRE_NOTHROW(result = gradcheck(f, {random_array<double>({3, 3}, 31)}));
    CAPTURE(result.report());
    CHECK(result.passed);
    // And on one that takes a Hessian-vector product inside.
    const DifferentiableFunction g = [](const Args& x) {
        return hvp<double>([](const Tensor<>& z) { return sum(sigmoid(z) * z); }, x[0], x[1], true)
            .second;
    };
    const GradcheckResult hv =
        gradcheck(g, {random_array<double>({2, 3}, 32), random_array<double>({2, 3}, 33)});
    CAPTURE(hv.report());
    CHECK(hv.passed);
}

TEST_CASE("gradgradcheck passes second derivatives through matmul, softmax and broadcasting") {
    const DifferentiableFunction f = [](const Args& x) {
        const Tensor<> Z = matmul(x[0], x[1]); // (2, 4)
        return softmax(Z, 0) * sum(x[1], std::vector<int>{0}, true) +
               tanh(Z) * x[2]; // x[2] (2, 1) broadcasts
    };
    const GradcheckResult result =
        gradgradcheck(f, {random_array<double>({2, 3}, 41), random_array<double>({3, 4}, 42),
                          random_array<double>({2, 1}, 43)});
    CAPTURE(result.report());
    CHECK(result.passed);
    CHECK(result.inputs.size() == 3);
}

TEST_CASE("gradgradcheck of a function calling grad(): third derivatives") {
    const DifferentiableFunction f = [](const Args& x) {
        return grad({sum(pow(x[0], 4.0) * sigmoid(x[0]))}, {x[0]}, {}, false, true)[0];
    };
    const GradcheckResult result = gradgradcheck(f, {random_array<double>({2, 2}, 51)});
    CAPTURE(result.report());
    CHECK(result.passed);
}

TEST_CASE("gradgradcheck catches a second derivative autodiff does not see") {
    // x * detach(x): its recorded gradient R * x is constant for autodiff (x detached),
    // while the gradient's finite differences are R: a second derivative went missing.
    const DifferentiableFunction wrong = [](const Args& x) { return x[0] * x[0].detach(); };
    const GradcheckResult result = gradgradcheck(wrong, {Array<double>{{0.5, 1.5, 2.0}}});
    CHECK_FALSE(result.passed);
    CHECK(result.inputs[0].relative_difference == doctest::Approx(1.0));
    CHECK(result.report().find("FAIL") != std::string::npos);
    // And gradcheck, which sees only first derivatives, still refuses the same mistake.
    CHECK_FALSE(gradcheck(wrong, {Array<double>{{0.5, 1.5, 2.0}}}).passed);
}
