#pragma once
// Broadcast: one entry of the broadcast ledger, an input stretched to its op's output.

#include "autograd/core/op.hpp"
#include "autograd/inspect/graph_tensor.hpp"
#include "autograd/xtensor.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace xgrad {

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

} // namespace xgrad
