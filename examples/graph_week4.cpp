// The week-4 network's computation graph, drawn: [12288 -> 20 -> 7 -> 5 -> 1] with
// relu, relu, relu, sigmoid, on a few random 64x64x3 "images" (the picture needs shapes,
// not cats). Writes graph.txt, graph.dot, graph.json, graph.svg, graph.png and, one per
// step of backward, steps/step-NN.dot/.svg into the directory given (default graph-week4).
//
//   ./graph_week4 [DIR]     then open DIR/graph.svg, or DIR/steps/step-01.svg ...
#include "cli/graph_files.hpp"
#include "nn/nn.hpp"

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
    using namespace xgrad;
    try {
        const std::size_t m = 4;
        nn::Model<double> model({12288, 20, 7, 5, 1},
                                {nn::Activation::relu, nn::Activation::relu, nn::Activation::relu,
                                 nn::Activation::sigmoid},
                                nn::Init::he, 1);
        xt::random::seed(1);
        Tensor<double> X(Array<double>(xt::random::rand<double>({std::size_t(12288), m})), false,
                         "X");
        Tensor<double> Y(Array<double>{{1, 0, 1, 0}}, false, "Y");

        cli::GraphRequest request;
        request.out_dir = argc > 1 ? argv[1] : "graph-week4";
        request.formats = {"txt", "dot", "json", "svg", "png"};
        request.steps = true;
        request.batch_size = m;
        request.title = "week 4: " + model.summary() + ", m = " + std::to_string(m);
        cli::write_graph_files(model.loss(X, Y), request, std::cout);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "graph_week4: " << e.what() << "\n";
        return 1;
    }
}
