#pragma once
// Whole Jacobians and Hessians, and their products with a vector, as torch.autograd.functional:
// each is grad() (with create_graph where a second derivative is needed) around a function
// of one tensor. Each runs with grad mode on, also inside NoGrad. Its input is a fresh leaf
// holding x's values, cut off from x's graph; with create_graph = true, an x that requires
// grad is used itself, and the result is differentiable again (with respect to x too).

#include "autograd/core/tensor.hpp"

#include <functional>
#include <utility>

namespace xgrad {

namespace detail {
template <class T>
struct function_of_tensor {
    using type = std::function<Tensor<T>(const Tensor<T>&)>;
};
} // namespace detail

/// A function of one tensor. T is not deduced from it: a lambda passes, and T comes from x.
template <class T>
using TensorFunction = typename detail::function_of_tensor<T>::type;

/// J = d f(x) / dx, shape f(x).shape + x.shape (torch's layout): J[i..., j...] is
/// d f(x)[i...] / d x[j...]. One backward per element of f(x).
template <class T>
Tensor<T> jacobian(const TensorFunction<T>& f, const Tensor<T>& x, bool create_graph = false);

/// H = d^2 f / dx^2 of a one-element f, shape x.shape + x.shape: the Jacobian of
/// grad(f(x), x) (one backward of the recorded gradient per element of x).
template <class T>
Tensor<T> hessian(const TensorFunction<T>& f, const Tensor<T>& x, bool create_graph = false);

/// f(x) and the vector-Jacobian product v^T J (shape of x), for v of f(x)'s shape: one
/// backward seeded with v.
template <class T>
std::pair<Tensor<T>, Tensor<T>> vjp(const TensorFunction<T>& f, const Tensor<T>& x,
                                    const Tensor<T>& v, bool create_graph = false);

/// f(x) and the Jacobian-vector product J u (shape of f(x)), for u of x's shape, by the
/// double-vjp trick: w -> w^T J is linear in w, and its own vjp with u is J u.
template <class T>
std::pair<Tensor<T>, Tensor<T>> jvp(const TensorFunction<T>& f, const Tensor<T>& x,
                                    const Tensor<T>& u, bool create_graph = false);

/// f(x) and the Hessian-vector product H v (shape of x) of a one-element f, without forming
/// H: the gradient of <grad f(x), v>.
template <class T>
std::pair<Tensor<T>, Tensor<T>> hvp(const TensorFunction<T>& f, const Tensor<T>& x,
                                    const Tensor<T>& v, bool create_graph = false);

} // namespace xgrad
