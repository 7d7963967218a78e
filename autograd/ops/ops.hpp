#pragma once
// The engine's ops. Each one is defined, forward and backward side by side, in one of
// autograd/ops_*.cpp, and has a row in autograd/op_list.def. Elementwise binary ops
// broadcast as numpy does; the engine sums each gradient back to its input's shape.

#include "autograd/core/tensor.hpp"

#include <vector>

namespace xgrad {

// --- elementwise (ops_elementwise.cpp) ---------------------------------------
template <class T>
Tensor<T> add(const Tensor<T>& a, const Tensor<T>& b);
template <class T>
Tensor<T> sub(const Tensor<T>& a, const Tensor<T>& b);
template <class T>
Tensor<T> mul(const Tensor<T>& a, const Tensor<T>& b);
template <class T>
Tensor<T> div(const Tensor<T>& a, const Tensor<T>& b);
template <class T>
Tensor<T> neg(const Tensor<T>& x);
template <class T>
Tensor<T> add_scalar(const Tensor<T>& x, typename Tensor<T>::value_type c);
template <class T>
Tensor<T> mul_scalar(const Tensor<T>& x, typename Tensor<T>::value_type c);
/// x^p for a scalar exponent p (numpy's x ** p). p is not deduced: pow(x, 2) and
/// pow(Tensor<float>, 2.0) work.
template <class T>
Tensor<T> pow(const Tensor<T>& x, typename Tensor<T>::value_type p);
/// c^x for a scalar base c > 0 (numpy's c ** x), as exp(x log c).
template <class T>
Tensor<T> pow(typename Tensor<T>::value_type c, const Tensor<T>& x);
template <class T>
Tensor<T> exp(const Tensor<T>& x);
template <class T>
Tensor<T> log(const Tensor<T>& x);
template <class T>
Tensor<T> sqrt(const Tensor<T>& x);
/// |x|; its derivative sign(x) is taken as 0 at 0 (a subgradient, as PyTorch).
template <class T>
Tensor<T> abs(const Tensor<T>& x);
/// Elementwise max/min of two tensors (broadcasting); at ties each input gets half.
template <class T>
Tensor<T> maximum(const Tensor<T>& a, const Tensor<T>& b);
template <class T>
Tensor<T> minimum(const Tensor<T>& a, const Tensor<T>& b);
/// x limited to [lo, hi]; the gradient is zero where x was clipped.
template <class T>
Tensor<T> clip(const Tensor<T>& x, T lo, T hi);

// --- activations (ops_activation.cpp) -----------------------------------------
template <class T>
Tensor<T> tanh(const Tensor<T>& x);
/// 1 / (1 + e^-x), computed without overflow for any x.
template <class T>
Tensor<T> sigmoid(const Tensor<T>& x);
/// max(x, 0); its derivative at 0 is taken as 0 (as PyTorch).
template <class T>
Tensor<T> relu(const Tensor<T>& x);
/// log(1 + e^x), written max(x, 0) + log1p(e^-|x|): finite values and gradients for any x.
template <class T>
Tensor<T> softplus(const Tensor<T>& x);
/// x for x > 0, slope * x otherwise (the course and PyTorch use slope 0.01).
template <class T>
Tensor<T> leaky_relu(const Tensor<T>& x, T slope = T(0.01));
/// Backward helpers, ops themselves so that second derivatives exist:
/// sigmoid_grad(G, A) = G*A*(1-A), tanh_grad(G, A) = G*(1-A^2),
/// relu_grad(G, A) = G*(A>0), leaky_relu_grad(G, X) = G*(X>0 ? 1 : slope).
template <class T>
Tensor<T> sigmoid_grad(const Tensor<T>& g, const Tensor<T>& a);
template <class T>
Tensor<T> tanh_grad(const Tensor<T>& g, const Tensor<T>& a);
template <class T>
Tensor<T> relu_grad(const Tensor<T>& g, const Tensor<T>& a);
template <class T>
Tensor<T> leaky_relu_grad(const Tensor<T>& g, const Tensor<T>& x, T slope);

// --- reductions and shapes (ops_shape.cpp) ------------------------------------
/// Sum of every element: a scalar tensor of shape ().
template <class T>
Tensor<T> sum(const Tensor<T>& x);
/// Sum over one axis (negative counts from the end), keeping it with extent 1 if keepdims.
template <class T>
Tensor<T> sum(const Tensor<T>& x, int axis, bool keepdims = false);
template <class T>
Tensor<T> mean(const Tensor<T>& x);
template <class T>
Tensor<T> mean(const Tensor<T>& x, int axis, bool keepdims = false);
/// Sum over several axes, numpy's axis tuple: sum(x, {0, 2}, true). Negative axes count from
/// the end; an axis may appear once; no axes sum nothing (numpy's axis=()).
template <class T>
Tensor<T> sum(const Tensor<T>& x, const std::vector<int>& axes, bool keepdims = false);
template <class T>
Tensor<T> mean(const Tensor<T>& x, const std::vector<int>& axes, bool keepdims = false);
/// Sum a broadcast result back down to `shape` (the reduction behind every broadcast).
template <class T>
Tensor<T> sum_to(const Tensor<T>& x, const Shape& shape);
/// Broadcast x up to `shape`, numpy's rules.
template <class T>
Tensor<T> broadcast_to(const Tensor<T>& x, const Shape& shape);
/// Axes reversed (for a matrix, its transpose).
template <class T>
Tensor<T> transpose(const Tensor<T>& x);
/// Axes permuted as numpy's transpose(axes): the result's axis i is x's axis axes[i]
/// (negative axes count from the end).
template <class T>
Tensor<T> transpose(const Tensor<T>& x, const std::vector<int>& axes);
/// Same data in a new shape with as many elements.
template <class T>
Tensor<T> reshape(const Tensor<T>& x, const Shape& shape);

// --- linear algebra (ops_linalg.cpp) ------------------------------------------
/// Matrix product of 2-D tensors through BLAS; transpose flags read A^T or B^T in
/// place, with no transposed copy.
template <class T>
Tensor<T> matmul(const Tensor<T>& a, const Tensor<T>& b, bool transpose_a = false,
                 bool transpose_b = false);
/// The course's Z = W A + b in one op: W (n, k), A (k, m), b (n, 1).
template <class T>
Tensor<T> linear(const Tensor<T>& W, const Tensor<T>& A, const Tensor<T>& b);

// --- softmax and losses (ops_loss.cpp) ----------------------------------------
template <class T>
Tensor<T> softmax(const Tensor<T>& x, int axis);
template <class T>
Tensor<T> log_softmax(const Tensor<T>& x, int axis);
/// Mean over all elements of max(z,0) - z*y + log(1 + e^-|z|): cross-entropy of
/// sigmoid(z) against y, finite for any z. Z and Y must have the same shape.
template <class T>
Tensor<T> binary_cross_entropy_with_logits(const Tensor<T>& logits, const Tensor<T>& targets);

// --- operators ------------------------------------------------------------------
// Scalars sit in a non-deduced context, so `x * 2` works for any Tensor<T>.
template <class T>
Tensor<T> operator+(const Tensor<T>& a, const Tensor<T>& b) {
    return add(a, b);
}
template <class T>
Tensor<T> operator-(const Tensor<T>& a, const Tensor<T>& b) {
    return sub(a, b);
}
template <class T>
Tensor<T> operator*(const Tensor<T>& a, const Tensor<T>& b) {
    return mul(a, b);
}
template <class T>
Tensor<T> operator/(const Tensor<T>& a, const Tensor<T>& b) {
    return div(a, b);
}
template <class T>
Tensor<T> operator-(const Tensor<T>& x) {
    return neg(x);
}
template <class T>
Tensor<T> operator+(const Tensor<T>& x, typename Tensor<T>::value_type c) {
    return add_scalar(x, c);
}
template <class T>
Tensor<T> operator+(typename Tensor<T>::value_type c, const Tensor<T>& x) {
    return add_scalar(x, c);
}
template <class T>
Tensor<T> operator-(const Tensor<T>& x, typename Tensor<T>::value_type c) {
    return add_scalar(x, -c);
}
template <class T>
Tensor<T> operator-(typename Tensor<T>::value_type c, const Tensor<T>& x) {
    return add_scalar(neg(x), c);
}
template <class T>
Tensor<T> operator*(const Tensor<T>& x, typename Tensor<T>::value_type c) {
    return mul_scalar(x, c);
}
template <class T>
Tensor<T> operator*(typename Tensor<T>::value_type c, const Tensor<T>& x) {
    return mul_scalar(x, c);
}
template <class T>
Tensor<T> operator/(const Tensor<T>& x, typename Tensor<T>::value_type c) {
    return mul_scalar(x, T(1) / c);
}
template <class T>
Tensor<T> operator/(typename Tensor<T>::value_type c, const Tensor<T>& x) {
    return mul_scalar(pow(x, T(-1)), c); // c / x = c x^-1
}

} // namespace xgrad
