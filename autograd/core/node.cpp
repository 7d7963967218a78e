#include "autograd/core/node.hpp"

#include "autograd/kernels/buffer_cache.hpp"

#include <atomic>
#include <cstdint>
#include <vector>

namespace xgrad {

namespace detail {
namespace {
std::atomic<std::size_t> g_leaf_hooks{0};
} // namespace
std::mutex& grad_mutex(const void* impl) {
    static std::mutex pool[64];
    // TensorImpls are far larger than 64 bytes: the bits above that tell them apart.
    return pool[(reinterpret_cast<std::uintptr_t>(impl) >> 6) % 64];
}
std::size_t leaf_hook_count() {
    return g_leaf_hooks.load(std::memory_order_relaxed);
}
void count_leaf_hooks(std::ptrdiff_t change) {
    g_leaf_hooks.fetch_add(static_cast<std::size_t>(change), std::memory_order_relaxed);
}

template <class T>
void release_unkept_value(TensorImpl<T>& impl) {
    if (impl.op == Op::leaf || impl.value_released ||
        impl.value_kept.load(std::memory_order_relaxed))
        return;
    impl.released_shape = impl.value.shape();
    kernels::give_buffer_to_cache(impl.value); // the next op result of its size takes it
    impl.value = Array<T>::from_shape({0});    // not Array<T>(): its one 0-d element is allocated
    impl.value_released = true;
}
template void release_unkept_value(TensorImpl<float>&);
template void release_unkept_value(TensorImpl<double>&);
} // namespace detail

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
    if (hooks && op == Op::leaf)
        detail::count_leaf_hooks(
            -static_cast<std::ptrdiff_t>(hooks->grad.size() + hooks->post.size()));
    kernels::give_buffer_to_cache(value);
}

template struct TensorImpl<float>;
template struct TensorImpl<double>;

} // namespace xgrad
