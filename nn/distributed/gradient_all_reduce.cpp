#include "nn/distributed/gradient_all_reduce.hpp"

#include "autograd/core/node.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <stdexcept>

namespace xgrad::distributed {

namespace {
double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// The summed gradient written into the parameter's .grad (made when this process's backward
// left it without one: an empty share, or a parameter it did not reach).
template <class T>
void write_grad(Tensor<T>& parameter, const T* values) {
    if (!parameter.has_grad()) // no public way to give a leaf a gradient outside backward
        parameter.impl()->grad = Tensor<T>(Array<T>::from_shape(parameter.shape()));
    // mutable_grad(): a copy of its own if the gradient's array is shared with another tensor.
    std::copy(values, values + parameter.size(), parameter.mutable_grad().data());
}
} // namespace

template <class T>
GradientAllReduce<T>::GradientAllReduce(Processes& processes,
                                        std::vector<nn::NamedTensor<T>> parameters,
                                        std::size_t bucket_bytes, Mode mode)
    : m_processes(processes), m_parameters(std::move(parameters)), m_mode(mode) {
    const std::size_t n = m_parameters.size();
    // Every process must make the same buckets: the same parameter count and sizes.
    std::int64_t total = 0;
    for (const auto& p : m_parameters)
        total = total * 1000003 + static_cast<std::int64_t>(p.tensor.size());
    std::int64_t mine[4] = {std::int64_t(n), total, -std::int64_t(n), -total};
    std::int64_t most[4];
    MPI_Request request;
    MPI_Iallreduce(mine, most, 4, MPI_INT64_T, MPI_MAX, processes.comm(), &request);
    processes.wait(&request, 1, "the check of the parameters' sizes");
    if (most[0] != -most[2] || most[1] != -most[3])
        throw std::invalid_argument(
            "data parallel: the processes train networks of different sizes (" +
            processes.describe(processes.rank()) + " has " + std::to_string(n) +
            " parameters): start every process with the same network");

    // Buckets in the order backward completes gradients: the last layer's parameters first.
    m_bucket_of.resize(n);
    m_slot_of.resize(n);
    m_packed.assign(n, false);
    std::size_t bytes = 0;
    for (std::size_t k = n; k-- > 0;) {
        if (m_buckets.empty() || bytes >= bucket_bytes) {
            m_buckets.emplace_back();
            bytes = 0;
        }
        Bucket& bucket = m_buckets.back();
        m_bucket_of[k] = m_buckets.size() - 1;
        m_slot_of[k] = bucket.parameters.size();
        bucket.offsets.push_back(bucket.buffer.size());
        bucket.parameters.push_back(k);
        bucket.buffer.resize(bucket.buffer.size() + m_parameters[k].tensor.size());
        bytes += m_parameters[k].tensor.size() * sizeof(T);
    }
    m_figures.buckets = m_buckets.size();
    for (const Bucket& b : m_buckets)
        m_figures.bytes += b.buffer.size() * sizeof(T);
    if (m_mode == Mode::overlap)
        register_hooks();
}

template <class T>
GradientAllReduce<T>::~GradientAllReduce() {
    for (HookHandle& hook : m_hooks)
        hook.remove();
}

// The engine calls a leaf's post-accumulate hooks as soon as the backward walk has passed the
// leaf's first use on the tape: no later op can add to its gradient. For a Dense stack that
// is W[L], b[L] first, while the walk still has layers L-1 ... 1 to do.
template <class T>
void GradientAllReduce<T>::register_hooks() {
    for (std::size_t k = 0; k < m_parameters.size(); ++k)
        m_hooks.push_back(m_parameters[k].tensor.register_post_accumulate_grad_hook(
            [this, k](Tensor<T>&) { gradient_ready(k); }));
}

template <class T>
std::vector<std::vector<std::string>> GradientAllReduce<T>::buckets() const {
    std::vector<std::vector<std::string>> names;
    for (const Bucket& b : m_buckets) {
        names.emplace_back();
        for (std::size_t k : b.parameters)
            names.back().push_back(m_parameters[k].name);
    }
    return names;
}

template <class T>
void GradientAllReduce<T>::begin_backward() {
    for (Bucket& b : m_buckets) {
        b.ready = 0;
        b.started = false;
    }
    std::fill(m_packed.begin(), m_packed.end(), false);
    m_next = 0;
    m_in_backward = true;
    m_backward_start = now();
}

template <class T>
void GradientAllReduce<T>::pack(std::size_t k) {
    Bucket& bucket = m_buckets[m_bucket_of[k]];
    T* out = bucket.buffer.data() + bucket.offsets[m_slot_of[k]];
    const Tensor<T>& p = m_parameters[k].tensor;
    if (p.has_grad())
        std::copy(p.grad().data(), p.grad().data() + p.size(), out);
    else // this process's backward did not reach it: it adds nothing
        std::fill(out, out + p.size(), T(0));
    m_packed[k] = true;
    ++bucket.ready;
}

template <class T>
void GradientAllReduce<T>::start_in_order() {
    while (m_next < m_buckets.size() &&
           m_buckets[m_next].ready == m_buckets[m_next].parameters.size()) {
        Bucket& b = m_buckets[m_next++];
        MPI_Iallreduce(MPI_IN_PLACE, b.buffer.data(), static_cast<int>(b.buffer.size()),
                       mpi_type<T>(), MPI_SUM, m_processes.comm(), &b.request);
        b.started = true;
    }
}

template <class T>
void GradientAllReduce<T>::gradient_ready(std::size_t k) {
    if (!m_in_backward || m_packed[k])
        return;
    pack(k);
    const std::size_t before = m_next;
    start_in_order();
    m_figures.early_starts += m_next - before;
    // Open MPI moves a non-blocking collective on only inside MPI calls: give it one.
    if (m_next > 0) {
        std::vector<MPI_Request> started;
        for (std::size_t b = 0; b < m_next; ++b)
            started.push_back(m_buckets[b].request);
        m_processes.test(started.data(), static_cast<int>(started.size()));
        for (std::size_t b = 0; b < m_next; ++b)
            m_buckets[b].request = started[b];
    }
}

template <class T>
void GradientAllReduce<T>::finish_backward() {
    for (std::size_t k = 0; k < m_parameters.size(); ++k)
        if (!m_packed[k])
            pack(k);
    start_in_order();
    std::vector<MPI_Request> requests;
    for (const Bucket& b : m_buckets)
        requests.push_back(b.request);
    m_figures.compute_seconds += now() - m_backward_start;
    m_figures.wait_seconds +=
        m_processes.wait(requests.data(), static_cast<int>(requests.size()),
                         "the gradient all-reduce of step " + std::to_string(m_figures.steps + 1));
    for (Bucket& b : m_buckets) {
        b.request = MPI_REQUEST_NULL;
        for (std::size_t s = 0; s < b.parameters.size(); ++s)
            write_grad(m_parameters[b.parameters[s]].tensor, b.buffer.data() + b.offsets[s]);
    }
    ++m_figures.steps;
    m_in_backward = false;
}

template <class T>
void GradientAllReduce<T>::sum(double* values, std::size_t n) {
    MPI_Request request;
    MPI_Iallreduce(MPI_IN_PLACE, values, static_cast<int>(n), MPI_DOUBLE, MPI_SUM,
                   m_processes.comm(), &request);
    m_processes.wait(&request, 1, "the sum of the epoch's figures");
}

template class GradientAllReduce<float>;
template class GradientAllReduce<double>;

} // namespace xgrad::distributed
