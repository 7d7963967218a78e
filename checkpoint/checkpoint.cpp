#include "checkpoint/checkpoint.hpp"

#include "io/npy.hpp"

#include <nlohmann/json.hpp>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace xgrad::checkpoint {

using io::FileError;

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
    if (fault_hook())
        fault_hook()(stage);
}

template <class T>
const char* dtype_name() {
    return sizeof(T) == 8 ? "float64" : "float32";
}

std::string errno_text(int err) {
    return std::error_code(err, std::generic_category()).message();
}

// ---- the manifest's JSON, read and written with nlohmann-json ---------------------------

using Json = nlohmann::json;                // read: fields found by name
using OrderedJson = nlohmann::ordered_json; // written: fields in the order of the format

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Where the token nlohmann stopped at begins, given where it ends (the characters it read).
std::size_t token_start(const std::string& text, std::size_t end) {
    if (end == 0)
        return 0;
    std::size_t start = end - 1;
    if (text[start] == '"' && start > 0) { // a whole string: back to its opening quote
        const std::size_t open = text.rfind('"', start - 1);
        return open == std::string::npos ? start : open;
    }
    const auto word = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.';
    };
    while (start > 0 && word(text[start]) && word(text[start - 1]))
        --start;
    return start;
}

// nlohmann's parse error, "syntax error while parsing <context> - <fault>; expected <token>",
// in the words of the format's refusals, with the byte where it happened.
std::string parse_fault(const std::string& text, const Json::parse_error& e) {
    const std::string message = e.what();
    const std::size_t at = message.rfind("; expected ");
    const std::string expected = at == std::string::npos ? "" : message.substr(at + 11);
    const bool truncated = e.byte > text.size(); // nlohmann read the end of the file
    std::string fault;
    if (expected == "string literal") {
        fault = "expected a string key";
    } else if (contains(message, "; last read: ")) { // the lexer's own fault
        const std::size_t from = message.find(" - ") + 3;
        fault = message.substr(from, message.find("; last read: ") - from);
        // Said as the format's refusals always said them; anything else in nlohmann's words.
        static const std::pair<const char*, const char*> ours[] = {
            {"control character", "control character in a string"},
            {"missing closing quote", "unterminated string"},
            {"'\\u' must be followed", "bad \\u escape"},
            {"forbidden character after backslash", "bad escape"},
            {"invalid number", "malformed number"},
            {"invalid literal", "unexpected character"}};
        for (const auto& [theirs, mine] : ours)
            if (contains(fault, theirs)) {
                fault = mine;
                break;
            }
    } else if (expected == "end of input") {
        fault = "unexpected text after the JSON value";
    } else if (contains(expected, "or a literal")) {
        fault = truncated ? "expected a value" : "unexpected character";
    } else {
        fault = "expected " + (expected.empty() ? std::string("a value") : expected);
    }
    if (truncated)
        return fault + " at byte " + std::to_string(text.size()) +
               " (the file ends there: truncated?)";
    return fault + " at byte " + std::to_string(token_start(text, e.byte));
}

// The manifest's JSON, parsed by nlohmann-json, refusing what it accepts but a manifest must
// not hold (a duplicate key, nesting past 32 levels). Every fault is a FileError naming the
// file and what was wrong: a damaged manifest is refused, never half-read, and no nlohmann
// exception escapes.
Json parse_manifest(const std::string& path, const std::string& text) {
    const auto invalid = [&](const std::string& what) {
        return FileError(path, "not valid JSON: " + what);
    };
    std::vector<std::set<std::string>> keys; // of each open object
    const Json::parser_callback_t check = [&](int depth, Json::parse_event_t event, Json& parsed) {
        using Event = Json::parse_event_t;
        if ((event == Event::object_start || event == Event::array_start) && depth >= 32)
            throw invalid("nested deeper than 32 levels");
        if (event == Event::object_start)
            keys.emplace_back();
        if (event == Event::object_end)
            keys.pop_back();
        if (event == Event::key && !keys.back().insert(parsed.get<std::string>()).second)
            throw invalid("duplicate key \"" + parsed.get<std::string>().substr(0, 40) + "\"");
        return true;
    };
    try {
        return Json::parse(text, check);
    } catch (const Json::parse_error& e) {
        throw invalid(parse_fault(text, e));
    } catch (const Json::exception& e) { // 406: a number beyond a double's range
        throw invalid(e.id == 406 ? "number out of range" : e.what());
    }
}

// Typed access to the manifest's fields, each failure naming the field.
class Fields {
public:
    Fields(const std::string& path, const Json& object, std::string where = "")
        : m_path(path), m_object(object), m_where(std::move(where)) {}

    const Json& get(const std::string& key) const {
        const auto it = m_object.find(key);
        if (it == m_object.end())
            fail(key, "is missing");
        return *it;
    }
    bool has(const std::string& key) const { return m_object.contains(key); }
    std::string text(const std::string& key) const {
        const Json& j = get(key);
        if (!j.is_string())
            fail(key, "must be a string");
        return j.get<std::string>();
    }
    double number(const std::string& key) const {
        const Json& j = get(key);
        if (!j.is_number())
            fail(key, "must be a number");
        return j.get<double>();
    }
    // A whole number in [lo, hi].
    long long integer(const std::string& key, long long lo, long long hi) const {
        return as_integer(get(key), key, lo, hi);
    }
    const Json& array(const std::string& key) const {
        const Json& j = get(key);
        if (!j.is_array())
            fail(key, "must be an array");
        return j;
    }
    Fields object(const std::string& key) const {
        const Json& j = get(key);
        if (!j.is_object())
            fail(key, "must be an object");
        return Fields(m_path, j, m_where + key + ".");
    }
    std::vector<std::string> strings(const std::string& key) const {
        std::vector<std::string> out;
        for (const Json& j : array(key)) {
            if (!j.is_string())
                fail(key, "must be an array of strings");
            out.push_back(j.get<std::string>());
        }
        return out;
    }
    std::vector<std::size_t> sizes(const std::string& key) const {
        std::vector<std::size_t> out;
        for (const Json& j : array(key))
            out.push_back(static_cast<std::size_t>(as_integer(j, key, 0, 1LL << 40)));
        return out;
    }
    std::vector<std::string> keys() const {
        std::vector<std::string> out;
        for (const auto& item : m_object.items())
            out.push_back(item.key());
        return out;
    }
    [[noreturn]] void fail(const std::string& key, const std::string& what) const {
        throw FileError(m_path, "manifest field \"" + m_where + key + "\" " + what);
    }

private:
    long long as_integer(const Json& j, const std::string& key, long long lo, long long hi) const {
        const double d = j.is_number() ? j.get<double>() : 0.5;
        if (d != std::floor(d) || d < double(lo) || d > double(hi))
            fail(key, "must hold whole numbers from " + std::to_string(lo) + " to " +
                          std::to_string(hi));
        return static_cast<long long>(d);
    }

    const std::string& m_path;
    const Json& m_object;
    std::string m_where;
};

// nlohmann's text of one value; a note's bytes that are not UTF-8 become U+FFFD.
std::string dumped(const OrderedJson& j) {
    return j.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

// On one line, with the spaces a reader expects: "layer_dims": [2, 4, 1].
std::string one_line(const OrderedJson& j) {
    if (!j.is_structured())
        return dumped(j);
    std::string out;
    for (auto it = j.begin(); it != j.end(); ++it)
        out += (out.empty() ? "" : ", ") + (j.is_object() ? dumped(it.key()) + ": " : "") +
               one_line(*it);
    return j.is_object() ? "{" + out + "}" : "[" + out + "]";
}

// A field to a line, and a file record to a line: a manifest reads and diffs well.
std::string manifest_text(const OrderedJson& manifest) {
    std::string out = "{\n";
    for (auto field = manifest.begin(); field != manifest.end(); ++field) {
        out += "  " + dumped(field.key()) + ": ";
        if (field.key() == "files") {
            out += "[";
            for (std::size_t i = 0; i < field->size(); ++i)
                out += (i ? ",\n    " : "\n    ") + one_line((*field)[i]);
            out += "\n  ]";
        } else {
            out += one_line(*field);
        }
        out += std::next(field) == manifest.end() ? "\n" : ",\n";
    }
    return out + "}\n";
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
    if (!in)
        throw FileError(path, "cannot open for reading: " + errno_text(errno));
    std::string bytes;
    char buf[1 << 16];
    while (in) {
        in.read(buf, sizeof buf);
        bytes.append(buf, static_cast<std::size_t>(in.gcount()));
        if (bytes.size() > limit)
            throw FileError(path, "larger than " + std::to_string(limit) + " bytes");
    }
    if (in.bad())
        throw FileError(path, "read error: " + errno_text(errno));
    return bytes;
}

// CRC-32 (zlib's) of a file, streaming; its size through `size`.
std::uint32_t file_crc32(const std::string& path, std::uint64_t& size) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw FileError(path, "cannot open for reading: " + errno_text(errno));
    uLong crc = crc32(0L, Z_NULL, 0);
    size = 0;
    std::vector<char> buf(1 << 16);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const auto n = static_cast<std::size_t>(in.gcount());
        crc = crc32(crc, reinterpret_cast<const Bytef*>(buf.data()), static_cast<uInt>(n));
        size += n;
    }
    if (in.bad())
        throw FileError(path, "read error: " + errno_text(errno));
    return static_cast<std::uint32_t>(crc);
}

void fsync_dir(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        throw FileError(dir, "cannot open directory to sync it: " + errno_text(errno));
    // Some file systems refuse fsync on a directory; the data files were synced already.
    ::fsync(fd);
    ::close(fd);
}

// A version name as CURRENT may hold: "step-<digits>" with an optional "-<digits>".
bool valid_version_name(const std::string& name) {
    if (name.rfind("step-", 0) != 0 || name.size() > 64)
        return false;
    int dashes = 0;
    for (std::size_t i = 5; i < name.size(); ++i) {
        if (name[i] == '-') {
            if (++dashes > 1 || i == 5 || i + 1 == name.size() || name[i - 1] == '-')
                return false;
        } else if (name[i] < '0' || name[i] > '9') {
            return false;
        }
    }
    return name.size() > 5;
}

// The current version's directory, from CURRENT.
std::string current_version(const std::string& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec))
        throw FileError(dir, "no checkpoint: the directory does not exist");
    if (!fs::is_directory(dir, ec))
        throw FileError(dir, "not a checkpoint: not a directory");
    const std::string pointer = (fs::path(dir) / pointer_name).string();
    if (!fs::exists(pointer, ec))
        throw FileError(pointer, "not a checkpoint: missing (it names the current version; a "
                                 "save that never completed leaves none)");
    std::string name = read_whole(pointer, 256);
    while (!name.empty() && (name.back() == '\n' || name.back() == '\r'))
        name.pop_back();
    if (!valid_version_name(name)) {
        std::string shown;
        for (char c : name.substr(0, 40))
            shown += (c >= 0x20 && c < 0x7f) ? c : '?';
        throw FileError(pointer,
                        "corrupt: holds \"" + shown + "\", not a version name like \"step-120\"");
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
    if (!fs::exists(path, ec))
        throw FileError(path, "missing");
    const std::string text = read_whole(path, max_manifest_bytes);
    if (text.empty())
        throw FileError(path, "empty (truncated?)");
    const Json root = parse_manifest(path, text);
    if (!root.is_object())
        throw FileError(path, "not a checkpoint manifest: the JSON is not an object");
    const Fields f(path, root);

    if (f.text("format") != format_name)
        f.fail("format",
               "is \"" + f.text("format").substr(0, 40) + "\", expected \"" + format_name + "\"");
    const long long version = f.integer("version", 0, 1 << 20);
    if (version != format_version)
        f.fail("version", "is " + std::to_string(version) + "; this xgrad reads version " +
                              std::to_string(format_version));
    CheckpointInfo& info = m.info;
    info.dtype = f.text("dtype");
    if (info.dtype != "float64" && info.dtype != "float32")
        f.fail("dtype", "is \"" + info.dtype.substr(0, 40) + "\", expected float64 or float32");
    if (f.has("layers")) { // a Sequential: its layers' names stand for the architecture
        info.layers = f.strings("layers");
        if (info.layers.empty())
            f.fail("layers", "is empty");
    }
    if (info.layers.empty())
        info.layer_dims = f.sizes("layer_dims");
    if (info.layers.empty())
        info.activations = f.strings("activations");
    if (info.layers.empty() &&
        (info.layer_dims.size() < 2 || info.activations.size() != info.layer_dims.size() - 1))
        f.fail("activations",
               "must name one activation per layer: " + std::to_string(info.activations.size()) +
                   " for " + std::to_string(info.layer_dims.size()) + " layer sizes");
    for (const std::string& a : info.activations) {
        try {
            (void)nn::parse_activation(a);
        } catch (const std::invalid_argument& e) {
            f.fail("activations", std::string("holds an unknown activation: ") + e.what());
        }
    }
    for (std::size_t d : info.layer_dims)
        if (d == 0)
            f.fail("layer_dims", "holds a layer of size 0");
    info.epoch = static_cast<long>(f.integer("epoch", 0, 1LL << 50));
    info.step = static_cast<long>(f.integer("step", 0, 1LL << 50));
    m.parameters = f.strings("parameters");
    if (f.has("optimizer")) {
        const Fields o = f.object("optimizer");
        info.optimizer = o.text("name");
        if (info.optimizer != "gd" && info.optimizer != "momentum" && info.optimizer != "adam" &&
            info.optimizer != "adamw")
            o.fail("name", "is \"" + info.optimizer.substr(0, 40) +
                               "\", expected gd, momentum, adam or adamw");
        const Fields h = o.object("hyperparameters");
        for (const std::string& key : h.keys())
            info.hyperparameters[key] = h.number(key);
        m.state = o.strings("state");
        if (o.has("schedule")) {
            const Fields schedule = o.object("schedule");
            info.schedule = schedule.text("name");
            if (info.schedule.empty())
                schedule.fail("name", "is empty");
            const Fields sh = schedule.object("hyperparameters");
            for (const std::string& key : sh.keys())
                info.schedule_hyperparameters[key] = sh.number(key);
        }
    }
    if (f.has("notes")) {
        const Fields n = f.object("notes");
        for (const std::string& key : n.keys())
            info.notes[key] = n.text(key);
    }

    for (const Json& j : f.array("files")) {
        if (!j.is_object())
            f.fail("files", "must be an array of objects");
        const Fields file(path, j, "files[].");
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
    if (!fs::exists(path, ec))
        throw FileError(path, "missing (listed in the manifest)");
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
    const io::NpyHeader h = io::read_npy_header(path);
    if (h.descr != (sizeof(T) == 8 ? "<f8" : "<f4"))
        throw FileError(path, "holds dtype '" + h.descr + "', expected " + dtype_name<T>() +
                                  " as the manifest says");
    Array<T> a = io::load_npy<T>(path);
    if (!std::equal(a.shape().begin(), a.shape().end(), r.shape.begin(), r.shape.end()))
        throw FileError(path, "has shape " + to_string(a.shape()) + ", the manifest says " +
                                  to_string(Shape(r.shape.begin(), r.shape.end())));
    return a;
}

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names)
        out += (out.empty() ? "" : ", ") + name;
    return out;
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
    for (nn::Activation a : model.activations())
        out.emplace_back(nn::to_string(a));
    return out;
}

template <class T>
std::map<std::string, double> hyperparameters(const nn::Optimizer<T>& o) {
    std::map<std::string, double> h{{"learning_rate", double(o.learning_rate())}};
    if (const auto* m = dynamic_cast<const nn::Momentum<T>*>(&o))
        h["beta"] = double(m->beta());
    if (const auto* a = dynamic_cast<const nn::Adam<T>*>(&o)) {
        h["beta1"] = double(a->beta1());
        h["beta2"] = double(a->beta2());
        h["epsilon"] = double(a->epsilon());
    }
    if (o.weight_decay() != T(0) || o.name() == "adamw")
        h["weight_decay"] = double(o.weight_decay());
    return h;
}

// Removes every entry of `dir` but CURRENT and `keep`: older versions and the leftovers of
// saves that were killed. Best effort: a failure here loses nothing.
void remove_stale(const std::string& dir, const std::string& keep) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name == keep || name == pointer_name || name.rfind("step-", 0) != 0)
            continue;
        fs::remove_all(entry.path(), ec);
    }
}

} // namespace

namespace detail {
void set_checkpoint_fault_hook(std::function<void(std::string_view stage)> hook) {
    fault_hook() = std::move(hook);
}
} // namespace detail

namespace {
// Writes a new version of `dir`: the arrays, the optimiser's state and a manifest whose
// architecture fields (after dtype) are `fields`.
template <class T>
void save_version(const std::string& dir, const std::map<std::string, Array<T>>& arrays,
                  const OrderedJson& fields, const nn::Optimizer<T>* optimizer,
                  TrainingProgress progress, const std::map<std::string, std::string>& notes) {
    if (progress.epoch < 0 || progress.step < 0)
        throw FileError(dir, "cannot save a negative epoch or step");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw FileError(dir, "cannot create the checkpoint directory: " + ec.message());
    if (!fs::is_directory(dir, ec))
        throw FileError(dir, "exists and is not a directory");

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
    const std::string staging = (fs::path(dir) / ("step-" + std::to_string(progress.step) +
                                                  ".tmp-" + std::to_string(::getpid())))
                                    .string();
    fs::remove_all(staging, ec);
    if (!fs::create_directory(staging, ec))
        throw FileError(staging, "cannot create: " + (ec ? ec.message() : "it exists"));

    std::vector<FileRecord> records;
    auto write_array = [&](const std::string& key, const Array<T>& a) {
        FileRecord r;
        r.name = key + ".npy";
        const std::string path = (fs::path(staging) / r.name).string();
        io::save_npy(path, a); // fsync'ed
        r.shape.assign(a.shape().begin(), a.shape().end());
        r.crc32 = file_crc32(path, r.bytes); // of the bytes on disk, read back
        records.push_back(std::move(r));
    };
    std::vector<std::string> parameter_names, state_names;
    for (const auto& [key, value] : arrays) {
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

    OrderedJson manifest = {
        {"format", format_name}, {"version", format_version}, {"dtype", dtype_name<T>()}};
    for (auto field = fields.begin(); field != fields.end(); ++field)
        manifest[field.key()] = *field;
    manifest["epoch"] = progress.epoch;
    manifest["step"] = progress.step;
    manifest["parameters"] = parameter_names;
    if (optimizer) {
        manifest["optimizer"] = {{"name", std::string(optimizer->name())},
                                 {"hyperparameters", hyperparameters(*optimizer)},
                                 {"state", state_names}};
        if (const nn::LRSchedule* schedule = optimizer->schedule())
            manifest["optimizer"]["schedule"] = {{"name", schedule->name()},
                                                 {"hyperparameters", schedule->hyperparameters()}};
    }
    if (!notes.empty())
        manifest["notes"] = notes;
    OrderedJson& files = manifest["files"] = OrderedJson::array();
    for (const FileRecord& r : records)
        files.push_back(
            {{"name", r.name}, {"shape", r.shape}, {"bytes", r.bytes}, {"crc32", r.crc32}});
    io::write_file_atomic((fs::path(staging) / manifest_name).string(), manifest_text(manifest));
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
    io::write_file_atomic((fs::path(dir) / pointer_name).string(), name + "\n");
    reached("current");
    remove_stale(dir, name);
}
} // namespace

template <class T>
void save_checkpoint(const std::string& dir, const nn::Model<T>& model,
                     const nn::Optimizer<T>* optimizer, TrainingProgress progress,
                     const std::map<std::string, std::string>& notes) {
    if (model.L() == 0)
        throw FileError(dir, "cannot save a model without layers");
    const std::vector<std::size_t> dims = model.layer_dims();
    const std::vector<std::string> activations = activation_names(model);
    const OrderedJson fields = {{"architecture", architecture(dims, activations)},
                                {"layer_dims", dims},
                                {"activations", activations}};
    save_version(dir, model.parameter_values(), fields, optimizer, progress, notes);
}

template <class T>
void save_checkpoint(const std::string& dir, const nn::Sequential<T>& model,
                     const nn::Optimizer<T>* optimizer, TrainingProgress progress,
                     const std::map<std::string, std::string>& notes) {
    if (model.size() == 0)
        throw FileError(dir, "cannot save a model without layers");
    const OrderedJson fields = {{"architecture", model.summary()},
                                {"model", "sequential"},
                                {"layers", model.layer_names()}};
    save_version(dir, model.state_values(), fields, optimizer, progress, notes);
}

CheckpointInfo read_checkpoint_info(const std::string& dir) {
    return read_manifest(dir).info;
}

namespace {
// Does the checkpoint hold state for `optimizer` (kind and schedule)?
template <class T>
void check_optimizer(const Manifest& m, const nn::Optimizer<T>& optimizer,
                     const std::string& manifest_path) {
    if (m.info.optimizer.empty())
        throw FileError(manifest_path, "holds no optimiser state; the " +
                                           std::string(optimizer.name()) +
                                           " optimiser given needs it (pass none to load "
                                           "the parameters only)");
    if (m.info.optimizer != optimizer.name())
        throw FileError(manifest_path, "holds " + m.info.optimizer +
                                           " optimiser state, but the optimiser given is " +
                                           std::string(optimizer.name()));
    const std::string given = optimizer.schedule() ? optimizer.schedule()->name() : "";
    const auto described = [](const std::string& schedule) {
        return schedule.empty() ? std::string("no learning-rate schedule")
                                : "the " + schedule + " learning-rate schedule";
    };
    if (m.info.schedule != given)
        throw FileError(manifest_path, "holds " + described(m.info.schedule) +
                                           ", but the optimiser given has " + described(given));
}

// The optimiser's state from the checkpoint, checked against what `optimizer` holds.
template <class T>
std::map<std::string, Array<T>>
read_optimizer_state(const Manifest& m, const std::string& version_dir,
                     const nn::Optimizer<T>& optimizer, const std::string& manifest_path) {
    std::map<std::string, Array<T>> state;
    for (const std::string& name : m.state)
        state[name] = read_array<T>(version_dir, m.files.at(name));
    const std::map<std::string, Array<T>> expected = optimizer.state();
    for (const auto& [key, value] : expected) {
        const auto it = state.find(key);
        if (it == state.end())
            throw FileError(manifest_path, "has no optimiser state " + key);
        if (it->second.shape() != value.shape())
            throw FileError((fs::path(version_dir) / (key + ".npy")).string(),
                            "has shape " + to_string(it->second.shape()) + ", the " +
                                std::string(optimizer.name()) + " optimiser's " + key + " is " +
                                to_string(value.shape()));
    }
    for (const auto& entry : state)
        if (!expected.count(entry.first))
            throw FileError(manifest_path, "holds optimiser state " + entry.first + " that the " +
                                               std::string(optimizer.name()) +
                                               " optimiser does not have");
    return state;
}
} // namespace

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
    if (!m.info.layers.empty())
        throw FileError(manifest_path, "holds a Sequential (" + join(m.info.layers) +
                                           "), not an L-layer Model: load it into a Sequential");
    const std::vector<std::size_t> dims = model.layer_dims();
    const std::vector<std::string> activations = activation_names(model);
    if (dims != m.info.layer_dims || activations != m.info.activations)
        throw FileError(manifest_path, "architecture mismatch: the checkpoint is " +
                                           architecture(m.info.layer_dims, m.info.activations) +
                                           ", the model is " + architecture(dims, activations));
    if (optimizer)
        check_optimizer(m, *optimizer, manifest_path);

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
    if (optimizer)
        state = read_optimizer_state(m, version_dir, *optimizer, manifest_path);

    model.load_parameters(parameters);
    if (optimizer)
        optimizer->load_state(state);
    return m.info;
}

template <class T>
CheckpointInfo load_checkpoint(const std::string& dir, nn::Sequential<T>& model,
                               nn::Optimizer<T>* optimizer) {
    const Manifest m = read_manifest(dir);
    const std::string version_dir = (fs::path(dir) / m.info.version).string();
    const std::string manifest_path = (fs::path(version_dir) / manifest_name).string();
    if (m.info.dtype != dtype_name<T>())
        throw FileError(manifest_path, "holds " + m.info.dtype + " values; the model is " +
                                           dtype_name<T>() + " (load it with that dtype)");
    const std::vector<std::string> layers = model.layer_names();
    if (m.info.layers.empty())
        throw FileError(manifest_path, "holds an L-layer Model (" +
                                           architecture(m.info.layer_dims, m.info.activations) +
                                           "), not a Sequential");
    if (layers != m.info.layers)
        throw FileError(manifest_path, "architecture mismatch: the checkpoint is " +
                                           join(m.info.layers) + ", the model is " + join(layers));
    if (optimizer)
        check_optimizer(m, *optimizer, manifest_path);

    // Read and check every array before anything changes.
    std::map<std::string, Array<T>> values, state;
    for (const std::string& name : m.parameters)
        values[name] = read_array<T>(version_dir, m.files.at(name));
    const std::map<std::string, Array<T>> expected = model.state_values();
    for (const auto& [key, value] : expected) {
        const auto it = values.find(key);
        if (it == values.end())
            throw FileError(manifest_path, "has no " + key + " for the model");
        if (it->second.shape() != value.shape())
            throw FileError((fs::path(version_dir) / (key + ".npy")).string(),
                            "has shape " + to_string(it->second.shape()) + ", the model's " + key +
                                " is " + to_string(value.shape()));
    }
    if (values.size() != expected.size())
        throw FileError(manifest_path, "lists " + std::to_string(values.size()) +
                                           " arrays, the model has " +
                                           std::to_string(expected.size()));
    if (optimizer)
        state = read_optimizer_state(m, version_dir, *optimizer, manifest_path);

    model.load_state_values(values);
    if (optimizer)
        optimizer->load_state(state);
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
        throw FileError(manifest_path, "holds " + m.info.dtype + " values, not " + dtype_name<T>() +
                                           " (load it with that dtype)");
    if (!m.info.layers.empty())
        throw FileError(manifest_path, "holds a Sequential (" + join(m.info.layers) +
                                           "), not an L-layer Model: build the Sequential and "
                                           "load_checkpoint into it");
    std::map<std::string, Array<T>> parameters;
    for (const std::string& name : m.parameters)
        parameters[name] = read_array<T>(version_dir, m.files.at(name));
    std::vector<nn::Activation> activations;
    for (const std::string& a : m.info.activations)
        activations.push_back(nn::parse_activation(a));
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

#define XGRAD_CHECKPOINT_INSTANTIATE(T)                                                            \
    template void save_checkpoint(const std::string&, const nn::Model<T>&,                         \
                                  const nn::Optimizer<T>*, TrainingProgress,                       \
                                  const std::map<std::string, std::string>&);                      \
    template CheckpointInfo load_checkpoint(const std::string&, nn::Model<T>&, nn::Optimizer<T>*); \
    template void save_checkpoint(const std::string&, const nn::Sequential<T>&,                    \
                                  const nn::Optimizer<T>*, TrainingProgress,                       \
                                  const std::map<std::string, std::string>&);                      \
    template CheckpointInfo load_checkpoint(const std::string&, nn::Sequential<T>&,                \
                                            nn::Optimizer<T>*);                                    \
    template nn::Model<T> load_checkpoint_model(const std::string&);
XGRAD_CHECKPOINT_INSTANTIATE(float)
XGRAD_CHECKPOINT_INSTANTIATE(double)
#undef XGRAD_CHECKPOINT_INSTANTIATE

} // namespace xgrad::checkpoint
