// libFuzzer target: a checkpoint with one part replaced by the fuzzer's bytes, loaded.
//
// A sound checkpoint (2 -> 3 (tanh) -> 1 (sigmoid), Adam state) is saved once per process.
// The first byte picks the part: the manifest, the CURRENT pointer, or the W1.npy / t.npy
// array with the manifest's size and CRC-32 updated to match, so the .npy reader and the
// shape checks see the bytes rather than the CRC check refusing them all. Then the loaders
// run: read_checkpoint_info, load_checkpoint into a matching model and Adam, and
// load_checkpoint_model. A FileError naming the file is the only acceptable failure.
#include "checkpoint/checkpoint.hpp"
#include "fuzz_support.hpp"

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

using namespace xgrad;
namespace fs = std::filesystem;

namespace {

struct Fixture {
    std::string dir, version, manifest;
    Fixture() {
        const char* tmp = std::getenv("TMPDIR");
        dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/xgrad-fuzz-ckpt-" +
              std::to_string(::getpid());
        fs::remove_all(dir);
        nn::Model<double> model({2, 3, 1}, {nn::Activation::tanh, nn::Activation::sigmoid});
        nn::Adam<double> adam(model.parameters(), 0.01);
        checkpoint::save_checkpoint(dir, model, &adam, {1, 1});
        version = dir + "/step-1";
        manifest = slurp(version + "/manifest.json");
    }
    ~Fixture() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    static Fixture& instance() {
        static Fixture f;
        return f;
    }
    static std::string slurp(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    static void put(const std::string& path, const std::uint8_t* data, std::size_t size) {
        std::ofstream(path, std::ios::binary | std::ios::trunc)
            .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    // Restores every file, then replaces one part.
    void reset() {
        put(dir + "/CURRENT", reinterpret_cast<const std::uint8_t*>("step-1\n"), 7);
        put(version + "/manifest.json", reinterpret_cast<const std::uint8_t*>(manifest.data()),
            manifest.size());
    }
    void replace_array(const std::string& file, const std::uint8_t* data, std::size_t size) {
        put(version + "/" + file, data, size);
        const auto crc = crc32(0L, data, static_cast<uInt>(size));
        const std::regex record(
            "(\\{\"name\": \"" + file +
            "\", \"shape\": \\[[^\\]]*\\], \"bytes\": )[0-9]+(, \"crc32\": )[0-9]+");
        std::smatch match;
        if (!std::regex_search(manifest, match, record))
            std::abort(); // the harness is wrong
        const std::string m = match.prefix().str() + match[1].str() + std::to_string(size) +
                              match[2].str() + std::to_string(crc) + match.suffix().str();
        put(version + "/manifest.json", reinterpret_cast<const std::uint8_t*>(m.data()), m.size());
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    Fixture& f = Fixture::instance();
    f.reset();
    const std::uint8_t mode = data[0] % 4;
    ++data;
    --size;
    if (mode == 0)
        Fixture::put(f.version + "/manifest.json", data, size);
    if (mode == 1)
        Fixture::put(f.dir + "/CURRENT", data, size);
    if (mode == 2)
        f.replace_array("W1.npy", data, size);
    if (mode == 3)
        f.replace_array("t.npy", data, size);

    fuzz::expect_file_errors_only(f.dir, [&] { checkpoint::read_checkpoint_info(f.dir); });
    fuzz::expect_file_errors_only(f.dir, [&] {
        nn::Model<double> model({2, 3, 1}, {nn::Activation::tanh, nn::Activation::sigmoid});
        nn::Adam<double> adam(model.parameters(), 0.01);
        checkpoint::load_checkpoint(f.dir, model, &adam);
    });
    fuzz::expect_file_errors_only(f.dir, [&] { checkpoint::load_checkpoint_model<double>(f.dir); });
    fuzz::expect_file_errors_only(f.dir, [&] { checkpoint::load_checkpoint_model<float>(f.dir); });
    return 0;
}
