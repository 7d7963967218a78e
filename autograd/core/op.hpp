#pragma once
// Op: every op the engine records, one per row of the op table (autograd/core/op_list.def).

#include <cstdint>
#include <vector>

namespace xgrad {

/// Every op the engine records, from the op table autograd/core/op_list.def.
enum class Op : std::uint8_t {
    leaf,
#define XGRAD_OP(name, arity, keeps, rule) name,
#include "autograd/core/op_list.def"
#undef XGRAD_OP
    /// An op defined outside the library (CustomOp, autograd/ops/custom.hpp): its node
    /// carries its own name and rule (Tensor::op_name(), op_rule()).
    custom,
};

/// The op table's keeps column: which values an op's backward rule reads besides the
/// gradient G, one bit per input and one for the output. A node holds its inputs as long as
/// it lives, but their values only while some recorded rule keeps them or a Tensor holds
/// them (see Tensor::value_released()).
namespace keeps {
inline constexpr std::uint8_t nothing = 0;
inline constexpr std::uint8_t in0 = 1, in1 = 2, in2 = 4; ///< input 0, 1, 2
inline constexpr std::uint8_t out = 8;                   ///< the op's output A
inline constexpr std::uint8_t everything = in0 | in1 | in2 | out;
/// The bit of input i.
constexpr std::uint8_t input(int i) {
    return static_cast<std::uint8_t>(1u << i);
}
} // namespace keeps

/// What the op table says of one op.
struct OpInfo {
    const char* name;
    int arity;          ///< number of tensor inputs (0 for a leaf)
    std::uint8_t keeps; ///< what its backward rule reads (keeps::in0 | keeps::out, ...)
    const char* rule;   ///< its local derivative, for people reading a graph
};

/// The op table row of `op`.
const OpInfo& op_info(Op op);
/// All ops of the table (not leaf, not custom), in table order.
std::vector<Op> all_ops();

} // namespace xgrad
