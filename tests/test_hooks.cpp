// Hooks: tensor hooks (register_hook) see and may replace the gradient arriving at a
// tensor; post-accumulate hooks run once a leaf's .grad is complete for a backward.
#include "autograd/autograd.hpp"
#include "autograd/inspect/inspect.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace xgrad;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

Tensor<double> leaf(Array<double> value, const std::string& label) {
    return Tensor<double>(std::move(value), true, label);
}

} // namespace

TEST_CASE("a tensor hook on an op result replaces the gradient its op's rule sees") {
    Tensor<double> x = leaf(Array<double>{1.0, 2.0}, "x");
    Tensor<double> y = (x * 2.0).label("y");
    std::vector<double> seen;
    y.register_hook([&](const Tensor<double>& g) {
        seen.push_back(g.value()(0));
        return g * 10.0; // a replacement, written with the engine's ops
    });
    sum(y * 3.0).backward();
    CHECK(seen == std::vector<double>{3.0}); // dL/dy = 3
    CHECK(x.grad()(0) == 60.0);              // 3 * 10, then y = 2x: * 2
    CHECK(x.grad()(1) == 60.0);
}

TEST_CASE("hooks run in registration order, each on the previous one's replacement") {
    Tensor<double> x = leaf(Array<double>{1.0}, "x");
    Tensor<double> y = x * 1.0;
    std::vector<std::string> order;
    y.register_hook([&](const Tensor<double>& g) -> std::optional<Tensor<double>> {
        order.push_back("first saw " + std::to_string(int(g.item())));
        return g + 1.0;
    });
    y.register_hook([&](const Array<double>& g) { // looks only
        order.push_back("second saw " + std::to_string(int(g(0))));
    });
    y.register_hook([&](const Array<double>& g) -> std::optional<Array<double>> {
        order.push_back("third saw " + std::to_string(int(g(0))));
        return Array<double>(g * 5.0);
    });
    y.register_hook([&](const Tensor<double>&) -> std::optional<Tensor<double>> {
        order.push_back("fourth keeps it");
        return std::nullopt;
    });
    CHECK(y.hook_count() == 4);
    sum(y).backward();
    CHECK(order == std::vector<std::string>{"first saw 1", "second saw 2", "third saw 2",
                                            "fourth keeps it"});
    CHECK(x.grad()(0) == 10.0); // (1 + 1) * 5
}

TEST_CASE("a leaf's hook sees its whole gradient from the walk once, before .grad adds it") {
    Tensor<double> W = leaf(Array<double>{{1.0, 2.0}}, "W");
    std::vector<Array<double>> seen;
    W.register_hook([&](const Array<double>& g) {
        seen.push_back(g);
        return Array<double>(g * 2.0);
    });
    // W is used three times: the hook sees the sum 1 + 3 + 2W, once.
    const auto loss = [&] { return sum(W) + sum(W * 3.0) + sum(W * W); };
    loss().backward();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0](0) == 6.0);
    CHECK(seen[0](1) == 8.0);
    CHECK(W.grad()(0) == 12.0);
    loss().backward(); // .grad accumulates the replaced gradients
    CHECK(seen.size() == 2);
    CHECK(W.grad()(0) == 24.0);
    CHECK(W.grad()(1) == 32.0);
}

TEST_CASE("remove() takes a hook off; again, or after the tensor is gone, it does nothing") {
    Tensor<double> x = leaf(Array<double>{1.0}, "x");
    int calls = 0;
    HookHandle handle = x.register_hook([&](const Array<double>&) { ++calls; });
    sum(x * 2.0).backward();
    CHECK(calls == 1);
    handle.remove();
    CHECK(x.hook_count() == 0);
    sum(x * 2.0).backward();
    CHECK(calls == 1);
    handle.remove();

    HookHandle orphan;
    {
        Tensor<double> gone = leaf(Array<double>{1.0}, "gone");
        orphan = gone.register_hook([](const Array<double>&) {});
    }
    orphan.remove();
    HookHandle().remove();
}

TEST_CASE("a hook may remove itself while it runs, and a later hook it removes is not called") {
    Tensor<double> x = leaf(Array<double>{1.0}, "x");
    Tensor<double> y = x * 1.0;
    HookHandle first, second;
    std::vector<int> calls;
    first = y.register_hook([&](const Array<double>&) {
        calls.push_back(1);
        first.remove();
        second.remove();
    });
    second = y.register_hook([&](const Array<double>&) { calls.push_back(2); });
    BackwardOptions keep;
    keep.retain_graph = true;
    sum(y).backward(keep);
    sum(y).backward(keep);
    CHECK(calls == std::vector<int>{1});
    CHECK(x.grad()(0) == 2.0);
}

TEST_CASE("hooks stay through retain_graph: a second backward runs them again") {
    Tensor<double> x = leaf(Array<double>{2.0}, "x");
    Tensor<double> y = x * x;
    int on_y = 0, on_x = 0, post = 0;
    y.register_hook([&](const Array<double>&) { ++on_y; });
    x.register_hook([&](const Array<double>&) { ++on_x; });
    x.register_post_accumulate_grad_hook([&](Tensor<double>&) { ++post; });
    const Tensor<double> L = sum(y);
    BackwardOptions keep;
    keep.retain_graph = true;
    L.backward(keep);
    L.backward(keep);
    CHECK(on_y == 2);
    CHECK(on_x == 2);
    CHECK(post == 2);
    CHECK(x.grad()(0) == 8.0);
}

TEST_CASE("a post-accumulate hook sees the leaf's complete .grad and may change it in place") {
    Tensor<double> W = leaf(Array<double>{{1.0, 2.0}}, "W");
    std::vector<double> seen;
    W.register_post_accumulate_grad_hook([&](Tensor<double>& w) {
        seen.push_back(w.grad()(1));
        w.mutable_grad() /= 2.0; // an average over two workers, say
    });
    (sum(W * 3.0) + sum(W * W)).backward();
    CHECK(seen == std::vector<double>{7.0}); // 3 + 2 * 2
    CHECK(W.grad()(1) == 3.5);
    CHECK(W.grad()(0) == 2.5);
    // The second backward's hook sees .grad with both backwards in it.
    (sum(W * 3.0) + sum(W * W)).backward();
    CHECK(seen.back() == 3.5 + 7.0);
    CHECK(W.grad()(1) == (3.5 + 7.0) / 2);
}

TEST_CASE("mutable_grad() in a hook changes no other leaf's gradient that shared its storage") {
    // add's rule hands the same G to both inputs: a and b may hold one gradient tensor.
    Tensor<double> a = leaf(Array<double>{1.0}, "a"), b = leaf(Array<double>{1.0}, "b");
    a.register_post_accumulate_grad_hook([](Tensor<double>& t) { t.mutable_grad() *= 100.0; });
    sum(a + b).backward();
    CHECK(a.grad()(0) == 100.0);
    CHECK(b.grad()(0) == 1.0);
}

TEST_CASE("post-accumulate hooks run as each leaf completes: the last layer's first") {
    // Z1 = W1 X, A1 = tanh(Z1), Z2 = W2 A1: W2's gradient is complete before the walk
    // reaches W1's matmul, so its hook runs while W1 has no gradient yet.
    Tensor<double> W1 = leaf(Array<double>{{0.5, -0.3}, {0.2, 0.8}}, "W1");
    Tensor<double> W2 = leaf(Array<double>{{1.0, -1.0}}, "W2");
    const Tensor<double> X(Array<double>{{1.0, 2.0}, {-1.0, 0.5}});
    std::vector<std::string> order;
    bool w1_had_grad = true;
    W1.register_post_accumulate_grad_hook([&](Tensor<double>&) { order.push_back("W1"); });
    W2.register_post_accumulate_grad_hook([&](Tensor<double>&) {
        order.push_back("W2");
        w1_had_grad = W1.has_grad();
    });
    const Tensor<double> Z2 = matmul(W2, tanh(matmul(W1, X)));
    sum(Z2 * Z2).backward();
    CHECK(order == std::vector<std::string>{"W2", "W1"});
    CHECK_FALSE(w1_had_grad);
    // The gradients are those of a walk without hooks.
    Tensor<double> V1 = leaf(W1.value(), "V1"), V2 = leaf(W2.value(), "V2");
    const Tensor<double> Y2 = matmul(V2, tanh(matmul(V1, X)));
    sum(Y2 * Y2).backward();
    CHECK(W1.grad() == V1.grad());
    CHECK(W2.grad() == V2.grad());
}

TEST_CASE("grad() runs tensor hooks but no post-accumulate hook, and leaves .grad alone") {
    Tensor<double> x = leaf(Array<double>{3.0}, "x");
    int post = 0;
    x.register_hook([](const Tensor<double>& g) { return g * 2.0; });
    x.register_post_accumulate_grad_hook([&](Tensor<double>&) { ++post; });
    const auto dx = grad<double>({sum(x * x)}, {x});
    CHECK(dx[0].item() == 12.0); // 2x, doubled by the hook
    CHECK(post == 0);
    CHECK_FALSE(x.has_grad());
}

TEST_CASE("a hook written with engine ops is differentiated under create_graph") {
    const double v = 1.5;
    Tensor<double> x = leaf(Array<double>{v}, "x");
    Tensor<double> y = x * x;
    HookHandle h = y.register_hook([&](const Tensor<double>& g) { return g * y; }); // G -> G y
    const auto dx = grad<double>({sum(y)}, {x}, {}, true, true); // D = 2 x y = 2x^3
    CHECK(dx[0].item() == doctest::Approx(2 * v * v * v));
    // The second backward passes through y too, so the hook runs again: D reaches y as
    // 2x, becomes 2x y, and y = x^2 sends 4 x^4 to x, beside D's own 2y = 2x^2.
    const auto ddx = grad<double>({sum(dx[0])}, {x}, {}, true);
    CHECK(ddx[0].item() == doctest::Approx(2 * v * v + 4 * v * v * v * v));
    h.remove(); // without it: 2y + 2x * 2x = 6x^2
    CHECK(grad<double>({sum(dx[0])}, {x})[0].item() == doctest::Approx(6 * v * v));
}

TEST_CASE("an exception in a hook propagates with a message naming the tensor") {
    Tensor<double> x = leaf(Array<double>{1.0, 2.0}, "x");
    Tensor<double> y = (x * 2.0).label("Z[1]");
    y.register_hook([](const Array<double>&) { throw std::runtime_error("boom"); });
    std::string message, original;
    try {
        sum(y).backward();
    } catch (const Error& e) {
        message = e.what();
        try {
            std::rethrow_if_nested(e);
        } catch (const std::runtime_error& inner) {
            original = inner.what();
        }
    }
    CHECK(original == "boom"); // the hook's own exception, nested
    CHECK(contains(message, "hook 1 of 1 on Z[1] (2), the result of mul_scalar"));
    CHECK(contains(message, "threw: boom"));
    CHECK_FALSE(x.has_grad());

    Tensor<double> W = leaf(Array<double>{1.0}, "W[2]");
    W.register_post_accumulate_grad_hook([](Tensor<double>&) { throw std::logic_error("bad"); });
    std::string post_message;
    try {
        sum(W * 2.0).backward();
    } catch (const Error& e) {
        post_message = e.what();
    }
    CHECK(contains(post_message, "post-accumulate hook 1 of 1 on W[2] (1), a leaf threw: bad"));
}

TEST_CASE("a hook's replacement of another shape is refused, naming the tensor and both shapes") {
    Tensor<double> x = leaf(Array<double>{1.0, 2.0}, "x");
    x.register_hook([](const Array<double>&) { return Array<double>{1.0, 2.0, 3.0}; });
    std::string message;
    try {
        sum(x).backward();
    } catch (const ShapeError& e) {
        message = e.what();
    }
    CHECK(contains(message, "hook 1 of 1 on x (2), a leaf returned a gradient (3) for the "
                            "gradient (2)"));
    CHECK_FALSE(x.has_grad());
}

TEST_CASE("a post-accumulate hook is refused on an op result and on a leaf without grad") {
    Tensor<double> x = leaf(Array<double>{1.0}, "x");
    const Tensor<double> c(Array<double>{1.0}, false, "c");
    Tensor<double> y = x * 2.0;
    Tensor<double> c_copy = c;
    const auto refuse = [](auto&& f) {
        try {
            f();
        } catch (const GraphError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(contains(refuse([&] { y.register_post_accumulate_grad_hook([](Tensor<double>&) {}); }),
                   "is the result of mul_scalar, not a leaf"));
    CHECK(
        contains(refuse([&] { c_copy.register_post_accumulate_grad_hook([](Tensor<double>&) {}); }),
                 "c (1) does not require grad"));
}

TEST_CASE("the text dump shows how many hooks each tensor has") {
    Tensor<double> W = leaf(Array<double>{{1.0, 2.0}}, "W");
    Tensor<double> Z = (W * 2.0).label("Z");
    W.register_hook([](const Array<double>&) {});
    W.register_hook([](const Array<double>&) {});
    W.register_post_accumulate_grad_hook([](Tensor<double>&) {});
    HookHandle on_z = Z.register_hook([](const Array<double>&) {});
    const Tensor<double> L = sum(Z);
    std::string text = to_text(inspect(L));
    CHECK(contains(text, "leaf (parameter), hooks: 2, post-accumulate hooks: 1"));
    CHECK(contains(text, "* 2, hooks: 1"));
    const std::string json = to_json(inspect(L));
    CHECK((contains(json, "\"hooks\": 2") || contains(json, "\"hooks\":2")));
    CHECK((contains(json, "\"post_accumulate_hooks\": 1") ||
           contains(json, "\"post_accumulate_hooks\":1")));
    on_z.remove();
    text = to_text(inspect(L));
    CHECK_FALSE(contains(text, "* 2, hooks"));
}
