#include "autograd/kernels/buffer_cache.hpp"

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace xgrad {

namespace {

// Kept buffers of one dtype, oldest first. A step makes a few dozen large results at most;
// beyond max_buffers the oldest go, so that a lookup stays a short scan.
template <class T>
struct Shelf {
    std::vector<Array<T>> buffers;
    std::size_t bytes = 0;
};
constexpr std::size_t max_buffers = 64;

// XGRAD_BUFFER_CACHE_MB, when set to a whole number, replaces the default limit (0 turns
// the cache off), so a program's memory can be traded for speed without recompiling it.
std::size_t initial_limit() {
    const char* text = std::getenv("XGRAD_BUFFER_CACHE_MB");
    if (!text || !*text)
        return buffer_cache_default_limit;
    char* end = nullptr;
    const unsigned long long mb = std::strtoull(text, &end, 10);
    if (*end != '\0' || text[0] == '-' || mb > (std::size_t(-1) >> 20)) {
        // Read where a tensor may be dying (a destructor must not throw): say so, go on.
        std::fprintf(stderr,
                     "xgrad: XGRAD_BUFFER_CACHE_MB='%s' is not a whole number of MiB (0 turns "
                     "the buffer cache off); using the default, %zu MiB\n",
                     text, buffer_cache_default_limit >> 20);
        return buffer_cache_default_limit;
    }
    return std::size_t(mb) << 20;
}

struct Caches {
    Shelf<float> floats;
    Shelf<double> doubles;
    std::size_t limit = initial_limit();
    std::uint64_t reused = 0, missed = 0;
    ~Caches();

    template <class T>
    Shelf<T>& shelf() {
        if constexpr (std::is_same_v<T, float>)
            return floats;
        else
            return doubles;
    }
    std::size_t bytes() const { return floats.bytes + doubles.bytes; }
};

// Tensors can die after this thread's cache did (a static tensor, a tensor destroyed by
// another thread_local's destructor); they then free their buffers as usual.
thread_local bool t_caches_gone = false;
Caches::~Caches() {
    t_caches_gone = true;
}

Caches* caches() {
    if (t_caches_gone)
        return nullptr;
    thread_local Caches instance;
    return &instance;
}

template <class T>
std::size_t bytes_of(const Array<T>& a) {
    return a.size() * sizeof(T);
}

template <class T>
void drop_oldest(Shelf<T>& shelf) {
    shelf.bytes -= bytes_of(shelf.buffers.front());
    shelf.buffers.erase(shelf.buffers.begin());
}

// Lets the oldest buffers go (of either dtype, float's first) until within the limit.
void trim(Caches& c) {
    while (c.bytes() > c.limit) {
        if (!c.floats.buffers.empty())
            drop_oldest(c.floats);
        else
            drop_oldest(c.doubles);
    }
}

} // namespace

namespace kernels {

template <class T>
std::optional<Array<T>> take_cached_buffer(const Shape& shape, std::size_t size) {
    Caches* c = caches();
    if (!c || c->limit == 0)
        return std::nullopt;
    auto& shelf = c->shelf<T>();
    // Newest first: the buffer most recently let go is the likeliest to be in CPU cache.
    for (std::size_t i = shelf.buffers.size(); i-- > 0;) {
        if (shelf.buffers[i].size() != size)
            continue;
        std::optional<Array<T>> out(std::move(shelf.buffers[i]));
        shelf.buffers.erase(shelf.buffers.begin() + static_cast<std::ptrdiff_t>(i));
        shelf.bytes -= size * sizeof(T);
        out->resize(shape); // same element count: xtensor keeps the storage
        ++c->reused;
        return out;
    }
    ++c->missed;
    return std::nullopt;
}

template <class T>
void give_buffer_to_cache(Array<T>& buffer) {
    const std::size_t bytes = bytes_of(buffer);
    if (bytes < buffer_cache_min_bytes)
        return;
    Caches* c = caches();
    if (!c || bytes > c->limit)
        return;
    auto& shelf = c->shelf<T>();
    if (shelf.buffers.size() == max_buffers)
        drop_oldest(shelf);
    shelf.buffers.push_back(std::move(buffer));
    shelf.bytes += bytes;
    trim(*c);
}

template std::optional<Array<float>> take_cached_buffer(const Shape&, std::size_t);
template std::optional<Array<double>> take_cached_buffer(const Shape&, std::size_t);
template void give_buffer_to_cache(Array<float>&);
template void give_buffer_to_cache(Array<double>&);

} // namespace kernels

BufferCacheStats buffer_cache_stats() {
    BufferCacheStats stats;
    if (Caches* c = caches()) {
        stats.buffers = c->floats.buffers.size() + c->doubles.buffers.size();
        stats.bytes = c->bytes();
        stats.limit = c->limit;
        stats.reused = c->reused;
        stats.missed = c->missed;
    }
    return stats;
}

void clear_buffer_cache() {
    if (Caches* c = caches()) {
        c->floats = {};
        c->doubles = {};
    }
}

void set_buffer_cache_limit(std::size_t bytes) {
    if (Caches* c = caches()) {
        c->limit = bytes;
        trim(*c);
    }
}

} // namespace xgrad
