#include "nn/init.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace xgrad::nn {

std::string_view to_string(Init init) {
    switch (init) {
    case Init::small:
        return "small";
    case Init::he:
        return "he";
    case Init::xavier:
        return "xavier";
    case Init::zeros:
        return "zeros";
    case Init::large:
        return "large";
    }
    return "?";
}

Init parse_init(std::string_view name) {
    for (Init i : {Init::small, Init::he, Init::xavier, Init::zeros, Init::large})
        if (to_string(i) == name)
            return i;
    if (name == "random")
        return Init::large; // the initialization notebook's name for it
    throw std::invalid_argument("unknown initialisation \"" + std::string(name) +
                                "\": expected small (randn * 0.01), he, xavier, zeros or large "
                                "(randn * 10)");
}

std::string_view to_string(Generator generator) {
    return generator == Generator::numpy ? "numpy" : "standard";
}

Generator parse_generator(std::string_view name) {
    for (Generator g : {Generator::standard, Generator::numpy})
        if (to_string(g) == name)
            return g;
    throw std::invalid_argument("unknown generator \"" + std::string(name) +
                                "\": expected standard (std::mt19937) or numpy (np.random.seed's)");
}

double init_scale(Init init, std::size_t n_in) {
    const double n = static_cast<double>(n_in == 0 ? 1 : n_in);
    switch (init) {
    case Init::small:
        return 0.01;
    case Init::he:
        return std::sqrt(2.0 / n);
    case Init::xavier:
        return std::sqrt(1.0 / n);
    case Init::zeros:
        return 0.0;
    case Init::large:
        return 10.0;
    }
    return 0.01;
}

template <class T>
Array<T> Initializer<T>::weights(std::size_t n_out, std::size_t n_in) {
    // np.zeros draws nothing, so the layers after a zero one draw what they would have.
    if (m_init == Init::zeros)
        return xt::zeros<T>({n_out, n_in});
    if (m_source == Generator::numpy) {
        // The notebooks' own expressions, in double as numpy computes them.
        const Array<double> Z = m_numpy.randn(n_out, n_in);
        const double n_prev = static_cast<double>(n_in);
        Array<T> W = Array<T>::from_shape({n_out, n_in});
        for (std::size_t i = 0; i < W.size(); ++i) {
            const double z = Z.data()[i];
            double w = z * 0.01; // small
            if (m_init == Init::he)
                w = z * std::sqrt(2.0 / n_prev); // * np.sqrt(2. / n_prev)
            if (m_init == Init::xavier)
                w = z / std::sqrt(n_prev); // / np.sqrt(n_prev)
            if (m_init == Init::large)
                w = z * 10; // * 10
            W.data()[i] = static_cast<T>(w);
        }
        return W;
    }
    const T scale = static_cast<T>(init_scale(m_init, n_in));
    Array<T> W = Array<T>::from_shape({n_out, n_in});
    // randn(...) * scale, value by value, as initialize_parameters_deep draws them
    for (T& w : W)
        w = m_randn(m_generator) * scale;
    return W;
}

template <class T>
Array<T> Initializer<T>::bias(std::size_t n_out) const {
    return xt::zeros<T>({n_out, std::size_t(1)});
}

template class Initializer<float>;
template class Initializer<double>;

} // namespace xgrad::nn
