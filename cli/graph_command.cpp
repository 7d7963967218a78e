// `xgrad graph`: the network `xgrad train` would build, pushed forward on a few training
// examples, written as text, DOT, JSON and pictures by run_graph (cli/graph.hpp).

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/graph.hpp"

namespace xgrad::cli {

Flags graph_flags() {
    Flags f("xgrad graph",
            "Writes the computation graph of a network (one forward pass on a few training\n"
            "examples, then backward step by step) as text, DOT, JSON and pictures.");
    declare_network_flags(f);
    declare_graph_flags(f);
    f.epilogue("examples:\n"
               "  xgrad graph\n"
               "  xgrad graph --data fashion-binary --hidden 20,7,5 --out graph-week4 --steps\n");
    return f;
}

namespace {
template <class T>
int graph_as(const NetworkChoice& c, const Flags& flags) {
    const TrainTest<T> data = load_data<T>(c.data, c.data_dir, c.limit, c.seed);
    const Architecture arch = resolve_architecture(
        c.layers, c.hidden, c.activations, defaults_for(c.data), data.train.X.shape()[0],
        data.train.Y.shape()[0], std::string("--data ") + to_string(c.data));
    const nn::Model<T> model(arch.layer_dims, arch.activations, c.init, c.seed);
    return run_graph(model, data.train.X, data.train.Y, flags);
}
} // namespace

int graph_command(const Flags& flags) {
    const NetworkChoice c = network_choice(flags);
    graph_request(flags); // bad graph flags are usage errors before any data is read
    return c.dtype == "float32" ? graph_as<float>(c, flags) : graph_as<double>(c, flags);
}

} // namespace xgrad::cli
