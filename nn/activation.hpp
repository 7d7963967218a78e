#pragma once
// Activations of a Dense layer: A[l] = g[l](Z[l]), each one engine op, so its derivative is
// the engine's and nothing in nn/ writes a backward rule.

#include "autograd/autograd.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace xgrad::nn {

/// g[l] of a layer. Softmax normalises over axis 0: the classes, one column per example.
enum class Activation { relu, leaky_relu, sigmoid, tanh, softmax };

/// The slope of leaky ReLU for Z <= 0, as in the course's notes and PyTorch.
inline constexpr double leaky_relu_slope = 0.01;

/// "relu", "leaky_relu", "sigmoid", "tanh" or "softmax"; throws std::invalid_argument naming the
/// accepted names for anything else.
Activation parse_activation(std::string_view name);
/// A comma-separated list, "relu,relu,sigmoid" (spaces around names are ignored).
std::vector<Activation> parse_activations(std::string_view names);
/// The name parse_activation reads.
std::string_view to_string(Activation activation);
/// relu and leaky relu: a kink at 0, across which finite differences measure nothing.
bool has_kink_at_zero(Activation activation);

/// A = g(Z) with the engine's ops: relu, leaky_relu(Z, 0.01), sigmoid, tanh or softmax(Z, 0).
template <class T>
Tensor<T> activate(Activation activation, const Tensor<T>& Z);

} // namespace xgrad::nn
