// Threads: each thread records on its own tape, and backward walks on several threads may
// accumulate into one shared parameter at once (docs/threads.md). CI runs this file under
// ThreadSanitizer too (.ci/run), so it links the engine only.
#include "autograd/autograd.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <exception>
#include <string>
#include <thread>
#include <vector>

using namespace xgrad;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The message of the GraphError `f` throws on a thread of its own ("" if none).
template <class F>
std::string error_on_a_thread(F f) {
    std::string message;
    std::thread t([&] {
        try {
            f();
        } catch (const GraphError& e) {
            message = e.what();
        }
    });
    t.join();
    return message;
}

} // namespace

TEST_CASE("two threads backward into one shared W and b: the exact sum, 1000 runs out of 1000") {
    // Each thread runs forward and backward `steps` times on its own X: Z = W X + b,
    // L = sum(Z), so dW = sum over steps of 1 X^T and db = steps * m. The X hold small
    // integers, so every sum is exact in any order and the check can be equality.
    constexpr int runs = 1000, steps = 5;
    const Array<double> X1{{1.0, 2.0, 0.0}, {-1.0, 3.0, 1.0}};
    const Array<double> X2{{2.0, -2.0, 4.0}, {0.0, 1.0, 5.0}};
    Array<double> expected_dW = Array<double>::from_shape({2, 2});
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 2; ++j) {
            double row_sum = 0;
            for (std::size_t k = 0; k < 3; ++k)
                row_sum += X1(j, k) + X2(j, k);
            expected_dW(i, j) = steps * row_sum;
        }
    int wrong = 0, failed = 0;
    std::string first_error;
    for (int run = 0; run < runs; ++run) {
        Tensor<double> W(Array<double>{{0.5, -0.5}, {0.25, 1.0}}, true, "W");
        Tensor<double> b(Array<double>(xt::zeros<double>({2, 1})), true, "b");
        std::atomic<int> errors{0};
        std::string error;
        const auto worker = [&](const Array<double>& X_values) {
            try {
                const Tensor<double> X(X_values, false, "X");
                for (int step = 0; step < steps; ++step)
                    sum(linear(W, X, b)).backward();
            } catch (const std::exception& e) {
                if (errors++ == 0)
                    error = e.what();
            }
        };
        std::thread first(worker, std::cref(X1)), second(worker, std::cref(X2));
        first.join();
        second.join();
        if (errors > 0) {
            ++failed;
            if (first_error.empty())
                first_error = error;
            continue;
        }
        if (!(W.grad() == expected_dW) || b.grad()(0, 0) != 2 * steps * 3 ||
            b.grad()(1, 0) != 2 * steps * 3)
            ++wrong;
    }
    CAPTURE(first_error);
    CHECK(failed == 0);
    CHECK(wrong == 0);
}

TEST_CASE("hooks on a shared parameter run once per backward on each thread") {
    Tensor<double> W(Array<double>{1.0, 2.0}, true, "W");
    std::atomic<int> tensor_hooks{0}, post_hooks{0};
    W.register_hook([&](const Array<double>&) { ++tensor_hooks; });
    W.register_post_accumulate_grad_hook([&](Tensor<double>&) { ++post_hooks; });
    const auto worker = [&] {
        for (int step = 0; step < 50; ++step)
            sum(W * 3.0).backward();
    };
    std::thread first(worker), second(worker);
    first.join();
    second.join();
    CHECK(tensor_hooks == 100);
    CHECK(post_hooks == 100);
    CHECK(W.grad()(0) == 300.0);
}

TEST_CASE("a graph that spans threads is refused, naming which tensor came from which thread") {
    Tensor<double> W(Array<double>{{1.0, 2.0}}, true, "W");
    const Tensor<double> Z = (W * 2.0).label("Z");
    const Tensor<double> L = sum(Z).label("L");
    const std::string here = std::to_string(detail::thread_number());

    // An op result of this thread used by an op of another thread.
    std::string there;
    const std::string input_message = error_on_a_thread([&] {
        there = std::to_string(detail::thread_number());
        sum(Z * 3.0).backward();
    });
    CHECK(contains(input_message, "(tape entry "));
    CHECK(contains(input_message, "thread " + there +
                                      ") has as its input 0 Z (1, 2), the result "
                                      "of mul_scalar (tape entry " +
                                      std::to_string(Z.sequence()) + ", thread " + here + ")"));
    CHECK(contains(input_message, "a graph may not span threads"));

    // An output of this thread, backward on another.
    const std::string output_message = error_on_a_thread([&] { L.backward(); });
    CHECK(contains(output_message, "L () was recorded on thread " + here + "'s tape"));
    CHECK(contains(output_message, "and backward runs on thread "));
    CHECK_FALSE(W.has_grad()); // a refused backward changes nothing

    // Leaves may be shared: W's gradient from another thread's graph arrives here.
    std::thread other([&] { sum(W * 5.0).backward(); });
    other.join();
    CHECK(W.grad()(0, 1) == 5.0);
    L.backward(); // and this thread's graph still works
    CHECK(W.grad()(0, 1) == 7.0);
}
