#include "cli/common.hpp"

#include "cli/flags.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace xgrad::cli {

DataKind parse_data_kind(const std::string& name) {
    if (name == "planar")
        return DataKind::planar;
    if (name == "fashion-binary")
        return DataKind::fashion_binary;
    if (name == "fashion10")
        return DataKind::fashion10;
    throw UsageError("--data '" + name + "' is not one of planar, fashion-binary, fashion10");
}

const char* to_string(DataKind kind) {
    switch (kind) {
    case DataKind::planar:
        return "planar";
    case DataKind::fashion_binary:
        return "fashion-binary";
    case DataKind::fashion10:
        return "fashion10";
    }
    return "?";
}

std::string fashion_mnist_hint(const std::string& dir) {
    return "Fashion-MNIST is read from " + dir +
           " (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-*). Install it with "
           "the Debian package dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist)"
           " or point --data-dir at a directory holding those files.";
}

template <class T>
TrainTest<T> load_data(DataKind kind, const std::string& dir, std::size_t limit, unsigned seed) {
    TrainTest<T> out;
    if (kind == DataKind::planar) {
        // One draw of 500 points, split 400 / 100: the test points come from the same flower.
        auto split = io::train_test_split(io::planar_dataset<T>(500, seed), 0.2, seed);
        out.train = std::move(split.first);
        out.test = std::move(split.second);
        out.description = "planar flower (week 3), 2 inputs, 2 classes";
    } else {
        try {
            if (kind == DataKind::fashion_binary) {
                out.train = io::load_fashion_mnist_binary<T>(io::Split::train, dir);
                out.test = io::load_fashion_mnist_binary<T>(io::Split::test, dir);
                out.description =
                    std::string("Fashion-MNIST binary: ") +
                    io::fashion_mnist_classes[io::fashion_binary_negative] + " (y = 0) vs " +
                    io::fashion_mnist_classes[io::fashion_binary_positive] + " (y = 1), 784 pixels";
            } else {
                out.train = io::load_fashion_mnist<T>(io::Split::train, dir);
                out.test = io::load_fashion_mnist<T>(io::Split::test, dir);
                out.description = "Fashion-MNIST, 10 classes, 784 pixels";
            }
        } catch (const io::FileError& e) {
            if (e.reason().rfind("cannot open", 0) == 0)
                throw io::FileError(e.path(), e.reason() + "\n" + fashion_mnist_hint(dir));
            throw;
        }
    }
    const std::size_t m = out.train.X.shape()[1];
    if (limit > 0 && limit < m) {
        // The files are in no particular class order, so the first `limit` examples are a fair
        // sample; planar is already shuffled by the split.
        out.train.X = xt::eval(xt::view(out.train.X, xt::all(), xt::range(0, limit)));
        out.train.Y = xt::eval(xt::view(out.train.Y, xt::all(), xt::range(0, limit)));
        out.train.labels = xt::eval(xt::view(out.train.labels, xt::range(0, limit)));
    }
    return out;
}

template TrainTest<float> load_data<float>(DataKind, const std::string&, std::size_t, unsigned);
template TrainTest<double> load_data<double>(DataKind, const std::string&, std::size_t, unsigned);

namespace {
// The file a Fashion-MNIST array came from: gzip'ed or not, as io reads it.
std::string fashion_file(const std::string& dir, const std::string& name) {
    const std::string plain = dir + "/" + name;
    return std::ifstream(plain + ".gz").good() ? plain + ".gz" : plain;
}
} // namespace

template <class T>
void check_data(const TrainTest<T>& data, DataKind kind, const std::string& dir) {
    const nn::Loss loss = defaults_for(kind).output_activation == "sigmoid"
                              ? nn::Loss::binary_cross_entropy
                              : nn::Loss::categorical_cross_entropy;
    const bool files = kind != DataKind::planar;
    for (const char* split : {"train", "test"}) {
        const io::Dataset<T>& set = std::string(split) == "train" ? data.train : data.test;
        const std::string prefix = std::string(split) == "train" ? "train" : "t10k";
        nn::check_examples(set.X, set.Y, loss, set.Y.dimension() == 2 ? set.Y.shape()[0] : 1,
                           std::string("the ") + split + " set", std::string("X_") + split,
                           std::string("Y_") + split,
                           files ? fashion_file(dir, prefix + "-images-idx3-ubyte") : "",
                           files ? fashion_file(dir, prefix + "-labels-idx1-ubyte") : "");
    }
}

template void check_data(const TrainTest<float>&, DataKind, const std::string&);
template void check_data(const TrainTest<double>&, DataKind, const std::string&);

Defaults defaults_for(DataKind kind) {
    switch (kind) {
    case DataKind::planar:
        // The course's week 3 network (4 tanh units, lr 1.2, batch gradient descent) with a few
        // more units and Adam, so that it passes 90% in a fraction of the iterations.
        return {{8}, "tanh", "sigmoid", "xavier", "adam", 0.02, 2000, 0};
    case DataKind::fashion_binary:
        // The course's week 4 L-layer model [n_x, 20, 7, 5, 1].
        return {{20, 7, 5}, "relu", "sigmoid", "he", "adam", 0.001, 5, 64};
    case DataKind::fashion10:
        // Adam with exponential decay (course 2, week 2): the last epochs settle at ~0.89 test
        // accuracy instead of jittering around it.
        return {{256, 128}, "relu", "softmax", "he", "adam", 0.001, 15, 128, 0.8};
    }
    return {};
}

Architecture resolve_architecture(const std::vector<std::size_t>& layers,
                                  const std::vector<std::size_t>& hidden,
                                  const std::string& activations, const Defaults& defaults,
                                  std::size_t n_x, std::size_t n_y, const std::string& data_name) {
    Architecture a;
    if (!layers.empty()) {
        if (layers.size() < 2)
            throw UsageError("--layers needs at least two sizes, n_x and n_L (e.g. 2,8,1)");
        if (n_x && layers.front() != n_x)
            throw UsageError("--layers starts with n_x = " + std::to_string(layers.front()) +
                             " but " + data_name + " has " + std::to_string(n_x) + " inputs");
        if (n_y && layers.back() != n_y)
            throw UsageError("--layers ends with n_L = " + std::to_string(layers.back()) + " but " +
                             data_name + " needs " + std::to_string(n_y) + " output" +
                             (n_y == 1 ? "" : "s"));
        a.layer_dims = layers;
    } else {
        a.layer_dims.push_back(n_x);
        for (std::size_t n : hidden)
            a.layer_dims.push_back(n);
        a.layer_dims.push_back(n_y);
    }
    const std::size_t L = a.layer_dims.size() - 1;
    if (activations.empty()) {
        for (std::size_t l = 1; l < L; ++l)
            a.activations.push_back(nn::parse_activation(defaults.hidden_activation));
        a.activations.push_back(nn::parse_activation(defaults.output_activation));
        return a;
    }
    const std::vector<std::string> names = split_list(activations);
    if (names.size() != L) {
        std::ostringstream dims;
        for (std::size_t i = 0; i < a.layer_dims.size(); ++i)
            dims << (i ? "," : "") << a.layer_dims[i];
        throw UsageError("--activations '" + activations + "' names " +
                         std::to_string(names.size()) + " but the network " + dims.str() + " has " +
                         std::to_string(L) + " layer" + (L == 1 ? "" : "s") +
                         ": give one activation per layer, the last one the output's");
    }
    for (const std::string& name : names) {
        try {
            a.activations.push_back(nn::parse_activation(name));
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string("--activations: ") + e.what());
        }
    }
    for (std::size_t l = 0; l + 1 < L; ++l)
        if (a.activations[l] == nn::Activation::softmax)
            throw UsageError("--activations: softmax is only for the output layer, not layer " +
                             std::to_string(l + 1));
    const std::string output = names.back();
    if (n_y && output != defaults.output_activation)
        throw UsageError("--activations: the output layer of " + data_name + " must be " +
                         defaults.output_activation + " (its loss is " +
                         (defaults.output_activation == "sigmoid" ? "binary cross-entropy"
                                                                  : "categorical cross-entropy") +
                         "), not " + output);
    return a;
}

void declare_network_flags(Flags& f) {
    f.option("data", "NAME", "planar", "planar, fashion-binary or fashion10")
        .option("layers", "N_X,...,N_L", "",
                "every layer size, the course's layer_dims, e.g. 2,8,1 (must fit the data)")
        .option("hidden", "N_1,...", "",
                "hidden layer sizes only; n_x and n_L come from the data (default per data set)")
        .option("activations", "G_1,...,G_L", "",
                "one per layer: relu, leaky_relu, tanh, sigmoid, softmax (default per data set)")
        .option("init", "NAME", "", "small (randn * 0.01), he or xavier (default per data set)")
        .option("seed", "N", "1", "seeds the initial weights, the data split and the shuffles")
        .option("dtype", "TYPE", "float64", "float64 or float32")
        .option("limit", "N", "0", "use the first N training examples only (0 = all)")
        .option("data-dir", "DIR", io::fashion_mnist_dir, "where the Fashion-MNIST files are");
}

NetworkChoice network_choice(const Flags& flags) {
    NetworkChoice c;
    c.data = parse_data_kind(flags.text("data"));
    const Defaults d = defaults_for(c.data);
    c.data_dir = flags.text("data-dir");
    c.limit = static_cast<std::size_t>(flags.integer("limit", 0, 100000000));
    c.seed = static_cast<unsigned>(flags.integer("seed", 0, 4294967295LL));
    if (flags.given("layers") && flags.given("hidden"))
        throw UsageError("give --layers (all sizes) or --hidden (hidden sizes), not both");
    c.layers = flags.sizes("layers");
    c.hidden = flags.given("hidden") ? flags.sizes("hidden") : d.hidden;
    c.activations = flags.text("activations");
    c.init = nn::parse_init(flags.given("init") ? flags.choice("init", {"small", "he", "xavier"})
                                                : d.init);
    c.dtype = flags.choice("dtype", {"float64", "float32"});
    return c;
}

bool stderr_is_tty() {
    return ::isatty(STDERR_FILENO) == 1;
}

std::string thousands(double x) {
    const long long n = std::llround(x);
    std::string digits = std::to_string(n < 0 ? -n : n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return (n < 0 ? "-" : "") + out;
}

LoadingLine::LoadingLine(std::FILE* out, bool tty, std::string what)
    : m_out(out), m_tty(tty), m_what(std::move(what)), m_start(std::chrono::steady_clock::now()) {
    std::fprintf(m_out, "%s ...%s", m_what.c_str(), m_tty ? "" : "\n");
    std::fflush(m_out);
    if (!m_tty)
        return;
    m_thread = std::thread([this] {
        std::unique_lock<std::mutex> lock(m_mutex);
        while (!m_wake.wait_for(lock, std::chrono::milliseconds(100), [this] { return m_done; })) {
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
            std::fprintf(m_out, "\r%s ... %.1f s\033[K", m_what.c_str(), seconds);
            std::fflush(m_out);
        }
    });
}

LoadingLine::~LoadingLine() {
    if (m_thread.joinable()) {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_done = true;
        }
        m_wake.notify_one();
        m_thread.join();
        std::fprintf(m_out, "\r\033[K"); // the report line gives the time
        std::fflush(m_out);
    }
}

ProgressBar::ProgressBar(std::FILE* out, bool tty, std::size_t epochs, std::size_t every)
    : m_out(out), m_tty(tty), m_epochs(epochs), m_every(std::max<std::size_t>(every, 1)) {}

void ProgressBar::batch(const nn::BatchProgress& p) {
    if (!m_tty)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (m_drawn && now - m_last_draw < std::chrono::milliseconds(100))
        return;
    m_last_draw = now;
    const double fraction =
        (static_cast<double>(p.epoch - 1) +
         static_cast<double>(p.examples_done) / static_cast<double>(p.examples)) /
        static_cast<double>(p.epochs);
    const double rate = p.seconds > 0 ? static_cast<double>(p.examples_done) / p.seconds : 0;
    draw(p.epoch, fraction, p.loss, m_last_accuracy, rate, false);
}

void ProgressBar::epoch(const nn::EpochStats& stats, std::size_t examples) {
    m_seconds += stats.seconds;
    m_examples += examples;
    m_last_accuracy = stats.accuracy;
    // A reported epoch keeps its line, on a terminal too (the next epoch redraws below it);
    // the others only feed the redrawn line of the epoch under way.
    if (stats.epoch != m_epochs && stats.epoch % m_every != 0)
        return;
    m_last_draw = std::chrono::steady_clock::now();
    const double rate = m_seconds > 0 ? static_cast<double>(m_examples) / m_seconds : 0;
    draw(stats.epoch, static_cast<double>(stats.epoch) / static_cast<double>(m_epochs), stats.loss,
         stats.accuracy, rate, true);
    m_seconds = 0;
    m_examples = 0;
}

void ProgressBar::finish() {
    if (m_tty && m_drawn)
        std::fputc('\n', m_out);
    std::fflush(m_out);
    m_drawn = false;
}

void ProgressBar::draw(std::size_t epoch, double fraction, double loss, double accuracy,
                       double rate, bool own_line) {
    constexpr int width = 24;
    const int filled = std::clamp(static_cast<int>(fraction * width), 0, width);
    const int epoch_digits = static_cast<int>(std::to_string(m_epochs).size());
    char acc[32] = "";
    if (accuracy >= 0)
        std::snprintf(acc, sizeof acc, "  acc %.4f", accuracy);
    std::fprintf(m_out, "%sepoch %*zu/%zu [%s%s] loss %.4f%s  %s ex/s%s", m_tty ? "\r" : "",
                 epoch_digits, epoch, m_epochs, std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), loss, acc, thousands(rate).c_str(),
                 !own_line ? "\033[K"
                 : m_tty   ? "\033[K\n"
                           : "\n");
    std::fflush(m_out);
    m_drawn = !own_line; // a redrawn line is left open, for finish() to end
}

} // namespace xgrad::cli
