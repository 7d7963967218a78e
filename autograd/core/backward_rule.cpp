#include "autograd/core/backward_rule.hpp"

#include "autograd/core/node.hpp"

namespace xgrad {

template <class T>
Tensor<T> BackwardContext<T>::input(int i) const {
    return Tensor<T>(node.inputs[static_cast<std::size_t>(i)]);
}
template <class T>
bool BackwardContext<T>::needs(int i) const {
    const auto& in = node.inputs[static_cast<std::size_t>(i)];
    return in && in->requires_grad;
}
template <class T>
const OpParams& BackwardContext<T>::params() const {
    return node.params;
}

template struct BackwardContext<float>;
template struct BackwardContext<double>;

} // namespace xgrad
