#pragma once
// The graph as JSON, schema "xgrad-graph" (docs/graph-json.md).

#include "autograd/inspect/graph.hpp"

#include <cstddef>
#include <string>

namespace xgrad {

struct JsonOptions {
    std::size_t batch_size = 0; ///< recorded as "batch_size" (null when 0)
    bool values = true;         ///< include value summaries
};
/// The graph as JSON, schema "xgrad-graph" version 1 (docs/graph-json.md).
std::string to_json(const Graph& graph, const JsonOptions& options = {});

} // namespace xgrad
