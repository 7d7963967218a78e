#include "nn/dropout_layer.hpp"

#include <cmath>
#include <random>
#include <sstream>
#include <stdexcept>

namespace xgrad::nn {

template <class T>
Dropout<T>::Dropout(double keep_prob, unsigned seed) : m_keep_prob(keep_prob), m_seed(seed) {
    if (!(keep_prob > 0 && keep_prob <= 1)) {
        std::ostringstream out;
        out << "Dropout: keep_prob = " << keep_prob << " must be in (0, 1]";
        throw std::invalid_argument(out.str());
    }
}

template <class T>
Tensor<T> Dropout<T>::forward(const Tensor<T>& A, bool training) {
    if (!training || m_keep_prob == 1)
        return A;
    // D = np.random.rand(A.shape[0], A.shape[1]) < keep_prob, as the course draws it.
    std::seed_seq seed{m_seed, static_cast<unsigned>(m_passes++)};
    std::mt19937 generator(seed);
    m_D = Array<T>::from_shape(A.shape());
    std::uniform_real_distribution<double> rand(0.0, 1.0);
    for (T& d : m_D)
        d = rand(generator) < m_keep_prob ? T(1) : T(0);
    return dropout(A, m_D, m_keep_prob);
}

template <class T>
std::string Dropout<T>::name() const {
    std::ostringstream out;
    out << "Dropout " << m_keep_prob;
    return out.str();
}

template <class T>
std::map<std::string, Array<T>> Dropout<T>::buffers() const {
    return {{"passes", Array<T>(static_cast<T>(m_passes))}};
}

template <class T>
void Dropout<T>::load_buffers(const std::map<std::string, Array<T>>& values) {
    const T passes = values.at("passes")();
    if (!(passes >= 0) || passes != std::floor(passes))
        throw std::invalid_argument("Dropout: passes must be a count >= 0");
    m_passes = static_cast<std::size_t>(passes);
}

template class Dropout<float>;
template class Dropout<double>;

} // namespace xgrad::nn
