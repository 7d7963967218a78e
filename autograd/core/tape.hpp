#pragma once
// The tape: every op result in recording order, one tape per thread and scalar type.
//
// Recording order is a valid reverse order for backward (an op runs after its
// inputs exist), so backward is a reverse loop over the tape: no recursion, no
// topological sort, any depth. The tape holds weak references: a node lives as long
// as the tensors that use it, and entries of dead nodes are swept away.

#include "autograd/core/tensor.hpp"

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
    /// The sequence number the next recorded op will get (its tape position).
    std::uint64_t next_sequence() const { return m_next_sequence; }
    /// Drop every entry (nodes stay alive while tensors hold them).
    void clear() {
        m_entries.clear();
        m_sweep_at = 256;
    }

private:
    template <class U>
    friend class BackwardWalk;
    void sweep();

    std::vector<std::weak_ptr<TensorImpl<T>>> m_entries;
    std::uint64_t m_next_sequence = 1;
    std::size_t m_sweep_at = 256;
    int m_walking = 0; // no sweep while a backward walk indexes the tape
};

extern template class Tape<float>;
extern template class Tape<double>;

// --- backward -----------------------------------------------------------------

/// What one step of a backward walk did: the op whose rule ran, the gradient that
/// arrived at its output, and the gradients it sent to each of its inputs.
template <class T>
struct BackwardStep {
    Tensor<T> node;                     ///< the op result whose backward rule ran
    Tensor<T> grad;                     ///< G, the gradient that arrived at it
    std::vector<Tensor<T>> inputs;      ///< its inputs
    std::vector<Tensor<T>> input_grads; ///< sent to each input (undefined: none), in its shape
};

/// The backward walk: the tape in reverse, from the outputs back to the leaves.
/// backward() and grad() run it to the end; step() runs one op's rule at a time, for
/// people who want to watch gradients flow.
template <class T>
class BackwardWalk {
public:
    /// Seeds `outputs` with `seeds` (or with 1 for one-element outputs). With `wanted`,
    /// the walk collects gradients for those tensors instead of accumulating any .grad.
    BackwardWalk(const std::vector<Tensor<T>>& outputs, const std::vector<Tensor<T>>& seeds,
                 const BackwardOptions& options, const std::vector<Tensor<T>>* wanted = nullptr);
    ~BackwardWalk();
    BackwardWalk(const BackwardWalk&) = delete;
    BackwardWalk& operator=(const BackwardWalk&) = delete;

    /// Runs the next op's backward rule; fills `report` if given. Returns false, after
    /// handing the leaves their gradients, once no gradient is left to propagate.
    bool step(BackwardStep<T>* report = nullptr);
    /// Runs every remaining step.
    void run();
    /// With `wanted`: their gradients, in order (zeros where the outputs do not depend on them).
    std::vector<Tensor<T>> wanted_grads() const;

private:
    void send(const std::shared_ptr<TensorImpl<T>>& target, Tensor<T> g);
    void finish();
    void abandon();

    Tape<T>& m_tape;
    BackwardOptions m_options;
    const std::vector<Tensor<T>>* m_wanted;
    std::vector<Tensor<T>> m_wanted_grads;
    std::vector<std::shared_ptr<TensorImpl<T>>> m_leaves; // leaves holding a pending gradient
    // Non-leaves holding one: held here, because freeing their consumer's inputs may
    // drop the last other reference before the walk reaches them.
    std::vector<std::shared_ptr<TensorImpl<T>>> m_held;
    std::size_t m_outstanding = 0; // non-leaves holding a pending gradient
    std::uint64_t m_last = 0;      // newest output's tape sequence
    std::size_t m_next = 0;        // tape slots below this one are still to walk
    bool m_done = false;
};

extern template class BackwardWalk<float>;
extern template class BackwardWalk<double>;

} // namespace xgrad
