#pragma once
// TensorImpl: a tensor's data and, for an op's result, its node in the graph: which op,
// its inputs, their shapes and versions, the op's parameters and its backward rule.
// Results point to their inputs, never the other way, so a graph lives exactly as long
// as the tensors at its end. Internal: use Tensor.

#include "autograd/core/backward_rule.hpp"
#include "autograd/core/op.hpp"
#include "autograd/core/op_params.hpp"
#include "autograd/core/tensor.hpp"
#include "autograd/core/user_op.hpp"
#include "autograd/xtensor.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#if defined(__GLIBCXX__)
#include <ext/atomicity.h>
#endif

namespace xgrad {

namespace detail {
/// How many Tensor handles point to one TensorImpl. Atomic only once the process has a
/// second thread, as libstdc++ counts the shared_ptr beside it (__libc_single_threaded):
/// a single-threaded training loop then pays no locked instruction per handle copy, where
/// it paid one for every handle made or dropped (~60 a step in the tiny benchmark). Only while
/// no other thread was started: Debian's OpenBLAS starts its workers at load unless
/// OPENBLAS_NUM_THREADS=1, and xgrad train's loading line starts one on a terminal.
/// Creating a thread synchronises with it, so the plain counts before it are seen after.
class HandleCount {
public:
    void set_one() { m_count = 1; }
    void add_one() {
#if defined(__GLIBCXX__)
        __gnu_cxx::__atomic_add_dispatch(&m_count, 1);
#else
        m_count.fetch_add(1, std::memory_order_relaxed);
#endif
    }
    /// Drops one; true when it was the last.
    bool drop_one() {
#if defined(__GLIBCXX__)
        return __gnu_cxx::__exchange_and_add_dispatch(&m_count, -1) == 1;
#else
        return m_count.fetch_sub(1, std::memory_order_acq_rel) == 1;
#endif
    }

private:
#if defined(__GLIBCXX__)
    _Atomic_word m_count = 0;
#else
    std::atomic<int> m_count{0};
#endif
};
} // namespace detail

/// A tensor's hooks, in registration order. Each is held by a shared_ptr so that a walk
/// runs a snapshot of the list while a hook may remove itself.
template <class T>
struct TensorHooks {
    template <class F>
    struct Entry {
        std::uint64_t id;
        std::shared_ptr<const F> fn;
    };
    std::vector<Entry<typename Tensor<T>::GradHook>> grad;
    std::vector<Entry<typename Tensor<T>::PostAccumulateHook>> post;
    std::uint64_t next_id = 1;
};

/// The data and, for op results, the node. Internal: use Tensor.
template <class T>
struct TensorImpl {
    Array<T> value;
    Tensor<T> grad; // accumulated gradient (leaves; retained non-leaves)
    Tensor<T>
        pending; // gradient gathered during a backward walk (op results; a leaf's is the walk's)
    std::string label;
    bool requires_grad = false;
    bool retains_grad = false;
    std::uint32_t version = 0; // bumped by Tensor::data()
    // Tensor handles to this impl (a node's inputs and the backward walk hold it otherwise).
    // When the last handle goes and no recorded rule keeps the value, the value is released.
    detail::HandleCount handles;
    std::atomic<bool> value_kept{false}; // a recorded rule reads it (the op table's keeps)
    bool value_released = false;
    Shape released_shape; // the value's shape, once released
    // The node: set for op results only.
    Op op = Op::leaf;
    bool freed = false;
    std::uint8_t n_inputs = 0;
    std::uint32_t thread = 0; // the recording thread's number (detail::thread_number()), 0: leaf
    std::array<std::shared_ptr<TensorImpl>, 3> inputs{};
    std::array<Shape, 3> input_shapes{};
    std::array<std::uint32_t, 3> input_versions{};
    Tensor<T> saved; // what the forward computed for the backward to reuse (bce: sigmoid(Z))
    OpParams params{};
    BackwardFn<T> backward = nullptr;
    std::uint64_t sequence = 0;
    const std::string* scope = nullptr;
    std::shared_ptr<const UserOp<T>> user_op; // Op::custom: the user's op
    std::unique_ptr<TensorHooks<T>> hooks;    // created by the first register_*hook

    // Made with its value (see autograd/kernels/new_array.hpp).
    explicit TensorImpl(Array<T>&& v) : value(std::move(v)) {}
    TensorImpl(const TensorImpl&) = delete;
    TensorImpl& operator=(const TensorImpl&) = delete;
    /// Releases a dropped graph iteratively: a 100,000-op chain must not recurse.
    ~TensorImpl();
};

namespace detail {
/// Releases an op result's value when no recorded rule keeps it (called as its last
/// Tensor handle goes while nodes still hold it). Leaves are never released.
template <class T>
void release_unkept_value(TensorImpl<T>& impl);
/// The lock that serialises changes to a tensor's .grad and hook lists, shared by every
/// thread (a fixed pool of mutexes picked by address: no mutex per tensor).
std::mutex& grad_mutex(const void* impl);
/// Hooks registered on leaves, alive: the backward walk looks for leaves' last uses only
/// when there are some.
std::size_t leaf_hook_count();
void count_leaf_hooks(std::ptrdiff_t change);
} // namespace detail

extern template struct TensorImpl<float>;
extern template struct TensorImpl<double>;

} // namespace xgrad
