#pragma once
// Gradient clipping between backward and the optimiser's step, as
// torch.nn.utils.clip_grad_norm_ and clip_grad_value_: it changes the parameters' .grad() in
// place. Parameters without a gradient are skipped.

#include "nn/named_tensor.hpp"

#include <limits>
#include <vector>

namespace xgrad::nn {

/// The norm of all the gradients together, as if they were one vector (norm_type 2, or any
/// p >= 1, or infinity for the largest |entry|); when it exceeds max_norm every gradient is
/// scaled by max_norm / (norm + 1e-6), as PyTorch does. Returns the norm before clipping.
/// Throws std::invalid_argument when max_norm < 0 or norm_type < 1.
template <class T>
double clip_grad_norm(const std::vector<NamedTensor<T>>& parameters, double max_norm,
                      double norm_type = 2);

/// Every gradient entry limited to [-clip_value, clip_value]. Returns the largest |entry|
/// before clipping. Throws std::invalid_argument when clip_value < 0.
template <class T>
double clip_grad_value(const std::vector<NamedTensor<T>>& parameters, double clip_value);

} // namespace xgrad::nn
