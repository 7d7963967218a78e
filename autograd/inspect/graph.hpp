#pragma once
// Graph: a snapshot of a computation graph as plain data, and inspect(), which takes it.
//
// The writers (text.hpp, dot.hpp, json.hpp) and step-through backward (step_through.hpp)
// read it; autograd/inspect/inspect.hpp includes them all.
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
#include "autograd/inspect/broadcast.hpp"
#include "autograd/inspect/graph_tensor.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace xgrad {

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

} // namespace xgrad
