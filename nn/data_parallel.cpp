#include "nn/data_parallel.hpp"

#include <stdexcept>
#include <string>

namespace xgrad::nn {

Shard shard(std::size_t count, std::size_t rank, std::size_t size) {
    if (size == 0 || rank >= size)
        throw std::invalid_argument("shard: rank " + std::to_string(rank) + " of " +
                                    std::to_string(size) + " processes");
    const std::size_t base = count / size, extra = count % size;
    const std::size_t begin = rank * base + (rank < extra ? rank : extra);
    return {begin, begin + base + (rank < extra ? 1 : 0)};
}

} // namespace xgrad::nn
