#include "nn/sequential.hpp"

#include "nn/activation_layer.hpp"
#include "nn/optim.hpp"

#include <stdexcept>

namespace xgrad::nn {

using xgrad::to_string; // shapes

template <class T>
Sequential<T>& Sequential<T>::add(std::shared_ptr<Layer<T>> layer) {
    if (!layer)
        throw std::invalid_argument("Sequential::add: no layer (a null pointer)");
    const std::size_t l = m_layers.size() + 1;
    layer->number(l);
    m_scopes.push_back("layer " + std::to_string(l) + " (" + layer->name() + ")");
    m_layers.push_back(std::move(layer));
    return *this;
}

template <class T>
Sequential<T>& Sequential<T>::add(Activation activation) {
    return add(ActivationLayer<T>(activation));
}

template <class T>
Layer<T>& Sequential<T>::layer(std::size_t l) const {
    if (l == 0 || l > m_layers.size())
        throw std::out_of_range("Sequential::layer: layer " + std::to_string(l) + " of " +
                                std::to_string(m_layers.size()) + " (layers count from 1)");
    return *m_layers[l - 1];
}

template <class T>
std::vector<std::string> Sequential<T>::layer_names() const {
    std::vector<std::string> out;
    for (const auto& layer : m_layers)
        out.push_back(layer->name());
    return out;
}

template <class T>
std::string Sequential<T>::summary() const {
    std::string out;
    for (const auto& layer : m_layers)
        out += (out.empty() ? "" : ", ") + layer->name();
    return out.empty() ? "(no layers)" : out;
}

template <class T>
Tensor<T> Sequential<T>::forward(const Tensor<T>& X, bool training) {
    if (m_layers.empty())
        throw std::logic_error("Sequential::forward: no layers; add() them");
    Tensor<T> A = X;
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
        Scope scope(m_scopes[i]);
        A = m_layers[i]->forward(A, training);
    }
    return A;
}

template <class T>
Array<T> Sequential<T>::predict(const Array<T>& X) {
    NoGrad no_grad;
    return forward(Tensor<T>(X), false).value();
}

template <class T>
std::vector<NamedTensor<T>> Sequential<T>::parameters() const {
    std::vector<NamedTensor<T>> out;
    for (std::size_t i = 0; i < m_layers.size(); ++i)
        for (auto& p : m_layers[i]->parameters())
            out.push_back({p.name + std::to_string(i + 1), p.tensor});
    return out;
}

template <class T>
std::map<std::string, Array<T>> Sequential<T>::state_values() const {
    std::map<std::string, Array<T>> out;
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
        const std::string l = std::to_string(i + 1);
        for (const auto& p : m_layers[i]->parameters())
            out.emplace(p.name + l, p.tensor.value());
        for (auto& [key, value] : m_layers[i]->buffers())
            out.emplace(key + l, value);
    }
    return out;
}

template <class T>
void Sequential<T>::load_state_values(const std::map<std::string, Array<T>>& values) {
    const std::map<std::string, Array<T>> expected = state_values();
    for (const auto& [key, value] : expected) {
        const auto it = values.find(key);
        if (it == values.end())
            throw std::invalid_argument("Sequential::load_state_values: missing " + key);
        if (it->second.shape() != value.shape())
            throw std::invalid_argument("Sequential::load_state_values: " + key + " has shape " +
                                        to_string(it->second.shape()) + ", the model's is " +
                                        to_string(value.shape()));
    }
    for (const auto& entry : values)
        if (!expected.count(entry.first))
            throw std::invalid_argument("Sequential::load_state_values: unexpected entry " +
                                        entry.first + " (a state of another model?)");
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
        const std::string l = std::to_string(i + 1);
        for (auto& p : m_layers[i]->parameters())
            p.tensor.data() = values.at(p.name + l);
        std::map<std::string, Array<T>> buffers = m_layers[i]->buffers();
        if (buffers.empty())
            continue;
        for (auto& [key, value] : buffers)
            value = values.at(key + l);
        m_layers[i]->load_buffers(buffers);
    }
}

template <class T>
void Sequential<T>::zero_grad() {
    for (auto& p : parameters())
        p.tensor.zero_grad();
}

template <class T>
T train_step(Sequential<T>& model, Optimizer<T>& optimizer, const Tensor<T>& X, const Tensor<T>& Y,
             Loss loss) {
    optimizer.zero_grad();
    const Tensor<T> J = loss_from_logits(loss, model.forward(X, true), Y);
    J.backward();
    optimizer.step();
    return J.item();
}

template class Sequential<float>;
template class Sequential<double>;
template float train_step(Sequential<float>&, Optimizer<float>&, const Tensor<float>&,
                          const Tensor<float>&, Loss);
template double train_step(Sequential<double>&, Optimizer<double>&, const Tensor<double>&,
                           const Tensor<double>&, Loss);

} // namespace xgrad::nn
