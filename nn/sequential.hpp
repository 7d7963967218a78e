#pragma once
// Layers in sequence, as torch.nn.Sequential: Dense, ActivationLayer, Dropout, BatchNorm and
// a user's own Layer, each applied to the previous one's output. (Model is the course's
// L-layer model of Dense layers and their activations; Sequential is for everything else.)
//
//   nn::Sequential<> net;
//   net.add(nn::Dense<>(2, 16, nn::Init::he, 1))
//       .add(nn::BatchNorm<>(16))
//       .add(nn::Activation::relu)
//       .add(nn::Dropout<>(0.9))
//       .add(nn::Dense<>(16, 1, nn::Init::he, 2));
//   nn::Adam<> adam(net.parameters(), 0.01);
//   nn::train_step(net, adam, X, Y, nn::Loss::binary_cross_entropy);   // logits -> loss
//
// Layer l (1-based) runs in Scope("layer l (Dense 2 -> 16)"); its parameters are keyed with
// its number, "W1", "b1", "gamma2", "beta2", ..., and its buffers too ("running_mean2").
// Copies of a Sequential share its layers (as Model's copies share its parameters).

#include "nn/activation.hpp"
#include "nn/layer.hpp"
#include "nn/losses.hpp"
#include "nn/named_tensor.hpp"

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace xgrad::nn {

template <class T>
class Optimizer; // nn/optim.hpp

template <class T = double>
class Sequential {
public:
    Sequential() = default;

    /// Appends a layer (a copy of it, held by the Sequential); it becomes layer size() + 1.
    template <class L, class = std::enable_if_t<std::is_base_of_v<Layer<T>, std::decay_t<L>>>>
    Sequential& add(L&& layer) {
        return add(
            std::shared_ptr<Layer<T>>(std::make_shared<std::decay_t<L>>(std::forward<L>(layer))));
    }
    /// Appends a layer shared with the caller (who may keep a handle to look at it).
    Sequential& add(std::shared_ptr<Layer<T>> layer);
    /// Appends an ActivationLayer.
    Sequential& add(Activation activation);

    /// The number of layers.
    std::size_t size() const { return m_layers.size(); }
    /// Layer l, 1-based.
    Layer<T>& layer(std::size_t l) const;
    /// "Dense 2 -> 16, BatchNorm 16, relu, Dropout 0.9, Dense 16 -> 1".
    std::string summary() const;
    /// Each layer's name(), in order.
    std::vector<std::string> layer_names() const;

    /// The output of the last layer for X (one column per example); `training` is passed to
    /// every layer (dropout and batch norm act on it).
    Tensor<T> forward(const Tensor<T>& X, bool training = false);
    /// forward(X, false) without recording (NoGrad).
    Array<T> predict(const Array<T>& X);

    /// Every layer's parameters keyed with its number: "W1", "b1", "gamma2", ...
    std::vector<NamedTensor<T>> parameters() const;
    /// Copies of the parameters and the buffers ("running_mean2", ...), keyed alike: what a
    /// checkpoint saves.
    std::map<std::string, Array<T>> state_values() const;
    /// Sets parameters and buffers from state_values()'s keys and shapes; throws
    /// std::invalid_argument naming a missing, unexpected or misshapen entry, changing nothing.
    void load_state_values(const std::map<std::string, Array<T>>& values);
    /// Forgets every parameter's gradient.
    void zero_grad();

private:
    std::vector<std::shared_ptr<Layer<T>>> m_layers;
    std::vector<std::string> m_scopes; // "layer l (name)"
};

/// One optimisation step of a Sequential whose last layer gives logits ZL: zero_grad,
/// J = loss_from_logits(loss, forward(X, training = true), Y), backward, step. Returns J.
template <class T>
T train_step(Sequential<T>& model, Optimizer<T>& optimizer, const Tensor<T>& X, const Tensor<T>& Y,
             Loss loss);

extern template class Sequential<float>;
extern template class Sequential<double>;

} // namespace xgrad::nn
