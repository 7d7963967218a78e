#include "autograd/tape.hpp"

#include "autograd/error.hpp"
#include "autograd/op_support.hpp"
#include "autograd/ops.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <set>

namespace xgrad {

// --- modes ----------------------------------------------------------------------

namespace {
thread_local bool t_grad_enabled = true;
thread_local bool t_anomaly = false;
thread_local std::vector<const std::string*> t_scopes;

// Scope names are interned once, so a node keeps a pointer, not a string.
const std::string* intern(const std::string& name) {
    static std::mutex mutex;
    static std::set<std::string> names;
    std::lock_guard<std::mutex> lock(mutex);
    return &*names.insert(name).first;
}
} // namespace

bool grad_enabled() { return t_grad_enabled; }
NoGrad::NoGrad() : m_previous(t_grad_enabled) { t_grad_enabled = false; }
NoGrad::~NoGrad() { t_grad_enabled = m_previous; }
GradMode::GradMode(bool enabled) : m_previous(t_grad_enabled) { t_grad_enabled = enabled; }
GradMode::~GradMode() { t_grad_enabled = m_previous; }

bool anomaly_detection_enabled() { return t_anomaly; }
DetectAnomaly::DetectAnomaly() : m_previous(t_anomaly) { t_anomaly = true; }
DetectAnomaly::~DetectAnomaly() { t_anomaly = m_previous; }

Scope::Scope(const std::string& name) {
    t_scopes.push_back(intern(t_scopes.empty() ? name : *t_scopes.back() + " / " + name));
}
Scope::~Scope() { t_scopes.pop_back(); }
const std::string* current_scope() { return t_scopes.empty() ? nullptr : t_scopes.back(); }

// --- the tape -------------------------------------------------------------------

template <class T>
Tape<T>& Tape<T>::current() {
    thread_local Tape<T> tape;
    return tape;
}

template <class T>
void Tape<T>::record(const std::shared_ptr<TensorImpl<T>>& node) {
    node->sequence = m_next_sequence++;
    if (m_entries.size() >= m_sweep_at && m_walking == 0) sweep();
    m_entries.emplace_back(node);
}

template <class T>
void Tape<T>::sweep() {
    m_entries.erase(std::remove_if(m_entries.begin(), m_entries.end(),
                                   [](const auto& entry) { return entry.expired(); }),
                    m_entries.end());
    // Amortised: sweep again once the live part has doubled.
    m_sweep_at = std::max<std::size_t>(256, 2 * m_entries.size());
}

template <class T>
std::vector<Tensor<T>> Tape<T>::nodes() const {
    std::vector<Tensor<T>> out;
    for (const auto& entry : m_entries)
        if (auto node = entry.lock()) out.emplace_back(std::move(node));
    return out;
}

template <class T>
std::vector<TapeEntry> Tape<T>::entries() const {
    std::vector<TapeEntry> out;
    for (const Tensor<T>& node : nodes())
        out.push_back({node.sequence(), node.op(), node.label(), node.scope(), node.input_shapes(),
                       node.shape(), node.is_freed()});
    return out;
}

template class Tape<float>;
template class Tape<double>;

// --- backward -------------------------------------------------------------------

namespace {

template <class T>
bool all_finite(const Array<T>& value) {
    for (const T& v : value)
        if (!std::isfinite(v)) return false;
    return true;
}

template <class T>
std::ptrdiff_t index_of(const std::vector<Tensor<T>>* tensors, const TensorImpl<T>* impl) {
    if (!tensors) return -1;
    for (std::size_t i = 0; i < tensors->size(); ++i)
        if ((*tensors)[i].impl().get() == impl) return static_cast<std::ptrdiff_t>(i);
    return -1;
}

// sum += g. In place when no one else holds `sum` and no graph is being recorded;
// otherwise as a new tensor, so an alias (add's backward hands G to both inputs) or a
// recorded gradient is never overwritten.
template <class T>
void accumulate(Tensor<T>& sum, Tensor<T> g, bool create_graph) {
    if (!sum.defined())
        sum = std::move(g);
    else if (!create_graph && sum.impl().use_count() == 1 && sum.shape() == g.shape())
        sum.data() += g.value();
    else
        sum = add(sum, g);
}

} // namespace

template <class T>
void run_backward(const std::vector<Tensor<T>>& roots, const std::vector<Tensor<T>>& seeds,
                  bool retain_graph, bool create_graph, bool retain_grads,
                  const std::vector<Tensor<T>>* wanted, std::vector<Tensor<T>>* wanted_grads) {
    if (roots.empty()) throw GraphError("backward: no output tensor given");
    if (!seeds.empty() && seeds.size() != roots.size())
        throw GraphError("backward: " + std::to_string(seeds.size()) + " seed gradients for " +
                         std::to_string(roots.size()) + " outputs");
    retain_graph = retain_graph || create_graph; // as PyTorch: a recorded backward reuses the graph

    Tape<T>& tape = Tape<T>::current();
    std::vector<std::shared_ptr<TensorImpl<T>>> leaves; // leaves holding a pending gradient
    // Non-leaves holding one: held here, since freeing their consumer's inputs may drop
    // the last other reference before the walk reaches them.
    std::vector<std::shared_ptr<TensorImpl<T>>> held;
    std::size_t outstanding = 0;
    auto send = [&](const std::shared_ptr<TensorImpl<T>>& target, Tensor<T> g) {
        if (!target->pending.defined()) {
            if (target->op == Op::leaf) {
                leaves.push_back(target);
            } else {
                held.push_back(target);
                ++outstanding;
            }
        }
        accumulate(target->pending, std::move(g), create_graph);
    };

    std::uint64_t last = 0;
    for (std::size_t i = 0; i < roots.size(); ++i) {
        const Tensor<T>& root = roots[i];
        if (!root.defined()) throw GraphError("backward: the output tensor is undefined");
        if (!root.requires_grad())
            throw GraphError("backward: " + describe(root) +
                             " does not require grad: none of the tensors it was computed from "
                             "requires a gradient, or it was computed under NoGrad");
        Tensor<T> seed;
        if (seeds.empty()) {
            if (root.size() != 1)
                throw ShapeError("backward: " + describe(root) +
                                 " is not a scalar; pass a seed gradient of the same shape "
                                 "(as the course's dA[L])");
            seed = Tensor<T>::full(root.shape(), T(1));
        } else {
            seed = seeds[i];
            if (!seed.defined()) throw GraphError("backward: the seed gradient is undefined");
            if (seed.shape() != root.shape())
                throw ShapeError("backward: seed gradient " + to_string(seed.shape()) +
                                 " does not match the shape of " + describe(root));
        }
        if (root.is_freed())
            throw GraphError("backward: the graph of " + describe(root) +
                             " was already freed by an earlier backward(); pass retain_graph = "
                             "true to that backward to run backward twice");
        send(root.impl(), seed);
        last = std::max(last, root.sequence());
    }

    GradMode mode(create_graph); // record the backward ops only when asked to
    ++tape.m_walking;
    const std::size_t end = tape.m_entries.size();
    try {
        for (std::size_t k = end; k-- > 0 && outstanding > 0;) {
            std::shared_ptr<TensorImpl<T>> node = tape.m_entries[k].lock();
            if (!node || node->sequence > last || !node->pending.defined()) continue;
            const OpInfo& op = op_info(node->op);
            if (node->freed)
                throw GraphError(detail::in_scope(
                    std::string("backward: ") + op.name + " (tape entry " +
                    std::to_string(node->sequence) + ", output " + to_string(node->value.shape()) +
                    ") was already freed by an earlier backward(); pass retain_graph = true to "
                    "that backward to run backward twice"));
            Tensor<T> g = std::move(node->pending);
            node->pending = Tensor<T>();
            --outstanding;
            if (const auto w = index_of(wanted, node.get()); w >= 0) (*wanted_grads)[w] = g;
            if (!wanted && (retain_grads || node->retains_grad))
                accumulate(node->grad, g, create_graph);

            const Tensor<T> output(node);
            const InputGrads<T> grads = node->backward(BackwardContext<T>{g, output, *node});
            for (std::size_t i = 0; i < node->n_inputs; ++i) {
                const auto& input = node->inputs[i];
                if (!input || !input->requires_grad || !grads[i].defined()) continue;
                Tensor<T> gi = grads[i];
                // The engine, not the op, undoes broadcasting: sum back to the input's shape.
                if (gi.shape() != input->value.shape()) gi = sum_to(gi, input->value.shape());
                if (anomaly_detection_enabled() && !all_finite(gi.value()))
                    throw AnomalyError(
                        "anomaly: backward of " + std::string(op.name) + " (tape entry " +
                        std::to_string(node->sequence) + (node->label.empty() ? "" : ", " + node->label) +
                        ") sent NaN or Inf to its input " + std::to_string(i) + " " +
                        describe(Tensor<T>(input)) +
                        (node->scope ? " [made in " + *node->scope + "]" : ""));
                send(input, std::move(gi));
            }
            if (!retain_graph) { // free the graph node by node as the walk passes it
                for (auto& input : node->inputs) input.reset();
                node->freed = true;
            }
        }
    } catch (...) {
        --tape.m_walking;
        for (auto& leaf : leaves) leaf->pending = Tensor<T>();
        for (auto& node : held) node->pending = Tensor<T>();
        throw;
    }
    --tape.m_walking;
    if (outstanding > 0) {
        for (auto& node : held) node->pending = Tensor<T>();
        for (auto& leaf : leaves) leaf->pending = Tensor<T>();
        throw GraphError("backward: the output was recorded on another thread's tape; run "
                         "backward on the thread that computed it");
    }

    for (auto& leaf : leaves) {
        Tensor<T> g = std::move(leaf->pending);
        leaf->pending = Tensor<T>();
        if (const auto w = index_of(wanted, leaf.get()); w >= 0)
            (*wanted_grads)[w] = std::move(g);
        else if (!wanted)
            accumulate(leaf->grad, std::move(g), create_graph);
    }
}

template <class T>
std::vector<Tensor<T>> grad(const std::vector<Tensor<T>>& outputs,
                            const std::vector<Tensor<T>>& inputs,
                            const std::vector<Tensor<T>>& seeds, bool retain_graph,
                            bool create_graph) {
    for (const Tensor<T>& input : inputs) {
        if (!input.defined()) throw GraphError("grad: an input tensor is undefined");
        if (!input.requires_grad())
            throw GraphError("grad: input " + describe(input) +
                             " does not require grad, so it has no gradient to compute");
    }
    std::vector<Tensor<T>> grads(inputs.size());
    run_backward<T>(outputs, seeds, retain_graph, create_graph, false, &inputs, &grads);
    for (std::size_t i = 0; i < inputs.size(); ++i)
        if (!grads[i].defined()) grads[i] = Tensor<T>::zeros(inputs[i].shape());
    return grads;
}

#define XGRAD_INSTANTIATE(T)                                                                      \
    template void run_backward(const std::vector<Tensor<T>>&, const std::vector<Tensor<T>>&,     \
                               bool, bool, bool, const std::vector<Tensor<T>>*,                  \
                               std::vector<Tensor<T>>*);                                          \
    template std::vector<Tensor<T>> grad(const std::vector<Tensor<T>>&,                          \
                                         const std::vector<Tensor<T>>&,                          \
                                         const std::vector<Tensor<T>>&, bool, bool);
XGRAD_FOR_EACH_SCALAR(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

} // namespace xgrad
