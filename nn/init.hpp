#pragma once
// Initial weights from a seeded generator, so a run is reproducible: the same seed gives the
// same parameters (with the same C++ standard library, whose normal distribution is its own).

#include "autograd/xtensor.hpp"

#include <cstddef>
#include <random>
#include <string_view>

namespace xgrad::nn {

/// How W[l] is drawn; b[l] always starts at zero.
enum class Init {
    small,  ///< randn * 0.01: the course's weeks 3 and 4 (initialize_parameters_deep)
    he,     ///< randn * sqrt(2 / n_{l-1}): the course's He initialisation, for ReLU layers
    xavier, ///< randn * sqrt(1 / n_{l-1}): Xavier, for tanh and sigmoid layers
};

/// "small", "he" or "xavier"; throws std::invalid_argument for anything else.
Init parse_init(std::string_view name);
std::string_view to_string(Init init);

/// The factor randn is multiplied by for a layer with n_in inputs.
double init_scale(Init init, std::size_t n_in);

/// A seeded source of initial parameters: one std::mt19937 and one standard normal
/// distribution, drawn layer after layer in row-major order. With Init::small it draws exactly
/// what reference::initialize_parameters_deep(layer_dims, seed) draws.
template <class T>
class Initializer {
public:
    explicit Initializer(Init init = Init::he, unsigned seed = 1)
        : m_init(init), m_generator(seed), m_randn(T(0), T(1)) {}

    /// W of shape (n_out, n_in): randn * init_scale(init, n_in).
    Array<T> weights(std::size_t n_out, std::size_t n_in);
    /// b of shape (n_out, 1): zeros.
    Array<T> bias(std::size_t n_out) const;

    Init init() const { return m_init; }
    std::mt19937& generator() { return m_generator; }

private:
    Init m_init;
    std::mt19937 m_generator;
    std::normal_distribution<T> m_randn;
};

extern template class Initializer<float>;
extern template class Initializer<double>;

} // namespace xgrad::nn
