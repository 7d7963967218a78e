// libFuzzer target: random bytes as a .npy file, read as float64, float32 and header only.
// A FileError naming the file is the only acceptable failure; a file that reads must
// have as many elements as its header's shape says.
#include "fuzz_support.hpp"
#include "io/npy.hpp"

#include <cstdio>
#include <cstdlib>

using namespace xgrad;

namespace {
template <class T>
void read_as(const std::string& path) {
    const Array<T> a = io::load_npy<T>(path);
    const io::NpyHeader h = io::read_npy_header(path);
    std::size_t n = 1;
    for (std::size_t d : h.shape)
        n *= d;
    if (a.size() != n || a.dimension() != h.shape.size()) {
        std::fprintf(stderr, "load_npy returned %zu elements, header says %zu\n", a.size(), n);
        std::abort();
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = fuzz::write_temp(data, size, ".npy");
    fuzz::expect_file_errors_only(path, [&] { io::read_npy_header(path); });
    fuzz::expect_file_errors_only(path, [&] { read_as<double>(path); });
    fuzz::expect_file_errors_only(path, [&] { read_as<float>(path); });
    return 0;
}
