#include "nn/dense.hpp"

namespace xgrad::nn {

using xgrad::to_string; // shapes, next to nn's to_string of enums

namespace {
std::string numbered(const char* name, std::size_t l) {
    return l == 0 ? std::string(name) : std::string(name) + "[" + std::to_string(l) + "]";
}
} // namespace

template <class T>
Dense<T>::Dense(std::size_t n_in, std::size_t n_out, Initializer<T>& init)
    : Dense(init.weights(n_out, n_in), init.bias(n_out)) {}

template <class T>
Dense<T>::Dense(std::size_t n_in, std::size_t n_out, Init init, unsigned seed)
    : Dense(n_in, n_out, Initializer<T>(init, seed)) {}

template <class T>
Dense<T>::Dense(Array<T> W, Array<T> b) {
    if (W.dimension() != 2)
        throw ShapeError("Dense: W must be a matrix (n_out, n_in), got " + to_string(W.shape()));
    const std::size_t n_out = W.shape()[0];
    if (b.dimension() != 2 || b.shape()[0] != n_out || b.shape()[1] != 1)
        throw ShapeError("Dense: b " + to_string(b.shape()) + " must be (" + std::to_string(n_out) +
                         ", 1) for W " + to_string(W.shape()));
    m_W = Tensor<T>(std::move(W), true, "W");
    m_b = Tensor<T>(std::move(b), true, "b");
}

template <class T>
void Dense<T>::number(std::size_t l) {
    m_index = l;
    m_W.label(numbered("W", l));
    m_b.label(numbered("b", l));
    m_Z_label = numbered("Z", l);
}

template <class T>
std::string Dense<T>::name() const {
    return "Dense " + std::to_string(n_in()) + " -> " + std::to_string(n_out());
}

template <class T>
Tensor<T> Dense<T>::forward(const Tensor<T>& A_prev) const {
    Tensor<T> Z = linear(m_W, A_prev, m_b);
    Z.label(m_Z_label);
    return Z;
}

template class Dense<float>;
template class Dense<double>;

} // namespace xgrad::nn
