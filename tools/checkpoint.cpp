#include "tools/checkpoint.hpp"

#include "tools/data/npy.hpp"

#include <zlib.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <variant>

#include <fcntl.h>
#include <unistd.h>

namespace xgrad::data {

namespace {

namespace fs = std::filesystem;

constexpr const char* format_name = "xgrad checkpoint";
constexpr int format_version = 1;
constexpr const char* pointer_name = "CURRENT";
constexpr const char* manifest_name = "manifest.json";
constexpr std::size_t max_manifest_bytes = std::size_t(1) << 20;

std::function<void(std::string_view)>& fault_hook() {
    static std::function<void(std::string_view)> hook;
    return hook;
}
void reached(std::string_view stage) {
    if (fault_hook()) fault_hook()(stage);
}

template <class T>
const char* dtype_name() {
    return sizeof(T) == 8 ? "float64" : "float32";
}

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

// ---- a small JSON reader: the manifest is ours, but a damaged one must be refused, not
// crash the loader. Objects, arrays, strings (with escapes), numbers, true/false/null.

struct Json;
using JsonObject = std::map<std::string, Json>;
using JsonArray = std::vector<Json>;
struct Json {
    std::variant<std::nullptr_t, bool, double, std::string, JsonArray, JsonObject> value;
};

class JsonParser {
public:
    JsonParser(const std::string& path, const std::string& text) : m_path(path), m_text(text) {}

    Json parse() {
        Json j = value(0);
        skip_ws();
        if (m_pos != m_text.size()) fail("unexpected text after the JSON value");
        return j;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw FileError(m_path, "not valid JSON: " + what + " at byte " + std::to_string(m_pos) +
                                    (m_pos >= m_text.size() ? " (the file ends there: truncated?)"
                                                            : ""));
    }
    void skip_ws() {
        while (m_pos < m_text.size() && std::strchr(" \t\r\n", m_text[m_pos]) && m_text[m_pos])
            ++m_pos;
    }
    char peek() {
        skip_ws();
        return m_pos < m_text.size() ? m_text[m_pos] : '\0';
    }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++m_pos;
    }
    Json value(int depth) {
        if (depth > 32) fail("nested deeper than 32 levels");
        const char c = peek();
        if (c == '{') return {object(depth)};
        if (c == '[') return {array(depth)};
        if (c == '"') return {string()};
        if (c == '-' || (c >= '0' && c <= '9')) return {number()};
        for (const auto& [word, j] : {std::pair<const char*, Json>{"true", Json{true}},
                                      {"false", Json{false}}, {"null", Json{nullptr}}})
            if (m_text.compare(m_pos, std::strlen(word), word) == 0) {
                m_pos += std::strlen(word);
                return j;
            }
        fail(m_pos >= m_text.size() ? "expected a value" : "unexpected character");
    }
    JsonObject object(int depth) {
        JsonObject out;
        expect('{');
        if (peek() == '}') return ++m_pos, out;
        for (;;) {
            if (peek() != '"') fail("expected a string key");
            std::string key = string();
            expect(':');
            if (out.count(key)) fail("duplicate key \"" + key + "\"");
            out[key] = value(depth + 1);
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            expect('}');
            return out;
        }
    }
    JsonArray array(int depth) {
        JsonArray out;
        expect('[');
        if (peek() == ']') return ++m_pos, out;
        for (;;) {
            out.push_back(value(depth + 1));
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            expect(']');
            return out;
        }
    }
    std::string string() {
        expect('"');
        std::string out;
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_pos >= m_text.size()) break;
            const char e = m_text[m_pos++];
            switch (e) {
            case '"': case '\\': case '/': out += e; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                if (m_pos + 4 > m_text.size()) fail("truncated \\u escape");
                unsigned code = 0;
                for (int k = 0; k < 4; ++k) {
                    const char h = m_text[m_pos++];
                    code <<= 4;
                    if (h >= '0' && h <= '9') code |= unsigned(h - '0');
                    else if (h >= 'a' && h <= 'f') code |= unsigned(h - 'a' + 10);
                    else if (h >= 'A' && h <= 'F') code |= unsigned(h - 'A' + 10);
                    else fail("bad \\u escape");
                }
                // UTF-8 of the code unit; surrogates pass through unpaired (names are ASCII).
                if (code < 0x80) out += char(code);
                else if (code < 0x800) out += char(0xC0 | (code >> 6)), out += char(0x80 | (code & 0x3F));
                else out += char(0xE0 | (code >> 12)), out += char(0x80 | ((code >> 6) & 0x3F)),
                          out += char(0x80 | (code & 0x3F));
                break;
            }
            default: fail("bad escape");
            }
        }
        fail("unterminated string");
    }
    double number() {
        const std::size_t start = m_pos;
        if (m_text[m_pos] == '-') ++m_pos;
        while (m_pos < m_text.size() && std::strchr("0123456789.eE+-", m_text[m_pos]) &&
               m_text[m_pos])
            ++m_pos;
        const std::string digits = m_text.substr(start, m_pos - start);
        char* end = nullptr;
        errno = 0;
        const double v = std::strtod(digits.c_str(), &end);
        if (end != digits.c_str() + digits.size() || digits == "-") {
            m_pos = start;
            fail("malformed number \"" + digits.substr(0, 40) + "\"");
        }
        if (!std::isfinite(v)) {
            m_pos = start;
            fail("number out of range");
        }
        return v;
    }

    const std::string& m_path;
    const std::string& m_text;
    std::size_t m_pos = 0;
};

// Typed access to the manifest's fields, each failure naming the field.
class Fields {
public:
    Fields(const std::string& path, const JsonObject& object, std::string where = "")
        : m_path(path), m_object(object), m_where(std::move(where)) {}

    const Json& get(const std::string& key) const {
        const auto it = m_object.find(key);
        if (it == m_object.end()) fail(key, "is missing");
        return it->second;
    }
    bool has(const std::string& key) const { return m_object.count(key) > 0; }
    std::string text(const std::string& key) const {
        const auto* s = std::get_if<std::string>(&get(key).value);
        if (!s) fail(key, "must be a string");
        return *s;
    }
    double number(const std::string& key) const {
        const auto* d = std::get_if<double>(&get(key).value);
        if (!d) fail(key, "must be a number");
        return *d;
    }
    // A whole number in [lo, hi].
    long long integer(const std::string& key, long long lo, long long hi) const {
        return as_integer(get(key), key, lo, hi);
    }
    const JsonArray& array(const std::string& key) const {
        const auto* a = std::get_if<JsonArray>(&get(key).value);
        if (!a) fail(key, "must be an array");
        return *a;
    }
    Fields object(const std::string& key) const {
        const auto* o = std::get_if<JsonObject>(&get(key).value);
        if (!o) fail(key, "must be an object");
        return Fields(m_path, *o, m_where + key + ".");
    }
    std::vector<std::string> strings(const std::string& key) const {
        std::vector<std::string> out;
        for (const Json& j : array(key)) {
            const auto* s = std::get_if<std::string>(&j.value);
            if (!s) fail(key, "must be an array of strings");
            out.push_back(*s);
        }
        return out;
    }
    std::vector<std::size_t> sizes(const std::string& key) const {
        std::vector<std::size_t> out;
        for (const Json& j : array(key))
            out.push_back(static_cast<std::size_t>(as_integer(j, key, 0, 1LL << 40)));
        return out;
    }
    const JsonObject& raw() const { return m_object; }
    [[noreturn]] void fail(const std::string& key, const std::string& what) const {
        throw FileError(m_path, "manifest field \"" + m_where + key + "\" " + what);
    }

private:
    long long as_integer(const Json& j, const std::string& key, long long lo, long long hi) const {
        const auto* d = std::get_if<double>(&j.value);
        if (!d || *d != std::floor(*d) || *d < double(lo) || *d > double(hi))
            fail(key, "must hold whole numbers from " + std::to_string(lo) + " to " +
                          std::to_string(hi));
        return static_cast<long long>(*d);
    }

    const std::string& m_path;
    const JsonObject& m_object;
    std::string m_where;
};

// ---- writing the manifest -----------------------------------------------------------

std::string quote(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

// The shortest of %.15g / %.17g that reads back as the same double: 0.05, not
// 0.050000000000000003.
std::string number_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    if (std::strtod(buf, nullptr) != v) std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

template <class C, class F>
std::string list(const C& items, F f) {
    std::string out = "[";
    bool first = true;
    for (const auto& item : items) {
        out += (first ? "" : ", ") + f(item);
        first = false;
    }
    return out + "]";
}

struct FileRecord {
    std::string name; // "W1.npy"
    std::vector<std::size_t> shape;
    std::uint64_t bytes = 0;
    std::uint32_t crc32 = 0;
};

// ---- files ----------------------------------------------------------------------------

std::string read_whole(const std::string& path, std::size_t limit) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FileError(path, "cannot open for reading: " + errno_text(errno));
    std::string bytes;
    char buf[1 << 16];
    while (in) {
        in.read(buf, sizeof buf);
        bytes.append(buf, static_cast<std::size_t>(in.gcount()));
        if (bytes.size() > limit)
            throw FileError(path, "larger than " + std::to_string(limit) + " bytes");
    }
    if (in.bad()) throw FileError(path, "read error: " + errno_text(errno));
    return bytes;
}

// CRC-32 (zlib's) of a file, streaming; its size through `size`.
std::uint32_t file_crc32(const std::string& path, std::uint64_t& size) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FileError(path, "cannot open for reading: " + errno_text(errno));
    uLong crc = crc32(0L, Z_NULL, 0);
    size = 0;
    std::vector<char> buf(1 << 16);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const auto n = static_cast<std::size_t>(in.gcount());
        crc = crc32(crc, reinterpret_cast<const Bytef*>(buf.data()), static_cast<uInt>(n));
        size += n;
    }
    if (in.bad()) throw FileError(path, "read error: " + errno_text(errno));
    return static_cast<std::uint32_t>(crc);
}

void fsync_dir(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw FileError(dir, "cannot open directory to sync it: " + errno_text(errno));
    // Some file systems refuse fsync on a directory; the data files were synced already.
    ::fsync(fd);
    ::close(fd);
}

// A version name as CURRENT may hold: "step-<digits>" with an optional "-<digits>".
bool valid_version_name(const std::string& name) {
    if (name.rfind("step-", 0) != 0 || name.size() > 64) return false;
    int dashes = 0;
    for (std::size_t i = 5; i < name.size(); ++i) {
        if (name[i] == '-') {
            if (++dashes > 1 || i == 5 || i + 1 == name.size() || name[i - 1] == '-') return false;
        } else if (name[i] < '0' || name[i] > '9') {
            return false;
        }
    }
    return name.size() > 5;
}

// The current version's directory, from CURRENT.
std::string current_version(const std::string& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) throw FileError(dir, "no checkpoint: the directory does not exist");
    if (!fs::is_directory(dir, ec))
        throw FileError(dir, "not a checkpoint: not a directory");
    const std::string pointer = (fs::path(dir) / pointer_name).string();
    if (!fs::exists(pointer, ec))
        throw FileError(pointer, "not a checkpoint: missing (it names the current version; a "
                                 "save that never completed leaves none)");
    std::string name = read_whole(pointer, 256);
    while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.pop_back();
    if (!valid_version_name(name)) {
        std::string shown;
        for (char c : name.substr(0, 40)) shown += (c >= 0x20 && c < 0x7f) ? c : '?';
        throw FileError(pointer, "corrupt: holds \"" + shown +
                                     "\", not a version name like \"step-120\"");
    }
    const std::string version = (fs::path(dir) / name).string();
    if (!fs::is_directory(version, ec))
        throw FileError(version, "missing: " + std::string(pointer_name) +
                                     " names it as the current version");
    return name;
}

struct Manifest {
    CheckpointInfo info;
    std::vector<std::string> parameters;
    std::vector<std::string> state;
    std::map<std::string, FileRecord> files; // by array name
};

Manifest read_manifest(const std::string& dir) {
    Manifest m;
    m.info.version = current_version(dir);
    const std::string path = (fs::path(dir) / m.info.version / manifest_name).string();
    std::error_code ec;
    if (!fs::exists(path, ec)) throw FileError(path, "missing");
    const std::string text = read_whole(path, max_manifest_bytes);
    if (text.empty()) throw FileError(path, "empty (truncated?)");
    const Json root = JsonParser(path, text).parse();
    const auto* object = std::get_if<JsonObject>(&root.value);
    if (!object) throw FileError(path, "not a checkpoint manifest: the JSON is not an object");
    const Fields f(path, *object);

    if (f.text("format") != format_name)
        f.fail("format", "is \"" + f.text("format").substr(0, 40) + "\", expected \"" +
                             format_name + "\"");
    const long long version = f.integer("version", 0, 1 << 20);
    if (version != format_version)
        f.fail("version", "is " + std::to_string(version) + "; this xgrad reads version " +
                              std::to_string(format_version));
    CheckpointInfo& info = m.info;
    info.dtype = f.text("dtype");
    if (info.dtype != "float64" && info.dtype != "float32")
        f.fail("dtype", "is \"" + info.dtype.substr(0, 40) + "\", expected float64 or float32");
    info.layer_dims = f.sizes("layer_dims");
    info.activations = f.strings("activations");
    if (info.layer_dims.size() < 2 || info.activations.size() != info.layer_dims.size() - 1)
        f.fail("activations", "must name one activation per layer: " +
                                  std::to_string(info.activations.size()) + " for " +
                                  std::to_string(info.layer_dims.size()) + " layer sizes");
    for (const std::string& a : info.activations) {
        try {
            (void)nn::parse_activation(a);
        } catch (const std::invalid_argument& e) {
            f.fail("activations", std::string("holds an unknown activation: ") + e.what());
        }
    }
    for (std::size_t d : info.layer_dims)
        if (d == 0) f.fail("layer_dims", "holds a layer of size 0");
    info.epoch = static_cast<long>(f.integer("epoch", 0, 1LL << 50));
    info.step = static_cast<long>(f.integer("step", 0, 1LL << 50));
    m.parameters = f.strings("parameters");
    if (f.has("optimizer")) {
        const Fields o = f.object("optimizer");
        info.optimizer = o.text("name");
        if (info.optimizer != "gd" && info.optimizer != "momentum" && info.optimizer != "adam")
            o.fail("name", "is \"" + info.optimizer.substr(0, 40) +
                               "\", expected gd, momentum or adam");
        for (const auto& [key, value] : o.object("hyperparameters").raw()) {
            const auto* d = std::get_if<double>(&value.value);
            if (!d) o.fail("hyperparameters." + key, "must be a number");
            info.hyperparameters[key] = *d;
        }
        m.state = o.strings("state");
    }
    if (f.has("notes"))
        for (const auto& [key, value] : f.object("notes").raw()) {
            const auto* s = std::get_if<std::string>(&value.value);
            if (!s) f.fail("notes." + key, "must be a string");
            info.notes[key] = *s;
        }

    for (const Json& j : f.array("files")) {
        const auto* o = std::get_if<JsonObject>(&j.value);
        if (!o) f.fail("files", "must be an array of objects");
        const Fields file(path, *o, "files[].");
        FileRecord r;
        r.name = file.text("name");
        r.shape = file.sizes("shape");
        r.bytes = static_cast<std::uint64_t>(file.integer("bytes", 0, 1LL << 50));
        r.crc32 = static_cast<std::uint32_t>(file.integer("crc32", 0, 0xFFFFFFFFLL));
        const std::string stem = r.name.size() > 4 ? r.name.substr(0, r.name.size() - 4) : "";
        if (r.name.size() <= 4 || r.name.compare(r.name.size() - 4, 4, ".npy") != 0 ||
            stem.find('/') != std::string::npos || stem == "." || stem == "..")
            file.fail("name", "is \"" + r.name.substr(0, 40) + "\", not a plain <name>.npy");
        if (!m.files.emplace(stem, r).second)
            file.fail("name", "lists " + r.name + " twice");
    }
    for (const auto* names : {&m.parameters, &m.state})
        for (const std::string& name : *names)
            if (!m.files.count(name))
                f.fail("files", "has no entry for " + name + ".npy");
    return m;
}

// Reads one array, checking it against its manifest record first: size, CRC, then shape.
template <class T>
Array<T> read_array(const std::string& version_dir, const FileRecord& r) {
    const std::string path = (fs::path(version_dir) / r.name).string();
    std::error_code ec;
    if (!fs::exists(path, ec)) throw FileError(path, "missing (listed in the manifest)");
    std::uint64_t size = 0;
    const std::uint32_t crc = file_crc32(path, size);
    if (size != r.bytes)
        throw FileError(path, (size < r.bytes ? "truncated: " : "wrong size: ") +
                                  std::to_string(size) + " bytes, the manifest says " +
                                  std::to_string(r.bytes));
    if (crc != r.crc32) {
        char buf[80];
        std::snprintf(buf, sizeof buf, "corrupt: CRC-32 %08x, the manifest says %08x",
                      static_cast<unsigned>(crc), static_cast<unsigned>(r.crc32));
        throw FileError(path, buf);
    }
    const NpyHeader h = read_npy_header(path);
    if (h.descr != (sizeof(T) == 8 ? "<f8" : "<f4"))
        throw FileError(path, "holds dtype '" + h.descr + "', expected " + dtype_name<T>() +
                                  " as the manifest says");
    Array<T> a = load_npy<T>(path);
    if (!std::equal(a.shape().begin(), a.shape().end(), r.shape.begin(), r.shape.end()))
        throw FileError(path, "has shape " + to_string(a.shape()) + ", the manifest says " +
                                  to_string(Shape(r.shape.begin(), r.shape.end())));
    return a;
}

std::string architecture(const std::vector<std::size_t>& dims,
                         const std::vector<std::string>& activations) {
    std::string out = std::to_string(dims.front());
    for (std::size_t l = 1; l < dims.size(); ++l)
        out += " -> " + std::to_string(dims[l]) + " (" + activations[l - 1] + ")";
    return out;
}

template <class T>
std::vector<std::string> activation_names(const nn::Model<T>& model) {
    std::vector<std::string> out;
    for (nn::Activation a : model.activations()) out.emplace_back(nn::to_string(a));
    return out;
}

template <class T>
std::map<std::string, double> hyperparameters(const nn::Optimizer<T>& o) {
    std::map<std::string, double> h{{"learning_rate", double(o.learning_rate())}};
    if (const auto* m = dynamic_cast<const nn::Momentum<T>*>(&o)) h["beta"] = double(m->beta());
    if (const auto* a = dynamic_cast<const nn::Adam<T>*>(&o)) {
        h["beta1"] = double(a->beta1());
        h["beta2"] = double(a->beta2());
        h["epsilon"] = double(a->epsilon());
    }
    return h;
}

// Removes every entry of `dir` but CURRENT and `keep`: older versions and the leftovers of
// saves that were killed. Best effort: a failure here loses nothing.
void remove_stale(const std::string& dir, const std::string& keep) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name == keep || name == pointer_name || name.rfind("step-", 0) != 0) continue;
        fs::remove_all(entry.path(), ec);
    }
}

} // namespace

namespace detail {
void set_checkpoint_fault_hook(std::function<void(std::string_view stage)> hook) {
    fault_hook() = std::move(hook);
}
} // namespace detail

template <class T>
void save_checkpoint(const std::string& dir, const nn::Model<T>& model,
                     const nn::Optimizer<T>* optimizer, TrainingProgress progress,
                     const std::map<std::string, std::string>& notes) {
    if (model.L() == 0) throw FileError(dir, "cannot save a model without layers");
    if (progress.epoch < 0 || progress.step < 0)
        throw FileError(dir, "cannot save a negative epoch or step");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw FileError(dir, "cannot create the checkpoint directory: " + ec.message());
    if (!fs::is_directory(dir, ec)) throw FileError(dir, "exists and is not a directory");

    // The new version's name: step-<step>, made unique if that name is taken.
    std::string current;
    try {
        current = current_version(dir);
    } catch (const FileError&) {
        // No readable current version: nothing to keep but the new one.
    }
    std::string name = "step-" + std::to_string(progress.step);
    for (int k = 2; name == current; ++k)
        name = "step-" + std::to_string(progress.step) + "-" + std::to_string(k);
    const std::string staging =
        (fs::path(dir) / ("step-" + std::to_string(progress.step) + ".tmp-" +
                          std::to_string(::getpid())))
            .string();
    fs::remove_all(staging, ec);
    if (!fs::create_directory(staging, ec))
        throw FileError(staging, "cannot create: " + (ec ? ec.message() : "it exists"));

    std::vector<FileRecord> records;
    auto write_array = [&](const std::string& key, const Array<T>& a) {
        FileRecord r;
        r.name = key + ".npy";
        const std::string path = (fs::path(staging) / r.name).string();
        save_npy(path, a); // fsync'ed
        r.shape.assign(a.shape().begin(), a.shape().end());
        r.crc32 = file_crc32(path, r.bytes); // of the bytes on disk, read back
        records.push_back(std::move(r));
    };
    std::vector<std::string> parameter_names, state_names;
    for (const auto& [key, value] : model.parameter_values()) {
        write_array(key, value);
        parameter_names.push_back(key);
    }
    if (optimizer)
        for (const auto& [key, value] : optimizer->state()) {
            if (std::find(parameter_names.begin(), parameter_names.end(), key) !=
                parameter_names.end())
                throw FileError(dir, "optimiser state " + key + " clashes with a parameter name");
            write_array(key, value);
            state_names.push_back(key);
        }

    const std::vector<std::size_t> dims = model.layer_dims();
    const std::vector<std::string> activations = activation_names(model);
    std::ostringstream json;
    auto str = [](const std::string& s) { return quote(s); };
    json << "{\n"
         << "  \"format\": " << quote(format_name) << ",\n"
         << "  \"version\": " << format_version << ",\n"
         << "  \"dtype\": " << quote(dtype_name<T>()) << ",\n"
         << "  \"architecture\": " << quote(architecture(dims, activations)) << ",\n"
         << "  \"layer_dims\": " << list(dims, [](std::size_t d) { return std::to_string(d); })
         << ",\n"
         << "  \"activations\": " << list(activations, str) << ",\n"
         << "  \"epoch\": " << progress.epoch << ",\n"
         << "  \"step\": " << progress.step << ",\n"
         << "  \"parameters\": " << list(parameter_names, str) << ",\n";
    if (optimizer) {
        json << "  \"optimizer\": {\"name\": " << quote(std::string(optimizer->name()))
             << ", \"hyperparameters\": {";
        bool first = true;
        for (const auto& [key, value] : hyperparameters(*optimizer)) {
            json << (first ? "" : ", ") << quote(key) << ": " << number_text(value);
            first = false;
        }
        json << "}, \"state\": " << list(state_names, str) << "},\n";
    }
    if (!notes.empty()) {
        json << "  \"notes\": {";
        bool first = true;
        for (const auto& [key, value] : notes) {
            json << (first ? "" : ", ") << quote(key) << ": " << quote(value);
            first = false;
        }
        json << "},\n";
    }
    json << "  \"files\": [\n";
    for (std::size_t i = 0; i < records.size(); ++i) {
        const FileRecord& r = records[i];
        json << "    {\"name\": " << quote(r.name) << ", \"shape\": "
             << list(r.shape, [](std::size_t d) { return std::to_string(d); })
             << ", \"bytes\": " << r.bytes << ", \"crc32\": " << r.crc32 << "}"
             << (i + 1 < records.size() ? "," : "") << "\n";
    }
    json << "  ]\n}\n";
    write_file_atomic((fs::path(staging) / manifest_name).string(), json.str());
    fsync_dir(staging);
    reached("staged");

    // The version goes in place under its final name; it is not current until CURRENT
    // says so, so a kill from here to there leaves the previous version current.
    const std::string final_dir = (fs::path(dir) / name).string();
    fs::remove_all(final_dir, ec); // a leftover of an earlier killed save, never current
    if (std::rename(staging.c_str(), final_dir.c_str()) != 0)
        throw FileError(final_dir, "cannot rename " + staging + " to it: " + errno_text(errno));
    fsync_dir(dir);
    reached("renamed");
    write_file_atomic((fs::path(dir) / pointer_name).string(), name + "\n");
    reached("current");
    remove_stale(dir, name);
}

CheckpointInfo read_checkpoint_info(const std::string& dir) { return read_manifest(dir).info; }

template <class T>
CheckpointInfo load_checkpoint(const std::string& dir, nn::Model<T>& model,
                               nn::Optimizer<T>* optimizer) {
    const Manifest m = read_manifest(dir);
    const std::string version_dir = (fs::path(dir) / m.info.version).string();
    const std::string manifest_path = (fs::path(version_dir) / manifest_name).string();

    // Does the checkpoint fit what it is loaded into? Each mismatch says both sides.
    if (m.info.dtype != dtype_name<T>())
        throw FileError(manifest_path, "holds " + m.info.dtype + " values; the model is " +
                                           dtype_name<T>() + " (load it with that dtype)");
    const std::vector<std::size_t> dims = model.layer_dims();
    const std::vector<std::string> activations = activation_names(model);
    if (dims != m.info.layer_dims || activations != m.info.activations)
        throw FileError(manifest_path,
                        "architecture mismatch: the checkpoint is " +
                            architecture(m.info.layer_dims, m.info.activations) +
                            ", the model is " + architecture(dims, activations));
    if (optimizer) {
        if (m.info.optimizer.empty())
            throw FileError(manifest_path, "holds no optimiser state; the " +
                                               std::string(optimizer->name()) +
                                               " optimiser given needs it (pass none to load "
                                               "the parameters only)");
        if (m.info.optimizer != optimizer->name())
            throw FileError(manifest_path, "holds " + m.info.optimizer +
                                               " optimiser state, but the optimiser given is " +
                                               std::string(optimizer->name()));
    }

    // Read and check every array before anything changes.
    std::map<std::string, Array<T>> parameters, state;
    for (const std::string& name : m.parameters)
        parameters[name] = read_array<T>(version_dir, m.files.at(name));
    for (const auto& p : model.parameters()) {
        const auto it = parameters.find(p.name);
        if (it == parameters.end())
            throw FileError(manifest_path, "has no parameter " + p.name + " for the model");
        if (it->second.shape() != p.tensor.shape())
            throw FileError((fs::path(version_dir) / (p.name + ".npy")).string(),
                            "has shape " + to_string(it->second.shape()) + ", the model's " +
                                p.name + " is " + to_string(p.tensor.shape()));
    }
    if (parameters.size() != model.parameters().size())
        throw FileError(manifest_path, "lists " + std::to_string(parameters.size()) +
                                           " parameters, the model has " +
                                           std::to_string(model.parameters().size()));
    if (optimizer) {
        for (const std::string& name : m.state)
            state[name] = read_array<T>(version_dir, m.files.at(name));
        const std::map<std::string, Array<T>> expected = optimizer->state();
        for (const auto& [key, value] : expected) {
            const auto it = state.find(key);
            if (it == state.end())
                throw FileError(manifest_path, "has no optimiser state " + key);
            if (it->second.shape() != value.shape())
                throw FileError((fs::path(version_dir) / (key + ".npy")).string(),
                                "has shape " + to_string(it->second.shape()) + ", the " +
                                    std::string(optimizer->name()) + " optimiser's " + key +
                                    " is " + to_string(value.shape()));
        }
        for (const auto& entry : state)
            if (!expected.count(entry.first))
                throw FileError(manifest_path, "holds optimiser state " + entry.first +
                                                   " that the " +
                                                   std::string(optimizer->name()) +
                                                   " optimiser does not have");
    }

    model.load_parameters(parameters);
    if (optimizer) optimizer->load_state(state);
    return m.info;
}

template <class T>
nn::Model<T> load_checkpoint_model(const std::string& dir) {
    // Built from the files, not from layer_dims: a damaged manifest asking for a huge layer
    // must not allocate it before the arrays it describes are known to exist.
    const Manifest m = read_manifest(dir);
    const std::string version_dir = (fs::path(dir) / m.info.version).string();
    const std::string manifest_path = (fs::path(version_dir) / manifest_name).string();
    if (m.info.dtype != dtype_name<T>())
        throw FileError(manifest_path, "holds " + m.info.dtype + " values, not " +
                                           dtype_name<T>() + " (load it with that dtype)");
    std::map<std::string, Array<T>> parameters;
    for (const std::string& name : m.parameters)
        parameters[name] = read_array<T>(version_dir, m.files.at(name));
    std::vector<nn::Activation> activations;
    for (const std::string& a : m.info.activations) activations.push_back(nn::parse_activation(a));
    try {
        nn::Model<T> model = nn::Model<T>::from_parameters(parameters, activations);
        if (model.layer_dims() != m.info.layer_dims)
            throw std::invalid_argument("the arrays make a " + model.summary() +
                                        " model, but layer_dims says " +
                                        architecture(m.info.layer_dims, m.info.activations));
        if (parameters.size() != model.parameters().size())
            throw std::invalid_argument(std::to_string(parameters.size()) +
                                        " parameters listed for a model of " +
                                        std::to_string(model.parameters().size()));
        return model;
    } catch (const std::invalid_argument& e) {
        throw FileError(manifest_path, std::string("inconsistent: ") + e.what());
    } catch (const Error& e) {
        throw FileError(manifest_path, std::string("inconsistent: ") + e.what());
    }
}

#define XGRAD_CHECKPOINT_INSTANTIATE(T)                                                           \
    template void save_checkpoint(const std::string&, const nn::Model<T>&,                       \
                                  const nn::Optimizer<T>*, TrainingProgress,                      \
                                  const std::map<std::string, std::string>&);                     \
    template CheckpointInfo load_checkpoint(const std::string&, nn::Model<T>&,                    \
                                            nn::Optimizer<T>*);                                   \
    template nn::Model<T> load_checkpoint_model(const std::string&);
XGRAD_CHECKPOINT_INSTANTIATE(float)
XGRAD_CHECKPOINT_INSTANTIATE(double)
#undef XGRAD_CHECKPOINT_INSTANTIATE

} // namespace xgrad::data
