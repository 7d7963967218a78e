#pragma once
// The gradient comparison: for every layer of a Dense network, dZ[l], dW[l], db[l] and
// dA[l-1] from three independent sources, side by side:
//   autodiff - the engine's backward through the model (the stable logits form of the loss),
//   manual   - the course's hand-written L_model_backward (nn/reference), from
//              dAL = -(Y/AL - (1-Y)/(1-AL)); or any set of named gradients supplied instead
//              (a learner's own, "yours": the keys and scale of the course's grads),
//   numeric  - central finite differences of the cost in float64: by default the five-point
//              stencil (8 (J(x+h) - J(x-h)) - (J(x+2h) - J(x-2h))) / 12h with h = 1e-4, whose
//              error (~1e-12) stays well under the course's 1e-7 even for the small gradients of
//              early layers; the course's two-point (J(x+e) - J(x-e)) / 2e is an option (its
//              rounding error, ~1e-16 / e, fails 1e-7 on vanishing gradients).
//
// Convention: the engine's cost is the mean over examples, so its dJ/dZ carries the 1/m that
// the course keeps out of dZ and puts in dW and db. Rows for dZ and dA therefore show the
// course's per-example values, m * dJ/dZ and m * dJ/dA, for every source (autodiff and
// numeric are multiplied by m); dW and db are dJ/dW and dJ/db, equal in both conventions.

#include "nn/model.hpp"
#include "nn/reference/backprop.hpp"

#include <cstddef>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace xgrad::nn {

/// How the numeric column differentiates.
enum class Stencil {
    five_point, ///< (8 (J(x+h) - J(x-h)) - (J(x+2h) - J(x-2h))) / 12h: error O(h^4)
    two_point,  ///< the course's (J(x+e) - J(x-e)) / 2e: error O(e^2)
};

struct CompareOptions {
    /// Corrupt the manual side as the course's gradient-checking exercise does (dW2 * 2,
    /// db1 * 4): the comparison must then name exactly those tensors.
    reference::PlantedBug planted_bug = reference::PlantedBug::none;
    Stencil stencil = Stencil::five_point;
    /// The step h (or e) of the differences, taken in float64 whatever the model's scalar
    /// type. Keep the points away from ReLU's kink: an entry whose Z is within about 2h |A| of
    /// 0 gets a meaningless difference. (The course uses e = 1e-7 with the two-point stencil.)
    double epsilon = 1e-4;
    /// The course's pass mark for a tensor's relative difference.
    double threshold = 1e-7;
    /// The course's pass mark for the whole network (gradient_check_n: 2e-7).
    double network_threshold = 2e-7;
    /// Finite differences at all (2 forward passes per parameter entry).
    bool numeric = true;
    /// Finite differences of dZ and dA too (2 forward passes of the later layers per entry).
    bool numeric_activations = true;
    /// At most this many entries of each tensor get finite differences (a seeded random
    /// sample, for large networks); 0 means every entry.
    std::size_t max_numeric_entries = 0;
    unsigned seed = 0;
};

/// The options for a model of scalar type T: the course's thresholds (1e-7 per tensor, 2e-7
/// for the network) in double; in float, whose rounding alone makes relative differences of
/// 1e-7 to 1e-6 between correct gradients, 1e-4 and 2e-4 (a wrong formula still shows as 1e-1
/// or more: the planted bug's dW2 * 2 gives 1/3).
template <class T>
CompareOptions default_compare_options() {
    CompareOptions options;
    if (sizeof(T) < sizeof(double)) {
        options.threshold = 1e-4;
        options.network_threshold = 2e-4;
    }
    return options;
}

/// Autodiff against one other source for one tensor.
struct Difference {
    /// numpy's index of the entry with the largest |autodiff - other| (of a supplied tensor
    /// not finite: its first NaN or Inf), in the other's own shape; empty when not computed.
    std::vector<std::size_t> worst_index;
    double worst_autodiff = 0, worst_other = 0; ///< the two values there
    bool available = false;                     ///< false: not computed, `note` says why
    double max_abs = 0;      ///< max |autodiff - other| over the entries compared
    double relative = 0;     ///< ||autodiff - other|| / (||autodiff|| + ||other||); 0 if both 0
    bool passed = true;      ///< relative <= threshold; true when not available
    std::size_t entries = 0; ///< entries compared (a sample when max_numeric_entries is set)
    std::string note;        ///< why it is not available, or what was special
};

/// One tensor of one layer.
struct CompareRow {
    std::size_t layer = 0;
    std::string tensor; ///< the course's key: "dZ2", "dW2", "db2", "dA1"
    Shape shape;
    bool autodiff_finite = true;
    Difference manual;  ///< autodiff vs the course's manual formulas
    Difference numeric; ///< autodiff vs finite differences
    /// With supplied gradients: this tensor was among them (else it is not checked).
    bool supplied = true;
    /// With supplied gradients that differ: the usual cause the numbers point at (a constant
    /// factor such as 2, m or -1, a transposed dW, signs, zeros), "" when none fits.
    std::string hint;
    bool passed() const { return autodiff_finite && manual.passed && numeric.passed; }
    /// "ok", "manual differs", "numeric differs", "autodiff not finite", ...
    std::string verdict() const { return verdict("manual"); }
    /// The same, calling the manual column `manual_name` ("yours").
    std::string verdict(const std::string& manual_name) const;
};

struct Comparison {
    std::string network; ///< the model's summary, "2 -> 4 (tanh) -> 1 (sigmoid)"
    std::string loss;    ///< "binary cross-entropy"
    std::size_t m = 0;
    double epsilon = 0, threshold = 0, network_threshold = 0;
    Stencil stencil = Stencil::five_point;
    /// Layer L down to 1, each dZ[l], dW[l], db[l], dA[l-1]: the order backward computes
    /// them, so the first failing row is where a backward pass first goes wrong.
    std::vector<CompareRow> rows;
    /// The course's whole-network check over every dW and db entry compared numerically,
    /// ||grad - gradapprox|| / (||grad|| + ||gradapprox||): autodiff's grad and the manual
    /// formulas' grad. Negative when not computed.
    double network_autodiff = -1, network_manual = -1;
    /// Where the manual column comes from.
    std::string manual_source;
    /// What the report calls the manual column: "manual", or "yours" for supplied gradients.
    std::string manual_label = "manual";
    /// With supplied gradients: the rows' tensors that were not supplied, so not checked.
    std::vector<std::string> not_supplied;
    /// Non-empty when the course's manual formula broke down (e.g. dAL not finite because AL
    /// saturated at exactly 0 or 1): a failure of the formula, not of autodiff.
    std::string manual_breakdown;
    /// Other remarks (sampling, missing reference support).
    std::vector<std::string> notes;

    /// The tensors whose row failed, in row order.
    std::vector<std::string> failing() const;
    /// The first failing tensor, or "" when every row passed.
    std::string first_disagreement() const;
    /// The first row (in backward order) whose manual column disagrees with autodiff: with
    /// supplied gradients, the first of them that is wrong. nullptr when none.
    const CompareRow* first_manual_failure() const;
    bool network_autodiff_passed() const {
        return network_autodiff < 0 || network_autodiff <= network_threshold;
    }
    bool network_manual_passed() const {
        return network_manual < 0 || network_manual <= network_threshold;
    }
    /// Every row and both whole-network checks passed.
    bool passed() const;
};

/// Prints the comparison as a table with its conventions, the whole-network checks and the
/// first tensor that disagrees.
void print(std::ostream& out, const Comparison& comparison);
std::ostream& operator<<(std::ostream& out, const Comparison& comparison);

/// Compares the gradients of model's training cost on (X, Y) from autodiff, the course's
/// manual formulas (sigmoid output; the reference has no softmax, so for softmax outputs the
/// manual column is absent) and finite differences. Leaves the model's parameters and
/// gradients as they were. X and Y must be finite (DataError, nn/data_checks.hpp, naming the
/// first NaN or Inf).
template <class T>
Comparison compare_gradients(const Model<T>& model, const Array<T>& X, const Array<T>& Y,
                             const CompareOptions& options = default_compare_options<T>());

/// The same with `supplied` as the manual column: gradients keyed as the course's grads
/// dictionary ("dW1", "db1", ..., and any of "dZ1", ..., "dA0", ... as L_model_backward
/// returns them, i.e. dZ and dA per example, m * dJ/dZ). Tensors not supplied are not checked
/// (rows marked `supplied = false`, listed in not_supplied), not failed. A dW or db whose shape
/// is the transpose of the right one is a failing row with a hint; a NaN or Inf entry fails
/// its row. Throws std::invalid_argument for a key that is not one of the network's, and
/// DataError (nn/data_checks.hpp) for any other wrong shape, naming the key and the shape
/// meant. X and Y must be finite (DataError).
template <class T>
Comparison compare_gradients(const Model<T>& model, const Array<T>& X, const Array<T>& Y,
                             const std::map<std::string, Array<T>>& supplied,
                             const CompareOptions& options = default_compare_options<T>());

/// Why `key` is none of an L-layer network's gradients, to follow the key in a message:
/// " is not a gradient of this 3-layer network (did you mean \"dW1\"?): its keys are dW1..dW3,
/// db1..db3, and any of dZ1..dZ3, dA0..dA2" (the "did you mean" when only the case differs).
std::string not_a_gradient_key(const std::string& key, std::size_t L);

/// The engine's gradients of the model's training cost on (X, Y), keyed as the course's grads:
/// "dW1", "db1", ..., and with `activations` also "dZ1", ..., "dA0", ... in the course's
/// per-example scale (m * dJ/dZ). Does not touch the parameters' .grad.
template <class T>
std::map<std::string, Array<T>> autodiff_gradients(const Model<T>& model, const Array<T>& X,
                                                   const Array<T>& Y, bool activations = false);

/// The smallest |Z[l]| over the layers with a kink at 0 (has_kink_at_zero), from one forward
/// pass of X; infinity when there are none. A gradient check keeps its points farther from the
/// kinks than its differences reach (xgrad check's random problems, the tests).
template <class T>
double distance_to_kinks(const Model<T>& model, const Array<T>& X);

/// The model's parameters as the reference's Parameters (copies).
template <class T>
reference::Parameters<T> to_reference(const Model<T>& model);
/// The reference's activation; throws std::invalid_argument for softmax, which it lacks.
reference::Activation to_reference(Activation activation);

} // namespace xgrad::nn
