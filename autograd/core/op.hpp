#pragma once
// Op: every op the engine records, one per row of the op table (autograd/core/op_list.def).

#include <cstdint>
#include <vector>

namespace xgrad {

/// Every op the engine records, from the op table autograd/core/op_list.def.
enum class Op : std::uint8_t {
    leaf,
#define XGRAD_OP(name, arity, rule) name,
#include "autograd/core/op_list.def"
#undef XGRAD_OP
    /// An op defined outside the library (CustomOp, autograd/ops/custom.hpp): its node
    /// carries its own name and rule (Tensor::op_name(), op_rule()).
    custom,
};

/// What the op table says of one op.
struct OpInfo {
    const char* name;
    int arity;        ///< number of tensor inputs (0 for a leaf)
    const char* rule; ///< its local derivative, for people reading a graph
};

/// The op table row of `op`.
const OpInfo& op_info(Op op);
/// All ops of the table (not leaf, not custom), in table order.
std::vector<Op> all_ops();

} // namespace xgrad
