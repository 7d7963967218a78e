#pragma once
// The course's hand-written regularization (course 2, week 1, "Regularization"): L2 and inverted
// dropout for its 3-layer model LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID, line for
// line as in the notebook and its reg_utils.py. Like backprop.hpp, it stands on xtensor,
// xtensor-blas and random/ only, never on the engine, so that comparing it with nn's autodiff
// (nn::l2_penalty, Model::dropout) means something.
//
// As in reg_utils.backward_propagation, dZ3 = A3 - Y and the 1/m is applied in dW and db, so
// dA and dZ are per example (m times dJ/dA); dW and db are dJ/dW and dJ/db.

#include "autograd/xtensor.hpp"
#include "nn/reference/backprop.hpp"

#include <utility>

namespace xgrad::reference {

/// reg_utils' cache = (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3), copies.
template <class T>
struct RegularizationCache {
    Array<T> Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3;
};

/// forward_propagation_with_dropout's cache = (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3,
/// W3, b3); D1 and D2 hold 0 and 1 (numpy's booleans).
template <class T>
struct DropoutCache {
    Array<T> Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3;
};

/// reg_utils.forward_propagation(X, parameters): returns (A3, cache). parameters holds W[1..3]
/// and b[1..3]; throws std::invalid_argument unless it has exactly 3 layers that chain.
template <class T>
std::pair<Array<T>, RegularizationCache<T>> forward_propagation(const Array<T>& X,
                                                                const Parameters<T>& parameters);

/// reg_utils.compute_cost: 1/m * np.nansum(-log(A3) Y - log(1 - A3) (1 - Y)) (NaN terms, 0 * inf,
/// are dropped, as nansum drops them).
template <class T>
T compute_cost_nansum(const Array<T>& A3, const Array<T>& Y);

/// compute_cost_with_regularization(A3, Y, parameters, lambd):
///   cross_entropy_cost + lambd / (2 m) * (sum(W1^2) + sum(W2^2) + sum(W3^2)), m = Y's columns.
template <class T>
T compute_cost_with_regularization(const Array<T>& A3, const Array<T>& Y,
                                   const Parameters<T>& parameters, double lambd);

/// backward_propagation_with_regularization(X, Y, cache, lambd): reg_utils' backward with
/// (lambd / m) W[l] added to each dW[l]. Returns the course's gradients dictionary: dZ[1..3],
/// dW[1..3], db[1..3], dA[1..2] (dA[0] and dA[3] left empty).
template <class T>
Grads<T> backward_propagation_with_regularization(const Array<T>& X, const Array<T>& Y,
                                                  const RegularizationCache<T>& cache,
                                                  double lambd);

/// forward_propagation_with_dropout(X, parameters, keep_prob): starts with np.random.seed(seed)
/// (the notebook's template line, seed 1), then D1 = rand(A1.shape) < keep_prob,
/// A1 = A1 * D1 / keep_prob, and the same for D2 on A2; never on A3. Returns (A3, cache).
template <class T>
std::pair<Array<T>, DropoutCache<T>>
forward_propagation_with_dropout(const Array<T>& X, const Parameters<T>& parameters,
                                 double keep_prob = 0.5, unsigned seed = 1);

/// backward_propagation_with_dropout(X, Y, cache, keep_prob): dA2 = dA2 * D2 / keep_prob and
/// dA1 = dA1 * D1 / keep_prob, the same masks as the forward pass. Returns the gradients as
/// backward_propagation_with_regularization does.
template <class T>
Grads<T> backward_propagation_with_dropout(const Array<T>& X, const Array<T>& Y,
                                           const DropoutCache<T>& cache, double keep_prob);

} // namespace xgrad::reference
