#include "autograd/core/grad.hpp"

#include "autograd/core/backward_walk.hpp"
#include "autograd/core/error.hpp"
#include "autograd/core/scalar_types.hpp"

namespace xgrad {

template <class T>
std::vector<Tensor<T>>
grad(const std::vector<Tensor<T>>& outputs, const std::vector<Tensor<T>>& inputs,
     const std::vector<Tensor<T>>& seeds, bool retain_graph, bool create_graph) {
    for (const Tensor<T>& input : inputs) {
        if (!input.defined())
            throw GraphError("grad: an input tensor is undefined");
        if (!input.requires_grad())
            throw GraphError("grad: input " + describe(input) +
                             " does not require grad, so it has no gradient to compute");
    }
    BackwardWalk<T> walk(outputs, seeds, {retain_graph, create_graph, false}, &inputs);
    walk.run();
    return walk.wanted_grads();
}

#define XGRAD_INSTANTIATE(T)                                                                       \
    template std::vector<Tensor<T>> grad(const std::vector<Tensor<T>>&,                            \
                                         const std::vector<Tensor<T>>&,                            \
                                         const std::vector<Tensor<T>>&, bool, bool);
XGRAD_FOR_EACH_SCALAR(XGRAD_INSTANTIATE)
#undef XGRAD_INSTANTIATE

} // namespace xgrad
