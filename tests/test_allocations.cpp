// How many heap allocations the engine makes for a small step (issue 13: tiny's step was 1.46x
// the floor's, which makes none). This executable replaces operator new to count them. The
// bounds are ratchets: a change that adds allocations to these paths fails here and must say
// why, or lower the bound when it removes some. The counts are libstdc++'s and xtensor's without
// xsimd (whose allocator would take the arrays' data off this count).

#include "autograd/autograd.hpp"

#include <atomic>
#include <cstdlib>
#include <doctest/doctest.h>
#include <new>

// ThreadSanitizer's runtime defines operator new itself, and the linker refuses a second one:
// there the replacement is left out and the tests below are skipped.
#if defined(__SANITIZE_THREAD__)
#define XGRAD_NO_COUNTING_NEW 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define XGRAD_NO_COUNTING_NEW 1
#endif
#endif

namespace {
std::atomic<long> g_allocations{0};
#ifdef XGRAD_NO_COUNTING_NEW
constexpr bool counting = false;
#else
constexpr bool counting = true;
#endif
} // namespace

#ifndef XGRAD_NO_COUNTING_NEW
namespace {
[[gnu::noinline]] void* counted_malloc(std::size_t size) noexcept {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}
} // namespace

// The whole family but the aligned forms, so that every new and delete this program pairs is
// ours (under AddressSanitizer the forms left out would be the runtime's, and std::stable_sort's
// nothrow buffer would then be freed by the wrong delete). Not inlined: GCC would otherwise see
// malloc's memory reach a delete and warn (-Wmismatched-new-delete).
[[gnu::noinline]] void* operator new(std::size_t size) {
    if (void* p = counted_malloc(size))
        return p;
    throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new[](std::size_t size) {
    return ::operator new(size);
}
[[gnu::noinline]] void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    return counted_malloc(size);
}
[[gnu::noinline]] void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    return counted_malloc(size);
}
[[gnu::noinline]] void operator delete(void* p) noexcept {
    std::free(p);
}
[[gnu::noinline]] void operator delete[](void* p) noexcept {
    std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
[[gnu::noinline]] void operator delete[](void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}

#endif

using namespace xgrad;

namespace {

// The allocations f() makes.
template <class F>
long allocations_of(F&& f) {
    const long before = g_allocations.load();
    f();
    return g_allocations.load() - before;
}

Array<double> ramp(std::size_t rows, std::size_t columns, double scale) {
    Array<double> a = Array<double>::from_shape({rows, columns});
    for (std::size_t i = 0; i < a.size(); ++i)
        a.data()[i] = scale * (double(i % 17) - 8.0);
    return a;
}

} // namespace

TEST_CASE("the counter sees the engine's allocations" * doctest::skip(!counting)) {
    // That the replacement counts at all: an op's result is its node and its data.
    const Tensor<double> x(ramp(4, 400, 0.1));
    CHECK(allocations_of([&] { Tensor<double> y = relu(x); }) == 2);
}

TEST_CASE("a sum over one axis allocates its result only" * doctest::skip(!counting)) {
    // db = sum(dZ, axis=1, keepdims): its node and its (n, 1) data. The axes it reduces are kept
    // in a Shape's small buffer: with std::vector they made two more.
    const Tensor<double> dZ(ramp(4, 400, 0.1));
    CHECK(allocations_of([&] { Tensor<double> db = sum(dZ, 1, true); }) == 2);
    CHECK(allocations_of([&] { Tensor<double> db = sum(dZ, std::vector<int>{1}, true); }) <= 3);
}

TEST_CASE("releasing an op result's value allocates nothing" * doctest::skip(!counting)) {
    // relu keeps its output, not Z under it: Z's values go with its last handle. The array
    // left in their place is empty; xtensor's default one would allocate its 0-d element.
    const Tensor<double> W(ramp(4, 2, 0.05), true), b(ramp(4, 1, 0.01), true);
    const Tensor<double> X(ramp(2, 400, 0.1));
    Tensor<double> Z = linear(W, X, b);
    const Tensor<double> A = relu(Z);
    CHECK(allocations_of([&] { Z = Tensor<double>(); }) == 0);
    const Tensor<double> released = A.inputs().at(0);
    CHECK(released.value_released());
    CHECK(released.shape() == Shape{4, 400});
    CHECK(released.size() == 1600);
}

TEST_CASE("tiny's backward walk stays within its allocations" * doctest::skip(!counting)) {
    // The benchmark's tiny network, [2, 4, 1] on 400 examples: linear, relu, linear, binary
    // cross-entropy with logits. Its backward made 26 allocations before the walk reserved
    // its lists (they grew from one element) and the sums kept their axes in a Shape. What is
    // left, 18: the gradients' nodes and data (dW, dA and db of the layers, dZ[2]; relu's dZ[1]
    // reuses G), the seed's, and the walk's lists.
    Tensor<double> W1(ramp(4, 2, 0.05), true), b1(ramp(4, 1, 0.01), true);
    Tensor<double> W2(ramp(1, 4, 0.05), true), b2(ramp(1, 1, 0.01), true);
    const Tensor<double> X(ramp(2, 400, 0.1));
    Array<double> y = ramp(1, 400, 1.0);
    for (double& v : y)
        v = v > 0 ? 1.0 : 0.0;
    const Tensor<double> Y(y);
    for (int step = 0; step < 3; ++step) { // the first step also sizes the tape
        const Tensor<double> J =
            binary_cross_entropy_with_logits(linear(W2, relu(linear(W1, X, b1)), b2), Y);
        const long backward = allocations_of([&] { J.backward(); });
        CAPTURE(step);
        CAPTURE(backward);
        CHECK(backward <= 18);
        CHECK(backward > 0);
        for (Tensor<double>* p : {&W1, &b1, &W2, &b2}) {
            CHECK(p->grad().size() == p->size());
            p->zero_grad();
        }
    }
}
