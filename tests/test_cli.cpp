// The `xgrad` program, run as a user runs it: exit codes, messages, the gradient check and its
// planted bug, the .npy interchange round trip, and a short training run.
//
// The binary is found in XGRAD_BUILD_DIR (set by ctest) or next to this test's executable.
#include "autograd/autograd.hpp"
#include "autograd/inspect/render.hpp"
#include "autograd/kernels/vector_width.hpp"
#include "cli/common.hpp"
#include "io/npy.hpp"

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

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

TEST_CASE("xgrad demo, the README's main job: trains, checks three ways, catches the bug, "
          "writes the graph") {
    const fs::path out = scratch().dir / "demo";
    const Run r = run_xgrad("demo --out '" + out.string() + "'");
    REQUIRE(r.exit_code == 0);
    for (const char* heading :
         {"== 1. xgrad train", "== 2. xgrad train --data fashion-binary", "== 3. xgrad check",
          "== 4. xgrad check --planted-bug", "== 5. xgrad graph"})
        CHECK(contains(r.out, heading));
    CHECK_FALSE(
        contains(r.out, "skipped")); // the Fashion-MNIST part ran (tools/run.sh installs it)
    CHECK(contains(r.out, "(2,000 examples)")); // fashion-binary's test set
    CHECK(contains(r.out, "every tensor agrees"));
    CHECK(contains(r.out, "failing: dW2 db1"));
    CHECK(contains(r.out, "caught: exactly the two tensors the planted bug changes"));
    std::vector<const char*> files = {"graph.txt", "graph.dot", "graph.json"};
    if (xgrad::graphviz::available()) // the SVG is drawn by Graphviz's dot
        files.push_back("graph.svg");
    for (const char* file : files) {
        CAPTURE(file);
        CHECK(read_text(out / file).size() > 100);
    }
    CHECK(read_text(out / "graph.json").rfind("{", 0) == 0);
    if (xgrad::graphviz::available())
        CHECK(contains(read_text(out / "graph.svg"), "</svg>"));
}

TEST_CASE("a bad command line exits 2 with the reason and one line on where to get help") {
    struct Case {
        const char* args;
        const char* message;
    };
    const Case cases[] = {
        {"train --bogus", "unknown flag --bogus\n"}, // nothing near it: no guess
        {"train --epcohs 3", "unknown flag --epcohs (did you mean --epochs?)"},
        {"train --m 3", "unknown flag --m\n"}, // too short to guess: not --lr
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
        // Not the whole usage, which would scroll the error off the screen: the error, then
        // the command to run for the options.
        const std::string command = std::string(c.args).substr(0, std::string(c.args).find(' '));
        CHECK(contains(r.err, "\nrun `xgrad " + command + " --help` for the options\n"));
        CHECK_FALSE(contains(r.err, "usage: xgrad"));
        // Errors found once the data set is known follow its "loading planar ..." line.
        const std::string loading = "loading planar ...\n";
        const std::string err = r.err.rfind(loading, 0) == 0 ? r.err.substr(loading.size()) : r.err;
        CHECK(std::count(err.begin(), err.end(), '\n') == 2);
    }
    const Run unknown = run_xgrad("frobnicate");
    CHECK(unknown.exit_code == 2);
    CHECK(contains(unknown.err, "unknown command 'frobnicate'"));
    CHECK(contains(unknown.err, "run `xgrad help` for the commands"));
    CHECK(std::count(unknown.err.begin(), unknown.err.end(), '\n') == 2);
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
    // It says that the data set is loading, then how long it took.
    CHECK(contains(r.err, "loading planar ...\n"));
    CHECK(contains(r.out, "test examples, loaded in "));
    // Which gemm it runs: the library, its kernels and threads (ctest sets one thread).
    CHECK(contains(r.out, "  blas      OpenBLAS "));
    CHECK(contains(r.out, " kernels, 1 thread"));
    // And how wide the optimisers' loops run.
    CHECK(contains(r.out, "  loops     " + kernels::describe_vector_width() + "\n"));
    CHECK(contains(r.err, "epoch 300/300"));
    CHECK_FALSE(contains(r.err, "\r"));
    CHECK_FALSE(contains(r.err, "epoch 150/300"));

    const Run missing = run_xgrad("train --data fashion10 --data-dir '" +
                                  (scratch().dir / "no-such-dir").string() + "'");
    CHECK(missing.exit_code == 1);
    CHECK(contains(missing.err, "no-such-dir/train-images-idx3-ubyte.gz"));
    CHECK(contains(missing.err, "dataset-fashion-mnist"));
}

TEST_CASE("xgrad train --lr 1000 --optimizer gd: the loss grows, finite, and the run says so") {
    // Found by a new user: the loss went from 0.76 to 419 and the run exited 0.
    const Run r = run_xgrad("train --lr 1000 --optimizer gd --epochs 300");
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "xgrad train: the loss is "));
    CHECK(contains(r.err, "times where the run started"));
    CHECK(contains(r.err, "training diverged. Try --lr 10 times smaller (now 1000)"));
    CHECK_FALSE(contains(r.out, "train accuracy"));
    // The default run is healthy and is left alone.
    CHECK(run_xgrad("train --epochs 50").exit_code == 0);
}

TEST_CASE("xgrad train --plot: the path is checked before training; .png gets a PNG") {
    const Run missing = run_xgrad("train --epochs 5 --plot '" +
                                  (scratch().dir / "no-such-dir" / "curves.svg").string() + "'");
    CHECK(missing.exit_code == 1);
    CHECK(contains(missing.err, "no-such-dir/curves.svg: the directory"));
    CHECK(contains(missing.err, "does not exist"));
    CHECK(missing.out.empty()); // nothing loaded, nothing trained
    const Run jpg =
        run_xgrad("train --epochs 5 --plot '" + (scratch().dir / "c.jpg").string() + "'");
    CHECK(jpg.exit_code == 2); // the name on the command line, not the file system
    CHECK(contains(jpg.err, "--plot "));
    CHECK(contains(jpg.err, "a plot is written as .svg or .png, not '.jpg'"));
    CHECK(jpg.out.empty());

    const fs::path png = scratch().dir / "curves.png";
    const Run r = run_xgrad("train --epochs 5 --plot '" + png.string() + "'");
    REQUIRE(r.exit_code == 0);
    CHECK(contains(r.out, "plot           " + png.string()));
    CHECK(read_text(png).substr(0, 8) == "\x89PNG\r\n\x1a\n");
}

TEST_CASE("on a terminal each reported epoch keeps its line; only the current one redraws") {
    std::FILE* out = std::tmpfile();
    REQUIRE(out != nullptr);
    cli::ProgressBar bar(out, /*tty*/ true, 3, 1);
    for (std::size_t e = 1; e <= 3; ++e) {
        bar.batch(nn::BatchProgress{e, 3, 1, 2, 50, 100, 0.5, 0.1});
        bar.epoch(nn::EpochStats{e, 0.5 / double(e), 0.8, 0.2, 0.01}, 100);
    }
    bar.finish();
    std::rewind(out);
    std::string text;
    for (int c; (c = std::fgetc(out)) != EOF;)
        text += static_cast<char>(c);
    std::fclose(out);
    // What a terminal shows of each line is what follows its last carriage return.
    std::vector<std::string> shown;
    std::stringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        shown.push_back(
            line.substr(line.rfind('\r') == std::string::npos ? 0 : line.rfind('\r') + 1));
    REQUIRE(shown.size() == 3);
    for (std::size_t e = 1; e <= 3; ++e) {
        CAPTURE(shown[e - 1]);
        CHECK(shown[e - 1].rfind("epoch " + std::to_string(e) + "/3 [", 0) == 0);
        CHECK(contains(shown[e - 1], "acc 0.8000"));
    }
}

TEST_CASE("xgrad train's data sets are checked as fit checks them, naming the file") {
    cli::TrainTest<double> data;
    data.train.X = xt::zeros<double>({784, 4});
    data.train.Y = xt::zeros<double>({10, 4});
    for (std::size_t j = 0; j < 4; ++j)
        data.train.Y(j, j) = 1;
    data.test = data.train;
    CHECK_NOTHROW(cli::check_data(data, cli::DataKind::fashion10, "/data"));
    data.train.X(5, 2) = std::nan("");
    try {
        cli::check_data(data, cli::DataKind::fashion10, "/data");
        FAIL("no DataError");
    } catch (const nn::DataError& e) {
        CHECK(e.name() == "X_train");
        CHECK(e.file() == "/data/train-images-idx3-ubyte");
        CHECK(contains(e.what(), "X_train[5, 2] is nan"));
    }
    data.train.X(5, 2) = 0;
    data.test.Y(3, 3) = 0; // a column of zeros
    CHECK_THROWS_WITH_AS(cli::check_data(data, cli::DataKind::fashion10, "/data"),
                         doctest::Contains("/data/t10k-labels-idx1-ubyte: Y_test[:, 3] sums to 0"),
                         nn::DataError);
    cli::TrainTest<double> planar;
    planar.train.X = xt::zeros<double>({2, 3});
    planar.train.Y = Array<double>{{0, 1, 3}};
    planar.test = planar.train;
    CHECK_THROWS_WITH_AS(cli::check_data(planar, cli::DataKind::planar, ""),
                         "Y_train[0, 2] is 3: the labels of a sigmoid output are 0 or 1 (neither: "
                         "1 of 3 entries)",
                         nn::DataError);
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

// ---- a learner's own gradients: xgrad check --grads ------------------------------------------

namespace {

// Debian's python3 with numpy, which the end-to-end tests of --grads run as the learner's
// notebook. Without it the test fails, unless XGRAD_ALLOW_NO_NUMPY is set: then it says that
// it checked nothing.
bool have_numpy() {
    if (std::system("/usr/bin/python3 -c 'import numpy' > /dev/null 2>&1") == 0)
        return true;
    if (std::getenv("XGRAD_ALLOW_NO_NUMPY")) {
        MESSAGE("NOT RUN: /usr/bin/python3 with numpy is missing (python3-numpy) and "
                "XGRAD_ALLOW_NO_NUMPY is set: the numpy end-to-end test checked nothing");
        return false;
    }
    FAIL("/usr/bin/python3 with numpy is missing: install python3-numpy, or set "
         "XGRAD_ALLOW_NO_NUMPY=1 to let this test check nothing");
    return false;
}

// tests/python/course_backprop.py: the course's L_model_forward and L_model_backward in numpy,
// writing params/, X.npy, Y.npy and grads/ to dir.
void run_course_backprop(const fs::path& dir, const std::string& args) {
    const std::string script = std::string(XGRAD_SOURCE_DIR) + "/tests/python/course_backprop.py";
    const std::string command = "/usr/bin/python3 '" + script + "' '" + dir.string() + "' " + args +
                                " > '" + (dir.string() + ".log") + "' 2>&1";
    fs::create_directories(dir);
    const int status = std::system(command.c_str());
    REQUIRE_MESSAGE(status == 0, command << " failed: " << read_text(dir.string() + ".log"));
}

std::string check_args(const fs::path& dir) {
    return "check --params '" + (dir / "params").string() + "' --X '" + (dir / "X.npy").string() +
           "' --Y '" + (dir / "Y.npy").string() + "' --activations relu,relu,sigmoid";
}

// A .npy file of int64 zeros, as numpy writes np.zeros(shape, dtype=np.int64).
void save_int64_npy(const fs::path& path, std::size_t rows, std::size_t cols) {
    std::string header = "{'descr': '<i8', 'fortran_order': False, 'shape': (" +
                         std::to_string(rows) + ", " + std::to_string(cols) + "), }";
    header.append(64 - (10 + header.size() + 1) % 64, ' ');
    header += '\n';
    std::string bytes = "\x93NUMPY";
    bytes += '\x01';
    bytes += '\x00';
    bytes += static_cast<char>(header.size() & 0xff);
    bytes += static_cast<char>(header.size() >> 8);
    bytes += header;
    bytes.append(rows * cols * 8, '\0');
    std::ofstream(path, std::ios::binary) << bytes;
}

} // namespace

TEST_CASE("xgrad check --grads names dW2 * 1.01 in gradients written by numpy, and exits 3") {
    if (!have_numpy())
        return;
    const fs::path bug = scratch().dir / "numpy-bug";
    run_course_backprop(bug, "--plant dW2=1.01");
    const Run r = run_xgrad(check_args(bug) + " --grads '" + (bug / "grads").string() + "'");
    CHECK(r.exit_code == 3);
    CHECK(contains(r.out,
                   "first of yours that is wrong: dW2, layer 2, shape (3, 5); worst entry dW2["));
    CHECK(contains(r.out, "hint: yours = 1.01 x autodiff's at every entry"));
    CHECK(contains(r.out, "failing: dW2\n"));
    CHECK(contains(r.out, "yours: not found, so not checked: dZ1.npy dZ2.npy dZ3.npy"));
    CHECK(contains(r.err, "FAILED: dW2"));
    // The same without --grads: the course's formulas in C++ agree with the engine.
    CHECK(run_xgrad(check_args(bug)).exit_code == 0);

    const fs::path right = scratch().dir / "numpy-right";
    run_course_backprop(right, "--dZ");
    const Run ok = run_xgrad(check_args(right) + " --grads '" + (right / "grads").string() + "'");
    CHECK(ok.exit_code == 0);
    CHECK(contains(ok.out, "every tensor of yours supplied agrees with autodiff"));
    CHECK_FALSE(contains(ok.out, "not found"));
    CHECK_FALSE(contains(ok.out, "not supplied"));
}

TEST_CASE("xgrad check --grads: files missing, of the wrong shape or dtype") {
    const fs::path dir = scratch().dir / "learner";
    std::mt19937 generator(3);
    const std::vector<std::size_t> dims = {4, 5, 3, 1};
    std::map<std::string, Array<double>> P;
    for (std::size_t l = 1; l < dims.size(); ++l) {
        P["W" + std::to_string(l)] = randn(dims[l], dims[l - 1], generator) * 0.5;
        P["b" + std::to_string(l)] = randn(dims[l], 1, generator) * 0.1;
    }
    io::save_npy_dir((dir / "params").string(), P);
    io::save_npy((dir / "X.npy").string(), randn(4, 6, generator));
    io::save_npy((dir / "Y.npy").string(), Array<double>{{1, 0, 0, 1, 1, 0}});
    // The engine's own gradients, written by --out, stand in for a learner's correct ones.
    const fs::path grads = dir / "grads";
    const Run out = run_xgrad(check_args(dir) + " --out '" + grads.string() + "'");
    REQUIRE(out.exit_code == 0);
    for (const char* name : {"dW1", "db3", "dZ1", "dZ3", "dA0", "dA2"}) {
        CAPTURE(name);
        CHECK(fs::exists(grads / (std::string(name) + ".npy")));
    }
    CHECK(contains(out.out, "dZ1.npy"));
    const std::string with_grads = check_args(dir) + " --grads '" + grads.string() + "'";

    SUBCASE("all there: exit 0") {
        const Run r = run_xgrad(with_grads);
        CHECK(r.exit_code == 0);
        CHECK_FALSE(contains(r.out, "not found"));
    }
    SUBCASE("some missing: the rest checked, the missing named") {
        fs::remove(grads / "dZ2.npy");
        fs::remove(grads / "dA1.npy");
        io::save_npy((grads / "notes.npy").string(), Array<double>(xt::ones<double>({2, 2})));
        const Run r = run_xgrad(with_grads);
        CHECK(r.exit_code == 0);
        CHECK(contains(r.out, "yours: not found, so not checked: dZ2.npy dA1.npy"));
        CHECK(
            contains(r.out, "yours: ignored (not a gradient of this 3-layer network): notes.npy"));
        CHECK(contains(r.out, "not checked (not among yours): dZ2 dA1"));
    }
    SUBCASE("none there: an error") {
        fs::remove_all(grads);
        fs::create_directories(grads);
        const Run r = run_xgrad(with_grads);
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, "none of your gradient files"));
    }
    SUBCASE("a transposed dW: named, with the hint, exit 3") {
        const Array<double> dW1 = io::load_npy<double>((grads / "dW1.npy").string());
        io::save_npy((grads / "dW1.npy").string(), Array<double>(xt::transpose(dW1)));
        const Run r = run_xgrad(with_grads);
        CHECK(r.exit_code == 3);
        CHECK(contains(r.out, "first of yours that is wrong: dW1, layer 1, shape (5, 4)"));
        CHECK(contains(r.out, "yours has shape (4, 5), the transpose of dW1's (5, 4)"));
    }
    SUBCASE("a factor 2 in db2: named, with the ratio, exit 3") {
        const Array<double> db2 = io::load_npy<double>((grads / "db2.npy").string());
        io::save_npy((grads / "db2.npy").string(), Array<double>(db2 * 2.0));
        const Run r = run_xgrad(with_grads);
        CHECK(r.exit_code == 3);
        CHECK(contains(r.out, "first of yours that is wrong: db2"));
        CHECK(contains(r.out, "yours = 2 x autodiff's"));
    }
    SUBCASE("the wrong shape: exit 1 naming the file and the shape meant") {
        io::save_npy((grads / "dZ2.npy").string(), randn(3, 5, generator));
        const Run r = run_xgrad(with_grads);
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, (grads / "dZ2.npy").string()));
        CHECK(contains(r.err, "dZ2 has shape (3, 5) but (3, 6) is meant"));
    }
    SUBCASE("a rank-1 db: exit 1 with the course's advice") {
        io::save_npy((grads / "db1.npy").string(), Array<double>(xt::zeros<double>({5})));
        const Run r = run_xgrad(with_grads);
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, (grads / "db1.npy").string()));
        CHECK(contains(r.err,
                       "db1 has shape (5,), a rank-1 array, where the course's db1 is (5, 1)"));
        CHECK(contains(r.err, "a note on python/numpy vectors"));
    }
    SUBCASE("an integer dtype: exit 1 naming the file and the shape meant") {
        save_int64_npy(grads / "dW3.npy", 1, 3);
        const Run r = run_xgrad(with_grads);
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, (grads / "dW3.npy").string()));
        CHECK(contains(r.err, "dtype '<i8'"));
        CHECK(contains(r.err, "(1, 3)"));
    }
    SUBCASE("--grads without --params, or with --planted-bug: a usage error") {
        CHECK(run_xgrad("check --grads '" + grads.string() + "'").exit_code == 2);
        CHECK(run_xgrad(with_grads + " --planted-bug").exit_code == 2);
    }
}

TEST_CASE("xgrad check refuses NaN in X, labels not 0/1, rank-1 arrays, naming file and entry") {
    const fs::path dir = scratch().dir / "bad-data";
    std::mt19937 generator(4);
    std::map<std::string, Array<double>> P = {{"W1", randn(4, 3, generator)},
                                              {"b1", randn(4, 1, generator)},
                                              {"W2", randn(1, 4, generator)},
                                              {"b2", randn(1, 1, generator)}};
    Array<double> X = randn(3, 5, generator);
    Array<double> Y = {{1, 0, 1, 1, 0}};
    auto write = [&] {
        fs::remove_all(dir);
        io::save_npy_dir((dir / "params").string(), P);
        io::save_npy((dir / "X.npy").string(), X);
        io::save_npy((dir / "Y.npy").string(), Y);
    };
    const std::string args = "check --params '" + (dir / "params").string() + "' --X '" +
                             (dir / "X.npy").string() + "' --Y '" + (dir / "Y.npy").string() +
                             "' --activations relu,sigmoid";
    write();
    REQUIRE(run_xgrad(args).exit_code == 0);

    SUBCASE("NaN in X: named, not reported later as a failure of dW1") {
        X(1, 2) = std::nan("");
        write();
        const Run r = run_xgrad(args);
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, (dir / "X.npy").string() + ": X[1, 2] is nan"));
        CHECK_FALSE(contains(r.out, "dW1"));
    }
    SUBCASE("Inf in Y") {
        Y(0, 3) = INFINITY;
        write();
        const Run r = run_xgrad(args);
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, (dir / "Y.npy").string() + ": Y[0, 3] is inf"));
    }
    SUBCASE("a label of 2 for a sigmoid output") {
        Y(0, 4) = 2;
        write();
        const Run r = run_xgrad(args);
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, (dir / "Y.npy").string() + ": Y[0, 4] is 2"));
        CHECK(contains(r.err, "labels of a sigmoid output are 0 or 1"));
    }
    SUBCASE("b1 saved as numpy's rank-1 (4,)") {
        P["b1"] = Array<double>(xt::zeros<double>({4}));
        write();
        const Run r = run_xgrad(args);
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, (dir / "params" / "b1.npy").string()));
        CHECK(
            contains(r.err, "b1 has shape (4,), a rank-1 array, where the course's b1 is (4, 1)"));
        CHECK(contains(r.err, "b1.reshape(4, 1)"));
    }
    SUBCASE("Y saved as a rank-1 (m,) for a sigmoid output") {
        Y = Array<double>{1, 0, 1, 1, 0};
        write();
        const Run r = run_xgrad(args);
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, "Y has shape (5,), a rank-1 array, where the course's Y is (1, 5)"));
    }
    SUBCASE("NaN in a parameter") {
        P["W2"](0, 1) = std::nan("");
        write();
        const Run r = run_xgrad(args);
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, (dir / "params" / "W2.npy").string() + ": W2[0, 1] is nan"));
    }
    SUBCASE("W2 saved transposed: named by its file, not blamed on b2") {
        P["W2"] = Array<double>(xt::transpose(P["W2"]));
        write();
        const Run r = run_xgrad(args);
        CHECK(r.exit_code == 1);
        CHECK(
            contains(r.err, (dir / "params" / "W2.npy").string() +
                                ": W2 has shape (4, 1) but W1 has 4 rows, so W2 must be (n_2, 4)"));
        CHECK(contains(r.err, "transposed"));
    }
    SUBCASE("Y saved transposed, (m, 1)") {
        Y = Array<double>(xt::transpose(Y));
        write();
        const Run r = run_xgrad(args);
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, "Y has shape (5, 1) but the network's output for X is (1, 5)"));
        CHECK(contains(r.err, "yours is transposed: save Y.T"));
    }
}

TEST_CASE("xgrad course lists the assignments and runs one; an unknown name is a usage error") {
    const Run list = run_xgrad("course");
    CHECK(list.exit_code == 0);
    CHECK(contains(list.out, "c1w3-planar"));
    CHECK(contains(list.out, "c1w4-step-by-step"));

    const Run step = run_xgrad("course c1w4-step-by-step");
    CHECK(step.exit_code == 0);
    CHECK(
        contains(step.out, "W1 = [[ 0.01788628  0.0043651   0.00096497 -0.01863493 -0.00277388]"));
    CHECK(contains(step.out, "lines agree with the notebook"));
    CHECK(!contains(step.out, "DIFFERS"));

    const Run unknown = run_xgrad("course c9w9-nothing");
    CHECK(unknown.exit_code == 2);
    CHECK(contains(unknown.err, "no assignment 'c9w9-nothing'"));
}
