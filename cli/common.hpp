#pragma once
// What the `xgrad` subcommands share: the data sets by name, the default network of each, and
// the progress bar of a training run.

#include "cli/flags.hpp"
#include "io/datasets.hpp"
#include "nn/nn.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <iosfwd>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace xgrad::cli {

/// The data sets `--data` names.
enum class DataKind { planar, fashion_binary, fashion10 };
DataKind parse_data_kind(const std::string& name); ///< throws UsageError
const char* to_string(DataKind kind);              ///< "planar", "fashion-binary", "fashion10"

/// A data set split for training and testing, with a line describing it.
template <class T>
struct TrainTest {
    io::Dataset<T> train, test;
    std::string description;
};

/// Loads a data set: planar is week 3's flower (500 points, seeded, 400 train / 100 test);
/// Fashion-MNIST comes from `dir` (60,000 train / 10,000 test images; the binary task keeps
/// T-shirt/top and Dress). `limit` > 0 keeps that many training examples. A Fashion-MNIST file
/// that cannot be opened throws FileError with a hint naming the Debian package.
template <class T>
TrainTest<T> load_data(DataKind kind, const std::string& dir, std::size_t limit, unsigned seed);

/// Checks every array of `data` as nn::fit does (nn::check_examples: NaN or Inf, labels, the
/// same m), named X_train, Y_train, X_test, Y_test and, for Fashion-MNIST, by the file in
/// `dir` they came from. Throws nn::DataError or ShapeError.
template <class T>
void check_data(const TrainTest<T>& data, DataKind kind, const std::string& dir);

/// Rethrows a FileError about a missing Fashion-MNIST file with the package to install.
[[noreturn]] void rethrow_with_fashion_hint(const std::exception& error);
/// The hint itself: the path and the Debian package dataset-fashion-mnist.
std::string fashion_mnist_hint(const std::string& dir);

/// The defaults of a data set: what `xgrad train --data NAME` trains with no other flags.
struct Defaults {
    std::vector<std::size_t> hidden;
    std::string hidden_activation, output_activation;
    std::string init, optimizer;
    double learning_rate = 0;
    std::size_t epochs = 0, batch_size = 0;
    double decay = 1; ///< the learning rate is multiplied by this after every epoch
};
Defaults defaults_for(DataKind kind);

/// Layer sizes n_x, n_1, ..., n_L and their activations, checked against each other and
/// against the data (n_x inputs, n_y outputs); errors are UsageError naming the flag.
struct Architecture {
    std::vector<std::size_t> layer_dims;
    std::vector<nn::Activation> activations;
};
/// From `--layers` (all sizes, the course's layer_dims) or `--hidden` (hidden sizes only), and
/// `--activations` (one per layer; empty: the defaults). n_x = 0 and n_y = 0 skip the checks
/// against data.
Architecture resolve_architecture(const std::vector<std::size_t>& layers,
                                  const std::vector<std::size_t>& hidden,
                                  const std::string& activations, const Defaults& defaults,
                                  std::size_t n_x, std::size_t n_y, const std::string& data_name);

/// Declares the flags that choose a data set and a network, shared by `xgrad train` and
/// `xgrad graph`: --data, --layers, --hidden, --activations, --init, --seed, --dtype, --limit,
/// --data-dir.
void declare_network_flags(Flags& flags);

/// What those flags say (defaults of the data set filled in later, by network_for).
struct NetworkChoice {
    DataKind data = DataKind::planar;
    std::string data_dir;
    std::size_t limit = 0;
    unsigned seed = 1;
    std::vector<std::size_t> layers, hidden;
    std::string activations;
    nn::Init init = nn::Init::he;
    std::string dtype = "float64";
};
/// Reads the flags of declare_network_flags; UsageError for bad values.
NetworkChoice network_choice(const Flags& flags);

/// Whether stderr is a terminal (so the progress bar may redraw itself with \r).
bool stderr_is_tty();

/// The progress of a training run on stderr: one line every `every` epochs and at the last
/// epoch. On a terminal those lines stay, and below them the epoch under way redraws its own
/// line in place (at most ten times a second); without one, so that CI logs stay readable,
/// nothing is redrawn.
class ProgressBar {
public:
    ProgressBar(std::FILE* out, bool tty, std::size_t epochs, std::size_t every);
    /// After each mini-batch (only redraws on a terminal).
    void batch(const nn::BatchProgress& progress);
    /// After each epoch with that epoch's figures.
    void epoch(const nn::EpochStats& stats, std::size_t examples);
    /// Ends the redrawn line.
    void finish();

private:
    void draw(std::size_t epoch, double fraction, double loss, double accuracy, double rate,
              bool final_line);

    std::FILE* m_out;
    bool m_tty;
    std::size_t m_epochs, m_every;
    std::chrono::steady_clock::time_point m_last_draw;
    double m_seconds = 0;        // since the last printed line
    std::size_t m_examples = 0;  // since the last printed line
    double m_last_accuracy = -1; // of the last finished epoch, for the redrawn line
    bool m_drawn = false;
};

/// While it lives, shows that something is loading: "loading fashion10 ..." on `out`; on a
/// terminal the line is redrawn with the seconds so far (a thread, every 100 ms) and erased when
/// the object dies; elsewhere it is printed once.
class LoadingLine {
public:
    LoadingLine(std::FILE* out, bool tty, std::string what);
    ~LoadingLine();
    LoadingLine(const LoadingLine&) = delete;
    LoadingLine& operator=(const LoadingLine&) = delete;

private:
    std::FILE* m_out;
    bool m_tty;
    std::string m_what;
    std::chrono::steady_clock::time_point m_start;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_done = false;
    std::thread m_thread;
};

/// "12,345".
std::string thousands(double x);

} // namespace xgrad::cli
