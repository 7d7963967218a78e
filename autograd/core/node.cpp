#include "autograd/core/node.hpp"

#include "autograd/kernels/buffer_cache.hpp"

#include <vector>

namespace xgrad {

template <class T>
TensorImpl<T>::~TensorImpl() {
    // Destroying the last handle of a long chain would recurse once per node. Inputs
    // that only this node holds and that have inputs of their own are taken apart
    // here, in a loop, before they are destroyed.
    std::vector<std::shared_ptr<TensorImpl>> doomed;
    auto take = [&doomed](std::shared_ptr<TensorImpl>& input) {
        if (input && input.use_count() == 1 && !input->freed && input->n_inputs > 0)
            doomed.push_back(std::move(input));
        input.reset();
    };
    for (auto& input : inputs)
        take(input);
    while (!doomed.empty()) {
        std::shared_ptr<TensorImpl> node = std::move(doomed.back());
        doomed.pop_back();
        for (auto& input : node->inputs)
            take(input);
    }
    kernels::give_buffer_to_cache(value);
}

template struct TensorImpl<float>;
template struct TensorImpl<double>;

} // namespace xgrad
