#include "autograd/core/backward_walk.hpp"

#include "autograd/core/anomaly.hpp"
#include "autograd/core/backward_ops.hpp"
#include "autograd/core/error.hpp"
#include "autograd/core/grad_mode.hpp"
#include "autograd/core/scope.hpp"
#include "autograd/kernels/accumulate.hpp"

#include <algorithm>
#include <exception>
#include <mutex>

namespace xgrad {

namespace {

constexpr std::size_t no_slot = static_cast<std::size_t>(-1);

// The op's name: the op table's, or a CustomOp's.
template <class T>
std::string name_of(const TensorImpl<T>& node) {
    return node.user_op ? node.user_op->name : op_info(node.op).name;
}

// "W[1] (3, 2), a leaf" or "A (2, 4), the result of swish (tape entry 7, thread 2)".
template <class T>
std::string who(const std::shared_ptr<TensorImpl<T>>& impl) {
    const Tensor<T> t(impl);
    if (impl->op == Op::leaf)
        return describe(t) + ", a leaf";
    return describe(t) + ", the result of " + t.op_name() + " (tape entry " +
           std::to_string(impl->sequence) + ", thread " + std::to_string(impl->thread) + ")";
}

// The hooks of one list still registered, in order: a hook may remove itself or another.
template <class T, class Entry>
std::vector<Entry> snapshot(const TensorImpl<T>& impl, const std::vector<Entry>& list) {
    std::lock_guard<std::mutex> lock(detail::grad_mutex(&impl));
    return list;
}
template <class T, class Entry>
bool still_registered(const TensorImpl<T>& impl, const std::vector<Entry>& list, std::uint64_t id) {
    std::lock_guard<std::mutex> lock(detail::grad_mutex(&impl));
    return std::any_of(list.begin(), list.end(), [id](const Entry& e) { return e.id == id; });
}

template <class T>
std::ptrdiff_t index_of(const std::vector<Tensor<T>>* tensors, const TensorImpl<T>* impl) {
    if (!tensors)
        return -1;
    for (std::size_t i = 0; i < tensors->size(); ++i)
        if ((*tensors)[i].impl().get() == impl)
            return static_cast<std::ptrdiff_t>(i);
    return -1;
}

// sum += g. In place when no one else holds `sum` and no graph is being recorded;
// otherwise as a new tensor, so an alias (add's backward hands G to both inputs) or a
// recorded gradient is never overwritten.
template <class T>
void accumulate(Tensor<T>& sum, Tensor<T> g, bool create_graph) {
    if (!sum.defined())
        sum = std::move(g);
    else if (!create_graph && sum.impl().use_count() == 1 && sum.shape() == g.shape()) {
        // the walk's own sum: not a user's in-place change, so not through data()
        kernels::add_in_place(sum.impl()->value.data(), g.value().data(), sum.size());
    } else {
        GradMode mode(create_graph); // the sum is recorded only under create_graph
        sum = add(sum, g);
    }
}

// A rule reads its inputs and output as they are now; if one was changed in place (data())
// after the op recorded it, the gradient would silently belong to other values.
template <class T>
void check_versions(const std::shared_ptr<TensorImpl<T>>& result) {
    const TensorImpl<T>& node = *result;
    auto refuse = [&node](const std::string& what, std::uint32_t now, std::uint32_t then) {
        throw GraphError(
            std::string("backward: ") + what + " was changed in place (data()) after " +
            name_of(node) + " (tape entry " + std::to_string(node.sequence) +
            (node.scope ? ", in " + *node.scope : std::string()) + ") used it: version " +
            std::to_string(now) + ", recorded at " + std::to_string(then) +
            "; its gradient would be for values the forward never saw. Change it after "
            "backward(), or run the forward again");
    };
    for (std::size_t i = 0; i < node.n_inputs; ++i) {
        const auto& input = node.inputs[i];
        if (input && input->version != node.input_versions[i])
            refuse("input " + std::to_string(i) + " " + describe(Tensor<T>(input)), input->version,
                   node.input_versions[i]);
    }
    if (node.version != 0)
        refuse("its output " + describe(Tensor<T>(result)), node.version, 0);
}

} // namespace

template <class T>
BackwardWalk<T>::BackwardWalk(const std::vector<Tensor<T>>& outputs,
                              const std::vector<Tensor<T>>& seeds, const BackwardOptions& options,
                              const std::vector<Tensor<T>>* wanted)
    : m_tape(Tape<T>::current()), m_options(options), m_wanted(wanted) {
    if (outputs.empty())
        throw GraphError("backward: no output tensor given");
    if (!seeds.empty() && seeds.size() != outputs.size())
        throw GraphError("backward: " + std::to_string(seeds.size()) + " seed gradients for " +
                         std::to_string(outputs.size()) + " outputs");
    // As PyTorch: a recorded backward reuses the graph, so it must stay.
    m_options.retain_graph = options.retain_graph || options.create_graph;
    if (wanted)
        m_wanted_grads.resize(wanted->size());
    // Room for a small network's parameters and activations: one allocation each, not a
    // vector grown from 1 (six allocations in the tiny benchmark's step).
    m_leaves.reserve(16);
    m_held.reserve(16);

    std::vector<Tensor<T>> checked_seeds;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        const Tensor<T>& root = outputs[i];
        if (!root.defined())
            throw GraphError("backward: the output tensor is undefined");
        if (!root.requires_grad())
            throw GraphError("backward: " + describe(root) +
                             " does not require grad: none of the tensors it was computed from "
                             "requires a gradient, or it was computed under NoGrad");
        if (!root.is_leaf() && root.impl()->thread != m_tape.thread())
            throw GraphError("backward: " + describe(root) + " was recorded on thread " +
                             std::to_string(root.impl()->thread) +
                             "'s tape, and backward runs on thread " +
                             std::to_string(m_tape.thread()) +
                             ": run backward on the thread that computed it (leaves may be "
                             "shared between threads, op results may not)");
        if (root.is_freed())
            throw GraphError("backward: the graph of " + describe(root) +
                             " was already freed by an earlier backward(); pass retain_graph = "
                             "true to that backward to run backward twice");
        if (seeds.empty()) {
            if (root.size() != 1)
                throw ShapeError("backward: " + describe(root) +
                                 " is not a scalar; pass a seed gradient of the same shape "
                                 "(as the course's dA[L])");
            checked_seeds.push_back(Tensor<T>::full(root.shape(), T(1)));
        } else {
            const Tensor<T>& seed = seeds[i];
            if (!seed.defined())
                throw GraphError("backward: the seed gradient is undefined");
            if (seed.shape() != root.shape())
                throw ShapeError("backward: seed gradient " + to_string(seed.shape()) +
                                 " does not match the shape of " + describe(root));
            checked_seeds.push_back(seed);
        }
        m_last = std::max(m_last, root.sequence());
    }
    // Nothing is sent until every output checked out, so a refused call changes nothing.
    for (std::size_t i = 0; i < outputs.size(); ++i)
        send(outputs[i].impl(), checked_seeds[i]);
    ++m_tape.m_walking;
    m_next = m_tape.m_entries.size();
    if (!m_wanted && detail::leaf_hook_count() > 0)
        find_last_uses();
}

template <class T>
BackwardWalk<T>::~BackwardWalk() {
    if (!m_done)
        abandon();
}

template <class T>
void BackwardWalk<T>::send(const std::shared_ptr<TensorImpl<T>>& target, Tensor<T> g) {
    if (target->op == Op::leaf) {
        const std::size_t slot = leaf_slot(target.get());
        if (slot == no_slot) {
            m_leaves.push_back({target, std::move(g)});
            if (!m_leaf_slots.empty() || m_leaves.size() == 32) // a linear search no more
                for (std::size_t k = m_leaf_slots.size(); k < m_leaves.size(); ++k)
                    m_leaf_slots.emplace(m_leaves[k].leaf.get(), k);
            return;
        }
        LeafGrad& leaf = m_leaves[slot];
        leaf.done = false; // (not reached: a leaf is complete only after its last use)
        accumulate(leaf.pending, std::move(g), m_options.create_graph);
        return;
    }
    if (!target->pending.defined()) {
        m_held.push_back(target);
        ++m_outstanding;
    }
    accumulate(target->pending, std::move(g), m_options.create_graph);
}

template <class T>
std::size_t BackwardWalk<T>::leaf_slot(const TensorImpl<T>* leaf) const {
    if (!m_leaf_slots.empty()) {
        const auto it = m_leaf_slots.find(leaf);
        return it == m_leaf_slots.end() ? no_slot : it->second;
    }
    for (std::size_t k = 0; k < m_leaves.size(); ++k)
        if (m_leaves[k].leaf.get() == leaf)
            return k;
    return no_slot;
}

// Hooked leaves only: the tape slot of each one's first use. Every op that sends it a
// gradient sits at or above that slot, so once the walk has passed it the leaf's
// gradient is complete and its hooks run then (a data-parallel post-accumulate hook can
// start sending the last layer's gradient while the walk is still on the first).
template <class T>
void BackwardWalk<T>::find_last_uses() {
    std::unordered_map<const TensorImpl<T>*, std::size_t> seen;
    for (std::size_t k = 0; k < m_next; ++k) {
        const std::shared_ptr<TensorImpl<T>> node = m_tape.m_entries[k].lock();
        if (!node || node->sequence > m_last || node->freed)
            continue;
        for (std::size_t i = 0; i < node->n_inputs; ++i) {
            const auto& in = node->inputs[i];
            if (in && in->op == Op::leaf && in->requires_grad && in->hooks &&
                seen.emplace(in.get(), k).second)
                m_due.emplace_back(k, in.get());
        }
    }
    // Taken from the back: the latest first use first, and leaves first used by the same op
    // in the order of its inputs (W before b).
    std::reverse(m_due.begin(), m_due.end());
    std::stable_sort(m_due.begin(), m_due.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
}

template <class T>
void BackwardWalk<T>::complete_leaves_used_from(std::size_t position) {
    while (!m_due.empty() && m_due.back().first >= position) {
        const std::size_t slot = leaf_slot(m_due.back().second);
        m_due.pop_back();
        if (slot != no_slot && !m_leaves[slot].done)
            complete(m_leaves[slot]);
    }
}

// A leaf's gradient for this walk is complete: its tensor hooks see it (and may replace
// it), then it goes to wanted_grads or is added to .grad, under the leaf's lock (another
// thread's walk may be adding to the same parameter), then the post-accumulate hooks run.
template <class T>
void BackwardWalk<T>::complete(LeafGrad& entry) {
    entry.done = true;
    Tensor<T> g = std::move(entry.pending);
    entry.pending = Tensor<T>();
    const std::shared_ptr<TensorImpl<T>>& leaf = entry.leaf;
    if (leaf->hooks)
        g = run_hooks(leaf, std::move(g));
    if (const auto w = index_of(m_wanted, leaf.get()); w >= 0) {
        m_wanted_grads[w] = std::move(g);
        return;
    }
    if (m_wanted)
        return;
    {
        std::lock_guard<std::mutex> lock(detail::grad_mutex(leaf.get()));
        accumulate(leaf->grad, std::move(g), m_options.create_graph);
    }
    if (leaf->hooks)
        run_post_accumulate_hooks(leaf);
}

// Tensor hooks in registration order, each on the previous one's result.
template <class T>
Tensor<T> BackwardWalk<T>::run_hooks(const std::shared_ptr<TensorImpl<T>>& tensor,
                                     Tensor<T> g) const {
    const auto& list = tensor->hooks->grad;
    const auto hooks = snapshot(*tensor, list);
    for (std::size_t k = 0; k < hooks.size(); ++k) {
        if (!still_registered(*tensor, list, hooks[k].id))
            continue;
        const std::string which = "hook " + std::to_string(k + 1) + " of " +
                                  std::to_string(hooks.size()) + " on " + who(tensor);
        std::optional<Tensor<T>> replacement;
        try {
            GradMode mode(m_options.create_graph); // a hook of engine ops is differentiable
            replacement = (*hooks[k].fn)(g);
        } catch (const std::exception& e) {
            std::throw_with_nested(Error("backward: " + which + " threw: " + e.what()));
        }
        if (!replacement)
            continue;
        if (!replacement->defined())
            throw GraphError("backward: " + which +
                             " returned an undefined tensor for its gradient " +
                             to_string(g.shape()) + " (return std::nullopt to keep it)");
        if (replacement->shape() != g.shape())
            throw ShapeError("backward: " + which + " returned a gradient " +
                             to_string(replacement->shape()) + " for the gradient " +
                             to_string(g.shape()) + " it was given; a replacement keeps its shape");
        g = std::move(*replacement);
    }
    return g;
}

template <class T>
void BackwardWalk<T>::run_post_accumulate_hooks(const std::shared_ptr<TensorImpl<T>>& leaf) const {
    const auto& list = leaf->hooks->post;
    const auto hooks = snapshot(*leaf, list);
    for (std::size_t k = 0; k < hooks.size(); ++k) {
        if (!still_registered(*leaf, list, hooks[k].id))
            continue;
        Tensor<T> tensor(leaf);
        try {
            GradMode mode(m_options.create_graph);
            (*hooks[k].fn)(tensor);
        } catch (const std::exception& e) {
            std::throw_with_nested(Error("backward: post-accumulate hook " + std::to_string(k + 1) +
                                         " of " + std::to_string(hooks.size()) + " on " +
                                         who(leaf) + " threw: " + e.what()));
        }
    }
}

// One step, in the phases of PyTorch's engine: take the next node holding a gradient,
// run its rule (under one guard), sum each gradient to its input's shape, check them,
// send and accumulate them, release the node.
template <class T>
bool BackwardWalk<T>::step(BackwardStep<T>* report) {
    if (m_done)
        return false;
    try {
        const std::shared_ptr<TensorImpl<T>> node = next_node();
        if (!node) {
            finish();
            return false;
        }
        const Tensor<T> output(node);
        const Tensor<T> g = take_gradient(node);
        // Step-through shows G as it arrived, so then no rule may write into it.
        InputGrads<T> grads = run_rule(*node, output, g, report == nullptr);
        check_finite(*node, grads);
        if (report)
            *report = BackwardStep<T>{output, g, {}, {}};
        send_all(*node, grads, report);
        if (!m_due.empty())
            complete_leaves_used_from(m_next);
        if (!m_options.retain_graph)
            release(*node);
        return true;
    } catch (...) {
        abandon();
        throw;
    }
}

// Take: the newest node on the tape that holds a gradient; none once every gradient has
// reached the leaves.
template <class T>
std::shared_ptr<TensorImpl<T>> BackwardWalk<T>::next_node() {
    while (m_outstanding > 0 && m_next > 0) {
        std::shared_ptr<TensorImpl<T>> node = m_tape.m_entries[--m_next].lock();
        if (node && node->sequence <= m_last && node->pending.defined())
            return node;
    }
    if (m_outstanding > 0) {
        std::string stuck;
        for (const auto& held : m_held)
            if (held->pending.defined())
                stuck += (stuck.empty() ? "" : "; ") + who(held);
        throw GraphError("backward: a gradient reached tensors this thread's tape (thread " +
                         std::to_string(m_tape.thread()) + ") does not hold: " + stuck +
                         "; run backward on the thread that recorded the whole graph");
    }
    return nullptr;
}

// Take: the node's gathered gradient G, once the node is known to be usable; kept where
// grad() wants it or .grad is to be retained.
template <class T>
Tensor<T> BackwardWalk<T>::take_gradient(const std::shared_ptr<TensorImpl<T>>& node) {
    if (node->freed)
        throw GraphError(detail::in_scope(
            "backward: " + name_of(*node) + " (tape entry " + std::to_string(node->sequence) +
            ", output " + to_string(Tensor<T>(node).shape()) +
            ") was already freed by an earlier backward(); pass retain_graph = true to "
            "that backward to run backward twice"));
    check_versions(node);
    Tensor<T> g = std::move(node->pending);
    node->pending = Tensor<T>();
    --m_outstanding;
    if (node->hooks)
        g = run_hooks(node, std::move(g));
    if (const auto w = index_of(m_wanted, node.get()); w >= 0)
        m_wanted_grads[w] = g;
    if (!m_wanted && (m_options.retain_grads || node->retains_grad))
        accumulate(node->grad, g, m_options.create_graph);
    return g;
}

// Run and validate: the rule, then each gradient summed back to its input's shape (the
// engine, not the op, undoes broadcasting), under one guard: backward ops are recorded only
// under create_graph, and anomaly detection is off, since check_finite names this op where
// the ops inside the rule and sum_to would report the NaN as theirs ("div").
template <class T>
InputGrads<T> BackwardWalk<T>::run_rule(const TensorImpl<T>& node, const Tensor<T>& output,
                                        const Tensor<T>& g, bool spare) {
    GradMode mode(m_options.create_graph);
    detail::AnomalyMode quiet(false);
    InputGrads<T> grads =
        node.backward(BackwardContext<T>{g, output, node, spare && !m_options.create_graph});
    for (std::size_t i = 0; i < node.n_inputs; ++i) {
        const auto& input = node.inputs[i];
        if (input && input->requires_grad && grads[i].defined() &&
            grads[i].shape() != node.input_shapes[i])
            grads[i] = sum_to(grads[i], node.input_shapes[i]);
    }
    return grads;
}

// Validate: under anomaly detection, a NaN or Inf gradient is reported at the rule that
// made it.
template <class T>
void BackwardWalk<T>::check_finite(const TensorImpl<T>& node, const InputGrads<T>& grads) const {
    if (!anomaly_detection_enabled())
        return;
    for (std::size_t i = 0; i < node.n_inputs; ++i) {
        const auto& input = node.inputs[i];
        if (!input || !input->requires_grad || !grads[i].defined() ||
            detail::all_finite(grads[i].value()))
            continue;
        std::string shapes;
        for (std::size_t k = 0; k < node.n_inputs; ++k)
            shapes += (k ? ", " : "") + to_string(node.input_shapes[k]);
        detail::throw_anomaly(
            "backward of " + name_of(node) + " (tape entry " + std::to_string(node.sequence) +
                (node.label.empty() ? "" : ", " + node.label) + ", inputs " + shapes + ")",
            "sent",
            "to its input " + std::to_string(i) + " " + describe(Tensor<T>(input)) +
                (node.scope ? " [made in " + *node.scope + "]" : ""));
    }
}

// Send and accumulate: each input that wants a gradient gets its own; `report` (if any)
// learns what each input received.
template <class T>
void BackwardWalk<T>::send_all(const TensorImpl<T>& node, InputGrads<T>& grads,
                               BackwardStep<T>* report) {
    for (std::size_t i = 0; i < node.n_inputs; ++i) {
        const auto& input = node.inputs[i];
        Tensor<T>& gi = grads[i];
        if (input && input->requires_grad && gi.defined()) {
            if (input->op != Op::leaf && input->thread != node.thread)
                throw GraphError("backward: " + name_of(node) + " (tape entry " +
                                 std::to_string(node.sequence) + ", thread " +
                                 std::to_string(node.thread) + ") has as its input " +
                                 std::to_string(i) + " " + who(input) +
                                 ": a graph may not span threads, each records on its own "
                                 "tape. Compute that input on thread " +
                                 std::to_string(node.thread) + " too, or pass its detach()");
            send(input, gi);
        } else
            gi = Tensor<T>();
        if (report) {
            report->inputs.emplace_back(input);
            report->input_grads.push_back(gi);
        }
    }
}

// Release: the graph is freed node by node as the walk passes it (unless retain_graph).
template <class T>
void BackwardWalk<T>::release(TensorImpl<T>& node) {
    for (auto& input : node.inputs)
        input.reset();
    node.saved = Tensor<T>();
    node.freed = true;
}

template <class T>
void BackwardWalk<T>::run() {
    while (step()) {
    }
}

template <class T>
void BackwardWalk<T>::finish() {
    m_done = true;
    // The entries this walk freed die with their tensors; sweeping here keeps a training
    // loop's tape at about one step's worth, even after a huge graph came and went.
    if (--m_tape.m_walking == 0)
        m_tape.sweep();
    for (LeafGrad& leaf : m_leaves)
        if (!leaf.done)
            complete(leaf);
    m_leaves.clear();
    m_leaf_slots.clear();
    m_due.clear();
    m_held.clear();
}

// A walk that failed or was dropped midway leaves no pending gradient behind.
template <class T>
void BackwardWalk<T>::abandon() {
    if (m_done)
        return;
    m_done = true;
    --m_tape.m_walking;
    for (auto& node : m_held)
        node->pending = Tensor<T>();
    m_leaves.clear();
    m_leaf_slots.clear();
    m_due.clear();
    m_held.clear();
}

template <class T>
std::vector<Tensor<T>> BackwardWalk<T>::wanted_grads() const {
    std::vector<Tensor<T>> grads = m_wanted_grads;
    if (m_wanted)
        for (std::size_t i = 0; i < grads.size(); ++i)
            if (!grads[i].defined())
                grads[i] = Tensor<T>::zeros((*m_wanted)[i].shape());
    return grads;
}

template class BackwardWalk<float>;
template class BackwardWalk<double>;

} // namespace xgrad
