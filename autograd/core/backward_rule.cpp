#include "autograd/core/backward_rule.hpp"

#include "autograd/core/error.hpp"
#include "autograd/core/node.hpp"
#include "autograd/core/op.hpp"

#include <string>

namespace xgrad {

template <class T>
Tensor<T> BackwardContext<T>::input(int i) const {
    // A rule reads only what its op-table row keeps; any other input may have been released.
    if (!(op_info(node.op).keeps & keeps::input(i)))
        throw Error(std::string("backward rule of ") + op_info(node.op).name + " read input " +
                    std::to_string(i) +
                    ", which its row in autograd/core/op_list.def does not keep: add it "
                    "to the row's keeps column");
    return Tensor<T>(node.inputs[static_cast<std::size_t>(i)]);
}
template <class T>
bool BackwardContext<T>::needs(int i) const {
    const auto& in = node.inputs[static_cast<std::size_t>(i)];
    return in && in->requires_grad;
}
template <class T>
const OpParams& BackwardContext<T>::params() const {
    return node.params;
}

template struct BackwardContext<float>;
template struct BackwardContext<double>;

} // namespace xgrad
