#pragma once
// L2 regularization, course 2 week 1 ("Regularization"): the cost gains
//   lambd / (2 m) * sum_l ||W[l]||_F^2
// (compute_cost_with_regularization's term, the course's `lambd`). It is built of engine ops,
// so its gradient, (lambd / m) W[l] on each dW[l] (backward_propagation_with_regularization's
// extra term), comes from autodiff; b[l] is not penalised, as in the course.

#include "autograd/autograd.hpp"
#include "nn/model.hpp"

#include <cstddef>

namespace xgrad::nn {

/// lambd / (2 m) * (sum(W1^2) + sum(W2^2) + ... + sum(WL^2)), a 0-d tensor recorded on the tape
/// (add it to the cross-entropy before backward). m is the number of examples the cost
/// averages over (Y's columns). Throws std::invalid_argument when lambd < 0 or m == 0.
template <class T>
Tensor<T> l2_penalty(const Model<T>& model, double lambd, std::size_t m);

/// The course's regularised cost: model.loss(X, Y) + l2_penalty(model, lambd, m), m being
/// X's columns. With lambd = 0 it is model.loss(X, Y) itself.
template <class T>
Tensor<T> loss_with_l2(const Model<T>& model, const Tensor<T>& X, const Tensor<T>& Y, double lambd);

} // namespace xgrad::nn
