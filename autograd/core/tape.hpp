#pragma once
// The tape: every op result in recording order, one tape per thread and scalar type.
//
// Recording order is a valid reverse order for backward (an op runs after its
// inputs exist), so backward is a reverse loop over the tape: no recursion, no
// topological sort, any depth. The tape holds weak references: a node lives as long
// as the tensors that use it, and entries of dead nodes are swept away.

#include "autograd/core/node.hpp"
#include "autograd/core/op.hpp"
#include "autograd/core/tensor.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace xgrad {

namespace detail {
/// This thread's number, for messages about graphs that span threads: 1 for the first
/// thread that asked, 2 for the next, ...
std::uint32_t thread_number();
} // namespace detail

/// One tape entry, as inspection tools see it.
struct TapeEntry {
    std::uint64_t sequence;
    Op op;
    std::string label;
    std::string scope;
    std::vector<Shape> input_shapes;
    Shape output_shape;
    bool freed; ///< backward released its inputs
};

template <class T>
class Tape {
public:
    /// This thread's tape for scalar type T.
    static Tape& current();

    /// Enter a new node; gives it its sequence number.
    void record(const std::shared_ptr<TensorImpl<T>>& node);
    /// The live entries, oldest first.
    std::vector<TapeEntry> entries() const;
    /// The live nodes, oldest first.
    std::vector<Tensor<T>> nodes() const;
    /// Number of slots, live or dead, currently held (for tests of memory growth).
    std::size_t slots() const { return m_entries.size(); }
    /// The number of the thread that owns this tape (detail::thread_number()).
    std::uint32_t thread() const { return m_thread; }
    /// The sequence number the next recorded op will get (its tape position).
    std::uint64_t next_sequence() const { return m_next_sequence; }
    /// Drop every entry (nodes stay alive while tensors hold them).
    void clear() {
        m_entries.clear();
        m_sweep_at = 256;
    }

private:
    template <class U>
    friend class BackwardWalk;
    void sweep();

    std::vector<std::weak_ptr<TensorImpl<T>>> m_entries;
    std::uint64_t m_next_sequence = 1;
    std::size_t m_sweep_at = 256;
    int m_walking = 0; // no sweep while a backward walk indexes the tape
    std::uint32_t m_thread = detail::thread_number();
};

extern template class Tape<float>;
extern template class Tape<double>;

} // namespace xgrad
