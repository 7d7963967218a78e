#include "autograd/core/op.hpp"

#include "autograd/core/error.hpp"

#include <string>

namespace xgrad {

namespace {
using namespace keeps; // the table's keeps column: nothing, in0 | in1, out, ...
constexpr OpInfo leaf_info{"leaf", 0, nothing, "a leaf: gradients accumulate in .grad"};
// A user's rule may read anything: its inputs and output are all kept.
constexpr OpInfo custom_info{"custom", 0, everything,
                             "a user-defined op: Tensor::op_rule() gives its own rule"};
constexpr OpInfo op_table[] = {
#define XGRAD_OP(name, arity, keeps, rule) {#name, arity, keeps, rule},
#include "autograd/core/op_list.def"
#undef XGRAD_OP
};
constexpr std::size_t op_count = sizeof(op_table) / sizeof(op_table[0]);
} // namespace

const OpInfo& op_info(Op op) {
    if (op == Op::leaf)
        return leaf_info;
    if (op == Op::custom)
        return custom_info;
    const auto index = static_cast<std::size_t>(op) - 1;
    if (index >= op_count)
        throw Error("op_info: unknown op id " + std::to_string(index + 1));
    return op_table[index];
}

std::vector<Op> all_ops() {
    std::vector<Op> ops;
    for (std::size_t i = 1; i <= op_count; ++i)
        ops.push_back(static_cast<Op>(i));
    return ops;
}

} // namespace xgrad
