// `xgrad demo`: the project's main job in one command. Trains the planar network (and, when the
// dataset package is installed, the course's week 4 network on binary Fashion-MNIST), checks
// the trained network's gradients against the course's formulas and finite differences,
// shows that a planted bug is caught, and draws the computation graph.

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/graph_files.hpp"
#include "cli/train.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace xgrad::cli {

Flags demo_flags() {
    Flags f("xgrad demo",
            "Trains a network on the planar data (and on binary Fashion-MNIST when installed),\n"
            "compares its gradients layer by layer, and draws its computation graph.");
    f.option("out", "DIR", (std::filesystem::temp_directory_path() / "xgrad-demo").string(),
             "where the graph files go")
        .option("data-dir", "DIR", io::fashion_mnist_dir, "where the Fashion-MNIST files are")
        .flag("no-fashion", "skip the Fashion-MNIST part");
    return f;
}

namespace {

void heading(const std::string& text) {
    std::fflush(stdout);
    std::cout << "\n== " << text << " " << std::string(text.size() < 84 ? 84 - text.size() : 2, '=')
              << "\n"
              << std::flush;
}

TrainSettings demo_settings(DataKind kind, const std::string& data_dir) {
    TrainSettings s;
    const Defaults d = defaults_for(kind);
    s.net.data = kind;
    s.net.data_dir = data_dir;
    s.net.hidden = d.hidden;
    s.net.init = nn::parse_init(d.init);
    s.optimizer = d.optimizer;
    s.learning_rate = d.learning_rate;
    s.decay = d.decay;
    s.epochs = d.epochs;
    s.batch_size = d.batch_size;
    return s;
}

bool fashion_installed(const std::string& dir) {
    namespace fs = std::filesystem;
    for (const char* name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
        std::error_code ec;
        if (!fs::exists(fs::path(dir) / (std::string(name) + ".gz"), ec) &&
            !fs::exists(fs::path(dir) / name, ec))
            return false;
    }
    return true;
}

} // namespace

int demo_command(const Flags& flags) {
    const std::string data_dir = flags.text("data-dir");
    const std::string out = flags.text("out");
    if (out.empty())
        throw UsageError("--out: give a directory");
    int status = exit_ok;

    heading("1. xgrad train: the planar flower of week 3");
    TrainRun<double> planar = train_network<double>(demo_settings(DataKind::planar, data_dir));
    if (planar.diverged)
        return exit_error;

    heading("2. xgrad train --data fashion-binary: week 4's L-layer network");
    if (flags.is_set("no-fashion")) {
        std::cout << "skipped (--no-fashion)\n";
    } else if (!fashion_installed(data_dir)) {
        std::cout << "skipped: " << fashion_mnist_hint(data_dir) << "\n";
    } else {
        const TrainSettings s = demo_settings(DataKind::fashion_binary, data_dir);
        if (train_network<double>(s).diverged)
            status = exit_error;
    }

    heading("3. xgrad check: the trained planar network's gradients, three ways");
    // The first 50 training examples keep the finite differences quick; the table is the same
    // for any m.
    const std::size_t m = std::min<std::size_t>(50, planar.data.train.X.shape()[1]);
    const Array<double> X = xt::view(planar.data.train.X, xt::all(), xt::range(0, m));
    const Array<double> Y = xt::view(planar.data.train.Y, xt::all(), xt::range(0, m));
    const nn::Comparison honest = nn::compare_gradients(planar.model, X, Y);
    nn::print(std::cout, honest);
    if (!honest.passed())
        status = exit_check_failed;

    heading("4. xgrad check --planted-bug: the course's dW2 * 2 and db1 * 4, caught");
    nn::CompareOptions bug;
    bug.planted_bug = reference::PlantedBug::course_gradient_check;
    const nn::Comparison planted = nn::compare_gradients(planar.model, X, Y, bug);
    nn::print(std::cout, planted);
    // The table above names the failing tensors; this says whether they are the bug's two.
    if (planted.failing() == std::vector<std::string>{"dW2", "db1"}) {
        std::cout << "caught: exactly the two tensors the planted bug changes\n";
    } else {
        std::cout << "NOT caught as expected: the planted bug changes dW2 and db1\n";
        status = exit_check_failed;
    }

    heading("5. xgrad graph: the planar network's computation graph, m = 4");
    GraphRequest request;
    request.out_dir = out;
    request.batch_size = 4;
    request.title = planar.model.summary() + ", m = 4";
    const Tensor<double> X4(Array<double>(xt::view(X, xt::all(), xt::range(0, 4))), false, "X");
    const Tensor<double> Y4(Array<double>(xt::view(Y, xt::all(), xt::range(0, 4))), false, "Y");
    Tensor<double> J = planar.model.loss(X4, Y4);
    if (J.label().empty())
        J.label("J");
    std::ostringstream log;
    const std::vector<std::string> written = write_graph_files(J, request, log);
    for (const std::string& path : written)
        if (path.size() > 4 && path.compare(path.size() - 4, 4, ".txt") == 0) {
            std::ifstream text(path);
            std::cout << text.rdbuf();
        }
    std::cout << log.str();
    for (const std::string& path : written)
        if (path.size() > 4 && path.compare(path.size() - 4, 4, ".svg") == 0)
            std::cout << "the graph as a picture: " << path << "\n";
    std::cout << "\nnext: xgrad train --help, xgrad check --help, xgrad graph --help\n";
    return status;
}

} // namespace xgrad::cli
