#pragma once
// Checks of the arrays a learner hands to xgrad (X, Y, parameters, their own gradients), so a
// mistake is named where it was made and not much later as a wrong gradient: a NaN in X that
// relu hides and that then shows up as a failure of dW1, labels of 2 under a sigmoid, a b1
// saved by numpy as a rank-1 (4,) vector.
//
// Each check throws DataError, whose message names the array ("X", "b1"), the file it came
// from when one is given ("data/X.npy: ..."), the first bad entry with its index (numpy's
// X[2, 3]) and what was meant.

#include "autograd/autograd.hpp"
#include "nn/losses.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace xgrad::nn {

/// An array that cannot be what it is meant to be. what() is "<file>: <reason>", or
/// "<reason>" without a file.
class DataError : public Error {
public:
    DataError(const std::string& file, const std::string& name, const std::string& reason)
        : Error(file.empty() ? reason : file + ": " + reason), m_file(file), m_name(name),
          m_reason(reason) {}

    /// The file the array came from, "" when none was given.
    const std::string& file() const noexcept { return m_file; }
    /// The array's name: "X", "Y", "b1", "dW2".
    const std::string& name() const noexcept { return m_name; }
    /// What was wrong, without the file.
    const std::string& reason() const noexcept { return m_reason; }

private:
    std::string m_file, m_name, m_reason;
};

/// numpy's index of the flat (row-major) position `flat` in `shape`: "[2, 3]", "[4]", "[]".
std::string index_string(const Shape& shape, std::size_t flat);

/// Every entry finite; otherwise DataError naming the first NaN or Inf and its index, and how
/// many entries are not finite.
template <class T>
void check_finite(const Array<T>& a, const std::string& name, const std::string& file = "");

/// Labels of a sigmoid output: every entry exactly 0 or 1; otherwise DataError naming the first
/// other value and its index.
template <class T>
void check_binary_labels(const Array<T>& Y, const std::string& name, const std::string& file = "");

/// Labels of a softmax output over `classes` classes, one column per example: one-hot, or
/// more generally a distribution over the classes (entries in [0, 1], each column summing to
/// 1). Otherwise DataError naming the first bad entry or column: a column of zeros (a class
/// that the one-hot encoding had no row for) or one with two labels. A (1, m) Y of class
/// indices where classes > 1 is named as such, with the first index outside 0..classes-1.
template <class T>
void check_class_labels(const Array<T>& Y, std::size_t classes, const std::string& name,
                        const std::string& file = "");

/// What a cost needs of its data before it is computed: X (n_x, m) and Y (n_y, m) matrices of
/// the same m (else ShapeError from `where`, naming both), every entry finite, and labels fit
/// for `loss` on a model of `outputs` output units (check_binary_labels, or check_class_labels
/// over `outputs` classes; a Y whose rows differ otherwise is left to the loss's shape check).
/// One pass over each array, no copy.
template <class T>
void check_examples(const Array<T>& X, const Array<T>& Y, Loss loss, std::size_t outputs,
                    const std::string& where, const std::string& x_name = "X",
                    const std::string& y_name = "Y", const std::string& x_file = "",
                    const std::string& y_file = "");

/// A memo of the X and Y a training loop's loss last checked with check_examples: a loop that
/// calls model.loss(X, Y) every step on the same data scans it once, not every step (for the
/// course's 12288 x 209 images the scan was 15% of a full-batch step). The same tensors
/// unchanged since (Tensor::version(): data() bumps it) count as checked; other tensors, or
/// the same ones changed, are checked again. Thread-safe; a copy starts empty. As backward's
/// version check, it sees a change when data() is called: values written later through a
/// reference kept from an earlier data() call go unseen.
template <class T>
class CheckedExamples {
public:
    CheckedExamples() = default;
    CheckedExamples(const CheckedExamples&) {}
    CheckedExamples& operator=(const CheckedExamples&) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_X.reset();
        m_Y.reset();
        return *this;
    }
    /// Whether X and Y are the tensors last remembered, unchanged since.
    bool unchanged(const Tensor<T>& X, const Tensor<T>& Y) const {
        std::lock_guard<std::mutex> lock(m_mutex);
        return same(m_X, m_X_version, X) && same(m_Y, m_Y_version, Y);
    }
    /// Remembers X and Y (after their check passed).
    void remember(const Tensor<T>& X, const Tensor<T>& Y) const {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_X = X.impl();
        m_Y = Y.impl();
        m_X_version = X.version();
        m_Y_version = Y.version();
    }

private:
    static bool same(const std::weak_ptr<TensorImpl<T>>& kept, std::uint32_t version,
                     const Tensor<T>& t) {
        // weak_ptr: a new tensor made where a dead one was is not taken for it.
        return !kept.owner_before(t.impl()) && !t.impl().owner_before(kept) && !kept.expired() &&
               t.version() == version;
    }
    mutable std::mutex m_mutex;
    mutable std::weak_ptr<TensorImpl<T>> m_X, m_Y;
    mutable std::uint32_t m_X_version = 0, m_Y_version = 0;
};

/// a has shape `expected`; otherwise DataError naming the shape found and the shape meant. A
/// rank-1 (n,) array where the course wants (n, 1) or (1, n) gets the course's advice (course
/// 1, week 2, "a note on python/numpy vectors": don't use rank-1 arrays, reshape them).
template <class T>
void check_shape(const Array<T>& a, const Shape& expected, const std::string& name,
                 const std::string& file = "");

/// A learner's gradient `key` ("dW2", "db1", "dZ3", "dA0") against the shape `expected` of
/// the engine's: the same shape, or for a 2-D one its transpose (a mistake the gradient
/// comparison names with a hint, not an error). Otherwise as check_shape, and a db of shape
/// (1, m) gets a hint at the axis of the sum.
template <class T>
void check_gradient_shape(const Array<T>& value, const Shape& expected, const std::string& key,
                          const std::string& file = "");

/// Not a rank-1 (n,) array: for when the exact shape is not known yet. `meant` says what the
/// course's shape is, e.g. "(n_1, n_0)" or "(n_x, m)"; `column` whether a (n,) of this array
/// is most likely a column (n, 1), as b is, rather than a row (1, m), as Y is.
template <class T>
void check_not_rank1(const Array<T>& a, const std::string& meant, bool column,
                     const std::string& name, const std::string& file = "");

} // namespace xgrad::nn
