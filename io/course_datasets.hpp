#pragma once
// The course's generated data sets, drawn the course's way: with numpy's generator seeded as the
// notebooks' utilities seed it, so they are the notebooks' own points (to the last digit or
// two of sin and cos, which numpy may compute with its own SIMD code). Course layout: X
// (2, m), one column per example; Y (1, m) in {0, 1}; labels (m,) the same as integers.
//
// (planar_dataset in datasets.hpp is another flower: the same recipe on std::mt19937, not
// numpy's numbers.) The course's other data sets are files that are not here: the cat pictures
// (train_catvnoncat.h5, test_catvnoncat.h5) and the regularization notebook's data.mat.

#include "io/datasets.hpp"
#include "random/random_state.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

namespace xgrad::io {

/// Course 1 week 3, planar_utils.load_planar_dataset(): np.random.seed(seed) (the course's 1),
/// m = 400 (the course's), N = m/2 points per class j = 0, 1:
///   t = np.linspace(j*3.12, (j+1)*3.12, N) + np.random.randn(N)*0.2
///   r = 4*np.sin(4*t) + np.random.randn(N)*0.2
///   X[:, N*j : N*(j+1)] = [r*np.sin(t), r*np.cos(t)];  Y = j
/// Throws std::invalid_argument if m is odd or zero.
template <class T>
Dataset<T> load_planar_dataset(std::size_t m = 400, std::uint32_t seed = 1);

/// sklearn.datasets.make_circles(n_samples, shuffle, noise, random_state=generator, factor)
/// (scikit-learn 1.2), in the course's layout: X (2, n_samples) = sklearn's X.T. Draws from
/// `generator` as sklearn does: shuffle (np.random.RandomState.shuffle of arange(n_samples)),
/// then, when noise is given, normal(scale=noise, size=(n_samples, 2)). Throws
/// std::invalid_argument unless 0 <= factor < 1 and noise >= 0.
template <class T>
Dataset<T> make_circles(std::size_t n_samples, std::optional<double> noise,
                        random::RandomState& generator, double factor = 0.8, bool shuffle = true);

/// sklearn.datasets.make_moons(n_samples, shuffle, noise, random_state=generator) (scikit-learn
/// 1.2), in the course's layout, drawing as make_circles does.
template <class T>
Dataset<T> make_moons(std::size_t n_samples, std::optional<double> noise,
                      random::RandomState& generator, bool shuffle = true);

/// Course 2 initialization, init_utils.load_dataset(): np.random.seed(1); make_circles(300,
/// noise=.05) for training; np.random.seed(2); make_circles(100, noise=.05) for testing.
/// Returns (train, test).
template <class T>
std::pair<Dataset<T>, Dataset<T>> load_circles_dataset();

/// Course 2 optimization, opt_utils.load_dataset(): np.random.seed(3); make_moons(300,
/// noise=.2).
template <class T>
Dataset<T> load_moons_dataset();

/// np.linspace(start, stop, num, endpoint) as numpy 1.24 computes it: i * step + start, with
/// the last point exactly stop when endpoint.
Array<double> numpy_linspace(double start, double stop, std::size_t num, bool endpoint = true);

} // namespace xgrad::io
