#pragma once
// numpy .npy files: one array per file, and a directory of them as a dictionary of named
// arrays (W1.npy, b1.npy, ...) -- the format the course's Python notebooks save and load.
//
// Reading accepts format versions 1.0, 2.0 and 3.0; little-endian float64/float32 and the
// integer/bool dtypes numpy writes for labels ('<i8', '<i4', '|u1', '|b1', ...), converted to T;
// any rank, including () scalars and 0-size arrays. fortran_order=True is supported: the data
// are read column-major and returned row-major (the same values numpy shows). Refused, with a
// FileError naming the path and the reason: bad magic, malformed header dict, header length
// beyond the file, big-endian, object/structured/string dtypes, shapes whose element count
// overflows, truncated data and trailing bytes after the data.
//
// Writing produces format 1.0, C order, '<f8' for double and '<f4' for float, with the header
// numpy itself writes (byte for byte), atomically: the bytes go to `path.tmp-<pid>`, are
// fsync'ed, then renamed over `path`, so a crash never leaves a half-written file under the
// real name.

#include "autograd/xtensor.hpp"
#include "io/file_error.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace xgrad::io {

/// What a .npy header says, without reading the data.
struct NpyHeader {
    int major_version = 1;      ///< 1, 2 or 3
    std::string descr;          ///< numpy dtype string, e.g. "<f8"
    bool fortran_order = false; ///< data stored column-major
    std::vector<std::size_t> shape;
    std::size_t data_offset = 0; ///< byte offset of the first element
};

/// Reads and checks the header of a .npy file (not the data).
NpyHeader read_npy_header(const std::string& path);

/// Writes `a` to `path` as a .npy file (format 1.0, C order), atomically.
template <class T>
void save_npy(const std::string& path, const Array<T>& a);

/// Reads a .npy file, converting its dtype to T.
template <class T>
Array<T> load_npy(const std::string& path);

/// Writes each array as `dir/<name>.npy`, creating `dir` (and parents) if needed.
/// Names must be plain file names: not empty, no '/', not "." or "..".
template <class T>
void save_npy_dir(const std::string& dir, const std::map<std::string, Array<T>>& arrays);

/// Reads `dir/<name>.npy` for each name; a missing one is a FileError naming its path.
template <class T>
std::map<std::string, Array<T>> load_npy_dir(const std::string& dir,
                                             const std::vector<std::string>& names);

/// Reads every `*.npy` file in `dir`, keyed by file name without ".npy".
template <class T>
std::map<std::string, Array<T>> load_npy_dir(const std::string& dir);

/// Writes `bytes` to `path` atomically: `path.tmp-<pid>`, fsync, rename over `path`.
void write_file_atomic(const std::string& path, const std::string& bytes);

} // namespace xgrad::io
