#pragma once
// BackwardOptions: how a backward walk runs.

namespace xgrad {

/// How backward runs.
struct BackwardOptions {
    bool retain_graph = false; ///< keep the graph for another backward
    bool create_graph = false; ///< record the backward so gradients can be differentiated
    bool retain_grads = false; ///< keep every intermediate gradient in .grad (inspection)
};

} // namespace xgrad
