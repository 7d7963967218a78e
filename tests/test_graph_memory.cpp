// What a graph holds and what backward allocates. Nodes keep only what their rules read (the
// op table's keeps column): an op result's values go once no Tensor holds them and no recorded
// rule reads them, as PyTorch frees the Z under a relu; the graph keeps the node and its shape.
// And an activation's backward writes dX into the arriving G when the walk alone holds G.
#include "autograd/autograd.hpp"
#include "autograd/core/node.hpp"
#include "autograd/inspect/inspect.hpp"
#include "autograd/inspect/step_through.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace xgrad;

namespace {
bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

Array<double> ramp(const Shape& shape, double start, double step) {
    Array<double> a = Array<double>::from_shape(shape);
    double v = start;
    for (double& x : a) {
        x = v;
        v += step;
    }
    return a;
}

struct Layer {
    Tensor<double> W{ramp({4, 3}, -0.5, 0.09), true, "W1"};
    Tensor<double> b{ramp({4, 1}, 0.1, -0.05), true, "b1"};
    Tensor<double> X{ramp({3, 5}, -1.0, 0.13), false, "X"};
};
} // namespace

TEST_CASE("relu keeps its output, not its input: the Z under it goes when the forward drops it") {
    Layer l;
    const Tensor<double> A = relu(linear(l.W, l.X, l.b));
    const Tensor<double> Z = A.inputs()[0];
    CHECK(Z.op() == Op::linear);
    CHECK(Z.value_released());
    CHECK(Z.shape() == Shape{4, 5});
    CHECK(Z.size() == 20);
    CHECK_FALSE(A.value_released());
    try {
        (void)Z.value();
        FAIL("reading a released value did not throw");
    } catch (const GraphError& e) {
        const std::string message = e.what();
        CHECK(contains(message, "linear's result (4, 5)"));
        CHECK(contains(message, "released"));
        CHECK(contains(message, "keeps"));
    }
    CHECK_THROWS_AS(relu(Z), GraphError); // a released tensor cannot feed a new op
    CHECK_THROWS_AS(Z.detach(), GraphError);

    // The backward walk needs none of it: the gradients equal those of a Z kept alive.
    sum(A).backward();
    Layer kept;
    const Tensor<double> Z_kept = linear(kept.W, kept.X, kept.b);
    const Tensor<double> A_kept = relu(Z_kept);
    CHECK_FALSE(Z_kept.value_released());
    sum(A_kept).backward();
    CHECK(l.W.grad() == kept.W.grad());
    CHECK(l.b.grad() == kept.b.grad());
}

TEST_CASE("a value stays while any Tensor holds it, and goes with its last handle") {
    Layer l;
    Tensor<double> Z = linear(l.W, l.X, l.b);
    const Tensor<double> A = relu(Z);
    Tensor<double> copy = Z;
    Tensor<double> moved = std::move(copy);
    Z = Tensor<double>();
    CHECK_FALSE(moved.value_released());
    CHECK(moved.value().shape() == Shape{4, 5});
    Tensor<double> assigned;
    assigned = moved;
    moved = Tensor<double>();
    CHECK_FALSE(assigned.value_released());
    assigned = Tensor<double>();
    CHECK(A.inputs()[0].value_released());
}

TEST_CASE("what a rule reads is kept without a handle: mul's inputs, sigmoid's and exp's output") {
    Tensor<double> x(ramp({2, 3}, -1, 0.4), true, "x");
    Tensor<double> y(ramp({2, 3}, 0.5, 0.1), true, "y");

    const Tensor<double> P = mul(exp(x), add(y, y)); // mul reads both inputs
    CHECK_FALSE(P.inputs()[0].value_released());
    CHECK_FALSE(P.inputs()[1].value_released());

    const Tensor<double> L = sum(sigmoid(mul_scalar(x, 2.0)));
    const Tensor<double> S = L.inputs()[0];
    CHECK(S.op() == Op::sigmoid);
    CHECK_FALSE(S.value_released());       // sigmoid's rule reads its output A
    CHECK(S.inputs()[0].value_released()); // but not its input 2x
    CHECK_FALSE(x.value_released());       // leaves are never released
    CHECK_FALSE(exp(x).inputs()[0].value_released());

    L.backward();
    const Array<double> s = 1.0 / (1.0 + xt::exp(-2.0 * x.value()));
    CHECK(xt::allclose(x.grad(), 2.0 * s * (1.0 - s)));
}

TEST_CASE("without a graph nothing is released: results of ops that record nothing are leaves") {
    const Tensor<double> x(ramp({2, 2}, 0, 1));
    const Tensor<double> A = relu(mul_scalar(x, 3.0));
    CHECK(A.is_leaf());
    CHECK(A.inputs().empty());
    CHECK(A.value()(1, 1) == 9.0);
}

TEST_CASE("a released value's buffer goes to the buffer cache, for the next result of its size") {
    clear_buffer_cache();
    Tensor<double> W(ramp({128, 64}, -0.3, 1e-4), true);
    Tensor<double> b(ramp({128, 1}, 0, 0.01), true);
    Tensor<double> X(ramp({64, 4096}, -1, 7e-6)); // Z is 128 x 4096 doubles: 4 MiB, cached
    const BufferCacheStats before = buffer_cache_stats();
    const Tensor<double> A = relu(linear(W, X, b));
    const BufferCacheStats after = buffer_cache_stats();
    CHECK(A.inputs()[0].value_released());
    CHECK(after.buffers == before.buffers + 1);
    CHECK(after.bytes >= before.bytes + 128 * 4096 * sizeof(double));
    const Tensor<double> B = relu(linear(W, X, b)); // its Z takes that buffer
    CHECK(buffer_cache_stats().reused > after.reused);
}

TEST_CASE("the graph exports show released values and count only kept bytes") {
    Layer l;
    const Tensor<double> loss = mean(relu(linear(l.W, l.X, l.b)));
    const Graph graph = inspect(loss);
    const GraphTensor* z = nullptr;
    for (const GraphTensor& t : graph.tensors)
        if (t.op == Op::linear)
            z = &t;
    REQUIRE(z != nullptr);
    CHECK(z->value_released);
    // linear keeps W and A_prev (X), not b, and its own values are gone.
    CHECK(z->saved_bytes == (12 + 15) * sizeof(double));
    CHECK(contains(to_text(graph), "released"));
    CHECK(contains(to_dot(graph), "(values released)"));
    const std::string json = to_json(graph);
    CHECK(contains(json, "\"value_released\": true"));
}

TEST_CASE("a rule that reads an input its op-table row does not keep is stopped") {
    // add's row keeps nothing; a rule asking for its input would read a value that may be gone.
    Tensor<double> x(ramp({2, 2}, 0, 1), true);
    const Tensor<double> s = add(x, x);
    const Tensor<double> G = Tensor<double>::zeros({2, 2});
    const BackwardContext<double> context{G, s, *s.impl()};
    try {
        (void)context.input(0);
        FAIL("reading an input the row does not keep did not throw");
    } catch (const Error& e) {
        CHECK(contains(e.what(), "backward rule of add read input 0"));
        CHECK(contains(e.what(), "op_list.def"));
    }
    // mul's row keeps both inputs.
    const Tensor<double> p = mul(x, x);
    const BackwardContext<double> kept{G, p, *p.impl()};
    CHECK(kept.input(1).id() == x.id());
}

TEST_CASE("the op table's keeps column: relu keeps out, linear its W and A_prev, add nothing") {
    CHECK(op_info(Op::relu).keeps == keeps::out);
    CHECK(op_info(Op::linear).keeps == (keeps::in0 | keeps::in1));
    CHECK(op_info(Op::add).keeps == keeps::nothing);
    CHECK(op_info(Op::mul).keeps == (keeps::in0 | keeps::in1));
}

TEST_CASE("relu's backward writes dX into the arriving gradient when the walk alone holds it") {
    // Results of at least 4 MiB made during a backward (each one asks the buffer cache).
    const auto results_made_by = [](const BackwardOptions& options) {
        clear_buffer_cache();
        Tensor<double> X(ramp({1024, 512}, -1, 2.0 / 524288), true); // 4 MiB
        const Tensor<double> L = sum(relu(mul_scalar(X, 2.0)));
        const BufferCacheStats before = buffer_cache_stats();
        L.backward(options);
        const BufferCacheStats after = buffer_cache_stats();
        CHECK(X.grad() == xt::where(X.value() > 0.0, 2.0, 0.0));
        return after.reused + after.missed - before.reused - before.missed;
    };
    BackwardOptions keep;
    keep.retain_grads = true; // every G is kept in .grad, so no rule may write over one
    const auto plain = results_made_by(BackwardOptions{});
    CHECK(plain >= 1);
    CHECK(results_made_by(keep) == plain + 1); // relu's dX: a buffer of its own only then
}

TEST_CASE_TEMPLATE("the in-place backward of relu, sigmoid and tanh gives the op's own values", T,
                   float, double) {
    using F = Tensor<T> (*)(const Tensor<T>&);
    for (F activation : {F(relu<T>), F(sigmoid<T>), F(tanh<T>)}) {
        const Array<T> x = xt::cast<T>(ramp({7, 9}, -2, 0.07));
        Tensor<T> X(x, true), Y(x, true);
        const Tensor<T> C(Array<T>(xt::cast<T>(ramp({7, 9}, 0.5, -0.03))));
        // A plain backward (dX into G's buffer) against the same graph under create_graph,
        // whose rules make new tensors with the *_grad ops.
        sum(mul(activation(X), C)).backward();
        BackwardOptions recorded;
        recorded.create_graph = true;
        sum(mul(activation(Y), C)).backward(recorded);
        CHECK(X.grad() == Y.grad());
        Y.zero_grad(); // Y.grad's recorded graph holds Y: a cycle until the gradient goes
    }
}

TEST_CASE("retain_grad, grad() and step-through see G as it arrived, not dX written over it") {
    const Array<double> c = ramp({3, 4}, -0.6, 0.1);
    const auto network = [&](Tensor<double>& X) {
        return relu(mul_scalar(X, 1.0)); // A, whose G is C
    };
    Tensor<double> X(ramp({3, 4}, -1, 0.17), true);
    Tensor<double> A = network(X);
    A.retain_grad();
    sum(mul(A, Tensor<double>(c))).backward();
    CHECK(A.grad() == c); // unmasked, though relu's rule ran after it was taken
    CHECK(X.grad() == xt::where(A.value() > 0.0, c, 0.0));

    Tensor<double> X2(ramp({3, 4}, -1, 0.17), true);
    const Tensor<double> A2 = network(X2);
    const Tensor<double> L2 = sum(mul(A2, Tensor<double>(c)));
    const std::vector<Tensor<double>> wanted = grad({L2}, {A2, X2});
    CHECK(wanted[0].value() == c);
    CHECK(wanted[1].value() == X.grad());

    Tensor<double> X3(ramp({3, 4}, -1, 0.17), true);
    StepThrough<double> walk(sum(mul(network(X3), Tensor<double>(c))));
    bool saw_relu = false;
    while (walk.step())
        if (walk.last().op == Op::relu) {
            saw_relu = true;
            CHECK(walk.last().incoming.min == doctest::Approx(-0.6)); // G's negative entries
        }
    CHECK(saw_relu);
    CHECK(X3.grad() == X.grad());
}
