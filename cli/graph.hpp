#pragma once
// `xgrad graph`: the computation graph of a network as text, DOT, JSON and pictures, and
// backward step by step. Its command line is `xgrad train`'s (data, layers, activations,
// init, seed) plus the flags below; it runs one forward pass on a few training examples
// instead of training.
//
// Wiring, for cli/ (the dispatcher):
//
//     int graph_command(const Args& args) {
//         Flags flags("xgrad graph", "draw the network's computation graph");
//         ... declare xgrad train's flags ...
//         declare_graph_flags(flags);
//         if (!flags.parse(args)) { std::cout << flags.usage(); return exit_ok; }
//         ... build the model and load the data as train does ...
//         return run_graph(model, data.train.X, data.train.Y, flags);
//     }
//
// The graph flags:
//   --out DIR         where the files go (default graph/)
//   --formats LIST    among txt,dot,json,svg,png,pdf (default txt,dot,json,svg)
//   --steps           also step-through backward: steps/steps.txt and one frame per step
//   --values          min/max/mean of every tensor in the pictures
//   --rankdir TB|LR   top to bottom (default) or left to right
//   --examples N      examples pushed through the network (default 4); m in the picture
//
// Files and their formats: cli/graph_files.hpp; the JSON schema: docs/graph-json.md.

#include "cli/flags.hpp"
#include "cli/graph_files.hpp"
#include "nn/model.hpp"

namespace xgrad::cli {

/// Declares the flags above on `flags`.
void declare_graph_flags(Flags& flags);
/// Reads them; UsageError naming the flag for a bad value.
GraphRequest graph_request(const Flags& flags);

/// One forward pass of `model` on the first --examples columns of X and Y (the course's
/// one column per example), then the files of cli/graph_files.hpp into --out. Prints
/// what it wrote; returns exit_ok. Errors propagate (FileError, graphviz::Error).
template <class T>
int run_graph(const nn::Model<T>& model, const Array<T>& X, const Array<T>& Y, const Flags& flags);

} // namespace xgrad::cli
