#pragma once
// The course's data sets, in the course's layout: one column per example.
//
//  - planar_dataset: week 3's "flower" (load_planar_dataset), generated in code.
//  - Fashion-MNIST (Zalando; the same IDX format as MNIST), read from the Debian package
//    dataset-fashion-mnist. X is (784, m) with pixels scaled to [0, 1].
//      * 10 classes: Y one-hot (10, m), labels the class ids 0..9.
//      * binary: class 0 "T-shirt/top" (y = 0) against class 3 "Dress" (y = 1). Chosen because
//        it is learnable but not trivial: both are light, short-sleeved upper-body shapes, and
//        logistic regression reaches about 93-94% on the test split where a small hidden layer
//        does better, so the week 2 -> week 4 progression shows. (Sneaker vs Ankle boot is
//        ~96% for logistic regression already; T-shirt vs Shirt is ~77%, too hard for week 2.)

#include "autograd/xtensor.hpp"
#include "io/file_error.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace xgrad::io {

/// Examples as columns: X (n_x, m), Y (n_y, m), labels (m,) the integer class of each column.
template <class T>
struct Dataset {
    Array<T> X;
    Array<T> Y;
    Array<int> labels;
};

/// Week 3's flower: m points in 2-D, m/2 per class, 4 petals; X (2, m), Y (1, m) in {0, 1}.
/// Deterministic for a seed on every platform (mt19937 with our own normal sampler); the
/// numbers are not numpy's (its seed-1 stream differs), the distribution is the same.
/// Throws std::invalid_argument if m is odd or zero.
template <class T>
Dataset<T> planar_dataset(std::size_t m = 400, std::uint32_t seed = 1);

/// Splits the columns at random (seeded): the first of the pair has round(m * (1 -
/// test_fraction)) examples, the second the rest. Throws std::invalid_argument unless
/// 0 <= test_fraction <= 1.
template <class T>
std::pair<Dataset<T>, Dataset<T>> train_test_split(const Dataset<T>& data, double test_fraction,
                                                   std::uint32_t seed = 1);

/// Which half of Fashion-MNIST: 60000 training or 10000 test images.
enum class Split { train, test };

/// Where Debian's dataset-fashion-mnist package puts the files.
inline const std::string fashion_mnist_dir = "/usr/share/datasets/fashion-mnist";

/// Fashion-MNIST class names, indexed by label.
inline constexpr std::array<const char*, 10> fashion_mnist_classes = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

/// The binary task's classes: negative (y = 0) and positive (y = 1).
inline constexpr int fashion_binary_negative = 0; // T-shirt/top
inline constexpr int fashion_binary_positive = 3; // Dress

/// 10-class Fashion-MNIST: X (784, m) in [0, 1], Y one-hot (10, m), labels 0..9.
/// `limit` > 0 keeps the first `limit` examples. Files are `{train,t10k}-{images-idx3,
/// labels-idx1}-ubyte.gz` (or without .gz) in `dir`.
template <class T>
Dataset<T> load_fashion_mnist(Split split, const std::string& dir = fashion_mnist_dir,
                              std::size_t limit = 0);

/// Binary Fashion-MNIST: only T-shirt/top and Dress, X (784, m), Y (1, m) with Dress = 1,
/// labels the original class ids (0 or 3). `limit` > 0 keeps the first `limit` of them.
template <class T>
Dataset<T> load_fashion_mnist_binary(Split split, const std::string& dir = fashion_mnist_dir,
                                     std::size_t limit = 0);

} // namespace xgrad::io
