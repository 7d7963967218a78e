#include "cli/graph.hpp"

#include <algorithm>
#include <iostream>

namespace xgrad::cli {

void declare_graph_flags(Flags& flags) {
    flags.option("out", "DIR", "graph", "where the graph files go")
        .option("formats", "LIST", "txt,dot,json,svg",
                "among txt, dot, json, svg, png, pdf (pictures need Graphviz's dot)")
        .flag("steps", "also backward step by step: steps/steps.txt and one DOT/SVG frame per step")
        .flag("values", "min/max/mean of every tensor in the pictures")
        .option("rankdir", "TB|LR", "TB", "top to bottom or left to right")
        .option("examples", "N", "4", "training examples pushed through the network (m)");
}

GraphRequest graph_request(const Flags& flags) {
    GraphRequest request;
    request.out_dir = flags.text("out");
    if (request.out_dir.empty())
        throw UsageError("--out: give a directory");
    request.formats = split_list(flags.text("formats"));
    if (request.formats.empty())
        throw UsageError("--formats: give at least one format");
    for (const std::string& format : request.formats)
        if (std::find(graph_formats().begin(), graph_formats().end(), format) ==
            graph_formats().end())
            throw UsageError("--formats: unknown format \"" + format +
                             "\"; choose among txt, dot, json, svg, png, pdf");
    request.steps = flags.is_set("steps");
    request.values = flags.is_set("values");
    request.rankdir = flags.choice("rankdir", {"TB", "LR"});
    request.batch_size = static_cast<std::size_t>(flags.integer("examples", 1, 1 << 20));
    return request;
}

template <class T>
int run_graph(const nn::Model<T>& model, const Array<T>& X, const Array<T>& Y, const Flags& flags) {
    GraphRequest request = graph_request(flags);
    const std::size_t m = std::min<std::size_t>(request.batch_size, X.shape()[1]);
    // The first m columns: one column per example, as the course lays data out.
    Tensor<T> Xm(Array<T>(xt::view(X, xt::all(), xt::range(0, m))), false, "X");
    Tensor<T> Ym(Array<T>(xt::view(Y, xt::all(), xt::range(0, m))), false, "Y");
    Tensor<T> loss = model.loss(Xm, Ym);
    if (loss.label().empty())
        loss.label("J");
    request.batch_size = m;
    request.title = model.summary() + ", m = " + std::to_string(m);
    write_graph_files(loss, request, std::cout);
    return exit_ok;
}

template int run_graph(const nn::Model<float>&, const Array<float>&, const Array<float>&,
                       const Flags&);
template int run_graph(const nn::Model<double>&, const Array<double>&, const Array<double>&,
                       const Flags&);

} // namespace xgrad::cli
