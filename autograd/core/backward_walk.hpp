#pragma once
// The backward walk: the tape in reverse, from the outputs back to the leaves.

#include "autograd/core/backward_options.hpp"
#include "autograd/core/backward_rule.hpp"
#include "autograd/core/node.hpp"
#include "autograd/core/tape.hpp"
#include "autograd/core/tensor.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

namespace xgrad {

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
    // The phases of step(), in order.
    std::shared_ptr<TensorImpl<T>> next_node();
    Tensor<T> take_gradient(const std::shared_ptr<TensorImpl<T>>& node);
    InputGrads<T> run_rule(const TensorImpl<T>& node, const Tensor<T>& output, const Tensor<T>& g,
                           bool spare);
    void check_finite(const TensorImpl<T>& node, const InputGrads<T>& grads) const;
    void send_all(const TensorImpl<T>& node, InputGrads<T>& grads, BackwardStep<T>* report);
    void release(TensorImpl<T>& node);

    void send(const std::shared_ptr<TensorImpl<T>>& target, Tensor<T> g);
    void finish();
    void abandon();

    // Leaves: their gradients are gathered here, not in the leaf, because a leaf (a shared
    // parameter) may be reached by walks on other threads at the same time.
    struct LeafGrad {
        std::shared_ptr<TensorImpl<T>> leaf;
        Tensor<T> pending;
        bool done = false; // handed to the leaf's .grad (or to wanted_grads)
    };
    std::size_t leaf_slot(const TensorImpl<T>* leaf) const;
    void find_last_uses();
    void complete_leaves_used_from(std::size_t position);
    void complete(LeafGrad& leaf);
    Tensor<T> run_hooks(const std::shared_ptr<TensorImpl<T>>& tensor, Tensor<T> g) const;
    void run_post_accumulate_hooks(const std::shared_ptr<TensorImpl<T>>& leaf) const;

    Tape<T>& m_tape;
    BackwardOptions m_options;
    const std::vector<Tensor<T>>* m_wanted;
    std::vector<Tensor<T>> m_wanted_grads;
    std::vector<LeafGrad> m_leaves; // leaves this walk sent a gradient to, in that order
    std::unordered_map<const TensorImpl<T>*, std::size_t> m_leaf_slots; // once there are many
    // Leaves with hooks, by the tape slot of their first use, latest last: once the walk
    // passes that slot, their gradient is complete and their hooks can run.
    std::vector<std::pair<std::size_t, const TensorImpl<T>*>> m_due;
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
