// The engine's behaviour beyond single ops: fan-out, depth, higher-order gradients,
// graph lifetime, grad modes, threads, the tape, float32, and the errors users meet.
#include "autograd/autograd.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <thread>

using namespace xgrad;
using Args = std::vector<Tensor<double>>;

namespace {

Array<double> random_array(const Shape& shape, unsigned seed, double scale = 1.0) {
    std::mt19937 generator(seed);
    std::normal_distribution<double> normal(0.0, scale);
    Array<double> value = Array<double>::from_shape(shape);
    for (double& v : value)
        v = normal(generator);
    return value;
}

Array<double> random_labels(std::size_t m, unsigned seed) {
    std::mt19937 generator(seed);
    Array<double> Y = Array<double>::from_shape({1, m});
    for (double& y : Y)
        y = static_cast<double>(generator() % 2);
    return Y;
}

// The message of the xgrad::Error that `f` throws (fails the test if none).
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    FAIL("no xgrad::Error was thrown");
    return {};
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("a node used two and three times accumulates its gradients") {
    SUBCASE("exact values") {
        Tensor<double> x(Array<double>{2.0, -3.0}, true);
        (sum(x * x * x)).backward(); // x used three times: d/dx x^3 = 3x^2
        CHECK(x.grad()(0) == doctest::Approx(12.0));
        CHECK(x.grad()(1) == doctest::Approx(27.0));
        Tensor<double> y(Array<double>{1.5}, true);
        (sum(y + y)).backward(); // add's backward hands the same G to both inputs
        CHECK(y.grad()(0) == 2.0);
    }
    SUBCASE("against finite differences") {
        const auto twice = [](const Args& x) { return x[0] * x[0] + x[0]; };
        const auto shared_intermediate = [](const Args& x) {
            const Tensor<double> y = tanh(x[0]); // y feeds three ops
            return y * y * x[1] + y;
        };
        const auto result = gradcheck(twice, {random_array({3, 4}, 1)});
        CAPTURE(result.report());
        CHECK(result.passed);
        const auto shared =
            gradcheck(shared_intermediate, {random_array({3, 4}, 2), random_array({3, 1}, 3)});
        CAPTURE(shared.report());
        CHECK(shared.passed);
    }
}

TEST_CASE("a chain 100,000 ops deep runs backward and is freed without recursion") {
    const std::size_t depth = 100000;
    Tensor<double> x(Array<double>{1.0}, true);
    Tensor<double> y = x;
    for (std::size_t i = 0; i < depth; ++i)
        y = y * 1.00001;
    sum(y).backward();
    CHECK(x.grad()(0) ==
          doctest::Approx(std::pow(1.00001, static_cast<double>(depth))).epsilon(1e-9));

    // A deep graph dropped without backward is also taken apart iteratively.
    Tensor<double> z = x;
    for (std::size_t i = 0; i < depth; ++i)
        z = tanh(z);
    CHECK(z.requires_grad());
    z = Tensor<double>(); // would overflow the stack if destruction recursed
    CHECK_FALSE(z.defined());
}

TEST_CASE("create_graph gives second derivatives of tanh and sigmoid in closed form") {
    const Array<double> points{-3.0, -0.5, 0.0, 0.7, 2.5};
    Tensor<double> x(points, true);

    const Tensor<double> t = tanh(x);
    const auto dt = grad<double>({sum(t)}, {x}, {}, false, true)[0];
    CHECK(dt.requires_grad()); // the gradient is itself on a graph
    const auto d2t = grad<double>({sum(dt)}, {x})[0];

    const Tensor<double> s = sigmoid(x);
    const auto ds = grad<double>({sum(s)}, {x}, {}, false, true)[0];
    const auto d2s = grad<double>({sum(ds)}, {x})[0];

    for (std::size_t i = 0; i < points.size(); ++i) {
        const double th = std::tanh(points(i));
        const double sg = 1.0 / (1.0 + std::exp(-points(i)));
        CHECK(dt.value()(i) == doctest::Approx(1 - th * th).epsilon(1e-12));
        CHECK(d2t.value()(i) == doctest::Approx(-2 * th * (1 - th * th)).epsilon(1e-12));
        CHECK(ds.value()(i) == doctest::Approx(sg * (1 - sg)).epsilon(1e-12));
        CHECK(d2s.value()(i) == doctest::Approx(sg * (1 - sg) * (1 - 2 * sg)).epsilon(1e-12));
    }
}

TEST_CASE("Hessian-vector product of the logistic-regression cost is X diag(a(1-a)) X^T v / m") {
    const std::size_t n = 4, m = 7;
    const Array<double> X = random_array({n, m}, 10);
    const Array<double> Y = random_labels(m, 11);
    const Array<double> v = random_array({n, 1}, 12);
    Tensor<double> w(random_array({n, 1}, 13, 0.5), true);

    // J(w) = mean cross-entropy of sigmoid(w^T X) against Y
    const Tensor<double> J = binary_cross_entropy_with_logits(
        matmul(w, Tensor<double>(X), true, false), Tensor<double>(Y));
    const Tensor<double> dw = grad<double>({J}, {w}, {}, false, true)[0];
    const Tensor<double> hv = grad<double>({sum(dw * Tensor<double>(v))}, {w})[0];

    // closed form
    Array<double> a = Array<double>::from_shape({m});
    for (std::size_t j = 0; j < m; ++j) {
        double z = 0;
        for (std::size_t i = 0; i < n; ++i)
            z += w.value()(i, 0) * X(i, j);
        a(j) = 1.0 / (1.0 + std::exp(-z));
    }
    for (std::size_t r = 0; r < n; ++r) {
        double expected = 0;
        for (std::size_t j = 0; j < m; ++j) {
            double xv = 0;
            for (std::size_t i = 0; i < n; ++i)
                xv += X(i, j) * v(i, 0);
            expected += X(r, j) * a(j) * (1 - a(j)) * xv;
        }
        expected /= static_cast<double>(m);
        CHECK(hv.value()(r, 0) == doctest::Approx(expected).epsilon(1e-12));
    }
}

TEST_CASE("backward frees the graph unless retain_graph is asked for") {
    Tensor<double> x(Array<double>{1.0, 2.0}, true, "x");
    SUBCASE("retain_graph: a second backward accumulates again") {
        const Tensor<double> loss = sum(exp(x));
        loss.backward(BackwardOptions{true, false, false});
        loss.backward();
        CHECK(x.grad()(1) == doctest::Approx(2 * std::exp(2.0)));
    }
    SUBCASE("without it, a second backward is refused with a clear message") {
        const Tensor<double> h = exp(x).label("h");
        const Tensor<double> loss = sum(h);
        loss.backward();
        CHECK(h.is_freed());
        CHECK(h.inputs().empty()); // the saved input was released
        const std::string message = error_of([&] { loss.backward(); });
        CHECK(contains(message, "freed"));
        CHECK(contains(message, "retain_graph"));
        CHECK(x.grad()(0) == doctest::Approx(std::exp(1.0))); // the refused call added nothing
    }
}

TEST_CASE("no_grad records nothing; detach cuts the graph; zero_grad forgets") {
    Tensor<double> x(Array<double>{3.0}, true);
    const std::size_t before = Tape<double>::current().nodes().size();
    {
        NoGrad no_grad;
        const Tensor<double> y = x * x;
        CHECK_FALSE(y.requires_grad());
        CHECK(y.is_leaf());
    }
    CHECK(Tape<double>::current().nodes().size() == before);

    const Tensor<double> d = x.detach();
    CHECK_FALSE(d.requires_grad());
    sum(x * d).backward(); // d counts as a constant: d/dx (x * 3) = 3
    CHECK(x.grad()(0) == 3.0);
    sum(x * d).backward(); // gradients accumulate across backward calls
    CHECK(x.grad()(0) == 6.0);
    x.zero_grad();
    CHECK_FALSE(x.has_grad());
    CHECK(contains(error_of([&] { x.grad(); }), "has no gradient"));
}

TEST_CASE("grad() returns gradients without touching .grad") {
    Tensor<double> a(Array<double>{1.0, 2.0}, true), b(Array<double>{5.0}, true);
    const Tensor<double> y = sum(a * a);
    const auto g = grad<double>({y}, {a, b});
    CHECK(g[0].value()(0) == 2.0);
    CHECK(g[0].value()(1) == 4.0);
    CHECK(g[1].value()(0) == 0.0); // y does not depend on b
    CHECK_FALSE(a.has_grad());
    CHECK_FALSE(b.has_grad());
}

TEST_CASE("retain_grad keeps an intermediate gradient, as the course's dZ") {
    Tensor<double> W(Array<double>{{1.0, -2.0}}, true, "W[1]");
    Tensor<double> X(Array<double>{{1.0, 2.0, 3.0}, {0.5, -1.0, 2.0}});
    Tensor<double> b(Array<double>({1, 1}, 0.1), true, "b[1]");
    Tensor<double> Y(Array<double>{{1.0, 0.0, 1.0}});
    Tensor<double> Z = linear(W, X, b).label("Z[1]").retain_grad();
    binary_cross_entropy_with_logits(Z, Y).backward();
    // dZ = (sigmoid(Z) - Y) / m for the mean cost
    for (std::size_t j = 0; j < 3; ++j) {
        const double a = 1.0 / (1.0 + std::exp(-Z.value()(0, j)));
        CHECK(Z.grad()(0, j) == doctest::Approx((a - Y.value()(0, j)) / 3.0));
    }
}

TEST_CASE("the tape lists ops in order with shapes, and shows what backward freed") {
    Tape<double>::current().clear();
    Tensor<double> W(random_array({4, 3}, 1), true, "W[1]");
    Tensor<double> X(random_array({3, 5}, 2));
    Tensor<double> b(random_array({4, 1}, 3), true, "b[1]");
    const Tensor<double> A = relu(linear(W, X, b).label("Z[1]")).label("A[1]");
    const Tensor<double> loss = mean(A);
    auto entries = Tape<double>::current().entries();
    REQUIRE(entries.size() == 3);
    CHECK(entries[0].op == Op::linear);
    CHECK(entries[0].label == "Z[1]");
    CHECK(entries[0].input_shapes == std::vector<Shape>{{4, 3}, {3, 5}, {4, 1}});
    CHECK(entries[0].output_shape == Shape{4, 5});
    CHECK(entries[1].op == Op::relu);
    CHECK(entries[2].op == Op::mean);
    CHECK(entries[2].output_shape == Shape{});
    CHECK(entries[0].sequence < entries[1].sequence);
    for (const auto& e : entries)
        CHECK_FALSE(e.freed);
    loss.backward();
    // Z[1] was held only by the graph: freeing the graph released it.
    entries = Tape<double>::current().entries();
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].op == Op::relu);
    for (const auto& e : entries)
        CHECK(e.freed);
    CHECK(entries[0].input_shapes == std::vector<Shape>{{4, 5}}); // kept for inspection
    CHECK(A.inputs().empty());
}

TEST_CASE("the tape does not grow over 10,000 training steps") {
    Tape<double>::current().clear();
    Tensor<double> w(random_array({2, 1}, 5), true);
    const Tensor<double> X(random_array({2, 8}, 6));
    const Tensor<double> Y(random_labels(8, 7));
    std::size_t most = 0;
    for (int step = 0; step < 10000; ++step) {
        binary_cross_entropy_with_logits(matmul(w, X, true, false), Y).backward();
        w.data() -= 0.1 * w.grad();
        w.zero_grad();
        most = std::max(most, Tape<double>::current().slots());
    }
    CHECK(most <= 512); // swept as dead entries pile up, never 20,000
}

TEST_CASE("a large result's buffer is reused by the next result of its size") {
    clear_buffer_cache();
    set_buffer_cache_limit(buffer_cache_default_limit);
    const Tensor<double> x(random_array({1024, 512}, 8), true); // 4 MiB: cacheable
    const double* first = nullptr;
    {
        const Tensor<double> y = relu(x);
        first = y.value().data();
    }
    CHECK(buffer_cache_stats().buffers == 1);
    CHECK(buffer_cache_stats().bytes == 1024 * 512 * sizeof(double));
    const auto reused = buffer_cache_stats().reused;
    // Same element count, other shape: the buffer is taken and reshaped, values are new.
    const Tensor<double> x2 = Tensor<double>(random_array({512, 1024}, 9));
    const Tensor<double> z = mul_scalar(x2, 2.0);
    CHECK(z.value().data() == first);
    CHECK(z.shape() == Shape{512, 1024});
    CHECK(z.value() == Array<double>(2.0 * x2.value()));
    CHECK(buffer_cache_stats().reused == reused + 1);
    CHECK(buffer_cache_stats().buffers == 0);

    // Buffers below 4 MiB are left to malloc, which serves them again from its free lists.
    { const Tensor<double> small = relu(Tensor<double>(random_array({4, 400}, 10))); }
    CHECK(buffer_cache_stats().buffers == 0);
    { const Tensor<double> just_below = relu(Tensor<double>(random_array({1023, 512}, 10))); }
    CHECK(buffer_cache_stats().buffers == 0);

    // The limit: buffers beyond it are let go, oldest first; 0 turns the cache off.
    { const Tensor<double> a = relu(x), b = tanh(x), c = exp(x); }
    CHECK(buffer_cache_stats().buffers == 3);
    set_buffer_cache_limit(2 * 1024 * 512 * sizeof(double));
    CHECK(buffer_cache_stats().buffers == 2);
    set_buffer_cache_limit(0);
    CHECK(buffer_cache_stats().buffers == 0);
    { const Tensor<double> d = relu(x); }
    CHECK(buffer_cache_stats().buffers == 0);
    set_buffer_cache_limit(buffer_cache_default_limit);
    { const Tensor<double> d = relu(x); }
    CHECK(buffer_cache_stats().buffers == 1);
    clear_buffer_cache();
    CHECK(buffer_cache_stats().bytes == 0);
}

TEST_CASE("training with the buffer cache gives bitwise the same parameters as without") {
    auto train = [](std::size_t limit) {
        set_buffer_cache_limit(limit);
        Tensor<double> W1(random_array({64, 32}, 11, 0.2), true),
            b1(random_array({64, 1}, 12), true);
        Tensor<double> W2(random_array({1, 64}, 13, 0.2), true), b2(random_array({1, 1}, 14), true);
        // Z[1], A[1] and dZ[1] are 64 x 8192 doubles, 4 MiB: cacheable
        const Tensor<double> X(random_array({32, 8192}, 15));
        const Tensor<double> Y(random_labels(8192, 16));
        for (int step = 0; step < 20; ++step) {
            const Tensor<double> A1 = relu(linear(W1, X, b1));
            binary_cross_entropy_with_logits(linear(W2, A1, b2), Y).backward();
            for (Tensor<double>* p : {&W1, &b1, &W2, &b2}) {
                p->data() -= 0.1 * p->grad();
                p->zero_grad();
            }
        }
        return std::vector<Array<double>>{W1.value(), b1.value(), W2.value(), b2.value()};
    };
    const auto reused = buffer_cache_stats().reused;
    const auto with_cache = train(buffer_cache_default_limit);
    CHECK(buffer_cache_stats().reused >= reused + 3 * 19); // every step after the first
    const auto without = train(0);
    CHECK(with_cache == without);
    set_buffer_cache_limit(buffer_cache_default_limit);
}

TEST_CASE("two threads training two models give the same results as one after the other") {
    auto train = [](unsigned seed) {
        Tensor<double> W(random_array({3, 2}, seed, 0.5), true);
        Tensor<double> b(Array<double>::from_shape({3, 1}), true);
        b.data().fill(0);
        Tensor<double> v(random_array({3, 1}, seed + 1, 0.5), true);
        const Tensor<double> X(random_array({2, 50}, seed + 2));
        const Tensor<double> Y(random_labels(50, seed + 3));
        for (int step = 0; step < 300; ++step) {
            const Tensor<double> A = tanh(linear(W, X, b));
            binary_cross_entropy_with_logits(matmul(v, A, true, false), Y).backward();
            for (Tensor<double>* p : {&W, &b, &v}) {
                p->data() -= 0.5 * p->grad();
                p->zero_grad();
            }
        }
        return Array<double>(v.value());
    };
    const Array<double> first = train(100), second = train(200);
    Array<double> in_thread_a, in_thread_b;
    std::thread a([&] { in_thread_a = train(100); });
    std::thread b([&] { in_thread_b = train(200); });
    a.join();
    b.join();
    CHECK(in_thread_a == first);
    CHECK(in_thread_b == second);
    CHECK_FALSE(first == second);
}

TEST_CASE("step-through backward gives the same gradients as backward()") {
    auto build = [](Tensor<double>& W, Tensor<double>& b) {
        const Tensor<double> X(random_array({3, 4}, 21));
        const Tensor<double> Y(random_labels(4, 22));
        const Tensor<double> A = tanh(linear(W, X, b));
        return binary_cross_entropy_with_logits(sum(matmul(W, A), 0, true), Y); // W used twice
    };
    Tensor<double> W1(random_array({3, 3}, 23), true), b1(random_array({3, 1}, 24), true);
    Tensor<double> W2(W1.value(), true), b2(b1.value(), true);
    build(W1, b1).backward();

    BackwardWalk<double> walk({build(W2, b2)}, {}, {});
    BackwardStep<double> step;
    std::vector<std::string> ops;
    while (walk.step(&step)) {
        ops.push_back(op_info(step.node.op()).name);
        CHECK(step.inputs.size() == step.input_grads.size());
        CHECK(step.grad.shape() == step.node.shape());
    }
    CHECK(ops == std::vector<std::string>{"binary_cross_entropy_with_logits", "sum", "matmul",
                                          "tanh", "linear"});
    CHECK(W2.grad() == W1.grad());
    CHECK(b2.grad() == b1.grad());
}

TEST_CASE("bad input raises errors naming the op, the shapes and the labels") {
    const Tensor<double> a(Array<double>::from_shape({3, 4}), true, "A[1]");
    const Tensor<double> c(Array<double>::from_shape({2, 4}), false, "c");
    const Tensor<double> W(Array<double>::from_shape({4, 3}), true, "W[2]");

    std::string m = error_of([&] { add(a, c); });
    CHECK(contains(m, "add"));
    CHECK(contains(m, "A[1] (3, 4)"));
    CHECK(contains(m, "c (2, 4)"));
    CHECK(contains(m, "broadcast"));

    m = error_of([&] { matmul(W, W); });
    CHECK(contains(m, "matmul"));
    CHECK(contains(m, "inner dimensions"));
    CHECK(contains(m, "W[2] (4, 3)"));

    m = error_of([&] { linear(W, c, Tensor<double>(Array<double>::from_shape({4, 1}))); });
    CHECK(contains(m, "linear"));
    CHECK(contains(m, "W[2] (4, 3)"));
    CHECK(contains(m, "c (2, 4)"));
    m = error_of([&] {
        linear(W, a, Tensor<double>(Array<double>::from_shape({3, 1}), false, "b[2]"));
    });
    CHECK(contains(m, "b[2] (3, 1)"));
    CHECK(contains(m, "(4, 1)"));

    m = error_of([&] { sum(a, 2); });
    CHECK(contains(m, "sum"));
    CHECK(contains(m, "axis 2"));
    CHECK(contains(m, "A[1] (3, 4)"));
    CHECK(error_of([&] { softmax(a, -3); }).find("softmax") != std::string::npos);

    m = error_of([&] { (a * 2.0).backward(); });
    CHECK(contains(m, "not a scalar"));
    CHECK(contains(m, "(3, 4)"));

    m = error_of([&] { (a * 2.0).backward(Array<double>::from_shape({4, 3})); });
    CHECK(contains(m, "seed"));
    CHECK(contains(m, "(4, 3)"));
    CHECK(contains(m, "(3, 4)"));

    const Tensor<double> logits(Array<double>::from_shape({1, 5}), true, "Z[2]");
    const Tensor<double> labels(Array<double>::from_shape({5, 1}), false, "Y");
    m = error_of([&] { binary_cross_entropy_with_logits(logits, labels); });
    CHECK(contains(m, "Z[2] (1, 5)"));
    CHECK(contains(m, "Y (5, 1)"));

    m = error_of([&] { reshape(a, {5, 2}); });
    CHECK(contains(m, "reshape"));
    CHECK(contains(m, "12 elements"));

    m = error_of([&] { (c * 2.0).backward(); });
    CHECK(contains(m, "does not require grad"));

    {
        Scope layer("layer 2 (Dense 3 -> 4, relu)");
        m = error_of([&] { matmul(a, W, true, false); });
        CHECK(contains(m, "[in layer 2 (Dense 3 -> 4, relu)]"));
    }
}

TEST_CASE("backward refuses to run through a tensor changed in place after an op used it") {
    Tensor<double> W(random_array({2, 3}, 21), true, "W[1]");
    const Tensor<double> X(random_array({3, 5}, 22), false, "X");
    CHECK(W.version() == 0);
    (void)W.value();
    CHECK(W.version() == 0); // reading does not count
    {
        const Scope layer("layer 1 (Dense 3 -> 2, relu)");
        const Tensor<double> Z = matmul(W, X);
        const Tensor<double> J = sum(relu(Z));
        W.data()(0, 0) += 1.0; // an optimiser step before backward: the classic mistake
        CHECK(W.version() == 1);
        const std::string message = error_of([&] { J.backward(); });
        CHECK(message.find("W[1] (2, 3)") != std::string::npos);
        CHECK(message.find("changed in place") != std::string::npos);
        CHECK(message.find("after matmul") != std::string::npos);
        CHECK(message.find("layer 1 (Dense 3 -> 2, relu)") != std::string::npos);
        CHECK(message.find("version 1, recorded at 0") != std::string::npos);
        CHECK_FALSE(W.has_grad()); // nothing reached the leaf
    }
    // An op's output changed: the first op to meet it on the way back names it, here the
    // sum that used it; backward started from the changed tensor itself names its op.
    {
        const Tensor<double> A = relu(matmul(W, X));
        const Tensor<double> J = sum(A);
        Tensor<double>(A).data().fill(0.0);
        std::string message = error_of([&] { J.backward(); });
        CHECK(message.find("input 0 (2, 5)") != std::string::npos);
        CHECK(message.find("after sum") != std::string::npos);
        message = error_of([&] { A.backward(Array<double>(xt::ones<double>({2, 5}))); });
        CHECK(message.find("its output (2, 5)") != std::string::npos);
        CHECK(message.find("after relu") != std::string::npos);
    }
    // The usual order, a change after backward and a new forward, is fine.
    {
        sum(relu(matmul(W, X))).backward();
        const Array<double> first = W.grad();
        W.data() -= 0.1 * W.grad();
        W.zero_grad();
        sum(relu(matmul(W, X))).backward();
        CHECK(W.has_grad());
        CHECK(W.grad().shape() == first.shape());
    }
}

TEST_CASE("cross-entropy keeps sigmoid(Z) from its forward for its backward, then lets it go") {
    const Array<double> z = {{-1000.0, -2.5, 0.0, 0.7, 1000.0}};
    const Array<double> y = {{0.0, 1.0, 1.0, 0.0, 1.0}};
    const Tensor<double> Y(y);
    Tensor<double> Z(z, true);
    const Tensor<double> J = binary_cross_entropy_with_logits(Z, Y);
    REQUIRE(J.impl()->saved.defined());
    CHECK(J.impl()->saved.shape() == Z.shape());
    J.backward();
    CHECK_FALSE(J.impl()->saved.defined()); // freed with the node
    // The same gradient as the recorded rule, which computes sigmoid(Z) anew.
    Tensor<double> Z2(z, true);
    const Tensor<double> dZ =
        grad<double>({binary_cross_entropy_with_logits(Z2, Y)}, {Z2}, {}, false, true)[0];
    for (std::size_t i = 0; i < z.size(); ++i) {
        const double expected = (1.0 / (1.0 + std::exp(-z(0, i))) - y(0, i)) / 5.0;
        CHECK(Z.grad()(0, i) == doctest::Approx(expected).epsilon(1e-15));
        CHECK(Z.grad()(0, i) == doctest::Approx(dZ.value()(0, i)).epsilon(1e-15));
    }
    // Nothing is kept when no backward can follow.
    {
        NoGrad no_grad;
        CHECK_FALSE(binary_cross_entropy_with_logits(Z, Y).impl()->saved.defined());
    }
    CHECK_FALSE(binary_cross_entropy_with_logits(Tensor<double>(z), Y).impl()->saved.defined());
}

TEST_CASE("sigmoid and cross-entropy stay finite at logits of +-1000") {
    Tensor<double> Z(Array<double>{{1000.0, -1000.0, 1000.0, -1000.0}}, true);
    const Tensor<double> Y(Array<double>{{1.0, 0.0, 0.0, 1.0}});
    const Tensor<double> loss = binary_cross_entropy_with_logits(Z, Y);
    CHECK(std::isfinite(loss.item()));
    CHECK(loss.item() == doctest::Approx(500.0)); // two confident mistakes of 1000 each, mean of 4
    loss.backward();
    for (double g : Z.grad())
        CHECK(std::isfinite(g));
    CHECK(Z.grad()(0, 2) == doctest::Approx(0.25));
    const Tensor<double> s = sigmoid(Z);
    CHECK(s.value()(0, 0) == 1.0);
    CHECK(s.value()(0, 1) == 0.0);
}

TEST_CASE_TEMPLATE("float32 gradients agree with float64 to float precision", T, float, double) {
    const Array<double> W64 = random_array({4, 3}, 31), X64 = random_array({3, 6}, 32);
    const Array<double> b64 = random_array({4, 1}, 33), Y64 = random_labels(6, 34);
    const Array<double> v64 = random_array({4, 1}, 35);
    auto run = [&](auto zero) {
        using S = decltype(zero);
        Tensor<S> W(xt::cast<S>(W64), true), b(xt::cast<S>(b64), true), v(xt::cast<S>(v64), true);
        const Tensor<S> A = sigmoid(linear(W, Tensor<S>(xt::cast<S>(X64)), b));
        const Tensor<S> Z = matmul(v, leaky_relu(A), true, false);
        binary_cross_entropy_with_logits(Z, Tensor<S>(xt::cast<S>(Y64))).backward();
        return std::vector<Array<double>>{xt::cast<double>(W.grad()), xt::cast<double>(b.grad()),
                                          xt::cast<double>(v.grad())};
    };
    const auto reference = run(0.0);
    const auto tested = run(T(0));
    const double tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-15;
    for (std::size_t i = 0; i < reference.size(); ++i)
        CHECK(xt::amax(xt::abs(reference[i] - tested[i]))() <= tolerance);
}
