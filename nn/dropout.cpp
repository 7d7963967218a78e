#include "nn/dropout.hpp"

#include <sstream>
#include <stdexcept>
#include <string>

namespace xgrad::nn {

using xgrad::to_string; // shapes

namespace {
void check_keep_prob(const char* where, double keep_prob) {
    if (!(keep_prob > 0 && keep_prob <= 1)) {
        std::ostringstream out;
        out << where << ": keep_prob = " << keep_prob << " must be in (0, 1]";
        throw std::invalid_argument(out.str());
    }
}
} // namespace

template <class T>
Tensor<T> dropout(const Tensor<T>& A, const Array<T>& D, double keep_prob) {
    check_keep_prob("dropout", keep_prob);
    if (A.shape() != D.shape())
        throw ShapeError("dropout: mask D " + to_string(D.shape()) + " must have the shape of A " +
                         describe(A));
    // A = A * D; A = A / keep_prob. d/dA: D / keep_prob (D is a constant of the pass).
    return (A * Tensor<T>(D, false, "D")) / static_cast<T>(keep_prob);
}

template <class T>
DropoutMasks<T>::DropoutMasks(unsigned seed, Generator generator)
    : DropoutMasks(generator == Generator::numpy ? Source::numpy : Source::standard, seed) {}

template <class T>
DropoutMasks<T> DropoutMasks<T>::course(unsigned seed) {
    return DropoutMasks(Source::numpy_reseeded, seed);
}

template <class T>
DropoutMasks<T> DropoutMasks<T>::fixed(std::map<std::size_t, Array<T>> D) {
    DropoutMasks masks(Source::fixed, 0);
    masks.m_D = std::move(D);
    return masks;
}

template <class T>
void DropoutMasks<T>::begin_pass() {
    if (m_source == Source::numpy_reseeded)
        m_numpy.seed(m_seed); // np.random.seed(1)
    if (m_source != Source::fixed)
        m_D.clear();
}

template <class T>
const Array<T>& DropoutMasks<T>::mask(std::size_t l, const Shape& shape, double keep_prob) {
    check_keep_prob("dropout mask", keep_prob);
    if (m_source == Source::fixed) {
        const auto it = m_D.find(l);
        if (it == m_D.end())
            throw std::invalid_argument("DropoutMasks::fixed: no mask given for A[" +
                                        std::to_string(l) + "]");
        if (it->second.shape() != shape)
            throw ShapeError("DropoutMasks::fixed: mask D[" + std::to_string(l) + "] " +
                             to_string(it->second.shape()) + " but A[" + std::to_string(l) +
                             "] is " + to_string(shape));
        return it->second;
    }
    Array<T> D = Array<T>::from_shape(shape);
    if (m_source == Source::standard) {
        std::uniform_real_distribution<double> rand(0.0, 1.0);
        for (T& d : D)
            d = rand(m_standard) < keep_prob ? T(1) : T(0);
    } else {
        // D = np.random.rand(A.shape[0], A.shape[1]); D = (D < keep_prob)
        const Array<double> U = m_numpy.random_sample(shape);
        for (std::size_t i = 0; i < D.size(); ++i)
            D.data()[i] = U.data()[i] < keep_prob ? T(1) : T(0);
    }
    return m_D[l] = std::move(D);
}

template <class T>
const Array<T>& DropoutMasks<T>::D(std::size_t l) const {
    const auto it = m_D.find(l);
    if (it == m_D.end())
        throw std::out_of_range("DropoutMasks: no mask for A[" + std::to_string(l) + "]");
    return it->second;
}

template Tensor<float> dropout(const Tensor<float>&, const Array<float>&, double);
template Tensor<double> dropout(const Tensor<double>&, const Array<double>&, double);
template class DropoutMasks<float>;
template class DropoutMasks<double>;

} // namespace xgrad::nn
