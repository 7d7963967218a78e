// The checks of a learner's arrays (nn/data_checks.hpp): each names the array, the file, the
// first bad entry at numpy's index, and what was meant.
#include "nn/data_checks.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace xgrad;
using namespace xgrad::nn;

TEST_CASE("index_string is numpy's row-major index") {
    CHECK(index_string(Shape{3, 4}, 0) == "[0, 0]");
    CHECK(index_string(Shape{3, 4}, 7) == "[1, 3]");
    CHECK(index_string(Shape{2, 3, 4}, 23) == "[1, 2, 3]");
    CHECK(index_string(Shape{5}, 4) == "[4]");
    CHECK(index_string(Shape{}, 0) == "[]");
}

TEST_CASE_TEMPLATE("check_finite names the first NaN or Inf and counts them", T, float, double) {
    Array<T> X = xt::zeros<T>({3, 4});
    CHECK_NOTHROW(check_finite(X, "X"));
    X(2, 1) = std::numeric_limits<T>::infinity();
    X(1, 3) = std::numeric_limits<T>::quiet_NaN();
    try {
        check_finite(X, "X", "data/X.npy");
        FAIL("no DataError");
    } catch (const DataError& e) {
        CHECK(std::string(e.what()) ==
              "data/X.npy: X[1, 3] is nan: X must be finite (NaN or Inf: 2 of 12 entries)");
        CHECK(e.file() == "data/X.npy");
        CHECK(e.name() == "X");
    }
    CHECK_THROWS_WITH_AS(check_finite(X, "X"),
                         "X[1, 3] is nan: X must be finite (NaN or Inf: 2 of 12 entries)",
                         DataError);
}

TEST_CASE_TEMPLATE("check_binary_labels accepts 0 and 1 only", T, float, double) {
    Array<T> Y = {{1, 0, 1, 1}};
    CHECK_NOTHROW(check_binary_labels(Y, "Y"));
    Y(0, 2) = T(0.5);
    Y(0, 3) = T(2);
    CHECK_THROWS_WITH_AS(check_binary_labels(Y, "Y", "Y.npy"),
                         "Y.npy: Y[0, 2] is 0.5: the labels of a sigmoid output are 0 or 1 "
                         "(neither: 2 of 4 entries)",
                         DataError);
}

TEST_CASE("check_shape: the shape meant, and the course's advice for rank-1 arrays") {
    const Array<double> b = xt::zeros<double>({4});
    CHECK_THROWS_WITH_AS(check_shape(b, Shape{4, 1}, "b1", "params/b1.npy"),
                         doctest::Contains("params/b1.npy: b1 has shape (4,), a rank-1 array, "
                                           "where the course's b1 is (4, 1)"),
                         DataError);
    CHECK_THROWS_WITH_AS(check_shape(b, Shape{4, 1}, "b1"), doctest::Contains("b1.reshape(4, 1)"),
                         DataError);
    CHECK_THROWS_WITH_AS(check_shape(b, Shape{1, 4}, "Y"),
                         doctest::Contains("where the course's Y is (1, 4)"), DataError);
    CHECK_THROWS_WITH_AS(check_shape(b, Shape{4, 1}, "db1"), doctest::Contains("keepdims=True"),
                         DataError);
    const Array<double> W = xt::zeros<double>({3, 4});
    CHECK_NOTHROW(check_shape(W, Shape{3, 4}, "W1"));
    CHECK_THROWS_WITH_AS(check_shape(W, Shape{4, 3}, "W1"),
                         "W1 has shape (3, 4) but (4, 3) is meant", DataError);
    CHECK_NOTHROW(check_not_rank1(W, "(n_1, n_0)", false, "W1"));
    CHECK_THROWS_WITH_AS(check_not_rank1(b, "(n_x, m)", false, "X", "X.npy"),
                         doctest::Contains("X.npy: X has shape (4,), a rank-1 array, where the "
                                           "course's X is (n_x, m)"),
                         DataError);
}

TEST_CASE("check_gradient_shape lets a transposed dW through, hints at db's axis") {
    const Array<double> dW = xt::zeros<double>({4, 3});
    CHECK_NOTHROW(check_gradient_shape(dW, Shape{4, 3}, "dW2"));
    CHECK_NOTHROW(check_gradient_shape(dW, Shape{3, 4}, "dW2")); // the comparison names it
    CHECK_THROWS_WITH_AS(check_gradient_shape(dW, Shape{4, 2}, "dW2", "mine/dW2.npy"),
                         "mine/dW2.npy: dW2 has shape (4, 3) but (4, 2) is meant", DataError);
    const Array<double> db = xt::zeros<double>({1, 8}); // np.sum(dZ, axis=0, keepdims=True)
    CHECK_THROWS_WITH_AS(check_gradient_shape(db, Shape{5, 1}, "db1"),
                         doctest::Contains("sums over the examples (axis 1)"), DataError);
    CHECK_THROWS_WITH_AS(
        check_gradient_shape(Array<double>(xt::zeros<double>({5})), Shape{5, 1}, "db1"),
        doctest::Contains("a rank-1 array"), DataError);
}

TEST_CASE_TEMPLATE("check_class_labels: one-hot columns, or class probabilities", T, float,
                   double) {
    // Three classes, four examples: classes 0, 2, 1, 2.
    Array<T> Y = {{1, 0, 0, 0}, {0, 0, 1, 0}, {0, 1, 0, 1}};
    CHECK_NOTHROW(check_class_labels(Y, 3, "Y"));
    Array<T> soft = {{T(0.9), 0, 0, T(0.05)}, {T(0.05), 0, 1, T(0.05)}, {T(0.05), 1, 0, T(0.9)}};
    CHECK_NOTHROW(check_class_labels(soft, 3, "Y")); // label smoothing is a distribution too
    // A softmax of one unit: no labels fit; the network is what is wrong, and that is said.
    CHECK_THROWS_WITH_AS(check_class_labels(Array<T>{{1, 1}}, 1, "Y", "Y.npy"),
                         doctest::Contains("Y.npy: the network's softmax output has one unit"),
                         DataError);
    Array<T> zeros = Y;
    zeros(2, 3) = 0; // example 3's class had no row: a column of zeros
    CHECK_THROWS_WITH_AS(check_class_labels(zeros, 3, "Y", "Y.npy"),
                         "Y.npy: Y[:, 3] sums to 0: each column of a softmax's labels is "
                         "one-hot, one 1 among 3 classes (a column of zeros: a class outside "
                         "0..2?)",
                         DataError);
    Array<T> two = Y;
    two(0, 1) = 1;
    CHECK_THROWS_WITH_AS(check_class_labels(two, 3, "Y"), doctest::Contains("Y[:, 1] sums to 2"),
                         DataError);
    Array<T> big = Y;
    big(1, 2) = 3;
    CHECK_THROWS_WITH_AS(check_class_labels(big, 3, "Y"),
                         doctest::Contains("Y[1, 2] is 3: the labels of a softmax output are "
                                           "one-hot columns"),
                         DataError);
    Array<T> nan = Y;
    nan(2, 1) = std::numeric_limits<T>::quiet_NaN();
    CHECK_THROWS_WITH_AS(check_class_labels(nan, 3, "Y"), doctest::Contains("Y[2, 1] is nan"),
                         DataError);
    // Class indices (1, m) where a softmax takes one-hot (k, m): the first index out of range,
    // else what to do with them.
    Array<T> indices = {{0, 2, 1, 2}};
    CHECK_THROWS_WITH_AS(check_class_labels(indices, 3, "Y"),
                         doctest::Contains("Y has shape (1, 4), class indices, but a softmax over "
                                           "3 classes takes one-hot labels (3, m)"),
                         DataError);
    indices(0, 2) = 3;
    CHECK_THROWS_WITH_AS(check_class_labels(indices, 3, "Y"),
                         doctest::Contains("Y[0, 2] is 3: class indices of a softmax over 3 "
                                           "classes are 0..2"),
                         DataError);
}

TEST_CASE_TEMPLATE("check_examples: the same m, X finite, labels fit for the loss", T, float,
                   double) {
    Array<T> X = xt::ones<T>({2, 4});
    Array<T> Y = {{1, 0, 1, 0}};
    CHECK_NOTHROW(check_examples(X, Y, Loss::binary_cross_entropy, 1, "fit"));
    CHECK_THROWS_WITH_AS(
        check_examples(X, Array<T>(xt::zeros<T>({1, 3})), Loss::binary_cross_entropy, 1, "fit"),
        "fit: X (2, 4) and Y (1, 3) must be matrices with one column per "
        "example (same m)",
        ShapeError);
    Array<T> bad_X = X;
    bad_X(1, 2) = std::numeric_limits<T>::infinity();
    CHECK_THROWS_WITH_AS(check_examples(bad_X, Y, Loss::binary_cross_entropy, 1, "fit", "X_train",
                                        "Y_train", "images.gz", "labels.gz"),
                         "images.gz: X_train[1, 2] is inf: X_train must be finite (NaN or Inf: 1 "
                         "of 8 entries)",
                         DataError);
    Array<T> bad_Y = Y;
    bad_Y(0, 3) = 2;
    try {
        check_examples(X, bad_Y, Loss::binary_cross_entropy, 1, "fit", "X_train", "Y_train",
                       "images.gz", "labels.gz");
        FAIL("no DataError");
    } catch (const DataError& e) {
        CHECK(e.file() == "labels.gz");
        CHECK(e.name() == "Y_train");
        CHECK(std::string(e.what()).find("Y_train[0, 3] is 2") != std::string::npos);
    }
    bad_Y(0, 3) = std::numeric_limits<T>::quiet_NaN(); // NaN is neither 0 nor 1
    CHECK_THROWS_WITH_AS(check_examples(X, bad_Y, Loss::binary_cross_entropy, 1, "fit"),
                         doctest::Contains("Y[0, 3] is nan"), DataError);
    const Array<T> one_hot_Y = {{1, 0, 0, 1}, {0, 1, 1, 0}};
    CHECK_NOTHROW(check_examples(X, one_hot_Y, Loss::categorical_cross_entropy, 2, "fit"));
    CHECK_THROWS_WITH_AS(check_examples(X, Y, Loss::categorical_cross_entropy, 2, "fit"),
                         doctest::Contains("class indices"), DataError);
}
