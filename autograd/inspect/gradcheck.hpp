#pragma once
// Gradient checking: the engine's gradients (and, by gradgradcheck, their gradients) against
// central finite differences in float64, reported as the course does,
// ||g - g_num|| / (||g|| + ||g_num||).

#include "autograd/core/tensor.hpp"

#include <functional>
#include <string>
#include <vector>

namespace xgrad {

struct GradcheckOptions {
    double epsilon = 1e-6;   ///< step of the central difference (f(x+e) - f(x-e)) / 2e
    double threshold = 1e-7; ///< the course's pass mark for the relative difference
    unsigned seed = 0;       ///< seed of the projection of a non-scalar output
};

/// What gradcheck found for one input.
struct GradcheckInput {
    double relative_difference = 0;   ///< ||g - g_num|| / (||g|| + ||g_num||), 0 when both vanish
    std::size_t worst_entry = 0;      ///< flat index of the largest |g - g_num|
    double analytic = 0, numeric = 0; ///< g and g_num at that entry
    bool passed = false;
};

struct GradcheckResult {
    std::vector<GradcheckInput> inputs;
    double threshold = 0;
    bool passed = false;
    /// One line per input: relative difference, worst entry, pass/fail.
    std::string report() const;
};

using DifferentiableFunction = std::function<Tensor<double>(const std::vector<Tensor<double>>&)>;

/// Checks the gradient of `f` at `inputs`. A non-scalar output y is reduced to
/// sum(y * R) with a fixed random R, so that every output element counts (a plain sum
/// would hide errors in, for example, softmax, whose columns always sum to 1).
GradcheckResult gradcheck(const DifferentiableFunction& f, const std::vector<Array<double>>& inputs,
                          const GradcheckOptions& options = {});

/// Checks the second derivatives of `f` at `inputs`: gradcheck of the function
/// x -> sum_i <R_i, d<R, f(x)>/dx_i> (fixed random R, R_i), whose gradient the engine takes
/// through the recorded backward of f (create_graph), so an op whose rule is not itself
/// differentiable fails here. Both work on functions that call grad() themselves: every
/// pass runs with grad mode on and inputs that require grad.
GradcheckResult gradgradcheck(const DifferentiableFunction& f,
                              const std::vector<Array<double>>& inputs,
                              const GradcheckOptions& options = {});

} // namespace xgrad
