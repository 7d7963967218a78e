#include "autograd/core/tape.hpp"

#include <algorithm>
#include <atomic>

namespace xgrad {

namespace detail {
std::uint32_t thread_number() {
    static std::atomic<std::uint32_t> next{1};
    thread_local const std::uint32_t number = next.fetch_add(1);
    return number;
}
} // namespace detail

template <class T>
Tape<T>& Tape<T>::current() {
    thread_local Tape<T> tape;
    return tape;
}

template <class T>
void Tape<T>::record(const std::shared_ptr<TensorImpl<T>>& node) {
    node->sequence = m_next_sequence++;
    node->thread = m_thread;
    if (m_entries.size() >= m_sweep_at && m_walking == 0)
        sweep();
    m_entries.emplace_back(node);
}

template <class T>
void Tape<T>::sweep() {
    m_entries.erase(std::remove_if(m_entries.begin(), m_entries.end(),
                                   [](const auto& entry) { return entry.expired(); }),
                    m_entries.end());
    // Amortised: sweep again once the live part has doubled.
    m_sweep_at = std::max<std::size_t>(256, 2 * m_entries.size());
}

template <class T>
std::vector<Tensor<T>> Tape<T>::nodes() const {
    std::vector<Tensor<T>> out;
    for (const auto& entry : m_entries)
        if (auto node = entry.lock())
            out.emplace_back(std::move(node));
    return out;
}

template <class T>
std::vector<TapeEntry> Tape<T>::entries() const {
    std::vector<TapeEntry> out;
    for (const Tensor<T>& node : nodes())
        out.push_back({node.sequence(), node.op(), node.label(), node.scope(), node.input_shapes(),
                       node.shape(), node.is_freed()});
    return out;
}

template class Tape<float>;
template class Tape<double>;

} // namespace xgrad
