#pragma once
// Writing a network's computation graph to files: what `xgrad graph` produces.
//
// Given a loss that has not been backpropagated yet, write_graph_files() runs backward
// one tape entry at a time (StepThrough, keeping the graph and every gradient), then
// writes, into request.out_dir:
//
//   graph.txt    the text dump: one line per tensor, the broadcast ledger, warnings
//   graph.dot    Graphviz DOT, with gradients (dW[l], dZ[l], ...)
//   graph.json   schema "xgrad-graph" version 1 (docs/graph-json.md)
//   graph.svg    drawn by Graphviz's dot (also .png, .pdf when asked)
//   steps/       with request.steps: steps.txt (every step: incoming gradient, rule,
//                gradients sent) and step-00.dot ... step-NN.dot (+ .svg), one frame per
//                step, the running op highlighted
//
// Pictures need `dot` (Debian package graphviz). Without it the .dot files are still
// written and the log says how to draw them; that is not an error.

#include "autograd/inspect/inspect.hpp"
#include "io/file_error.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace xgrad::cli {

struct GraphRequest {
    std::string out_dir = "graph"; ///< created if missing
    std::string stem = "graph";    ///< file names: <stem>.txt, <stem>.dot, ...
    /// Among txt, dot, json, svg, png, pdf.
    std::vector<std::string> formats = {"txt", "dot", "json", "svg"};
    bool steps = false;         ///< also write the step-through frames
    std::size_t batch_size = 0; ///< the number of examples m: extents equal to it print as m
    std::string title;          ///< above the picture, e.g. "12288 -> 20 -> 7 -> 5 -> 1"
    std::string rankdir = "TB"; ///< "TB" or "LR"
    bool values = false;        ///< min/max/mean of every tensor in the pictures
};

/// The formats write_graph_files knows.
const std::vector<std::string>& graph_formats();

/// Backward through `loss` step by step, then the files `request` asks for. Returns the
/// paths written; `log` gets one line per file and a note for pictures not drawn.
/// Throws io::FileError when a file or the directory cannot be written, std::invalid_argument
/// for an unknown format, graphviz::Error when dot rejects a graph.
template <class T>
std::vector<std::string> write_graph_files(const Tensor<T>& loss, const GraphRequest& request,
                                           std::ostream& log);

extern template std::vector<std::string> write_graph_files(const Tensor<float>&,
                                                           const GraphRequest&, std::ostream&);
extern template std::vector<std::string> write_graph_files(const Tensor<double>&,
                                                           const GraphRequest&, std::ostream&);

} // namespace xgrad::cli
