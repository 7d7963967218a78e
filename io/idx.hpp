#pragma once
// IDX files, the format of MNIST and Fashion-MNIST: big-endian magic (0x00000803 for images,
// 0x00000801 for labels: two zero bytes, type 0x08 = unsigned byte, number of dimensions), one
// big-endian uint32 per dimension, then the bytes in row-major order.
//
// Files may be gzip-compressed (as distributed: *.gz) or not; both are read through zlib.
// Every failure is a FileError naming the path and what was wrong: missing file, a .gz name
// without a gzip stream, a corrupt or cut gzip stream, bad magic, truncated or over-long data,
// a header whose dimensions ask for more than `idx_max_bytes`.

#include "io/file_error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace xgrad::io {

/// The largest payload an IDX header may announce (1 GiB; Fashion-MNIST train is 47 MB).
/// Memory grows only as data actually arrive, so a lying header cannot force a big allocation.
constexpr std::size_t idx_max_bytes = std::size_t(1) << 30;

/// An unsigned-byte IDX array: dims (e.g. {count, rows, cols}) and the bytes, row-major.
struct IdxArray {
    std::vector<std::size_t> dims;
    std::vector<std::uint8_t> bytes;
};

/// Reads any unsigned-byte IDX file (magic 0x000008NN, NN dimensions, 1 <= NN <= 8).
IdxArray read_idx(const std::string& path);

/// Reads an images file: magic 0x00000803, dims {count, rows, cols}.
IdxArray read_idx_images(const std::string& path);

/// Reads a labels file: magic 0x00000801, dims {count}.
IdxArray read_idx_labels(const std::string& path);

/// An images file and its labels file, read together.
struct IdxDataset {
    IdxArray images; ///< dims {count, rows, cols}
    IdxArray labels; ///< dims {count}
};

/// Reads both files and checks that they hold the same number of examples.
IdxDataset read_idx_dataset(const std::string& images_path, const std::string& labels_path);

} // namespace xgrad::io
