#pragma once
// Initial weights from a seeded generator, so a run is reproducible: the same seed gives the
// same parameters (with the same C++ standard library, whose normal distribution is its own),
// or, with Generator::numpy, the very numbers the course's notebooks print.

#include "autograd/xtensor.hpp"
#include "random/random_state.hpp"

#include <cstddef>
#include <random>
#include <string_view>

namespace xgrad::nn {

/// How W[l] is drawn; b[l] always starts at zero.
enum class Init {
    small,  ///< randn * 0.01: the course's weeks 3 and 4 (initialize_parameters_deep)
    he,     ///< randn * sqrt(2 / n_{l-1}): the course's He initialisation, for ReLU layers
    xavier, ///< randn * sqrt(1 / n_{l-1}): Xavier, for tanh and sigmoid layers
    zeros,  ///< W = 0: course 2's initialize_parameters_zeros (every unit stays the same)
    large,  ///< randn * 10: course 2's initialize_parameters_random (saturates the sigmoid)
};

/// "small", "he", "xavier", "zeros" or "large" ("random", the initialization notebook's
/// name for randn * 10, is read as large); throws std::invalid_argument for anything else.
Init parse_init(std::string_view name);
std::string_view to_string(Init init);

/// The factor randn is multiplied by for a layer with n_in inputs.
double init_scale(Init init, std::size_t n_in);

/// Where the normal draws come from.
enum class Generator {
    standard, ///< std::mt19937 and std::normal_distribution<T> (the same with one C++ library)
    numpy,    ///< numpy's np.random.RandomState: the course's generator, its numbers exactly
};

/// "standard" or "numpy"; throws std::invalid_argument for anything else.
Generator parse_generator(std::string_view name);
std::string_view to_string(Generator generator);

/// A seeded source of initial parameters, drawn layer after layer in row-major order.
///  - Generator::standard: one std::mt19937 and one standard normal distribution. With
///    Init::small it draws exactly what reference::initialize_parameters_deep(layer_dims, seed)
///    draws.
///  - Generator::numpy: np.random.seed(seed), then for each layer, as the notebooks write it,
///    in double precision (then rounded to T):
///      small:  np.random.randn(n_l, n_prev) * 0.01               (initialize_parameters_deep,
///              seed 3; week 3's initialize_parameters is the same with seed 2)
///      he:     np.random.randn(n_l, n_prev) * np.sqrt(2. / n_prev)  (initialize_parameters_he,
///              seed 3)
///      xavier: np.random.randn(n_l, n_prev) / np.sqrt(n_prev)    (week 4's application,
///              dnn_app_utils' initialize_parameters_deep, seed 1)
///      large:  np.random.randn(n_l, n_prev) * 10                 (initialize_parameters_random,
///              seed 3)
///      zeros:  np.zeros((n_l, n_prev)), drawing nothing           (initialize_parameters_zeros)
template <class T>
class Initializer {
public:
    explicit Initializer(Init init = Init::he, unsigned seed = 1,
                         Generator generator = Generator::standard)
        : m_init(init), m_source(generator), m_generator(seed), m_randn(T(0), T(1)), m_numpy(seed) {
    }
    /// Draws with numpy's generator from where `numpy` stands (a copy of it).
    Initializer(Init init, const random::RandomState& numpy)
        : m_init(init), m_source(Generator::numpy), m_randn(T(0), T(1)), m_numpy(numpy) {}

    /// W of shape (n_out, n_in): randn * init_scale(init, n_in).
    Array<T> weights(std::size_t n_out, std::size_t n_in);
    /// b of shape (n_out, 1): zeros.
    Array<T> bias(std::size_t n_out) const;

    Init init() const { return m_init; }
    Generator source() const { return m_source; }
    /// The standard generator (draws only with Generator::standard).
    std::mt19937& generator() { return m_generator; }
    /// numpy's generator (draws only with Generator::numpy).
    random::RandomState& numpy_state() { return m_numpy; }

private:
    Init m_init;
    Generator m_source;
    std::mt19937 m_generator;
    std::normal_distribution<T> m_randn;
    random::RandomState m_numpy;
};

extern template class Initializer<float>;
extern template class Initializer<double>;

} // namespace xgrad::nn
