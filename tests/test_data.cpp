// io/: .npy files, IDX files, and the course's data sets.
#include "io/datasets.hpp"
#include "io/idx.hpp"
#include "io/npy.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

namespace fs = std::filesystem;
using namespace xgrad;
using namespace xgrad::io;

namespace {

std::string fixture(const std::string& name) {
    return std::string(XGRAD_SOURCE_DIR) + "/tests/data/" + name;
}

// A fresh directory for one test case, removed afterwards.
struct TempDir {
    fs::path path;
    TempDir() {
        static int counter = 0;
        path = fs::temp_directory_path() /
               ("xgrad_test_data_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string operator/(const std::string& name) const { return (path / name).string(); }
};

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void write_gz(const std::string& path, const std::string& bytes) {
    gzFile f = gzopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) ==
            static_cast<int>(bytes.size()));
    REQUIRE(gzclose(f) == Z_OK);
}

// The message of the FileError `f` throws; fails the test if it throws nothing or another type.
std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const FileError& e) {
        return e.what();
    } catch (const std::exception& e) {
        FAIL("expected FileError, got another exception: " << e.what());
    }
    FAIL("expected FileError, nothing was thrown");
    return "";
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// Checks that the error names the path and says `reason`.
#define CHECK_FILE_ERROR(expr, path, reason)                                                       \
    do {                                                                                           \
        const std::string msg_ = error_of([&] { (void)(expr); });                                  \
        INFO("message: " << msg_);                                                                 \
        CHECK(contains(msg_, path));                                                               \
        CHECK(contains(msg_, reason));                                                             \
    } while (0)

// A .npy file with the given header dict and data bytes, prefix built by hand.
std::string npy_bytes(const std::string& dict, const std::string& data, int major = 1) {
    std::string header = dict;
    const std::size_t prefix = major == 1 ? 10 : 12;
    while ((prefix + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    std::string out = std::string("\x93NUMPY", 6) + char(major) + '\0';
    const std::size_t n = header.size();
    out += char(n & 0xff);
    out += char((n >> 8) & 0xff);
    if (major != 1)
        out += std::string(2, '\0');
    return out + header + data;
}

template <class T>
Array<T> counting(const std::vector<std::size_t>& shape) {
    Array<T> a = Array<T>::from_shape(shape);
    for (std::size_t i = 0; i < a.size(); ++i)
        a.data()[i] = T(0.37) * T(i) - T(1.5);
    return a;
}

std::string idx_bytes(std::uint32_t magic, const std::vector<std::uint32_t>& dims,
                      const std::string& data) {
    std::string out;
    auto put = [&](std::uint32_t v) {
        for (int s = 24; s >= 0; s -= 8)
            out += char((v >> s) & 0xff);
    };
    put(magic);
    for (std::uint32_t d : dims)
        put(d);
    return out + data;
}

const std::string idx_pixels = std::string("\x00\x10\x20\x30\x40\x50\x60\x70\x80\x90\xa0\xff", 12);

} // namespace

// ---- .npy -----------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("npy round-trips ranks 0 to 4 and 0-size arrays exactly", T, float, double) {
    TempDir dir;
    const std::vector<std::vector<std::size_t>> shapes = {{},           {5}, {2, 3}, {2, 3, 4},
                                                          {2, 1, 3, 2}, {0}, {0, 3}, {3, 0, 2}};
    for (const auto& shape : shapes) {
        const Array<T> a = counting<T>(shape);
        const std::string path = dir / "a.npy";
        save_npy(path, a);
        const Array<T> b = load_npy<T>(path);
        INFO("shape rank " << shape.size());
        CHECK(b.dimension() == shape.size());
        CHECK(std::equal(b.shape().begin(), b.shape().end(), shape.begin(), shape.end()));
        CHECK(b == a);
        const NpyHeader h = read_npy_header(path);
        CHECK(h.descr == (std::is_same_v<T, double> ? "<f8" : "<f4"));
        CHECK(h.shape == shape);
        CHECK(h.data_offset % 64 == 0);
    }
}

TEST_CASE("npy converts between float and double on load") {
    TempDir dir;
    const Array<double> a = counting<double>({3, 2});
    save_npy(dir / "a.npy", a);
    const Array<float> f = load_npy<float>(dir / "a.npy");
    CHECK(f == xt::cast<float>(a));
    save_npy(dir / "f.npy", f);
    CHECK(load_npy<double>(dir / "f.npy") == xt::cast<double>(f));
}

TEST_CASE("save_npy writes the same bytes as numpy") {
    TempDir dir;
    Array<double> f8 = xt::arange<double>(6.0).reshape({2, 3}) / 4.0 - 0.5;
    save_npy(dir / "f8.npy", f8);
    CHECK(read_bytes(dir / "f8.npy") == read_bytes(fixture("f8_2x3.npy")));

    save_npy(dir / "f4.npy", Array<float>{1.5f, -2.25f, 0.125f});
    CHECK(read_bytes(dir / "f4.npy") == read_bytes(fixture("f4_3.npy")));

    Array<float> f4d = xt::arange<float>(24.0f).reshape({2, 3, 1, 4});
    save_npy(dir / "f4d.npy", f4d);
    CHECK(read_bytes(dir / "f4d.npy") == read_bytes(fixture("f4_2x3x1x4.npy")));

    save_npy(dir / "scalar.npy", Array<double>(3.5));
    CHECK(read_bytes(dir / "scalar.npy") == read_bytes(fixture("f8_scalar.npy")));

    save_npy(dir / "empty.npy", Array<double>::from_shape({0, 3}));
    CHECK(read_bytes(dir / "empty.npy") == read_bytes(fixture("f8_0x3.npy")));
}

TEST_CASE_TEMPLATE("npy reads the files numpy writes", T, float, double) {
    const Array<T> f8_expected = xt::arange<T>(T(6)).reshape({2, 3}) / T(4) - T(0.5);
    CHECK(load_npy<T>(fixture("f8_2x3.npy")) == f8_expected);
    CHECK(load_npy<T>(fixture("f8_2x3_v2.npy")) == f8_expected);
    CHECK(load_npy<T>(fixture("f8_2x3_v3.npy")) == f8_expected);
    CHECK(read_npy_header(fixture("f8_2x3_v2.npy")).major_version == 2);
    CHECK(read_npy_header(fixture("f8_2x3_v3.npy")).major_version == 3);

    CHECK(load_npy<T>(fixture("f4_3.npy")) == Array<T>{T(1.5), T(-2.25), T(0.125)});
    CHECK(load_npy<T>(fixture("f4_2x3x1x4.npy")) == xt::arange<T>(T(24)).reshape({2, 3, 1, 4}));

    const Array<T> scalar = load_npy<T>(fixture("f8_scalar.npy"));
    CHECK(scalar.dimension() == 0);
    CHECK(scalar() == T(3.5));

    const Array<T> empty = load_npy<T>(fixture("f8_0x3.npy"));
    CHECK(empty.shape() == Shape{0, 3});
    CHECK(empty.size() == 0);
}

TEST_CASE_TEMPLATE("npy reads integer and bool dtypes as numbers (labels)", T, float, double) {
    CHECK(load_npy<T>(fixture("i8_labels.npy")) ==
          Array<T>{T(0), T(3), T(9), T(-1), T(1099511627776.0)});
    CHECK(load_npy<T>(fixture("i4_2x2.npy")) == Array<T>{{T(1), T(-2)}, {T(3), T(-4)}});
    CHECK(load_npy<T>(fixture("u1_4.npy")) == Array<T>{T(0), T(1), T(200), T(255)});
    CHECK(load_npy<T>(fixture("b1_3.npy")) == Array<T>{T(1), T(0), T(1)});
}

TEST_CASE("npy reads fortran_order=True files as the array numpy shows") {
    CHECK(read_npy_header(fixture("f8_fortran_2x3.npy")).fortran_order);
    CHECK(load_npy<double>(fixture("f8_fortran_2x3.npy")) == Array<double>{{0, 1, 2}, {3, 4, 5}});
    const Array<double> expected = xt::arange<double>(24.0).reshape({2, 3, 4});
    CHECK(load_npy<double>(fixture("f8_fortran_2x3x4.npy")) == expected);
}

TEST_CASE("npy refuses bad files with the path and the reason") {
    TempDir dir;
    const std::string good = read_bytes(fixture("f8_2x3.npy"));
    const std::string p = dir / "X.npy";
    auto load = [&] { return load_npy<double>(p); };

    SUBCASE("missing file") {
        CHECK_FILE_ERROR(load(), p, "cannot open for reading: No such file or directory");
    }
    SUBCASE("a directory") {
        fs::create_directory(p);
        CHECK_FILE_ERROR(load(), p, "not a regular file");
    }
    SUBCASE("empty file") {
        write_bytes(p, "");
        CHECK_FILE_ERROR(load(), p, "not a .npy file: bad magic");
    }
    SUBCASE("bad magic") {
        write_bytes(p, "\x93NUMPZ" + good.substr(6));
        CHECK_FILE_ERROR(load(), p, "not a .npy file: bad magic \"\\x93NUMPZ\"");
    }
    SUBCASE("unsupported version") {
        std::string bytes = good;
        bytes[6] = 4;
        write_bytes(p, bytes);
        CHECK_FILE_ERROR(load(), p, "unsupported .npy format version 4.0");
    }
    SUBCASE("truncated data") {
        write_bytes(p, good.substr(0, good.size() - 8));
        CHECK_FILE_ERROR(load(), p,
                         "truncated: header says shape (2, 3) float64 = 48 bytes of data, file "
                         "has 40");
    }
    SUBCASE("trailing data") {
        write_bytes(p, good + "junk");
        CHECK_FILE_ERROR(load(), p, "trailing data: header says shape (2, 3) float64 = 48 bytes");
    }
    SUBCASE("file ends inside the header length") {
        write_bytes(p, good.substr(0, 9));
        CHECK_FILE_ERROR(load(), p, "truncated: file ends inside the header length");
    }
    SUBCASE("header length beyond the file") {
        std::string bytes = good.substr(0, 100);
        bytes[8] = char(0xff);
        bytes[9] = char(0x7f);
        write_bytes(p, bytes);
        CHECK_FILE_ERROR(load(), p, "header length 32767 goes beyond the end of the file (100");
    }
    SUBCASE("malformed header: not a dict") {
        write_bytes(p, npy_bytes("print('hello')", ""));
        CHECK_FILE_ERROR(load(), p, "malformed header: expected '{'");
    }
    SUBCASE("malformed header: missing key") {
        write_bytes(p, npy_bytes("{'descr': '<f8', 'fortran_order': False, }", ""));
        CHECK_FILE_ERROR(load(), p, "malformed header: missing key 'shape'");
    }
    SUBCASE("malformed header: unexpected key") {
        write_bytes(p, npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (), "
                                 "'evil': 1, }",
                                 std::string(8, '\0')));
        CHECK_FILE_ERROR(load(), p, "malformed header: unexpected key 'evil'");
    }
    SUBCASE("malformed header: bad shape") {
        write_bytes(p,
                    npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -3), }", ""));
        CHECK_FILE_ERROR(load(), p, "malformed header: expected a non-negative integer");
    }
    SUBCASE("malformed header: 1-tuple without comma") {
        write_bytes(p, npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2), }",
                                 std::string(16, '\0')));
        CHECK_FILE_ERROR(load(), p, "malformed header: a 1-tuple needs a trailing comma");
    }
    SUBCASE("malformed header: bad bool") {
        write_bytes(p, npy_bytes("{'descr': '<f8', 'fortran_order': 0, 'shape': (), }", ""));
        CHECK_FILE_ERROR(load(), p, "malformed header: expected True or False");
    }
    SUBCASE("big-endian") {
        const std::string path = fixture("f8_bigendian.npy");
        CHECK_FILE_ERROR(load_npy<double>(path), path,
                         "unsupported dtype '>f8': big-endian data is not supported");
    }
    SUBCASE("object dtype") {
        const std::string path = fixture("object.npy");
        CHECK_FILE_ERROR(load_npy<double>(path), path,
                         "unsupported dtype '|O': object arrays hold pickled Python objects");
    }
    SUBCASE("complex dtype") {
        const std::string path = fixture("complex.npy");
        CHECK_FILE_ERROR(load_npy<double>(path), path, "unsupported dtype '<c16'");
    }
    SUBCASE("structured dtype") {
        const std::string path = fixture("structured.npy");
        CHECK_FILE_ERROR(load_npy<double>(path), path, "unsupported dtype: structured arrays");
    }
    SUBCASE("element count overflows") {
        write_bytes(p, npy_bytes("{'descr': '<f8', 'fortran_order': False, "
                                 "'shape': (4294967296, 4294967296, 16), }",
                                 ""));
        CHECK_FILE_ERROR(load(), p,
                         "shape (4294967296, 4294967296, 16) float64 has more bytes than fit");
    }
    SUBCASE("shape larger than the file") {
        write_bytes(p, npy_bytes("{'descr': '<f8', 'fortran_order': False, "
                                 "'shape': (1000000000000,), }",
                                 std::string(8, '\0')));
        CHECK_FILE_ERROR(load(), p,
                         "truncated: header says shape (1000000000000,) float64 = 8000000000000 "
                         "bytes of data, file has 8");
    }
    SUBCASE("dimension beyond 64 bits") {
        write_bytes(p, npy_bytes("{'descr': '<f8', 'fortran_order': False, "
                                 "'shape': (99999999999999999999,), }",
                                 ""));
        CHECK_FILE_ERROR(load(), p, "dimension does not fit in 64 bits");
    }
}

TEST_CASE("save_npy replaces the file atomically and leaves no temporary file") {
    TempDir dir;
    const std::string path = dir / "W1.npy";
    save_npy(path, Array<double>{1.0, 2.0});
    const std::string old_bytes = read_bytes(path);
    // A hard link keeps the old inode: if save_npy rewrote the file in place, it would change.
    fs::create_hard_link(path, dir / "old_link.npy");

    save_npy(path, Array<double>{{3.0, 4.0, 5.0}});
    CHECK(load_npy<double>(path) == Array<double>{{3.0, 4.0, 5.0}});
    CHECK(read_bytes(dir / "old_link.npy") == old_bytes);

    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir.path))
        names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"W1.npy", "old_link.npy"});

    SUBCASE("a write that cannot happen names the path and leaves nothing behind") {
        const std::string bad = dir / "no_such_dir/W1.npy";
        CHECK_FILE_ERROR(save_npy(bad, Array<double>{1.0}), bad, "cannot create temporary file");
        CHECK_FALSE(fs::exists(dir / "no_such_dir"));
    }
}

TEST_CASE_TEMPLATE("a directory of .npy files is a dictionary of arrays", T, float, double) {
    TempDir tmp;
    const std::string dir = tmp / "params/epoch_1";
    const std::map<std::string, Array<T>> params = {
        {"W1", counting<T>({4, 2})}, {"b1", counting<T>({4, 1})}, {"W2", counting<T>({1, 4})}};
    save_npy_dir(dir, params);
    CHECK(fs::is_regular_file(fs::path(dir) / "W1.npy"));
    write_bytes(fs::path(dir) / "notes.txt", "not an array");

    CHECK(load_npy_dir<T>(dir) == params);
    const auto some = load_npy_dir<T>(dir, {"W1", "b1"});
    CHECK(some.size() == 2);
    CHECK(some.at("b1") == params.at("b1"));

    const std::string missing = (fs::path(dir) / "W3.npy").string();
    CHECK_FILE_ERROR(load_npy_dir<T>(dir, {"W1", "W3"}), missing, "cannot open for reading");
    CHECK_FILE_ERROR(save_npy_dir<T>(dir, {{"../escape", counting<T>({1})}}), dir,
                     "is not a plain file name");
    CHECK_FILE_ERROR(load_npy_dir<T>(tmp / "nowhere"), tmp / "nowhere", "no such directory");
}

// ---- IDX ------------------------------------------------------------------------------------

TEST_CASE("IDX reads gzip-compressed and plain files") {
    TempDir dir;
    const std::string images = dir / "images-idx3-ubyte.gz";
    const std::string labels = dir / "labels-idx1-ubyte";
    write_gz(images, idx_bytes(0x803, {2, 3, 2}, idx_pixels));
    write_bytes(labels, idx_bytes(0x801, {2}, std::string("\x07\x02", 2)));

    const IdxArray im = read_idx_images(images);
    CHECK(im.dims == std::vector<std::size_t>{2, 3, 2});
    CHECK(std::string(im.bytes.begin(), im.bytes.end()) == idx_pixels);

    const IdxArray lab = read_idx_labels(labels);
    CHECK(lab.dims == std::vector<std::size_t>{2});
    CHECK(lab.bytes == std::vector<std::uint8_t>{7, 2});

    const IdxDataset both = read_idx_dataset(images, labels);
    CHECK(both.images.dims[0] == both.labels.dims[0]);
    CHECK(read_idx(labels).dims == lab.dims);

    write_gz(dir / "empty.gz", idx_bytes(0x803, {0, 28, 28}, ""));
    CHECK(read_idx_images(dir / "empty.gz").bytes.empty());
}

TEST_CASE("IDX refuses bad files with the path and the reason") {
    TempDir dir;
    const std::string p = dir / "images-idx3-ubyte.gz";
    const std::string good = idx_bytes(0x803, {2, 3, 2}, idx_pixels);

    SUBCASE("missing file") {
        CHECK_FILE_ERROR(read_idx_images(p), p, "cannot open for reading: No such file");
    }
    SUBCASE(".gz name but not gzip") {
        write_bytes(p, good);
        CHECK_FILE_ERROR(read_idx_images(p), p, "not a gzip file");
    }
    SUBCASE("corrupt gzip stream: invalid deflate block") {
        write_gz(p, good);
        std::string gz = read_bytes(p);
        gz[10] = char(gz[10] | 0x06); // BTYPE = 11, reserved
        write_bytes(p, gz);
        CHECK_FILE_ERROR(read_idx_images(p), p, "corrupt gzip stream");
    }
    SUBCASE("corrupt gzip stream: checksum mismatch") {
        write_gz(p, good);
        std::string gz = read_bytes(p);
        gz[gz.size() - 8] = char(gz[gz.size() - 8] ^ 0x5a); // CRC-32 of the trailer
        write_bytes(p, gz);
        CHECK_FILE_ERROR(read_idx_images(p), p, "corrupt gzip stream");
    }
    SUBCASE("gzip stream cut short") {
        write_gz(p, good);
        const std::string gz = read_bytes(p);
        write_bytes(p, gz.substr(0, gz.size() - 12));
        CHECK_FILE_ERROR(read_idx_images(p), p, "corrupt gzip stream");
    }
    SUBCASE("labels file where images are expected") {
        write_gz(p, idx_bytes(0x801, {2}, "\x01\x02"));
        CHECK_FILE_ERROR(read_idx_images(p), p, "bad magic 0x00000801, expected 0x00000803");
    }
    SUBCASE("not IDX at all") {
        write_gz(p, "GIF89a....");
        CHECK_FILE_ERROR(read_idx(p), p, "not an IDX file");
    }
    SUBCASE("non-byte element type") {
        write_gz(p, idx_bytes(0x0d01, {1}, "abcd"));
        CHECK_FILE_ERROR(read_idx(p), p, "only unsigned byte");
    }
    SUBCASE("truncated header") {
        write_gz(p, good.substr(0, 10));
        CHECK_FILE_ERROR(read_idx_images(p), p, "truncated: file ends inside the 3 header dim");
    }
    SUBCASE("truncated data") {
        write_gz(p, good.substr(0, good.size() - 5));
        CHECK_FILE_ERROR(read_idx_images(p), p,
                         "truncated: header says 2 x 3 x 2 = 12 bytes of data, file has 7");
    }
    SUBCASE("trailing data") {
        write_gz(p, good + "extra");
        CHECK_FILE_ERROR(read_idx_images(p), p, "trailing data after the 12 bytes");
    }
    SUBCASE("absurd dimensions are refused before any allocation") {
        write_gz(p, idx_bytes(0x803, {0xffffffffu, 0xffffffffu, 0xffffffffu}, idx_pixels));
        CHECK_FILE_ERROR(read_idx_images(p), p,
                         "header dims 4294967295 x 4294967295 x 4294967295 ask for more than");
    }
    SUBCASE("a lying size just under the limit fails as truncated, not out of memory") {
        write_gz(p, idx_bytes(0x803, {1000, 1000, 1000}, idx_pixels));
        CHECK_FILE_ERROR(read_idx_images(p), p, "truncated: header says 1000 x 1000 x 1000");
    }
    SUBCASE("count mismatch between images and labels") {
        write_gz(p, good);
        const std::string labels = dir / "labels-idx1-ubyte.gz";
        write_gz(labels, idx_bytes(0x801, {3}, "\x01\x02\x03"));
        CHECK_FILE_ERROR(read_idx_dataset(p, labels), labels,
                         "count mismatch: 3 labels, but " + p + " has 2 images");
    }
}

// ---- data sets ------------------------------------------------------------------------------

TEST_CASE("Fashion-MNIST loads from files laid out as the package ships them") {
    TempDir dir;
    // Three 2x2 "images" with labels 3, 0, 7.
    write_gz(dir / "t10k-images-idx3-ubyte.gz",
             idx_bytes(0x803, {3, 2, 2},
                       std::string("\x00\xff\x33\x66\x01\x02\x03\x04\x05\x06"
                                   "\x07\x08",
                                   12)));
    write_gz(dir / "t10k-labels-idx1-ubyte.gz",
             idx_bytes(0x801, {3}, std::string("\x03\x00\x07", 3)));

    const auto ten = load_fashion_mnist<double>(Split::test, dir.path.string());
    CHECK(ten.X.shape() == Shape{4, 3});
    CHECK(ten.X(1, 0) == 1.0);
    CHECK(ten.X(2, 0) == doctest::Approx(0x33 / 255.0));
    CHECK(ten.X(3, 2) == doctest::Approx(8 / 255.0));
    CHECK(ten.Y.shape() == Shape{10, 3});
    CHECK(ten.Y(3, 0) == 1.0);
    CHECK(ten.Y(0, 1) == 1.0);
    CHECK(xt::sum(ten.Y)() == 3.0);
    CHECK(ten.labels == Array<int>{3, 0, 7});

    const auto binary = load_fashion_mnist_binary<float>(Split::test, dir.path.string());
    CHECK(binary.X.shape() == Shape{4, 2});
    CHECK(binary.Y == Array<float>{{1.0f, 0.0f}});
    CHECK(binary.labels == Array<int>{3, 0});

    CHECK(load_fashion_mnist<float>(Split::test, dir.path.string(), 1).labels == Array<int>{3});

    const std::string train_images = dir / "train-images-idx3-ubyte.gz";
    CHECK_FILE_ERROR(load_fashion_mnist<float>(Split::train, dir.path.string()), train_images,
                     "cannot open for reading");
}

TEST_CASE("the real Fashion-MNIST test split, when installed") {
    if (!fs::exists(fashion_mnist_dir + "/t10k-images-idx3-ubyte.gz")) {
        MESSAGE("skipped: " << fashion_mnist_dir << " not installed (dataset-fashion-mnist)");
        return;
    }
    const auto d = load_fashion_mnist<float>(Split::test);
    CHECK(d.X.shape() == Shape{784, 10000});
    CHECK(d.Y.shape() == Shape{10, 10000});
    CHECK(xt::amin(d.X)() == 0.0f);
    CHECK(xt::amax(d.X)() == 1.0f);
    CHECK(xt::amin(d.labels)() == 0);
    CHECK(xt::amax(d.labels)() == 9);
    CHECK(xt::all(xt::equal(xt::sum(d.Y, {0}), 1.0f)));
    // Y is one-hot: its 1 in column j sits at row labels[j]
    bool one_hot_at_label = true;
    for (std::size_t j = 0; j < d.Y.shape()[1]; ++j)
        one_hot_at_label =
            one_hot_at_label && d.Y(static_cast<std::size_t>(d.labels(j)), j) == 1.0f;
    CHECK(one_hot_at_label);
    const Array<float> per_class = xt::sum(d.Y, {1});
    CHECK(xt::all(xt::equal(per_class, 1000.0f))); // the test split is balanced

    const auto b = load_fashion_mnist_binary<float>(Split::test);
    CHECK(b.X.shape() == Shape{784, 2000});
    CHECK(xt::sum(b.Y)() == 1000.0f);
    CHECK(xt::all(xt::equal(b.labels, fashion_binary_negative) ||
                  xt::equal(b.labels, fashion_binary_positive)));
    CHECK(std::string(fashion_mnist_classes[fashion_binary_negative]) == "T-shirt/top");
    CHECK(std::string(fashion_mnist_classes[fashion_binary_positive]) == "Dress");

    const auto first = load_fashion_mnist<float>(Split::test, fashion_mnist_dir, 100);
    CHECK(first.X == xt::view(d.X, xt::all(), xt::range(0, 100)));
}

TEST_CASE_TEMPLATE("planar_dataset is the course's flower", T, float, double) {
    const Dataset<T> d = planar_dataset<T>();
    CHECK(d.X.shape() == Shape{2, 400});
    CHECK(d.Y.shape() == Shape{1, 400});
    CHECK(xt::sum(d.Y)() == T(200));
    CHECK(xt::all(xt::equal(xt::view(d.Y, 0, xt::range(0, 200)), T(0))));
    CHECK(xt::all(xt::equal(xt::view(d.Y, 0, xt::range(200, 400)), T(1))));
    CHECK(xt::all(xt::equal(xt::cast<int>(xt::view(d.Y, 0)), d.labels)));
    // r = 4 sin(4t) + noise: the points stay within the flower's reach.
    const Array<T> radius = xt::sqrt(xt::sum(d.X * d.X, {0}));
    CHECK(xt::amax(radius)() < T(5.5));
    CHECK(xt::amax(radius)() > T(3.5));

    CHECK(planar_dataset<T>(400, 1).X == d.X);
    CHECK(planar_dataset<T>(400, 2).X != d.X);
    CHECK(planar_dataset<T>(10, 3).X.shape() == Shape{2, 10});
    CHECK_THROWS_AS(planar_dataset<T>(401), std::invalid_argument);
    CHECK_THROWS_AS(planar_dataset<T>(0), std::invalid_argument);
}

TEST_CASE("planar_dataset gives the same points in float and double") {
    const Array<double> x64 = planar_dataset<double>(400, 7).X;
    CHECK(planar_dataset<float>(400, 7).X == xt::cast<float>(x64));
}

TEST_CASE_TEMPLATE("train_test_split shuffles columns into two disjoint parts", T, float, double) {
    const Dataset<T> d = planar_dataset<T>(400, 1);
    const auto [train, test] = train_test_split(d, 0.2, 5);
    CHECK(train.X.shape() == Shape{2, 320});
    CHECK(test.X.shape() == Shape{2, 80});
    CHECK(train.Y.shape() == Shape{1, 320});
    CHECK(test.labels.shape() == Shape{80});
    // Every example lands in exactly one part, with its label.
    std::vector<std::pair<T, T>> all, parts;
    for (std::size_t k = 0; k < 400; ++k)
        all.push_back({d.X(0, k), d.Y(0, k)});
    for (std::size_t k = 0; k < 320; ++k)
        parts.push_back({train.X(0, k), train.Y(0, k)});
    for (std::size_t k = 0; k < 80; ++k)
        parts.push_back({test.X(0, k), test.Y(0, k)});
    std::sort(all.begin(), all.end());
    std::sort(parts.begin(), parts.end());
    CHECK(all == parts);
    CHECK(xt::all(xt::equal(xt::cast<int>(xt::view(train.Y, 0)), train.labels)));
    // Shuffled: the training part does not start with the first 320 columns in order.
    CHECK(train.X != xt::view(d.X, xt::all(), xt::range(0, 320)));
    CHECK(train_test_split(d, 0.2, 5).first.X == train.X);
    CHECK_THROWS_AS(train_test_split(d, 1.5), std::invalid_argument);
}
