// libFuzzer target: random bytes as an IDX file, plain and under a .gz name (read through
// zlib), as any IDX array, as images and as labels. A FileError naming the file is the only
// acceptable failure; an array that reads must hold exactly the bytes its dims say.
#include "fuzz_support.hpp"
#include "io/idx.hpp"

#include <cstdio>
#include <cstdlib>

using namespace xgrad;

namespace {
void check(const io::IdxArray& a) {
    std::size_t n = 1;
    for (std::size_t d : a.dims)
        n *= d;
    if (a.bytes.size() != n) {
        std::fprintf(stderr, "read_idx returned %zu bytes, dims say %zu\n", a.bytes.size(), n);
        std::abort();
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The first byte picks the name: gzip-named files must hold a gzip stream.
    const bool gz = size > 0 && (data[0] & 1);
    const std::string path = fuzz::write_temp(data, size, gz ? ".idx.gz" : ".idx");
    fuzz::expect_file_errors_only(path, [&] { check(io::read_idx(path)); });
    fuzz::expect_file_errors_only(path, [&] { check(io::read_idx_images(path)); });
    fuzz::expect_file_errors_only(path, [&] { check(io::read_idx_labels(path)); });
    return 0;
}
