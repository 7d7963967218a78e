#pragma once
// The graph as a Graphviz digraph, optionally with a step of step-through backward.

#include "autograd/inspect/graph.hpp"

#include <cstddef>
#include <map>
#include <string>

namespace xgrad {

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

} // namespace xgrad
