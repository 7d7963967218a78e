#include "nn/activation_layer.hpp"

namespace xgrad::nn {

template <class T>
Tensor<T> ActivationLayer<T>::forward(const Tensor<T>& Z, bool /*training*/) {
    return activate(m_activation, Z);
}

template class ActivationLayer<float>;
template class ActivationLayer<double>;

} // namespace xgrad::nn
