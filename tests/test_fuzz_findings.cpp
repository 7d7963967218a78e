// Inputs the fuzz targets (tests/fuzz) found crashing or misbehaving, one case each, so a
// finding stays fixed in every build, sanitized or not. Each names its fuzz target.
#include "autograd/autograd.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace xgrad;

TEST_CASE_TEMPLATE("fuzz_graph: softmax and log_softmax over an empty axis give an empty result", T,
                   float, double) {
    // Was: xtensor's max over the zero-extent axis read through a null pointer (UBSan).
    for (const Shape& shape : {Shape{0, 3}, Shape{3, 0}, Shape{0}}) {
        CAPTURE(to_string(shape));
        Tensor<T> x = Tensor<T>::zeros(shape, true);
        for (int axis : {0, -1}) {
            const Tensor<T> s = softmax(x, axis);
            const Tensor<T> l = log_softmax(x, axis);
            CHECK(s.shape() == shape);
            CHECK(l.shape() == shape);
            sum(s + l).backward();
            CHECK(x.grad().shape() == shape);
            x.zero_grad();
        }
    }
}

TEST_CASE_TEMPLATE("fuzz_graph: sum, mean and sum_to over an empty axis of a 3-d tensor", T, float,
                   double) {
    // Was: xtensor's immediate sum over the zero-extent axis read through a null pointer.
    Tensor<T> x = Tensor<T>::zeros({0, 3, 2}, true);
    const Tensor<T> s = sum(x, 0);
    CHECK(s.shape() == Shape{3, 2});
    CHECK(s.value() == xt::zeros<T>({3, 2}));
    CHECK(sum(x, 0, true).shape() == Shape{1, 3, 2});
    const Tensor<T> m = mean(x, 0); // 0/0: NaN, as numpy's mean of an empty axis
    CHECK(m.shape() == Shape{3, 2});
    CHECK(std::isnan(static_cast<double>(m.value()(0, 0))));
    const Tensor<T> t = sum_to(x, {1, 3, 1});
    CHECK(t.value() == xt::zeros<T>({1, 3, 1}));
    sum(s + t).backward();
    CHECK(x.grad().shape() == Shape{0, 3, 2});
}
