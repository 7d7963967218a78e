// Checkpoints: a round trip restores parameters and optimiser state exactly (training resumes
// as if never stopped); a save killed midway leaves the previous checkpoint loadable; every
// damaged or mismatched checkpoint is refused with a message naming the file and the fault.
#include "checkpoint/checkpoint.hpp"

#include "io/npy.hpp"
#include "nn/nn.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using namespace xgrad;
using namespace xgrad::checkpoint;
using namespace xgrad::io;
namespace fs = std::filesystem;

namespace {

// A fresh directory per test case, removed at the end.
struct TempDir {
    fs::path path;
    TempDir() {
        static int counter = 0;
        path = fs::temp_directory_path() /
               ("xgrad-ckpt-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
    std::string operator/(const std::string& name) const { return (path / name).string(); }
};

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}
void write_text(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// The week 3 planar network, 2 -> 4 (tanh) -> 1 (sigmoid), trained a few Adam steps so its
// optimiser state is not all zeros.
template <class T>
struct Trained {
    nn::Model<T> model{{2, 4, 1}, {nn::Activation::tanh, nn::Activation::sigmoid}, nn::Init::he, 3};
    std::unique_ptr<nn::Optimizer<T>> optimizer;
    Tensor<T> X{Array<T>{{0.5, -1.0, 2.0, 0.1, -0.3}, {1.5, 0.2, -0.7, 0.9, 0.0}}};
    Tensor<T> Y{Array<T>{{1, 0, 1, 0, 1}}};

    explicit Trained(const std::string& kind = "adam", int steps = 3) {
        optimizer = nn::make_optimizer<T>(kind, model.parameters(), T(0.05));
        train(steps);
    }
    void train(int steps) {
        for (int i = 0; i < steps; ++i) {
            optimizer->zero_grad();
            model.loss(X, Y).backward();
            optimizer->step();
        }
    }
};

template <class T>
bool same(const std::map<std::string, Array<T>>& a, const std::map<std::string, Array<T>>& b) {
    if (a.size() != b.size())
        return false;
    for (const auto& [key, value] : a)
        if (!b.count(key) || b.at(key) != value)
            return false;
    return true;
}

std::string current(const std::string& dir) {
    std::string name = read_text(dir + "/CURRENT");
    if (!name.empty() && name.back() == '\n')
        name.pop_back();
    return name;
}
std::string manifest_path(const std::string& dir) {
    return dir + "/" + current(dir) + "/manifest.json";
}

// The message of the FileError `f` throws (and checks it starts with the path it names).
template <class F>
std::string refusal(F&& f) {
    try {
        f();
    } catch (const FileError& e) {
        CHECK(std::string(e.what()).rfind(e.path() + ": ", 0) == 0);
        return e.what();
    } catch (const std::exception& e) {
        FAIL("expected FileError, got: " << e.what());
    }
    FAIL("expected FileError, nothing was thrown");
    return {};
}

// Rewrites the manifest record of `file` to match the file's current bytes, as a
// consistent but different checkpoint would have it.
void refresh_record(const std::string& dir, const std::string& file) {
    const std::string path = dir + "/" + current(dir) + "/" + file;
    const std::string bytes = read_text(path);
    const auto crc =
        crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size()));
    std::string m = read_text(manifest_path(dir));
    const std::regex record(
        "(\\{\"name\": \"" + file +
        "\", \"shape\": \\[[^\\]]*\\], \"bytes\": )[0-9]+(, \"crc32\": )[0-9]+");
    std::smatch match;
    REQUIRE(std::regex_search(m, match, record));
    write_text(manifest_path(dir), match.prefix().str() + match[1].str() +
                                       std::to_string(bytes.size()) + match[2].str() +
                                       std::to_string(crc) + match.suffix().str());
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

} // namespace

TEST_CASE_TEMPLATE("round trip: parameters and Adam state come back exactly, and training "
                   "resumes as if never stopped",
                   T, float, double) {
    TempDir tmp;
    const std::string dir = tmp / "run.ckpt";
    Trained<T> a;
    save_checkpoint(dir, a.model, a.optimizer.get(), {2, 3}, {{"data", "planar"}});

    Trained<T> b("adam", 0); // another model, untrained, with a fresh Adam
    REQUIRE_FALSE(same(a.model.parameter_values(), b.model.parameter_values()));
    const CheckpointInfo info = load_checkpoint(dir, b.model, b.optimizer.get());
    CHECK(same(a.model.parameter_values(), b.model.parameter_values()));
    CHECK(same(a.optimizer->state(), b.optimizer->state()));
    CHECK(dynamic_cast<nn::Adam<T>&>(*b.optimizer).t() == 3);
    CHECK(info.epoch == 2);
    CHECK(info.step == 3);
    CHECK(info.version == "step-3");
    CHECK(info.dtype == (sizeof(T) == 8 ? "float64" : "float32"));
    CHECK(info.layer_dims == std::vector<std::size_t>{2, 4, 1});
    CHECK(info.activations == std::vector<std::string>{"tanh", "sigmoid"});
    CHECK(info.optimizer == "adam");
    CHECK(info.hyperparameters.at("learning_rate") == doctest::Approx(0.05));
    CHECK(info.hyperparameters.at("beta2") == doctest::Approx(0.999));
    CHECK(info.notes.at("data") == "planar");

    // Two more steps on each: the resumed run matches the uninterrupted one bit for bit.
    a.train(2);
    b.train(2);
    CHECK(same(a.model.parameter_values(), b.model.parameter_values()));

    const nn::Model<T> c = load_checkpoint_model<T>(dir);
    CHECK(c.summary() == b.model.summary());
}

TEST_CASE("the files are plain .npy arrays under the course's keys, listed in manifest.json") {
    TempDir tmp;
    const std::string dir = tmp / "run.ckpt";
    Trained<double> a("momentum");
    save_checkpoint(dir, a.model, a.optimizer.get(), {1, 3});
    CHECK(current(dir) == "step-3");
    const std::string version = dir + "/step-3";
    for (const char* name : {"W1", "b1", "W2", "b2", "v_dW1", "v_db1", "v_dW2", "v_db2"})
        CHECK_MESSAGE(fs::exists(version + "/" + name + ".npy"), name);
    CHECK(load_npy<double>(version + "/W1.npy") == a.model.layer(1).W().value());
    CHECK(load_npy<double>(version + "/v_dW2.npy") == a.optimizer->state().at("v_dW2"));
    const std::string manifest = read_text(version + "/manifest.json");
    CHECK(contains(manifest, "\"format\": \"xgrad checkpoint\""));
    CHECK(contains(manifest, "\"architecture\": \"2 -> 4 (tanh) -> 1 (sigmoid)\""));
    CHECK(contains(manifest, "\"optimizer\": {\"name\": \"momentum\""));

    // numpy itself reads them, when installed (Debian's python3-numpy is in /usr/bin).
    std::string python;
    for (const char* candidate : {"/usr/bin/python3", "python3"})
        if (python.empty() &&
            std::system((std::string(candidate) + " -c 'import numpy' >/dev/null 2>&1").c_str()) ==
                0)
            python = candidate;
    if (!python.empty()) {
        const std::string script =
            "import json, numpy as np, sys; d = sys.argv[1]; "
            "m = json.load(open(d + '/manifest.json')); "
            "assert [f['shape'] for f in m['files'] if f['name'] == 'W1.npy'] == [[4, 2]]; "
            "W = np.load(d + '/W1.npy'); assert W.shape == (4, 2) and W.dtype == np.float64; "
            "print(repr(float(W.sum())))";
        const std::string out = tmp / "numpy.txt";
        REQUIRE(std::system((python + " -c \"" + script + "\" " + version + " > " + out).c_str()) ==
                0);
        CHECK(std::stod(read_text(out)) ==
              doctest::Approx(xt::sum(a.model.layer(1).W().value())()).epsilon(1e-15));
    }
}

TEST_CASE("saving again makes a new version current and removes the old one") {
    TempDir tmp;
    const std::string dir = tmp / "run.ckpt";
    Trained<double> a;
    save_checkpoint(dir, a.model, a.optimizer.get(), {1, 3});
    a.train(1);
    save_checkpoint(dir, a.model, a.optimizer.get(), {2, 4});
    CHECK(current(dir) == "step-4");
    CHECK_FALSE(fs::exists(dir + "/step-3"));
    // The same step twice gets a fresh name: the current version is never overwritten.
    save_checkpoint(dir, a.model, a.optimizer.get(), {2, 4});
    CHECK(current(dir) == "step-4-2");
    CHECK_FALSE(fs::exists(dir + "/step-4"));
    Trained<double> b("adam", 0);
    load_checkpoint(dir, b.model, b.optimizer.get());
    CHECK(same(a.model.parameter_values(), b.model.parameter_values()));
}

TEST_CASE("a fault between writing and renaming leaves the previous checkpoint loadable") {
    for (const char* stage : {"staged", "renamed", "current"}) {
        CAPTURE(stage);
        TempDir tmp;
        const std::string dir = tmp / "run.ckpt";
        Trained<double> a;
        save_checkpoint(dir, a.model, a.optimizer.get(), {1, 3});
        const auto saved = a.model.parameter_values();
        const auto saved_state = a.optimizer->state();
        a.train(2);

        checkpoint::detail::set_checkpoint_fault_hook([&](std::string_view at) {
            if (at == stage)
                throw std::runtime_error("injected fault");
        });
        CHECK_THROWS_WITH(save_checkpoint(dir, a.model, a.optimizer.get(), {2, 5}),
                          "injected fault");
        checkpoint::detail::set_checkpoint_fault_hook(nullptr);

        Trained<double> b("adam", 0);
        const CheckpointInfo info = load_checkpoint(dir, b.model, b.optimizer.get());
        if (std::string(stage) == "current") { // CURRENT was replaced: the new one counts
            CHECK(info.step == 5);
            CHECK(same(a.model.parameter_values(), b.model.parameter_values()));
        } else {
            CHECK(info.step == 3);
            CHECK(same(saved, b.model.parameter_values()));
            CHECK(same(saved_state, b.optimizer->state()));
        }
        // The next save succeeds and sweeps the leftovers.
        save_checkpoint(dir, a.model, a.optimizer.get(), {3, 5});
        std::size_t entries = 0;
        for (const auto& entry : fs::directory_iterator(dir)) {
            (void)entry;
            ++entries;
        }
        CHECK(entries == 2); // CURRENT and one version
    }
}

TEST_CASE("a process killed in the middle of a save leaves the previous checkpoint intact") {
    for (const char* stage : {"staged", "renamed"}) {
        CAPTURE(stage);
        TempDir tmp;
        const std::string dir = tmp / "run.ckpt";
        Trained<double> a;
        save_checkpoint(dir, a.model, a.optimizer.get(), {1, 3});
        const auto saved = a.model.parameter_values();
        a.train(2);

        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) { // SIGKILL: no destructor, no flush, no cleanup runs
            checkpoint::detail::set_checkpoint_fault_hook([&](std::string_view at) {
                if (at == stage)
                    ::raise(SIGKILL);
            });
            try {
                save_checkpoint(dir, a.model, a.optimizer.get(), {2, 5});
            } catch (...) {
            }
            ::_exit(0);
        }
        int status = 0;
        REQUIRE(::waitpid(child, &status, 0) == child);
        REQUIRE(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == SIGKILL);

        Trained<double> b("adam", 0);
        CHECK(load_checkpoint(dir, b.model, b.optimizer.get()).step == 3);
        CHECK(same(saved, b.model.parameter_values()));
        CHECK(fs::exists(dir + "/step-3")); // the killed save's debris sits beside it
    }
}

TEST_CASE("refused: a missing, incomplete or mis-pointed checkpoint directory") {
    TempDir tmp;
    nn::Model<double> model({2, 4, 1}, {nn::Activation::tanh, nn::Activation::sigmoid});
    const std::string dir = tmp / "run.ckpt";

    CHECK(refusal([&] { load_checkpoint(dir, model); }) ==
          dir + ": no checkpoint: the directory does not exist");
    write_text(tmp / "file", "x");
    CHECK(refusal([&] { load_checkpoint(tmp / "file", model); }) ==
          tmp / "file" + ": not a checkpoint: not a directory");
    fs::create_directories(dir);
    CHECK(contains(refusal([&] { read_checkpoint_info(dir); }),
                   dir + "/CURRENT: not a checkpoint: missing"));
    write_text(dir + "/CURRENT", "../../etc\n");
    CHECK(refusal([&] { read_checkpoint_info(dir); }) ==
          dir + "/CURRENT: corrupt: holds \"../../etc\", not a version name like \"step-120\"");
    write_text(dir + "/CURRENT", "");
    CHECK(contains(refusal([&] { read_checkpoint_info(dir); }), "CURRENT: corrupt: holds \"\""));
    write_text(dir + "/CURRENT", std::string("step-\x01\xff", 7));
    CHECK(contains(refusal([&] { read_checkpoint_info(dir); }), "holds \"step-??\""));
    write_text(dir + "/CURRENT", "step-7\n");
    CHECK(refusal([&] { read_checkpoint_info(dir); }) ==
          dir + "/step-7: missing: CURRENT names it as the current version");
    fs::create_directories(dir + "/step-7");
    CHECK(refusal([&] { read_checkpoint_info(dir); }) == dir + "/step-7/manifest.json: missing");
    write_text(dir + "/step-7/manifest.json", "");
    CHECK(refusal([&] { read_checkpoint_info(dir); }) ==
          dir + "/step-7/manifest.json: empty (truncated?)");
}

TEST_CASE("refused: a damaged manifest, each fault named") {
    TempDir tmp;
    const std::string dir = tmp / "run.ckpt";
    Trained<double> a;
    save_checkpoint(dir, a.model, a.optimizer.get(), {1, 3});
    const std::string path = manifest_path(dir);
    const std::string good = read_text(path);
    auto with = [&](const std::string& from, const std::string& to) {
        std::string m = good;
        const std::size_t at = m.find(from);
        REQUIRE(at != std::string::npos);
        write_text(path, m.replace(at, from.size(), to));
        return refusal([&] { read_checkpoint_info(dir); });
    };
    struct Case {
        std::string from, to, message;
    };
    const std::vector<Case> cases = {
        {"\"format\": \"xgrad checkpoint\"", "\"format\": \"pickle\"",
         "manifest field \"format\" is \"pickle\", expected \"xgrad checkpoint\""},
        {"\"version\": 1", "\"version\": 2",
         "manifest field \"version\" is 2; this xgrad reads version 1"},
        {"\"version\": 1", "\"version\": 1.5",
         "manifest field \"version\" must hold whole numbers"},
        {"\"dtype\": \"float64\"", "\"dtype\": \"int8\"",
         "manifest field \"dtype\" is \"int8\", expected float64 or float32"},
        {"\"layer_dims\": [2, 4, 1]", "\"layer_dims\": [2, 4, -1]",
         "manifest field \"layer_dims\" must hold whole numbers from 0"},
        {"\"layer_dims\": [2, 4, 1]", "\"layer_dims\": [2, 0, 1]",
         "manifest field \"layer_dims\" holds a layer of size 0"},
        {"\"layer_dims\": [2, 4, 1]", "\"layer_dims\": [2, 4, 1, 1]",
         "manifest field \"activations\" must name one activation per layer: 2 for 4"},
        {"\"layer_dims\": [2, 4, 1]", "\"layer_dims\": \"2 4 1\"",
         "manifest field \"layer_dims\" must be an array"},
        {"\"tanh\", \"sigmoid\"", "\"tanh\", \"swish\"",
         "manifest field \"activations\" holds an unknown activation"},
        {"\"epoch\": 1", "\"epoch\": -1", "manifest field \"epoch\" must hold whole numbers"},
        {"\"step\": 3,", "", "manifest field \"step\" is missing"},
        {"\"name\": \"adam\"", "\"name\": \"rmsprop\"",
         "manifest field \"optimizer.name\" is \"rmsprop\", expected gd, momentum, adam or adamw"},
        {"\"learning_rate\": 0.05", "\"learning_rate\": \"fast\"",
         "manifest field \"optimizer.hyperparameters.learning_rate\" must be a number"},
        {"{\"name\": \"W1.npy\"", "{\"name\": \"../W1.npy\"",
         "manifest field \"files[].name\" is \"../W1.npy\", not a plain <name>.npy"},
        {"{\"name\": \"b2.npy\"", "{\"name\": \"W2.npy\"",
         "manifest field \"files[].name\" lists W2.npy twice"},
        {"{\"name\": \"t.npy\"", "{\"name\": \"t2.npy\"",
         "manifest field \"files\" has no entry for t.npy"},
        {"\"crc32\": ", "\"crc32\": -", "manifest field \"files[].crc32\" must hold whole"},
        {"{\n", "[\n", "not valid JSON: expected ']' at byte 12"},
        {"\"epoch\": 1", "\"epoch\": ", "not valid JSON: unexpected character at byte"},
        {"\"format\"", "format", "not valid JSON: expected a string key at byte 4"},
        {"\"epoch\": 1", "\"epoch\": 1e999", "not valid JSON: number out of range"},
        {"\"epoch\": 1", "\"epoch\": 1 1", "not valid JSON: expected '}' at byte"},
        {"\"xgrad checkpoint\"", "\"xgrad\ncheckpoint\"", "control character in a string"},
        {"\"dtype\": \"float64\"", "\"dtype\": \"float64\", \"dtype\": \"float64\"",
         "duplicate key \"dtype\""},
    };
    for (const Case& c : cases) {
        CAPTURE(c.to);
        const std::string m = with(c.from, c.to);
        CHECK_MESSAGE(m.rfind(path + ": ", 0) == 0, m);
        CHECK_MESSAGE(contains(m, c.message), m);
    }
    // Cut anywhere, the manifest is refused as truncated JSON, never half-read.
    for (std::size_t cut : {good.size() / 3, good.size() / 2, good.size() - 3}) {
        write_text(path, good.substr(0, cut));
        const std::string m = refusal([&] { read_checkpoint_info(dir); });
        CHECK_MESSAGE(contains(m, "not valid JSON"), m);
        CHECK_MESSAGE(contains(m, "truncated?"), m);
    }
    std::string deep(100, '[');
    write_text(path, deep);
    CHECK(contains(refusal([&] { read_checkpoint_info(dir); }), "nested deeper than 32 levels"));
    write_text(path, "[]");
    CHECK(contains(refusal([&] { read_checkpoint_info(dir); }), "the JSON is not an object"));
    write_text(path, good);
    CHECK_NOTHROW(read_checkpoint_info(dir));
}

TEST_CASE("refused: a missing, truncated, corrupt or misshapen array file") {
    TempDir tmp;
    const std::string dir = tmp / "run.ckpt";
    Trained<double> a;
    save_checkpoint(dir, a.model, a.optimizer.get(), {1, 3});
    const std::string version = dir + "/step-3";
    const std::string W1 = version + "/W1.npy";
    const std::string good = read_text(W1);
    Trained<double> b("adam", 0);
    const auto before = b.model.parameter_values();
    auto load = [&] { load_checkpoint(dir, b.model, b.optimizer.get()); };

    fs::remove(W1);
    CHECK(refusal(load) == W1 + ": missing (listed in the manifest)");
    write_text(W1, good.substr(0, good.size() - 8));
    CHECK(refusal(load) == W1 + ": truncated: " + std::to_string(good.size() - 8) +
                               " bytes, the manifest says " + std::to_string(good.size()));
    write_text(W1, good + "x");
    CHECK(contains(refusal(load), W1 + ": wrong size: "));
    std::string flipped = good;
    flipped[flipped.size() - 3] ^= 0x10; // one bit of one weight
    write_text(W1, flipped);
    CHECK(contains(refusal(load), W1 + ": corrupt: CRC-32 "));

    // Consistent with the manifest's size and CRC but not a sound .npy: the reader refuses it.
    std::string bad_header = good;
    bad_header[0] = 'X';
    write_text(W1, bad_header);
    refresh_record(dir, "W1.npy");
    CHECK(contains(refusal(load), W1 + ": not a .npy file: bad magic"));

    // A valid .npy of another shape or dtype, recorded consistently: still refused.
    save_npy<double>(W1, xt::zeros<double>({2, 4}));
    refresh_record(dir, "W1.npy");
    CHECK(refusal(load) == W1 + ": has shape (2, 4), the manifest says (4, 2)");
    save_npy<float>(W1, xt::zeros<float>({4, 2}));
    refresh_record(dir, "W1.npy");
    CHECK(refusal(load) == W1 + ": holds dtype '<f4', expected float64 as the manifest says");

    // A damaged optimiser state file, after sound parameters: nothing was changed.
    write_text(W1, good);
    refresh_record(dir, "W1.npy");
    const std::string s = version + "/s_db2.npy";
    write_text(s, read_text(s).substr(0, 20));
    CHECK(contains(refusal(load), s + ": truncated: 20 bytes"));
    CHECK(same(before, b.model.parameter_values()));
    CHECK(dynamic_cast<nn::Adam<double>&>(*b.optimizer).t() == 0);
}

TEST_CASE("refused: a checkpoint that does not fit the model or optimiser loaded into") {
    TempDir tmp;
    const std::string dir = tmp / "run.ckpt";
    Trained<double> a;
    save_checkpoint(dir, a.model, a.optimizer.get(), {1, 3});
    const std::string manifest = manifest_path(dir);
    using nn::Activation;

    nn::Model<float> single({2, 4, 1}, {Activation::tanh, Activation::sigmoid});
    CHECK(refusal([&] { load_checkpoint(dir, single); }) ==
          manifest + ": holds float64 values; the model is float32 (load it with that dtype)");

    nn::Model<double> wider({2, 5, 1}, {Activation::tanh, Activation::sigmoid});
    CHECK(refusal([&] { load_checkpoint(dir, wider); }) ==
          manifest + ": architecture mismatch: the checkpoint is 2 -> 4 (tanh) -> 1 (sigmoid), "
                     "the model is 2 -> 5 (tanh) -> 1 (sigmoid)");
    nn::Model<double> relu({2, 4, 1}, {Activation::relu, Activation::sigmoid});
    CHECK(contains(refusal([&] { load_checkpoint(dir, relu); }),
                   "the model is 2 -> 4 (relu) -> 1 (sigmoid)"));
    nn::Model<double> deeper({2, 4, 4, 1},
                             {Activation::tanh, Activation::tanh, Activation::sigmoid});
    CHECK(contains(refusal([&] { load_checkpoint(dir, deeper); }), "architecture mismatch"));

    nn::Model<double> model({2, 4, 1}, {Activation::tanh, Activation::sigmoid});
    nn::Momentum<double> momentum(model.parameters(), 0.1);
    CHECK(refusal([&] { load_checkpoint(dir, model, &momentum); }) ==
          manifest + ": holds adam optimiser state, but the optimiser given is momentum");

    // Parameters only: saved without an optimiser, it cannot resume one.
    const std::string bare = tmp / "bare.ckpt";
    save_checkpoint<double>(bare, a.model, nullptr);
    nn::Adam<double> adam(model.parameters(), 0.1);
    CHECK(refusal([&] { load_checkpoint(bare, model, &adam); }) ==
          manifest_path(bare) + ": holds no optimiser state; the adam optimiser given needs it "
                                "(pass none to load the parameters only)");
    CHECK_NOTHROW(load_checkpoint(bare, model));
    CHECK(same(a.model.parameter_values(), model.parameter_values()));

    // Saving refuses paths it cannot use, and a model without layers.
    write_text(tmp / "plain-file", "x");
    CHECK(contains(refusal([&] { save_checkpoint<double>(tmp / "plain-file", a.model, nullptr); }),
                   "plain-file: "));
    CHECK(contains(
        refusal([&] { save_checkpoint<double>(tmp / "plain-file/sub", a.model, nullptr); }),
        "cannot create the checkpoint directory"));
    CHECK(refusal([&] { save_checkpoint<double>(tmp / "x", nn::Model<double>(), nullptr); }) ==
          tmp / "x" + ": cannot save a model without layers");
}
