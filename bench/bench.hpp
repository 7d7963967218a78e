#pragma once
// What every column of the benchmark shares: the problem (layer sizes, data, initial
// parameters) and the interface a column implements. Plain std::vector, so the LibTorch
// column's translation unit never sees xtensor.

#include "autograd/kernels/huge_pages.hpp"

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

namespace xgrad::bench {

/// The floor's buffers: large ones aligned to 2 MiB and advised onto transparent huge pages
/// before their first write, as the engine's op results and NumPy's large arrays are. Without
/// it the hand-written loop would lose to the engine on TLB misses alone (15% on large).
template <class T>
struct HugePageAllocator {
    using value_type = T;
    HugePageAllocator() = default;
    template <class U>
    HugePageAllocator(const HugePageAllocator<U>&) {}
    T* allocate(std::size_t n) {
        constexpr std::size_t huge = kernels::huge_page_bytes;
        const std::size_t bytes = n * sizeof(T);
        if (bytes < kernels::huge_page_min_buffer)
            return std::allocator<T>().allocate(n);
        void* p = std::aligned_alloc(huge, (bytes + huge - 1) / huge * huge);
        if (!p)
            throw std::bad_alloc();
        kernels::advise_huge_pages(p, bytes);
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t n) {
        if (n * sizeof(T) < kernels::huge_page_min_buffer)
            std::allocator<T>().deallocate(p, n);
        else
            std::free(p);
    }
    template <class U>
    bool operator==(const HugePageAllocator<U>&) const {
        return true;
    }
    template <class U>
    bool operator!=(const HugePageAllocator<U>&) const {
        return false;
    }
};
template <class T>
using Buffer = std::vector<T, HugePageAllocator<T>>;

/// One configuration: an MLP with ReLU hidden layers and a sigmoid output trained with
/// binary cross-entropy, full batch, plain gradient descent. Course layout: one column per
/// example, X (n_x, m) and Y (1, m) row-major.
template <class T>
struct Problem {
    std::vector<std::size_t> layers; // n_0 = n_x, n_1, ..., n_L = 1
    std::size_t m = 0;
    T learning_rate = T(0.01);
    std::vector<T> X, Y;
    std::vector<std::vector<T>> W, b; // W[l] (n_l, n_{l-1}), b[l] (n_l, 1); index 0 unused

    std::size_t L() const { return layers.size() - 1; }
};

/// Deterministic data and He-initialised parameters (biases 0) for these sizes.
template <class T>
Problem<T> make_problem(const std::vector<std::size_t>& layers, std::size_t m);

/// One way of running the training step. Constructing a column binds the data (not
/// counted as the column's memory: every framework reads the caller's arrays); init()
/// copies the initial parameters and allocates whatever the column keeps between steps.
class Column {
public:
    virtual ~Column() = default;
    virtual void init() = 0;
    /// Forward, cost, backward, update: one full-batch gradient-descent step.
    virtual void step() = 0;
    /// The cost computed by the last step.
    virtual double cost() const = 0;
    /// Current parameters, W[1], b[1], ..., W[L], b[L], as doubles (for the agreement check).
    virtual std::vector<std::vector<double>> parameters() const = 0;
    /// Nodes the framework holds between steps (xgrad's tape slots), -1 if not applicable.
    virtual long tape_slots() const { return -1; }
};

template <class T>
std::unique_ptr<Column> make_floor_column(const Problem<T>& problem);
template <class T>
std::unique_ptr<Column> make_xgrad_column(const Problem<T>& problem);
/// The same step through nn: Model, its loss, GradientDescent.
template <class T>
std::unique_ptr<Column> make_nn_column(const Problem<T>& problem);
#ifdef XGRAD_BENCH_TORCH
template <class T>
std::unique_ptr<Column> make_torch_column(const Problem<T>& problem);
/// Sets LibTorch's intra-op threads; returns what torch reports afterwards.
int torch_set_threads(int n);
/// One throwaway step, so LibTorch's one-time set-up (autograd engine, thread pools) is
/// not charged to the first configuration's memory.
void torch_warm_up();
#endif

} // namespace xgrad::bench
