// The `xgrad` program, run as a user runs it: exit codes, messages, the gradient check and its
// planted bug, the .npy interchange round trip, and a short training run.
//
// The binary is found in XGRAD_BUILD_DIR (set by ctest) or next to this test's executable.
#include "autograd/autograd.hpp"
#include "io/npy.hpp"

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>

using namespace xgrad;
namespace fs = std::filesystem;

namespace {

fs::path xgrad_binary() {
    if (const char* dir = std::getenv("XGRAD_BUILD_DIR"))
        return fs::path(dir) / "xgrad";
    return fs::read_symlink("/proc/self/exe").parent_path() / "xgrad";
}

// A scratch directory of this process, removed at exit.
struct Scratch {
    fs::path dir = fs::temp_directory_path() / ("xgrad-test-cli-" + std::to_string(::getpid()));
    Scratch() { fs::create_directories(dir); }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};
const Scratch& scratch() {
    static const Scratch s;
    return s;
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct Run {
    int exit_code = -1;
    std::string out, err;
};

// Runs `xgrad <args>` through the shell (args are quoted by the caller where needed).
Run run_xgrad(const std::string& args) {
    const fs::path bin = xgrad_binary();
    REQUIRE_MESSAGE(fs::exists(bin),
                    "no xgrad program at " << bin.string() << ": build the xgrad_cli target");
    const fs::path out = scratch().dir / "stdout.txt", err = scratch().dir / "stderr.txt";
    const std::string command = "'" + bin.string() + "' " + args + " > '" + out.string() +
                                "' 2> '" + err.string() + "' < /dev/null";
    const int status = std::system(command.c_str());
    Run r;
    REQUIRE_MESSAGE(WIFEXITED(status),
                    "xgrad " << args << " did not exit normally (status " << status << ")");
    r.exit_code = WEXITSTATUS(status);
    r.out = read_text(out);
    r.err = read_text(err);
    return r;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

Array<double> randn(std::size_t rows, std::size_t cols, std::mt19937& generator) {
    std::normal_distribution<double> normal(0.0, 1.0);
    Array<double> a = Array<double>::from_shape({rows, cols});
    for (double& x : a)
        x = normal(generator);
    return a;
}

} // namespace

TEST_CASE("xgrad help lists the commands and exits 0") {
    for (const char* args : {"help", "", "--help"}) {
        CAPTURE(args);
        const Run r = run_xgrad(args);
        CHECK(r.exit_code == 0);
        for (const char* command : {"train", "check", "graph", "demo"})
            CHECK(contains(r.out, command));
    }
    const Run sub = run_xgrad("train --help");
    CHECK(sub.exit_code == 0);
    CHECK(contains(sub.out, "--epochs"));
}

TEST_CASE("a bad command line exits 2 with the reason and the usage") {
    struct Case {
        const char* args;
        const char* message;
    };
    const Case cases[] = {
        {"train --bogus", "unknown flag --bogus"},
        {"train --epochs abc", "--epochs 'abc' is not an integer"},
        {"train --epochs", "--epochs needs a value"},
        {"train --lr -1", "--lr -1 is out of range"},
        {"train --data mnist", "--data 'mnist' is not one of"},
        {"train --layers 3,8,1", "has 2 inputs"},
        {"train --activations relu", "has 2 layers"},
        {"check --activations relu,relu,bogus", "bogus"},
        {"check --layers 4,x,1", "'x' is not a layer size"},
        {"check --X X.npy", "--params is missing"},
        {"check stray", "unexpected argument 'stray'"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.args);
        const Run r = run_xgrad(c.args);
        CHECK(r.exit_code == 2);
        CHECK(contains(r.err, c.message));
        CHECK(contains(r.err, "usage: xgrad"));
    }
    const Run unknown = run_xgrad("frobnicate");
    CHECK(unknown.exit_code == 2);
    CHECK(contains(unknown.err, "unknown command 'frobnicate'"));
}

TEST_CASE("xgrad check passes on a random network and catches the course's planted bug") {
    const Run ok = run_xgrad("check --layers 4,5,3,1 --m 5 --seed 3");
    CHECK(ok.exit_code == 0);
    CHECK(contains(ok.out, "every tensor agrees"));
    CHECK(contains(ok.out, "dW2"));

    const Run bug = run_xgrad("check --layers 4,5,3,1 --m 5 --seed 3 --planted-bug");
    CHECK(bug.exit_code != 0);
    CHECK(bug.exit_code == 3);
    CHECK(contains(bug.out, "first tensor that disagrees: dW2"));
    CHECK(contains(bug.out, "failing: dW2 db1\n"));
    CHECK(contains(bug.err, "FAILED: dW2 db1"));
}

TEST_CASE("xgrad check reads parameters from .npy files and writes the autodiff gradients") {
    const fs::path dir = scratch().dir / "interchange";
    const fs::path params = dir / "params", out = dir / "grads";
    std::mt19937 generator(7);
    const std::vector<std::size_t> dims = {3, 4, 2, 1};
    std::map<std::string, Array<double>> P;
    for (std::size_t l = 1; l < dims.size(); ++l) {
        P["W" + std::to_string(l)] = randn(dims[l], dims[l - 1], generator);
        P["b" + std::to_string(l)] = randn(dims[l], 1, generator) * 0.1;
    }
    const std::size_t m = 6;
    const Array<double> X = randn(3, m, generator);
    const Array<double> Y = {{1, 0, 0, 1, 1, 0}};
    io::save_npy_dir(params.string(), P);
    io::save_npy((dir / "X.npy").string(), X);
    io::save_npy((dir / "Y.npy").string(), Y);

    const Run r = run_xgrad("check --params '" + params.string() + "' --X '" +
                            (dir / "X.npy").string() + "' --Y '" + (dir / "Y.npy").string() +
                            "' --activations tanh,leaky_relu,sigmoid --out '" + out.string() + "'");
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "every tensor agrees"));

    // The same gradients from the engine, written out here: tanh, leaky relu, sigmoid with the
    // cross-entropy from the logits.
    std::map<std::string, Tensor<double>> T;
    for (const auto& [key, value] : P)
        T.emplace(key, Tensor<double>(value, true, key));
    const Tensor<double> A1 = tanh(linear(T.at("W1"), Tensor<double>(X), T.at("b1")));
    const Tensor<double> A2 = leaky_relu(linear(T.at("W2"), A1, T.at("b2")));
    const Tensor<double> J =
        binary_cross_entropy_with_logits(linear(T.at("W3"), A2, T.at("b3")), Tensor<double>(Y));
    J.backward();
    for (const auto& [name, tensor] : T) {
        const std::string& key = name; // CAPTURE's lambda can't capture a structured binding
        CAPTURE(key);
        const Array<double> written = io::load_npy<double>((out / ("d" + key + ".npy")).string());
        REQUIRE(written.shape() == tensor.grad().shape());
        CHECK(xt::amax(xt::abs(written - tensor.grad()))() <= 1e-12);
    }
}

TEST_CASE("xgrad check names a missing or corrupt file and exits 1") {
    const fs::path dir = scratch().dir / "broken";
    fs::create_directories(dir / "params");
    std::mt19937 generator(1);
    io::save_npy((dir / "params" / "W1.npy").string(), randn(1, 2, generator));
    io::save_npy((dir / "X.npy").string(), randn(2, 3, generator));
    io::save_npy((dir / "Y.npy").string(), Array<double>{{1, 0, 1}});
    const std::string files = " --X '" + (dir / "X.npy").string() + "' --Y '" +
                              (dir / "Y.npy").string() + "' --activations sigmoid";

    const Run missing = run_xgrad("check --params '" + (dir / "params").string() + "'" + files);
    CHECK(missing.exit_code == 1);
    CHECK(contains(missing.err, (dir / "params" / "b1.npy").string()));
    CHECK(contains(missing.err, "cannot open"));

    // b1.npy cut short: the reader says where and what.
    io::save_npy((dir / "params" / "b1.npy").string(),
                   Array<double>(xt::ones<double>({1, 1}) * 0.5));
    const std::string whole = read_text(dir / "params" / "b1.npy");
    std::ofstream((dir / "params" / "b1.npy").string(), std::ios::binary)
        << whole.substr(0, whole.size() - 3);
    const Run corrupt = run_xgrad("check --params '" + (dir / "params").string() + "'" + files);
    CHECK(corrupt.exit_code == 1);
    CHECK(contains(corrupt.err, (dir / "params" / "b1.npy").string()));
    CHECK(contains(corrupt.err, "truncated"));
}

TEST_CASE("xgrad train on the planar data reports train and test accuracy") {
    const Run r = run_xgrad("train --epochs 300 --every 100");
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "train accuracy 0."));
    CHECK(contains(r.out, "test accuracy  0."));
    CHECK(contains(r.out, "trained 300 epochs in"));
    // Without a terminal the progress bar prints whole lines, never a carriage return.
    CHECK(contains(r.err, "epoch 100/300"));
    CHECK(contains(r.err, "epoch 300/300"));
    CHECK_FALSE(contains(r.err, "\r"));
    CHECK_FALSE(contains(r.err, "epoch 150/300"));

    const Run missing = run_xgrad("train --data fashion10 --data-dir '" +
                                  (scratch().dir / "no-such-dir").string() + "'");
    CHECK(missing.exit_code == 1);
    CHECK(contains(missing.err, "no-such-dir/train-images-idx3-ubyte.gz"));
    CHECK(contains(missing.err, "dataset-fashion-mnist"));
}

TEST_CASE("xgrad train --resume continues exactly where --checkpoint left off") {
    const fs::path ckpt = scratch().dir / "run.ckpt", svg = scratch().dir / "curves.svg";
    const std::string common = " --batch-size 64 --decay 0.99";
    const Run straight = run_xgrad("train --epochs 40" + common);
    const Run first =
        run_xgrad("train --epochs 20" + common + " --checkpoint '" + ckpt.string() + "'");
    const Run resumed = run_xgrad("train --epochs 40 --resume '" + ckpt.string() + "' --plot '" +
                                  svg.string() + "'");
    REQUIRE(straight.exit_code == 0);
    REQUIRE(first.exit_code == 0);
    REQUIRE(resumed.exit_code == 0);
    CHECK(contains(resumed.out, "resumed   from"));
    CHECK(contains(resumed.out, "trained 20 epochs"));
    // Same shuffles, same optimiser state, same decayed learning rate: the same model.
    auto report = [](const std::string& out) { return out.substr(out.find("train accuracy")); };
    CHECK(report(resumed.out).substr(0, 100) == report(straight.out).substr(0, 100));
    CHECK(contains(read_text(svg), "<svg"));

    const Run conflict = run_xgrad("train --resume '" + ckpt.string() + "' --hidden 4");
    CHECK(conflict.exit_code == 2);
    CHECK(contains(conflict.err, "--hidden cannot be combined with --resume"));
    const Run missing = run_xgrad("train --resume '" + (scratch().dir / "nothing").string() + "'");
    CHECK(missing.exit_code == 1);
    CHECK(contains(missing.err, "nothing"));
}
