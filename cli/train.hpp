#pragma once
// Training as `xgrad train` does it, for the subcommands that train (train, demo).

#include "checkpoint/checkpoint.hpp"
#include "cli/common.hpp"
#include "cli/flags.hpp"
#include "cli/parallel.hpp"

#include <cstddef>
#include <string>

namespace xgrad::cli {

/// A training run, resolved from flags, the data set's defaults and (with --resume) a
/// checkpoint's own settings.
struct TrainSettings {
    NetworkChoice net;
    std::string optimizer;
    double learning_rate = 0; ///< of the first epoch
    double decay = 1;         ///< epoch e trains with learning_rate * decay^(e-1)
    std::size_t epochs = 0;
    std::size_t batch_size = 0; ///< 0: full batch
    std::size_t every = 0;      ///< progress line every `every` epochs (0: about 20 lines)
    std::string checkpoint, resume, plot;
    checkpoint::CheckpointInfo resumed; ///< the checkpoint's manifest, when resume is set
    ParallelSettings parallel;          ///< under mpirun (cli/parallel.hpp)
};

/// Reads the flags of train_flags(); UsageError for a bad value, FileError for an unreadable
/// checkpoint or a --plot path that cannot take a plot.
TrainSettings train_settings(const Flags& flags);

/// What a run produced.
template <class T>
struct TrainRun {
    nn::Model<T> model;
    TrainTest<T> data;
    nn::Evaluation train, test; ///< after the last epoch, on the whole sets
    double seconds = 0;         ///< in training steps (evaluation and checkpoints left out)
    bool diverged = false;      ///< stopped by nn::DivergenceWatch (a loss not finite, or grown)
};

/// Trains with `s`: the header and final report on stdout, the progress bar on stderr,
/// checkpoints and the plot when asked for.
template <class T>
TrainRun<T> train_network(const TrainSettings& s);

extern template TrainRun<float> train_network(const TrainSettings&);
extern template TrainRun<double> train_network(const TrainSettings&);

} // namespace xgrad::cli
