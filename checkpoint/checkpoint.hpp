#pragma once
// Checkpoints: a model's parameters and its optimiser's state as numpy files, saved so
// that a process killed midway never loses the previous checkpoint.
//
// A checkpoint is a directory:
//
//   run.ckpt/
//     CURRENT                the name of the complete version below, e.g. "step-120"
//     step-120/
//       manifest.json        format, dtype, architecture, epoch, step, optimiser, and for
//                            every file its shape, size and CRC-32
//       W1.npy b1.npy ...    parameters, keyed as the course's dictionary
//       v_dW1.npy s_dW1.npy t.npy ...   optimiser state (momentum's v, Adam's v, s and t)
//
// so `np.load("run.ckpt/step-120/W1.npy")` reads a weight in Python. Saving writes a new
// version directory (every file fsync'ed), then replaces CURRENT atomically (temporary file,
// fsync, rename), then removes older versions. A process killed at any point before the
// rename of CURRENT leaves the previous version current and intact; after it, the new one.
//
// Loading refuses, with an xgrad::io::FileError naming the file and what was wrong: a
// missing directory, CURRENT or version; a manifest that is not JSON, of another format or
// version, or missing a field; a file that is missing, of the wrong size (truncated), whose
// CRC-32 differs (corrupt) or whose shape differs from the manifest; and a checkpoint that
// does not fit the model or optimiser it is loaded into (dtype, layer sizes, activations,
// optimiser kind, state shapes). Nothing is changed unless everything checks out.

#include "io/file_error.hpp"
#include "nn/model.hpp"
#include "nn/optim.hpp"
#include "nn/sequential.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace xgrad::checkpoint {

/// What a checkpoint's manifest says.
struct CheckpointInfo {
    std::string version;                  ///< the version directory, e.g. "step-120"
    std::string dtype;                    ///< "float64" or "float32"
    std::vector<std::size_t> layer_dims;  ///< {n_x, n_1, ..., n_L}
    std::vector<std::string> activations; ///< one per layer, e.g. {"tanh", "sigmoid"}
    /// A Sequential's layers' names ("Dense 2 -> 8", "BatchNorm 8", ...); then layer_dims and
    /// activations are empty. Empty for a Model.
    std::vector<std::string> layers;
    long epoch = 0;        ///< epochs completed when saved
    long step = 0;         ///< optimiser steps taken when saved
    std::string optimizer; ///< "gd", "momentum", "adam", "adamw", or "" if none saved
    /// The optimiser's hyperparameters: learning_rate, and beta / beta1, beta2, epsilon, and
    /// weight_decay when not 0 (always for adamw).
    std::map<std::string, double> hyperparameters;
    /// The optimiser's learning-rate schedule ("step", "exponential", "inverse_time"; "" for
    /// none) and its settings. Its place (lr, lr0, lr_epoch) is in the optimiser's state.
    std::string schedule;
    std::map<std::string, double> schedule_hyperparameters;
    /// Free-form notes the trainer chose to keep (data set, command line...).
    std::map<std::string, std::string> notes;
};

/// Where training stood when the checkpoint was saved.
struct TrainingProgress {
    long epoch = 0;
    long step = 0;
};

/// Saves `model`'s parameters and, when `optimizer` is not null, its state and kind, as a
/// new version of the checkpoint `dir` (created if needed). Throws FileError naming the path
/// that could not be written; the previous version stays current then.
template <class T>
void save_checkpoint(const std::string& dir, const nn::Model<T>& model,
                     const nn::Optimizer<T>* optimizer, TrainingProgress progress = {},
                     const std::map<std::string, std::string>& notes = {});

/// The same for a Sequential: its parameters and its layers' buffers (BatchNorm's running
/// averages) as "W1.npy", "gamma2.npy", "running_mean2.npy"..., its layers' names in the
/// manifest's "layers" field instead of layer_dims and activations.
template <class T>
void save_checkpoint(const std::string& dir, const nn::Sequential<T>& model,
                     const nn::Optimizer<T>* optimizer, TrainingProgress progress = {},
                     const std::map<std::string, std::string>& notes = {});

/// Reads and checks the manifest of `dir`'s current version, without reading the arrays:
/// enough to build the model and optimiser to load into (as `xgrad train --resume` does).
CheckpointInfo read_checkpoint_info(const std::string& dir);

/// Loads the checkpoint into `model` and, when `optimizer` is not null, its state (the
/// checkpoint must then hold the state of an optimiser of the same kind). Every file is
/// checked before anything changes. Returns the manifest (epoch and step to resume from).
template <class T>
CheckpointInfo load_checkpoint(const std::string& dir, nn::Model<T>& model,
                               nn::Optimizer<T>* optimizer = nullptr);

/// Loads a Sequential's checkpoint into `model`, whose layers must have the saved names
/// (build the same Sequential first); refused, changing nothing, as for a Model.
template <class T>
CheckpointInfo load_checkpoint(const std::string& dir, nn::Sequential<T>& model,
                               nn::Optimizer<T>* optimizer = nullptr);

/// A model built from the checkpoint's architecture, holding its parameters.
template <class T>
nn::Model<T> load_checkpoint_model(const std::string& dir);

namespace detail {
/// Test hook: when set, saving calls it at each stage ("staged": every file of the new
/// version written and fsync'ed; "renamed": the version directory in place; "current":
/// CURRENT replaced), so a test can throw or kill the process there. Not thread-safe.
void set_checkpoint_fault_hook(std::function<void(std::string_view stage)> hook);
} // namespace detail

} // namespace xgrad::checkpoint
