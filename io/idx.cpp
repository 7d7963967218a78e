// IDX reading through zlib: gzread decompresses .gz files and passes plain files through.
#include "io/idx.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <memory>
#include <system_error>

#include <sys/stat.h>
#include <zlib.h>

namespace xgrad::io {
namespace detail {

constexpr std::uint32_t idx_images_magic = 0x00000803;
constexpr std::uint32_t idx_labels_magic = 0x00000801;
constexpr unsigned idx_ubyte_type = 0x08;
constexpr unsigned idx_max_rank = 8;

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string dims_text(const std::vector<std::size_t>& dims) {
    std::string s;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (i > 0)
            s += " x ";
        s += std::to_string(dims[i]);
    }
    return s;
}

// A gzFile that throws FileError on every stream error, naming the path.
class GzReader {
public:
    explicit GzReader(const std::string& path) : m_path(path) {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0)
            throw FileError(path, "cannot open for reading: " +
                                      std::error_code(errno, std::generic_category()).message());
        if (!S_ISREG(st.st_mode))
            throw FileError(path, "not a regular file");
        // gzread passes non-gzip bytes through unchanged; a .gz name promises a gzip stream.
        if (ends_with(path, ".gz")) {
            unsigned char magic[2] = {0, 0};
            std::FILE* f = std::fopen(path.c_str(), "rb");
            const std::size_t n = f ? std::fread(magic, 1, 2, f) : 0;
            if (f)
                std::fclose(f);
            if (n < 2 || magic[0] != 0x1f || magic[1] != 0x8b)
                throw FileError(path, "not a gzip file: the name ends in .gz but the file does "
                                      "not start with the gzip magic bytes 1f 8b");
        }
        errno = 0;
        m_file = gzopen(path.c_str(), "rb");
        if (!m_file)
            throw FileError(path, "cannot open for reading: " +
                                      std::error_code(errno, std::generic_category()).message());
    }
    GzReader(const GzReader&) = delete;
    GzReader& operator=(const GzReader&) = delete;
    ~GzReader() { gzclose(m_file); }

    /// Reads up to n bytes; fewer only at the end of the data.
    std::size_t read(void* dst, std::size_t n) {
        std::size_t done = 0;
        while (done < n) {
            const unsigned chunk =
                static_cast<unsigned>(std::min<std::size_t>(n - done, std::size_t(1) << 20));
            const int got = gzread(m_file, static_cast<unsigned char*>(dst) + done, chunk);
            check();
            if (got <= 0)
                break;
            done += static_cast<std::size_t>(got);
        }
        return done;
    }

private:
    void check() {
        int err = Z_OK;
        const char* msg = gzerror(m_file, &err);
        if (err == Z_OK)
            return;
        const std::string text = msg ? msg : "unknown zlib error";
        if (err == Z_ERRNO)
            throw FileError(m_path, "read error: " +
                                        std::error_code(errno, std::generic_category()).message());
        if (err == Z_BUF_ERROR)
            throw FileError(m_path,
                            "corrupt gzip stream: the compressed data end early (" + text + ")");
        throw FileError(m_path, "corrupt gzip stream: " + text);
    }

    std::string m_path;
    gzFile m_file = nullptr;
};

std::uint32_t big_endian_u32(const unsigned char* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
           std::uint32_t(p[3]);
}

const char* magic_meaning(std::uint32_t magic) {
    return magic == idx_images_magic   ? "an IDX images file"
           : magic == idx_labels_magic ? "an IDX labels file"
                                       : "IDX";
}

// expected_magic == 0: any unsigned-byte IDX file.
IdxArray read_idx_checked(const std::string& path, std::uint32_t expected_magic) {
    GzReader in(path);
    unsigned char head[4];
    const std::size_t got = in.read(head, 4);
    if (got < 4)
        throw FileError(path, "truncated: " + std::to_string(got) +
                                  " bytes, too short for the 4-byte IDX magic");
    const std::uint32_t magic = big_endian_u32(head);
    if (expected_magic != 0 && magic != expected_magic)
        throw FileError(path, "bad magic " + hex32(magic) + ", expected " + hex32(expected_magic) +
                                  " (" + magic_meaning(expected_magic) + ")");
    if (head[0] != 0 || head[1] != 0)
        throw FileError(path, "bad magic " + hex32(magic) +
                                  ": not an IDX file (it must start with two zero bytes)");
    if (head[2] != idx_ubyte_type)
        throw FileError(path, "bad magic " + hex32(magic) + ": element type " + hex32(head[2]) +
                                  " is not supported, only unsigned byte (0x08)");
    const unsigned rank = head[3];
    if (rank < 1 || rank > idx_max_rank)
        throw FileError(path, "bad magic " + hex32(magic) + ": " + std::to_string(rank) +
                                  " dimensions, expected 1 to " + std::to_string(idx_max_rank));

    IdxArray out;
    unsigned char dim_bytes[4 * idx_max_rank];
    const std::size_t dim_got = in.read(dim_bytes, 4 * rank);
    if (dim_got < 4 * rank)
        throw FileError(path, "truncated: file ends inside the " + std::to_string(rank) +
                                  " header dimensions");
    std::uint64_t total = 1;
    bool too_big = false;
    for (unsigned i = 0; i < rank; ++i) {
        const std::uint32_t d = big_endian_u32(dim_bytes + 4 * i);
        out.dims.push_back(d);
        // Each factor is < 2^32, so total stays below 2^62 while it is <= idx_max_bytes.
        if (!too_big) {
            total *= d;
            if (total > idx_max_bytes)
                too_big = true;
        }
    }
    if (std::find(out.dims.begin(), out.dims.end(), 0) != out.dims.end()) {
        total = 0;
        too_big = false;
    }
    if (too_big)
        throw FileError(path, "header dims " + dims_text(out.dims) + " ask for more than " +
                                  std::to_string(idx_max_bytes) + " bytes (the reader's limit)");

    // Grow as the bytes arrive: a header that lies about the size cannot make us allocate it.
    const std::size_t want = static_cast<std::size_t>(total);
    std::size_t have = 0;
    while (have < want) {
        const std::size_t step = std::min<std::size_t>(want - have, std::size_t(16) << 20);
        out.bytes.resize(have + step);
        const std::size_t n = in.read(out.bytes.data() + have, step);
        have += n;
        if (n < step)
            break;
    }
    if (have < want)
        throw FileError(path, "truncated: header says " + dims_text(out.dims) + " = " +
                                  std::to_string(want) + " bytes of data, file has " +
                                  std::to_string(have));
    out.bytes.resize(have);
    unsigned char extra[64];
    const std::size_t trailing = in.read(extra, sizeof extra);
    if (trailing > 0)
        throw FileError(path, "trailing data after the " + std::to_string(want) +
                                  " bytes the header announces (" + dims_text(out.dims) + ")");
    return out;
}

} // namespace detail

IdxArray read_idx(const std::string& path) {
    return detail::read_idx_checked(path, 0);
}

IdxArray read_idx_images(const std::string& path) {
    return detail::read_idx_checked(path, detail::idx_images_magic);
}

IdxArray read_idx_labels(const std::string& path) {
    return detail::read_idx_checked(path, detail::idx_labels_magic);
}

IdxDataset read_idx_dataset(const std::string& images_path, const std::string& labels_path) {
    IdxDataset d;
    d.images = read_idx_images(images_path);
    d.labels = read_idx_labels(labels_path);
    if (d.images.dims[0] != d.labels.dims[0])
        throw FileError(labels_path, "count mismatch: " + std::to_string(d.labels.dims[0]) +
                                         " labels, but " + images_path + " has " +
                                         std::to_string(d.images.dims[0]) + " images");
    return d;
}

} // namespace xgrad::io
