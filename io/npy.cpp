// numpy .npy reading and writing; the format is specified in numpy/lib/format.py:
//   "\x93NUMPY" major minor | header length (uint16 LE for 1.0, uint32 LE for 2.0/3.0)
//   | a Python dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...), } padded with
//   spaces and ending in '\n' so the data start at a multiple of 64 | the raw elements.
#include "io/npy.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <sstream>
#include <system_error>
#include <type_traits>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace xgrad::io {
namespace detail {

namespace fs = std::filesystem;

constexpr char npy_magic[] = "\x93NUMPY";
constexpr std::size_t npy_magic_len = 6;
constexpr std::size_t npy_align = 64;
constexpr std::size_t npy_growth_axis_digits = 21; // numpy leaves room to grow shape[0]
constexpr std::size_t npy_max_rank = 64;

constexpr bool host_is_little_endian() {
#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) &&                                    \
    __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return false;
#else
    return true;
#endif
}

std::string errno_text(int err) {
    return std::error_code(err, std::generic_category()).message();
}

// "(2, 3)", "(3,)", "()": Python's repr of the shape tuple, as numpy writes it.
std::string shape_repr(const std::vector<std::size_t>& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0)
            s += ", ";
        s += std::to_string(shape[i]);
    }
    if (shape.size() == 1)
        s += ",";
    return s + ")";
}

// Printable excerpt of untrusted bytes for an error message.
std::string excerpt(const std::string& s, std::size_t max_len = 100) {
    std::string out;
    for (std::size_t i = 0; i < s.size() && i < max_len; ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    if (s.size() > max_len)
        out += "...";
    return out;
}

// ---- dtypes ---------------------------------------------------------------------------------

struct DType {
    char kind = 'f';      // 'f' float, 'i' signed, 'u' unsigned, 'b' bool
    std::size_t size = 8; // bytes per element
    std::string name;     // numpy's name, e.g. "float64"
};

DType parse_dtype(const std::string& path, const std::string& descr) {
    auto fail = [&](const std::string& why) -> FileError {
        return FileError(path, "unsupported dtype '" + excerpt(descr) + "': " + why);
    };
    if (descr.size() < 2)
        throw fail("not a numpy dtype string");
    const char order = descr[0];
    const char kind = descr[1];
    if (order != '<' && order != '>' && order != '|' && order != '=')
        throw fail("first character must be a byte order '<', '>', '|' or '='");
    if (kind == 'O')
        throw fail("object arrays hold pickled Python objects, not numbers");
    std::size_t size = 0;
    const std::string digits = descr.substr(2);
    if (digits.empty() || digits.size() > 3 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
        throw fail("expected a byte count after the kind, as in '<f8'");
    size = std::stoul(digits);

    DType t;
    t.kind = kind;
    t.size = size;
    if (kind == 'f' && (size == 4 || size == 8)) {
        t.name = "float" + std::to_string(8 * size);
    } else if ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8)) {
        t.name = std::string(kind == 'u' ? "uint" : "int") + std::to_string(8 * size);
    } else if (kind == 'b' && size == 1) {
        t.name = "bool";
    } else {
        throw fail("only float32/64, int8..64, uint8..64 and bool are read");
    }
    if (size > 1 && order == '>')
        throw fail("big-endian data is not supported (save it with arr.astype('<" +
                   std::string(1, kind) + digits + "'))");
    if (size > 1 && order == '|')
        throw fail("byte order '|' (not applicable) on a multi-byte type");
    if (order == '=' && !host_is_little_endian())
        throw fail("native byte order on a big-endian host is not supported");
    return t;
}

template <class T>
const char* descr_of() {
    static_assert(std::is_same_v<T, double> || std::is_same_v<T, float>);
    return std::is_same_v<T, double> ? "<f8" : "<f4";
}

// ---- the header dict ------------------------------------------------------------------------

// A strict reader for the one dict literal numpy writes; no eval, nothing else accepted.
class HeaderParser {
public:
    HeaderParser(const std::string& path, const std::string& text) : m_path(path), m_text(text) {}

    NpyHeader parse() {
        NpyHeader h;
        bool have_descr = false, have_fortran = false, have_shape = false;
        skip_ws();
        expect('{');
        skip_ws();
        while (peek() != '}') {
            const std::string key = parse_string();
            skip_ws();
            expect(':');
            skip_ws();
            if (key == "descr") {
                if (have_descr)
                    fail("key 'descr' appears twice");
                if (peek() == '[')
                    throw FileError(m_path, "unsupported dtype: structured arrays (descr is a "
                                            "list of fields) are not read");
                h.descr = parse_string();
                have_descr = true;
            } else if (key == "fortran_order") {
                if (have_fortran)
                    fail("key 'fortran_order' appears twice");
                h.fortran_order = parse_bool();
                have_fortran = true;
            } else if (key == "shape") {
                if (have_shape)
                    fail("key 'shape' appears twice");
                h.shape = parse_tuple();
                have_shape = true;
            } else {
                fail("unexpected key '" + excerpt(key) + "'");
            }
            skip_ws();
            if (peek() == ',') {
                ++m_pos;
                skip_ws();
            } else if (peek() != '}') {
                fail("expected ',' or '}'");
            }
        }
        ++m_pos;
        skip_ws();
        if (m_pos != m_text.size())
            fail("text after the closing '}'");
        if (!have_descr)
            fail("missing key 'descr'");
        if (!have_fortran)
            fail("missing key 'fortran_order'");
        if (!have_shape)
            fail("missing key 'shape'");
        return h;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw FileError(m_path, "malformed header: " + what + " at offset " +
                                    std::to_string(m_pos) + " in \"" + excerpt(m_text) + "\"");
    }
    char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
    void skip_ws() {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' ||
                                         m_text[m_pos] == '\n' || m_text[m_pos] == '\r'))
            ++m_pos;
    }
    void expect(char c) {
        if (peek() != c)
            fail(std::string("expected '") + c + "'");
        ++m_pos;
    }
    std::string parse_string() {
        const char quote = peek();
        if (quote != '\'' && quote != '"')
            fail("expected a quoted string");
        const std::size_t end = m_text.find(quote, m_pos + 1);
        if (end == std::string::npos)
            fail("unterminated string");
        std::string s = m_text.substr(m_pos + 1, end - m_pos - 1);
        if (s.find('\\') != std::string::npos)
            fail("escape sequences are not expected");
        m_pos = end + 1;
        return s;
    }
    bool parse_bool() {
        if (m_text.compare(m_pos, 4, "True") == 0) {
            m_pos += 4;
            return true;
        }
        if (m_text.compare(m_pos, 5, "False") == 0) {
            m_pos += 5;
            return false;
        }
        fail("expected True or False");
    }
    std::size_t parse_uint() {
        if (!(peek() >= '0' && peek() <= '9'))
            fail("expected a non-negative integer");
        std::size_t v = 0;
        while (peek() >= '0' && peek() <= '9') {
            const std::size_t digit = static_cast<std::size_t>(peek() - '0');
            if (v > (std::numeric_limits<std::size_t>::max() - digit) / 10)
                fail("dimension does not fit in 64 bits");
            v = v * 10 + digit;
            ++m_pos;
        }
        if (peek() == 'L')
            ++m_pos; // Python 2 longs, as old numpy wrote them
        return v;
    }
    std::vector<std::size_t> parse_tuple() {
        std::vector<std::size_t> shape;
        expect('(');
        skip_ws();
        bool trailing_comma = false;
        while (peek() != ')') {
            shape.push_back(parse_uint());
            if (shape.size() > npy_max_rank)
                fail("more than " + std::to_string(npy_max_rank) + " dimensions");
            skip_ws();
            trailing_comma = false;
            if (peek() == ',') {
                ++m_pos;
                skip_ws();
                trailing_comma = true;
            } else if (peek() != ')') {
                fail("expected ',' or ')' in shape");
            }
        }
        if (shape.size() == 1 && !trailing_comma)
            fail("a 1-tuple needs a trailing comma");
        ++m_pos;
        return shape;
    }

    const std::string& m_path;
    const std::string& m_text;
    std::size_t m_pos = 0;
};

// ---- files ----------------------------------------------------------------------------------

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

File open_for_reading(const std::string& path, std::uint64_t& size) {
    errno = 0;
    File f(std::fopen(path.c_str(), "rb"));
    if (!f)
        throw FileError(path, "cannot open for reading: " + errno_text(errno));
    struct stat st {};
    if (::fstat(::fileno(f.get()), &st) != 0)
        throw FileError(path, "cannot stat: " + errno_text(errno));
    if (!S_ISREG(st.st_mode))
        throw FileError(path, "not a regular file");
    size = static_cast<std::uint64_t>(st.st_size);
    return f;
}

void read_exact(std::FILE* f, const std::string& path, void* dst, std::size_t n, const char* what) {
    if (n == 0)
        return;
    if (std::fread(dst, 1, n, f) != n)
        throw FileError(path, std::string("read error in ") + what +
                                  (std::ferror(f) ? ": " + errno_text(errno) : ": unexpected end"));
}

std::uint64_t read_le(const unsigned char* p, std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = n; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

NpyHeader read_header(std::FILE* f, const std::string& path, std::uint64_t file_size) {
    unsigned char prefix[12] = {};
    const std::size_t have = static_cast<std::size_t>(std::min<std::uint64_t>(file_size, 12));
    read_exact(f, path, prefix, have, "the header prefix");
    if (have < npy_magic_len || std::memcmp(prefix, npy_magic, npy_magic_len) != 0)
        throw FileError(path, "not a .npy file: bad magic \"" +
                                  excerpt(std::string(reinterpret_cast<char*>(prefix),
                                                      std::min(have, npy_magic_len))) +
                                  "\", expected \"\\x93NUMPY\"");
    if (have < 8)
        throw FileError(path, "truncated: file ends inside the format version");
    const int major = prefix[6], minor = prefix[7];
    if (!(major >= 1 && major <= 3 && minor == 0))
        throw FileError(path, "unsupported .npy format version " + std::to_string(major) + "." +
                                  std::to_string(minor) + " (1.0, 2.0 and 3.0 are read)");
    const std::size_t len_bytes = major == 1 ? 2 : 4;
    const std::size_t prefix_len = 8 + len_bytes;
    if (have < prefix_len)
        throw FileError(path, "truncated: file ends inside the header length");
    const std::uint64_t header_len = read_le(prefix + 8, len_bytes);
    if (prefix_len + header_len > file_size)
        throw FileError(path, "header length " + std::to_string(header_len) +
                                  " goes beyond the end of the file (" + std::to_string(file_size) +
                                  " bytes)");
    // Version 1.0 read exactly 10 bytes of prefix; 2.0/3.0 exactly 12: step back if needed.
    if (std::fseek(f, static_cast<long>(prefix_len), SEEK_SET) != 0)
        throw FileError(path, "cannot seek: " + errno_text(errno));
    std::string text(static_cast<std::size_t>(header_len), '\0');
    read_exact(f, path, text.data(), text.size(), "the header");
    NpyHeader h = HeaderParser(path, text).parse();
    h.major_version = major;
    h.data_offset = prefix_len + static_cast<std::size_t>(header_len);
    return h;
}

// Element count and byte count of the data, checked against overflow and against the file.
std::size_t checked_data_bytes(const std::string& path, const NpyHeader& h, const DType& t,
                               std::uint64_t file_size, std::size_t& count) {
    constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
    count = 1;
    bool overflow = false;
    for (std::size_t d : h.shape) {
        if (d != 0 && count > max / d)
            overflow = true;
        else
            count *= d;
    }
    const bool zero = std::find(h.shape.begin(), h.shape.end(), 0) != h.shape.end();
    if (zero) {
        count = 0;
        overflow = false;
    }
    if (overflow || count > max / t.size)
        throw FileError(path, "shape " + shape_repr(h.shape) + " " + t.name +
                                  " has more bytes than fit in 64 bits");
    const std::size_t bytes = count * t.size;
    const std::uint64_t available = file_size - h.data_offset;
    if (available < bytes)
        throw FileError(path, "truncated: header says shape " + shape_repr(h.shape) + " " + t.name +
                                  " = " + std::to_string(bytes) + " bytes of data, file has " +
                                  std::to_string(available));
    if (available > bytes)
        throw FileError(path, "trailing data: header says shape " + shape_repr(h.shape) + " " +
                                  t.name + " = " + std::to_string(bytes) +
                                  " bytes of data, file has " + std::to_string(available));
    return bytes;
}

// Converts one little-endian element of the file's dtype to T.
template <class T>
T convert_element(const unsigned char* p, const DType& t) {
    const std::uint64_t bits = read_le(p, t.size);
    switch (t.kind) {
    case 'f':
        if (t.size == 8) {
            double v;
            std::memcpy(&v, &bits, 8);
            return static_cast<T>(v);
        } else {
            const std::uint32_t b32 = static_cast<std::uint32_t>(bits);
            float v;
            std::memcpy(&v, &b32, 4);
            return static_cast<T>(v);
        }
    case 'i': { // sign-extend from t.size bytes
        const unsigned shift = static_cast<unsigned>(64 - 8 * t.size);
        const std::int64_t v = static_cast<std::int64_t>(bits << shift) >> shift;
        return static_cast<T>(v);
    }
    case 'u':
        return static_cast<T>(bits);
    default:
        return bits != 0 ? T(1) : T(0); // 'b'
    }
}

template <class T>
Array<T> read_npy(const std::string& path) {
    std::uint64_t file_size = 0;
    File f = open_for_reading(path, file_size);
    const NpyHeader h = read_header(f.get(), path, file_size);
    const DType t = parse_dtype(path, h.descr);
    std::size_t count = 0;
    const std::size_t bytes = checked_data_bytes(path, h, t, file_size, count);

    // Fortran order: the bytes are the C-order layout of the reversed shape; transposing all
    // axes of that gives the array numpy shows.
    std::vector<std::size_t> file_shape = h.shape;
    if (h.fortran_order)
        std::reverse(file_shape.begin(), file_shape.end());
    Array<T> a = Array<T>::from_shape(file_shape);

    const bool same_type = t.kind == 'f' && t.size == sizeof(T);
    if (same_type && host_is_little_endian()) {
        read_exact(f.get(), path, a.data(), bytes, "the data");
    } else {
        std::vector<unsigned char> raw(bytes);
        read_exact(f.get(), path, raw.data(), bytes, "the data");
        T* out = a.data();
        for (std::size_t i = 0; i < count; ++i)
            out[i] = convert_element<T>(&raw[i * t.size], t);
    }
    if (h.fortran_order && h.shape.size() > 1) {
        Array<T> c = xt::transpose(a);
        return c;
    }
    return a;
}

// The header numpy 1.24 writes for a C-order array, byte for byte (format 1.0 unless too big).
std::string make_header(const char* descr, const std::vector<std::size_t>& shape) {
    std::string dict = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': " + shape_repr(shape) + ", }";
    if (!shape.empty()) {
        const std::size_t digits = std::to_string(shape[0]).size();
        if (digits < npy_growth_axis_digits)
            dict.append(npy_growth_axis_digits - digits, ' ');
    }
    const std::size_t hlen = dict.size() + 1; // + '\n'
    std::size_t len_bytes = 2;
    std::size_t pad = npy_align - (npy_magic_len + 2 + len_bytes + hlen) % npy_align;
    if (hlen + pad > 0xffff) {
        len_bytes = 4;
        pad = npy_align - (npy_magic_len + 2 + len_bytes + hlen) % npy_align;
    }
    const std::uint64_t total = hlen + pad;
    std::string out(npy_magic, npy_magic_len);
    out += static_cast<char>(len_bytes == 2 ? 1 : 2);
    out += '\0';
    for (std::size_t i = 0; i < len_bytes; ++i)
        out += static_cast<char>((total >> (8 * i)) & 0xff);
    out += dict;
    out.append(pad, ' ');
    out += '\n';
    return out;
}

void check_entry_name(const std::string& dir, const std::string& name) {
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
        name.find('\0') != std::string::npos)
        throw FileError(dir, "array name '" + excerpt(name) +
                                 "' is not a plain file name (empty, '.', '..' or has '/')");
}

std::string entry_path(const std::string& dir, const std::string& name) {
    return (fs::path(dir) / (name + ".npy")).string();
}

} // namespace detail

// ---- public API -----------------------------------------------------------------------------

void write_file_atomic(const std::string& path, const std::string& bytes) {
    using detail::errno_text;
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        throw FileError(path, "cannot create temporary file " + tmp + ": " + errno_text(errno));
    auto fail = [&](const std::string& what) {
        const int err = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        throw FileError(path, what + " (temporary file " + tmp + "): " + errno_text(err));
    };
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail("write failed");
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0)
        fail("fsync failed");
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw FileError(path, "close failed (temporary file " + tmp + "): " + errno_text(err));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw FileError(path, "cannot rename " + tmp + " over it: " + errno_text(err));
    }
    // Make the rename itself durable; best effort (some file systems refuse fsync on a dir).
    std::string dir = detail::fs::path(path).parent_path().string();
    if (dir.empty())
        dir = ".";
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

NpyHeader read_npy_header(const std::string& path) {
    std::uint64_t file_size = 0;
    detail::File f = detail::open_for_reading(path, file_size);
    NpyHeader h = detail::read_header(f.get(), path, file_size);
    const detail::DType t = detail::parse_dtype(path, h.descr);
    std::size_t count = 0;
    detail::checked_data_bytes(path, h, t, file_size, count);
    return h;
}

template <class T>
void save_npy(const std::string& path, const Array<T>& a) {
    const std::vector<std::size_t> shape(a.shape().begin(), a.shape().end());
    std::string bytes = detail::make_header(detail::descr_of<T>(), shape);
    const std::size_t header_len = bytes.size();
    bytes.resize(header_len + a.size() * sizeof(T));
    // xarray<T> is contiguous row-major, which is C order.
    if (a.size() > 0)
        std::memcpy(&bytes[header_len], a.data(), a.size() * sizeof(T));
    if (!detail::host_is_little_endian()) {
        for (std::size_t i = header_len; i < bytes.size(); i += sizeof(T))
            std::reverse(bytes.begin() + static_cast<std::ptrdiff_t>(i),
                         bytes.begin() + static_cast<std::ptrdiff_t>(i + sizeof(T)));
    }
    write_file_atomic(path, bytes);
}

template <class T>
Array<T> load_npy(const std::string& path) {
    return detail::read_npy<T>(path);
}

template <class T>
void save_npy_dir(const std::string& dir, const std::map<std::string, Array<T>>& arrays) {
    for (const auto& entry : arrays)
        detail::check_entry_name(dir, entry.first);
    std::error_code ec;
    detail::fs::create_directories(dir, ec);
    if (ec)
        throw FileError(dir, "cannot create directory: " + ec.message());
    if (!detail::fs::is_directory(dir, ec))
        throw FileError(dir, "exists and is not a directory");
    for (const auto& [name, a] : arrays)
        save_npy(detail::entry_path(dir, name), a);
}

template <class T>
std::map<std::string, Array<T>> load_npy_dir(const std::string& dir,
                                             const std::vector<std::string>& names) {
    std::map<std::string, Array<T>> out;
    for (const std::string& name : names) {
        detail::check_entry_name(dir, name);
        out[name] = load_npy<T>(detail::entry_path(dir, name));
    }
    return out;
}

template <class T>
std::map<std::string, Array<T>> load_npy_dir(const std::string& dir) {
    std::error_code ec;
    if (!detail::fs::is_directory(dir, ec))
        throw FileError(dir, detail::fs::exists(dir, ec) ? "not a directory" : "no such directory");
    std::vector<std::string> names;
    detail::fs::directory_iterator it(dir, ec), end;
    if (ec)
        throw FileError(dir, "cannot list directory: " + ec.message());
    for (; it != end; it.increment(ec)) {
        const detail::fs::path& p = it->path();
        if (p.extension() == ".npy" && it->is_regular_file(ec))
            names.push_back(p.stem().string());
    }
    if (ec)
        throw FileError(dir, "cannot list directory: " + ec.message());
    return load_npy_dir<T>(dir, names);
}

#define XGRAD_DATA_NPY_INSTANTIATE(T)                                                              \
    template void save_npy<T>(const std::string&, const Array<T>&);                                \
    template Array<T> load_npy<T>(const std::string&);                                             \
    template void save_npy_dir<T>(const std::string&, const std::map<std::string, Array<T>>&);     \
    template std::map<std::string, Array<T>> load_npy_dir<T>(const std::string&,                   \
                                                             const std::vector<std::string>&);     \
    template std::map<std::string, Array<T>> load_npy_dir<T>(const std::string&);

XGRAD_DATA_NPY_INSTANTIATE(float)
XGRAD_DATA_NPY_INSTANTIATE(double)
#undef XGRAD_DATA_NPY_INSTANTIATE

} // namespace xgrad::io
