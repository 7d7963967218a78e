#pragma once
// HookHandle: what registering a hook on a tensor gives back, to take the hook off again.

#include <cstdint>
#include <memory>
#include <optional>
#include <type_traits>

namespace xgrad {

/// Returned by Tensor::register_hook and register_post_accumulate_grad_hook; remove() takes
/// the hook off. Dropping the handle leaves the hook on (as PyTorch's RemovableHandle).
class HookHandle {
public:
    HookHandle() = default;
    HookHandle(std::weak_ptr<void> owner, std::uint64_t id, void (*remover)(void*, std::uint64_t))
        : m_owner(std::move(owner)), m_id(id), m_remove(remover) {}
    /// Takes the hook off; a second call, or a call after the tensor is gone, does nothing.
    /// A hook may remove itself (or another) while it runs: it is not called again.
    void remove();

private:
    std::weak_ptr<void> m_owner;
    std::uint64_t m_id = 0;
    void (*m_remove)(void*, std::uint64_t) = nullptr;
};

namespace detail {
template <class R>
struct is_optional : std::false_type {};
template <class R>
struct is_optional<std::optional<R>> : std::true_type {};
} // namespace detail

} // namespace xgrad
