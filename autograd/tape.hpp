#pragma once
// The tape: every op result in recording order, one tape per thread and scalar type.
//
// Recording order is a valid reverse order for backward (an op runs after its
// inputs exist), so backward is a reverse loop over the tape: no recursion, no
// topological sort, any depth. The tape holds weak references: a node lives as long
// as the tensors that use it, and entries of dead nodes are swept away.

#include "autograd/tensor.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace xgrad {

// --- grad mode -------------------------------------------------------------

/// Whether ops record nodes on this thread (true unless inside a NoGrad scope).
bool grad_enabled();

/// While alive, ops on this thread record nothing (as torch.no_grad()).
class NoGrad {
public:
    NoGrad();
    ~NoGrad();
    NoGrad(const NoGrad&) = delete;
    NoGrad& operator=(const NoGrad&) = delete;

private:
    bool m_previous;
};

/// While alive, sets grad mode on this thread to `enabled` (used by create_graph).
class GradMode {
public:
    explicit GradMode(bool enabled);
    ~GradMode();
    GradMode(const GradMode&) = delete;
    GradMode& operator=(const GradMode&) = delete;

private:
    bool m_previous;
};

// --- scopes ------------------------------------------------------------------

/// While alive, ops record `name` as where they were made ("layer 2 (Dense 4 -> 1)"),
/// and errors thrown by ops name it. Scopes nest: "model / layer 2".
class Scope {
public:
    explicit Scope(const std::string& name);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
};

/// The innermost scope's full name on this thread, or nullptr. Interned: stable.
const std::string* current_scope();

// --- anomaly detection -------------------------------------------------------

/// While alive, every op checks its output, and backward every gradient, for NaN and
/// Inf, and throws AnomalyError at the first one, naming the op and where it was made.
class DetectAnomaly {
public:
    DetectAnomaly();
    ~DetectAnomaly();
    DetectAnomaly(const DetectAnomaly&) = delete;
    DetectAnomaly& operator=(const DetectAnomaly&) = delete;

private:
    bool m_previous;
};
bool anomaly_detection_enabled();

// --- the tape ------------------------------------------------------------------

/// One tape entry, as inspection tools see it.
struct TapeEntry {
    std::uint64_t sequence;
    Op op;
    std::string label;
    std::string scope;
    std::vector<Shape> input_shapes;
    Shape output_shape;
    bool freed; ///< backward released its inputs
};

template <class T>
class Tape {
public:
    /// This thread's tape for scalar type T.
    static Tape& current();

    /// Enter a new node; gives it its sequence number.
    void record(const std::shared_ptr<TensorImpl<T>>& node);
    /// The live entries, oldest first.
    std::vector<TapeEntry> entries() const;
    /// The live nodes, oldest first.
    std::vector<Tensor<T>> nodes() const;
    /// Number of slots, live or dead, currently held (for tests of memory growth).
    std::size_t slots() const { return m_entries.size(); }
    /// Drop every entry (nodes stay alive while tensors hold them).
    void clear() { m_entries.clear(); }

private:
    template <class U>
    friend void run_backward(const std::vector<Tensor<U>>&, const std::vector<Tensor<U>>&, bool,
                             bool, bool, const std::vector<Tensor<U>>*, std::vector<Tensor<U>>*);
    void sweep();

    std::vector<std::weak_ptr<TensorImpl<T>>> m_entries;
    std::uint64_t m_next_sequence = 1;
    std::size_t m_sweep_at = 256;
    int m_walking = 0; // no sweep while a backward walk indexes the tape
};

extern template class Tape<float>;
extern template class Tape<double>;

/// The engine's backward walk, used by Tensor::backward and grad().
template <class T>
void run_backward(const std::vector<Tensor<T>>& roots, const std::vector<Tensor<T>>& seeds,
                  bool retain_graph, bool create_graph, bool retain_grads,
                  const std::vector<Tensor<T>>* wanted, std::vector<Tensor<T>>* wanted_grads);

} // namespace xgrad
