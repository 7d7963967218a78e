#pragma once
// An activation as a layer of its own, for a Sequential: A = g(Z) (nn/activation.hpp),
// as torch.nn.ReLU is beside torch.nn.Linear.

#include "nn/activation.hpp"
#include "nn/layer.hpp"

#include <string>

namespace xgrad::nn {

template <class T = double>
class ActivationLayer : public Layer<T> {
public:
    explicit ActivationLayer(Activation activation) : m_activation(activation) {}
    Activation activation() const { return m_activation; }

    /// A = g(Z), the same in training and evaluation.
    Tensor<T> forward(const Tensor<T>& Z, bool training) override;
    /// The activation's name: "relu", "sigmoid", ...
    std::string name() const override { return std::string(to_string(m_activation)); }

private:
    Activation m_activation;
};

extern template class ActivationLayer<float>;
extern template class ActivationLayer<double>;

} // namespace xgrad::nn
