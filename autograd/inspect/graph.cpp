// Taking a graph apart into plain data: the walk, the broadcast ledger, step-through.
#include "autograd/inspect/graph.hpp"

#include "autograd/core/error.hpp"
#include "autograd/core/node.hpp"
#include "autograd/core/scalar_types.hpp"
#include "autograd/inspect/format.hpp"
#include "autograd/inspect/summary.hpp"
#include "autograd/inspect/text.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <unordered_map>

namespace xgrad {

// --- summaries --------------------------------------------------------------------

template <class T>
Summary summarize(const Array<T>& values) {
    Summary s;
    s.shape = values.shape();
    s.size = values.size();
    if (s.size == 0)
        return s;
    double sum = 0, squares = 0;
    bool first = true;
    for (const T& v : values) {
        const double x = static_cast<double>(v);
        sum += x;
        squares += x * x;
        if (!std::isfinite(x)) {
            ++s.nonfinite;
            continue;
        }
        s.min = first ? x : std::min(s.min, x);
        s.max = first ? x : std::max(s.max, x);
        first = false;
    }
    s.norm = std::sqrt(squares);
    s.mean = sum / static_cast<double>(s.size);
    if (s.size <= Summary::small_size)
        for (const T& v : values)
            s.values.push_back(static_cast<double>(v));
    return s;
}

const char* to_string(Role role) {
    switch (role) {
    case Role::parameter:
        return "parameter";
    case Role::input:
        return "input";
    case Role::intermediate:
        return "intermediate";
    case Role::output:
        return "output";
    }
    return "?";
}

std::string shape_text(const Shape& shape, std::size_t batch_size) {
    return "(" + detail::dims(shape, batch_size, ", ") + ")";
}

// --- Graph --------------------------------------------------------------------------

std::size_t Graph::op_count() const {
    return static_cast<std::size_t>(
        std::count_if(tensors.begin(), tensors.end(), [](const auto& t) { return !t.is_leaf; }));
}

const GraphTensor* Graph::find(const std::string& label) const {
    for (const GraphTensor& t : tensors)
        if (t.label == label)
            return &t;
    return nullptr;
}

const GraphTensor* Graph::find_address(const void* address) const {
    const auto it = m_by_address.find(address);
    return it == m_by_address.end() ? nullptr : &tensors[it->second];
}

// --- the broadcast ledger ------------------------------------------------------------

namespace {

// Ops whose inputs broadcast to the output's shape, and which of their inputs may.
std::vector<std::size_t> broadcasting_inputs(Op op) {
    switch (op) {
    case Op::add:
    case Op::sub:
    case Op::mul:
    case Op::div:
    case Op::maximum:
    case Op::minimum:
        return {0, 1};
    case Op::linear:
        return {2}; // Z = W A + b: b (n, 1) spreads over the m columns
    default:
        return {};
    }
}

// The axes of `to` that sum_to(G, from) reduces: the leading axes `from` lacks, and
// those where `from` has extent 1 and `to` does not.
std::vector<std::size_t> reduced_axes(const Shape& from, const Shape& to) {
    std::vector<std::size_t> axes;
    const std::size_t lead = to.size() - std::min(to.size(), from.size());
    for (std::size_t k = 0; k < lead; ++k)
        axes.push_back(k);
    for (std::size_t j = 0; j < from.size() && j + lead < to.size(); ++j)
        if (from[j] == 1 && to[j + lead] != 1)
            axes.push_back(j + lead);
    return axes;
}

// (1, k) against (k, 1): the outer (k, k) that a label row against a prediction column gives.
bool row_against_column(const Shape& a, const Shape& b) {
    return a.size() == 2 && b.size() == 2 && a[0] == 1 && b[1] == 1 && a[1] == b[0] && a[1] > 1;
}

std::string who(const Graph& graph, std::size_t id, std::size_t index, const GraphTensor& node) {
    if (id != GraphTensor::none && !graph.tensors[id].label.empty())
        return graph.tensors[id].label;
    if (id != GraphTensor::none)
        return "#" + std::to_string(id);
    return "input " + std::to_string(index) + " of " + node.op_name + " #" +
           std::to_string(node.id);
}

void fill_ledger(Graph& graph) {
    for (const GraphTensor& node : graph.tensors) {
        if (node.is_leaf)
            continue;
        for (std::size_t i : broadcasting_inputs(node.op)) {
            if (i >= node.input_shapes.size() || node.input_shapes[i] == node.shape)
                continue;
            Broadcast b;
            b.tensor = node.id;
            b.input_index = i;
            b.input = i < node.inputs.size() ? node.inputs[i] : GraphTensor::none;
            b.op = node.op;
            b.input_label = b.input != GraphTensor::none ? graph.tensors[b.input].label : "";
            b.from = node.input_shapes[i];
            b.to = node.shape;
            b.axes = reduced_axes(b.from, b.to);
            graph.broadcasts.push_back(std::move(b));
        }
        if (node.input_shapes.size() == 2 && broadcasting_inputs(node.op).size() == 2) {
            const Shape& a = node.input_shapes[0];
            const Shape& c = node.input_shapes[1];
            if (row_against_column(a, c) || row_against_column(c, a)) {
                for (Broadcast& b : graph.broadcasts)
                    if (b.tensor == node.id)
                        b.suspicious = true;
                const auto input = [&](std::size_t k) {
                    return who(graph, k < node.inputs.size() ? node.inputs[k] : GraphTensor::none,
                               k, node) +
                           " " + to_string(node.input_shapes[k]);
                };
                graph.warnings.push_back(
                    node.op_name + " #" + std::to_string(node.id) +
                    (node.label.empty() ? "" : " (" + node.label + ")") + ": " + input(0) +
                    " against " + input(1) + " broadcasts both into " + to_string(node.shape) +
                    ", pairing every example with every other; a (1, m) row against an (m, 1) "
                    "column is almost always a mistake (labels vs predictions?): give both "
                    "the same shape, one column per example" +
                    (node.scope.empty() ? "" : " [in " + node.scope + "]"));
            }
        }
    }
}

} // namespace

std::string Broadcast::text(std::size_t batch_size) const {
    std::string out = !input_label.empty()         ? input_label
                      : input != GraphTensor::none ? "#" + std::to_string(input)
                                                   : "input " + std::to_string(input_index);
    out += " " + shape_text(from, batch_size) + " -> " + shape_text(to, batch_size) + " in " +
           op_info(op).name + ", backward ";
    if (axes.empty()) {
        out += "reshapes (no extent to sum)";
    } else {
        out += axes.size() == 1 ? "sums over axis " : "sums over axes ";
        for (std::size_t k = 0; k < axes.size(); ++k)
            out += (k ? ", " : "") + std::to_string(axes[k]);
    }
    if (suspicious)
        out += "  <-- suspicious: (1, k) against (k, 1)";
    return out;
}

// --- building a graph ------------------------------------------------------------------

struct GraphBuilder {
    template <class T>
    static Graph build(const std::vector<Tensor<T>>& outputs, bool unused_are_outputs) {
        // Reachable tensors, by an explicit stack: graphs may be 100,000 ops deep.
        std::unordered_map<const void*, std::size_t> seen;
        std::vector<Tensor<T>> found;
        std::vector<Tensor<T>> stack;
        for (const Tensor<T>& t : outputs) {
            if (!t.defined())
                throw GraphError("inspect: an output tensor is undefined");
            stack.push_back(t);
        }
        std::vector<std::vector<Tensor<T>>> inputs;
        while (!stack.empty()) {
            Tensor<T> t = std::move(stack.back());
            stack.pop_back();
            if (seen.count(t.id()))
                continue;
            seen.emplace(t.id(), found.size());
            inputs.push_back(t.inputs());
            for (const Tensor<T>& in : inputs.back())
                if (!seen.count(in.id()))
                    stack.push_back(in);
            found.push_back(std::move(t));
        }

        // Tape order for ops; each leaf just before the first op that uses it.
        std::vector<std::size_t> ops;
        for (std::size_t k = 0; k < found.size(); ++k)
            if (!found[k].is_leaf())
                ops.push_back(k);
        std::sort(ops.begin(), ops.end(), [&](std::size_t a, std::size_t b) {
            return found[a].sequence() < found[b].sequence();
        });
        std::vector<std::size_t> id(found.size(), GraphTensor::none);
        std::vector<std::size_t> order;
        const auto place = [&](std::size_t k) {
            if (id[k] != GraphTensor::none)
                return;
            id[k] = order.size();
            order.push_back(k);
        };
        for (std::size_t k : ops) {
            for (const Tensor<T>& in : inputs[k])
                if (in.is_leaf())
                    place(seen.at(in.id()));
            place(k);
        }
        for (std::size_t k = 0; k < found.size(); ++k)
            place(k); // outputs that are leaves

        Graph graph;
        graph.tensors.resize(order.size());
        std::vector<bool> used(order.size(), false);
        for (std::size_t n = 0; n < order.size(); ++n) {
            const std::size_t k = order[n];
            const Tensor<T>& t = found[k];
            GraphTensor& g = graph.tensors[n];
            g.id = n;
            g.address = t.id();
            g.sequence = t.sequence();
            g.op = t.op();
            g.op_name = t.op_name();
            g.rule = t.op_rule();
            g.hooks = t.hook_count();
            g.post_accumulate_hooks = t.post_accumulate_hook_count();
            g.params = t.params();
            g.label = t.label();
            g.scope = t.scope();
            g.dtype = std::is_same<T, float>::value ? "float32" : "float64";
            g.requires_grad = t.requires_grad();
            g.is_leaf = t.is_leaf();
            g.freed = t.is_freed();
            g.shape = t.shape();
            g.input_shapes = t.input_shapes();
            g.value_released = t.value_released();
            g.saved_bytes = g.value_released ? 0 : t.size() * sizeof(T);
            if (const Tensor<T>& kept = t.impl()->saved; kept.defined()) // bce's sigmoid(Z)
                g.saved_bytes += kept.size() * sizeof(T);
            std::vector<const void*> counted;
            // inputs() is all or nothing: a freed node released every input at once.
            if (inputs[k].size() == g.input_shapes.size()) {
                const std::uint8_t keeps = op_info(t.op()).keeps; // a CustomOp's: everything
                for (std::size_t i = 0; i < inputs[k].size(); ++i) {
                    const Tensor<T>& in = inputs[k][i];
                    const std::size_t input = id[seen.at(in.id())];
                    g.inputs.push_back(input);
                    used[input] = true;
                    if ((keeps & keeps::input(static_cast<int>(i))) &&
                        std::find(counted.begin(), counted.end(), in.id()) == counted.end()) {
                        counted.push_back(in.id());
                        g.saved_bytes += in.size() * sizeof(T);
                    }
                }
            }
            if (g.value_released) {
                g.value.shape = g.shape;
                g.value.size = t.size();
            } else {
                g.value = summarize(t.value());
            }
            if (t.has_grad())
                g.grad = summarize(t.grad());
            graph.m_by_address.emplace(g.address, n);
        }
        for (GraphTensor& g : graph.tensors) {
            if (g.is_leaf)
                g.role = g.requires_grad ? Role::parameter : Role::input;
            else
                g.role = used[g.id] ? Role::intermediate : Role::output;
        }
        if (!unused_are_outputs) // the outputs asked for are outputs, even if one feeds another
            for (const Tensor<T>& t : outputs)
                if (auto& g = graph.tensors[id[seen.at(t.id())]]; !g.is_leaf)
                    g.role = Role::output;
        fill_ledger(graph);
        return graph;
    }
};

template <class T>
Graph inspect(const std::vector<Tensor<T>>& outputs) {
    if (outputs.empty())
        throw GraphError("inspect: no output tensor given");
    return GraphBuilder::build(outputs, false);
}

template <class T>
Graph inspect_tape(const Tape<T>& tape) {
    return GraphBuilder::build(tape.nodes(), true);
}

#define XGRAD_INSTANTIATE(T)                                                                       \
    template Summary summarize(const Array<T>&);                                                   \
    template Graph inspect(const std::vector<Tensor<T>>&);                                         \
    template Graph inspect_tape(const Tape<T>&);
XGRAD_FOR_EACH_SCALAR(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

} // namespace xgrad
