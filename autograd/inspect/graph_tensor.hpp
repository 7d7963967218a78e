#pragma once
// GraphTensor: one tensor of an inspected graph, as plain data, and its Role.

#include "autograd/core/op.hpp"
#include "autograd/core/op_params.hpp"
#include "autograd/inspect/summary.hpp"
#include "autograd/xtensor.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace xgrad {

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
    std::string op_name = "leaf"; ///< the op table's name, or a CustomOp's ("swish")
    std::string rule;             ///< its local derivative (the table's or the CustomOp's)
    OpParams params;
    std::string label, scope;
    const char* dtype = "float64"; ///< "float32" or "float64"
    Role role = Role::input;
    bool requires_grad = false, is_leaf = true, freed = false;
    /// Its values were released: no rule keeps them and no Tensor held them
    /// (Tensor::value_released()); `value` then holds the shape only.
    bool value_released = false;
    Shape shape;
    /// Ids of the op's inputs, in input order; empty for leaves and freed ops.
    std::vector<std::size_t> inputs;
    std::vector<Shape> input_shapes;       ///< known even after the op was freed
    std::size_t hooks = 0;                 ///< tensor hooks registered (Tensor::register_hook)
    std::size_t post_accumulate_hooks = 0; ///< on a leaf: post-accumulate hooks
    /// Bytes this tensor keeps alive: its value (unless released), the values of the inputs
    /// its rule keeps (the op table's keeps column), and what its op kept for the backward
    /// (binary_cross_entropy_with_logits keeps sigmoid(Z)).
    std::size_t saved_bytes = 0;
    Summary value;
    std::optional<Summary> grad;   ///< when the tensor holds one (Tensor::has_grad)
    const void* address = nullptr; ///< Tensor::id(), to match tensors to tensors
};

} // namespace xgrad
