#pragma once
// Cross-entropy costs, composed of engine ops (their gradients are the engine's).
//
// Every cost is the course's: summed over the entries of a column, averaged over the m
// examples (columns). For one output row that is the mean over examples.

#include "autograd/autograd.hpp"
#include "nn/activation.hpp"

#include <limits>
#include <string_view>

namespace xgrad::nn {

/// J = -1/m sum(Y log(AL) + (1-Y) log(1-AL)) from probabilities AL, the course's
/// compute_cost. AL is first clipped to [eps, 1-eps] so that J stays finite when AL is
/// exactly 0 or 1 (then at most -log(eps) per entry: 36 in double, 16 in float), at the price
/// of a zero gradient where AL was clipped. For training prefer the logits form below.
/// AL and Y must have the same shape (no broadcasting).
template <class T>
Tensor<T> binary_cross_entropy(const Tensor<T>& AL, const Tensor<T>& Y,
                               T eps = std::numeric_limits<T>::epsilon());

/// The same cost from the logits ZL (AL = sigmoid(ZL)), computed stably by the engine's
/// binary_cross_entropy_with_logits: finite with finite gradients for any ZL, even +-1000.
/// dJ/dZL = (sigmoid(ZL) - Y) / m.
template <class T>
Tensor<T> binary_cross_entropy_from_logits(const Tensor<T>& ZL, const Tensor<T>& Y);

/// J = -1/m sum(Y * log_softmax(ZL, axis 0)): the categorical cross-entropy of
/// softmax(ZL) against Y (one-hot or probabilities), one column per example. Stable: the
/// engine's log_softmax subtracts each column's max. dJ/dZL = (softmax(ZL) - Y) / m.
template <class T>
Tensor<T> categorical_cross_entropy_from_logits(const Tensor<T>& ZL, const Tensor<T>& Y);

/// The cost a model trains with, chosen by its output activation.
enum class Loss {
    binary_cross_entropy,      ///< sigmoid output: binary_cross_entropy_from_logits
    categorical_cross_entropy, ///< softmax output: categorical_cross_entropy_from_logits
};

std::string_view to_string(Loss loss);

/// The loss for an output layer: sigmoid gives binary, softmax categorical cross-entropy;
/// any other activation throws std::invalid_argument (no cross-entropy fits it).
Loss loss_for(Activation output);

/// The cost of `loss` from the logits ZL.
template <class T>
Tensor<T> loss_from_logits(Loss loss, const Tensor<T>& ZL, const Tensor<T>& Y);

} // namespace xgrad::nn
