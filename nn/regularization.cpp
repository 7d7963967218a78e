#include "nn/regularization.hpp"

#include <sstream>
#include <stdexcept>
#include <string>

namespace xgrad::nn {

template <class T>
Tensor<T> l2_penalty(const Model<T>& model, double lambd, std::size_t m) {
    if (!(lambd >= 0))
        throw std::invalid_argument("l2_penalty: lambd = " + std::to_string(lambd) +
                                    " must be >= 0");
    if (m == 0)
        throw std::invalid_argument("l2_penalty: m = 0 examples");
    if (model.L() == 0)
        throw std::invalid_argument("l2_penalty: a model without layers");
    std::ostringstream name;
    name << "L2 regularization (lambd = " << lambd << ")";
    Scope scope(name.str());
    // np.sum(np.square(W1)) + np.sum(np.square(W2)) + ...
    Tensor<T> squares = sum(model.layer(1).W() * model.layer(1).W());
    for (std::size_t l = 2; l <= model.L(); ++l)
        squares = squares + sum(model.layer(l).W() * model.layer(l).W());
    // * lambd / (2 m); d/dW: (lambd / m) W
    Tensor<T> penalty = squares * static_cast<T>(lambd / (2.0 * static_cast<double>(m)));
    penalty.label("L2");
    return penalty;
}

template <class T>
Tensor<T> loss_with_l2(const Model<T>& model, const Tensor<T>& X, const Tensor<T>& Y,
                       double lambd) {
    Tensor<T> J = model.loss(X, Y);
    if (lambd == 0)
        return J;
    return J + l2_penalty(model, lambd, X.shape()[1]);
}

#define XGRAD_INSTANTIATE(T)                                                                       \
    template Tensor<T> l2_penalty(const Model<T>&, double, std::size_t);                           \
    template Tensor<T> loss_with_l2(const Model<T>&, const Tensor<T>&, const Tensor<T>&, double);
XGRAD_INSTANTIATE(float)
XGRAD_INSTANTIATE(double)
#undef XGRAD_INSTANTIATE

} // namespace xgrad::nn
