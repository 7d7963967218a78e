#pragma once
// A fully connected layer in the course's layout: W[l] (n_l, n_{l-1}), b[l] (n_l, 1),
// Z[l] = W[l] A[l-1] + b[l] with one column per example.

#include "autograd/autograd.hpp"
#include "nn/init.hpp"
#include "nn/layer.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace xgrad::nn {

template <class T = double>
class Dense : public Layer<T> {
public:
    /// W drawn from `init` (see Initializer), b zeros.
    Dense(std::size_t n_in, std::size_t n_out, Initializer<T>& init);
    Dense(std::size_t n_in, std::size_t n_out, Initializer<T>&& init) : Dense(n_in, n_out, init) {}
    /// W drawn from a fresh Initializer(init, seed).
    Dense(std::size_t n_in, std::size_t n_out, Init init = Init::he, unsigned seed = 1);
    /// Given parameters (e.g. read from .npy files): W (n_out, n_in), b (n_out, 1). Throws
    /// ShapeError when they do not fit together.
    Dense(Array<T> W, Array<T> b);

    std::size_t n_in() const { return m_W.shape()[1]; }
    std::size_t n_out() const { return m_W.shape()[0]; }

    /// The parameters, leaf tensors that require a gradient. The handle shares the layer's
    /// data: `layer.W().data()` changes the layer's weights.
    Tensor<T> W() const { return m_W; }
    Tensor<T> b() const { return m_b; }

    /// The layer's number l in its model: labels become W[l], b[l] and Z[l]; 0 (the default)
    /// leaves them unnumbered (W, b, Z).
    void number(std::size_t l) override;
    std::size_t index() const { return m_index; }

    /// Z = W A_prev + b, the engine's fused linear op, labelled Z[l].
    Tensor<T> forward(const Tensor<T>& A_prev) const;

    // As a Layer (in a Sequential): the same Z, in training or not; "W" and "b".
    Tensor<T> forward(const Tensor<T>& A_prev, bool /*training*/) override {
        return forward(A_prev);
    }
    std::string name() const override;
    std::vector<NamedTensor<T>> parameters() const override { return {{"W", m_W}, {"b", m_b}}; }

private:
    Tensor<T> m_W, m_b;
    std::size_t m_index = 0;
    std::string m_Z_label = "Z";
};

extern template class Dense<float>;
extern template class Dense<double>;

} // namespace xgrad::nn
