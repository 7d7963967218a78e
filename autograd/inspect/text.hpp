#pragma once
// The graph as text: one line per tensor, then the broadcast ledger and warnings.

#include "autograd/inspect/graph.hpp"

#include <cstddef>
#include <string>

namespace xgrad {

/// "(4, m)": a shape, with the last axis written m when it equals `batch_size` (> 1).
std::string shape_text(const Shape& shape, std::size_t batch_size = 0);

struct TextOptions {
    std::size_t batch_size = 0; ///< write this last-axis extent as m
};
/// One line per tensor in tape order: id, sequence, op, label, input ids, shape, dtype,
/// requires_grad, saved bytes, gradient shape and norm; then the broadcast ledger and
/// warnings.
std::string to_text(const Graph& graph, const TextOptions& options = {});

} // namespace xgrad
