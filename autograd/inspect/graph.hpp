#pragma once
// Looking at a computation graph: what was built, what backward does with it.
//
// inspect() walks a graph (from its outputs, or the whole tape) into a Graph: plain
// data, one GraphTensor per tensor in tape order, with the op that made it, its
// inputs, shapes, summaries of its value and gradient, and the broadcast ledger.
// A Graph holds no tensors, so it can outlive the graph it describes. Writers turn it
// into text (to_text), Graphviz DOT (to_dot) or JSON (to_json, schema in
// docs/graph-json.md). StepThrough runs backward one tape entry at a time and
// describes each step, as text or as a DOT frame.
//
// Everything here produces strings; files and the `dot` program belong to tools/.
//
// To see gradients on the whole graph, keep the graph and the intermediate gradients
// before inspecting: BackwardOptions o; o.retain_graph = o.retain_grads = true;
// loss.backward(o);
// A plain backward() frees the graph as it goes, and a freed op no longer knows its
// inputs (it still knows their shapes; it is shown as freed).

#include "autograd/core/tape.hpp"
#include "autograd/core/tensor.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace xgrad {

/// Shape, norm and range of an array; the values themselves when there are few.
struct Summary {
    Shape shape;
    std::size_t size = 0;
    double norm = 0, min = 0, max = 0, mean = 0; ///< min/max over finite entries
    std::size_t nonfinite = 0;                   ///< NaN and Inf entries
    std::vector<double> values; ///< every value, row-major, when size <= small_size
    static constexpr std::size_t small_size = 16;
};

template <class T>
Summary summarize(const Array<T>& values);

/// What a tensor is to the network, for colouring and legends.
enum class Role : std::uint8_t {
    parameter,    ///< a leaf that requires grad: W[l], b[l]
    input,        ///< a leaf without grad: X, Y, constants
    intermediate, ///< an op result used by another op in the graph
    output,       ///< an op result nothing in the graph uses: the loss
};
const char* to_string(Role role);

/// One tensor of an inspected graph.
struct GraphTensor {
    static constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

    std::size_t id = 0;         ///< position in Graph::tensors
    std::uint64_t sequence = 0; ///< tape order (0 for leaves)
    Op op = Op::leaf;
    OpParams params;
    std::string label, scope;
    const char* dtype = "float64"; ///< "float32" or "float64"
    Role role = Role::input;
    bool requires_grad = false, is_leaf = true, freed = false;
    Shape shape;
    /// Ids of the op's inputs, in input order; empty for leaves and freed ops.
    std::vector<std::size_t> inputs;
    std::vector<Shape> input_shapes; ///< known even after the op was freed
    /// Bytes this tensor keeps alive: its value, the values of the inputs it holds, and what
    /// its op kept for the backward (binary_cross_entropy_with_logits keeps sigmoid(Z)).
    std::size_t saved_bytes = 0;
    Summary value;
    std::optional<Summary> grad;   ///< when the tensor holds one (Tensor::has_grad)
    const void* address = nullptr; ///< Tensor::id(), to match tensors to tensors
};

/// An implicit broadcast: an input of an elementwise op (or linear's b) stretched to
/// the output's shape. Backward sums the gradient back over `axes`.
struct Broadcast {
    std::size_t tensor = 0;                ///< id of the op's result
    std::size_t input_index = 0;           ///< which input of the op
    std::size_t input = GraphTensor::none; ///< its id, none once the op was freed
    Op op = Op::leaf;
    std::string input_label; ///< "b[1]", or "" when unlabelled
    Shape from, to;
    std::vector<std::size_t> axes; ///< axes of `to` the backward sums over
    bool suspicious = false;       ///< a (1, k) against a (k, 1): an outer (k, k) nobody wants
    /// "b[1] (4, 1) -> (4, m) in linear, backward sums over axis 1".
    std::string text(std::size_t batch_size = 0) const;
};

/// A snapshot of a graph: tensors in tape order (inputs before the ops using them).
struct Graph {
    std::vector<GraphTensor> tensors;
    std::vector<Broadcast> broadcasts;
    std::vector<std::string> warnings; ///< almost-certain mistakes (suspicious broadcasts)

    std::size_t op_count() const;
    /// The first tensor labelled `label`, or nullptr.
    const GraphTensor* find(const std::string& label) const;
    const GraphTensor* find(const char* label) const { return find(std::string(label)); }
    /// The node of `tensor` (matched by Tensor::id()), or nullptr.
    template <class T>
    const GraphTensor* find(const Tensor<T>& tensor) const {
        return tensor.defined() ? find_address(tensor.id()) : nullptr;
    }
    /// The tensor whose Tensor::id() is `address`, or nullptr.
    const GraphTensor* find_address(const void* address) const;

private:
    friend struct GraphBuilder;
    std::map<const void*, std::size_t> m_by_address;
};

/// The graph behind `outputs` (usually the loss), walking inputs without recursion.
template <class T>
Graph inspect(const std::vector<Tensor<T>>& outputs);
template <class T>
Graph inspect(const Tensor<T>& output) {
    return inspect(std::vector<Tensor<T>>{output});
}
/// Every live node on this thread's tape and the leaves they use.
template <class T>
Graph inspect_tape(const Tape<T>& tape = Tape<T>::current());

// --- writers ---------------------------------------------------------------------

/// "(4, m)": a shape, with the last axis written m when it equals `batch_size` (> 1).
std::string shape_text(const Shape& shape, std::size_t batch_size = 0);

struct TextOptions {
    std::size_t batch_size = 0; ///< write this last-axis extent as m
};
/// One line per tensor in tape order: id, sequence, op, label, input ids, shape, dtype,
/// requires_grad, saved bytes, gradient shape and norm; then the broadcast ledger and
/// warnings.
std::string to_text(const Graph& graph, const TextOptions& options = {});

/// A step of step-through backward drawn on the graph (see StepThrough::frame).
struct DotStep {
    std::size_t current = GraphTensor::none; ///< tensor whose op's rule runs now
    /// Gradients reached so far: tensor id -> text shown under the tensor.
    std::map<std::size_t, std::string> gradients;
    /// Gradients sent by the current op: input tensor id -> edge label.
    std::map<std::size_t, std::string> sent;
    std::string caption; ///< shown under the picture
};

struct DotOptions {
    std::size_t batch_size = 0;  ///< write this last-axis extent as m: Z[2] (4 x m)
    bool values = false;         ///< min/max/mean of each tensor's value
    bool grads = true;           ///< gradient lines (dW[3] 4 x 3 |g| ...) where present
    bool grad_summaries = false; ///< min/max/mean of gradients too
    bool legend = true;
    bool clusters = true;       ///< a dashed box around each Scope (layer) and its parameters
    std::string rankdir = "TB"; ///< "TB" (top to bottom, deep nets read well) or "LR"
    std::string title;
    const DotStep* step = nullptr; ///< draw this step of a step-through backward
};
/// A Graphviz digraph: tensors as boxes, ops as ellipses, parameters, inputs and
/// outputs in their own colours, broadcasts as orange edges labelled with their reduction.
std::string to_dot(const Graph& graph, const DotOptions& options = {});

struct JsonOptions {
    std::size_t batch_size = 0; ///< recorded as "batch_size" (null when 0)
    bool values = true;         ///< include value summaries
};
/// The graph as JSON, schema "xgrad-graph" version 1 (docs/graph-json.md).
std::string to_json(const Graph& graph, const JsonOptions& options = {});

// --- step-through backward ---------------------------------------------------------

/// What one step of backward did, as plain data.
struct StepInfo {
    struct Sent {
        std::size_t input_index = 0;
        std::size_t input = GraphTensor::none; ///< id in the graph
        std::string label;                     ///< input's label, or ""
        std::optional<Summary> grad;           ///< none: the input needs no gradient
    };
    std::size_t index = 0;                  ///< 0 for the first step
    std::size_t tensor = GraphTensor::none; ///< the op result whose rule ran
    Op op = Op::leaf;
    std::string label, scope;
    const char* rule = ""; ///< the op table's local derivative
    Summary incoming;      ///< G, the gradient arriving at the output
    std::vector<Sent> sent;
    /// Several lines: the op, G, the rule, what each input received.
    std::string text(std::size_t batch_size = 0) const;
};

/// Backward from `output`, one tape entry at a time, on the engine's own walk
/// (BackwardWalk): the gradients at the end are exactly those of backward().
///
///     StepThrough<double> walk(loss);
///     while (walk.step()) std::cout << walk.last().text() << walk.frame();
template <class T>
class StepThrough {
public:
    /// Takes a snapshot of the graph (for ids and frames) and seeds the walk.
    explicit StepThrough(const Tensor<T>& output, const BackwardOptions& options = {});
    ~StepThrough();
    StepThrough(const StepThrough&) = delete;
    StepThrough& operator=(const StepThrough&) = delete;

    /// Runs the next op's backward rule; false once done (leaves hold their .grad).
    bool step();
    const Graph& graph() const { return m_graph; }
    /// Every step taken so far; last() is the newest (throws before the first step).
    const std::vector<StepInfo>& steps() const { return m_steps; }
    const StepInfo& last() const;
    /// The graph with the newest step highlighted: the op running, the gradients it
    /// sends along its input edges, and every gradient gathered so far.
    std::string frame(const DotOptions& options = {}) const;

private:
    Graph m_graph;
    std::unique_ptr<BackwardWalk<T>> m_walk;
    std::vector<StepInfo> m_steps;
    std::map<std::size_t, Array<T>> m_gathered; // tensor id -> gradient gathered so far
};

extern template class StepThrough<float>;
extern template class StepThrough<double>;

} // namespace xgrad
