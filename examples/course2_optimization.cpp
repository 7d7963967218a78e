// Course 2, week 2, "Optimization Methods": the moons, the 3-layer network [2, 5, 2, 1] (relu,
// relu, sigmoid) with He's initial weights (np.random.seed(3)), trained on mini-batches of 64
// by gradient descent, momentum (beta = 0.9) and Adam (beta1 = 0.9, beta2 = 0.999,
// epsilon = 1e-8), learning_rate = 0.0007, for the notebook's 5000 epochs. The batches are the
// notebook's: seed = 10, then seed + 1 before each epoch's random_mini_batches, whose
// permutation is numpy's. `xgrad course c2w2-optimization` prints the notebook's lines beside.
//
//   ./course2_optimization

#include "io/course_datasets.hpp"
#include "nn/nn.hpp"
#include "random/random_state.hpp"

#include <chrono>
#include <cstdio>
#include <memory>

using namespace xgrad;

int main() {
    const io::Dataset<double> train = io::load_moons_dataset<double>(); // 300 points
    const double m = static_cast<double>(train.X.shape()[1]);
    for (const char* name : {"gd", "momentum", "adam"}) {
        std::printf("optimizer = \"%s\"\n", name);
        const auto start = std::chrono::steady_clock::now();
        nn::Model<double> model(
            {2, 5, 2, 1}, {nn::Activation::relu, nn::Activation::relu, nn::Activation::sigmoid},
            nn::Initializer<double>(nn::Init::he, 3, nn::Generator::numpy));
        std::unique_ptr<nn::Optimizer<double>> optimizer;
        if (name == std::string("gd"))
            optimizer = std::make_unique<nn::GradientDescent<double>>(model.parameters(), 0.0007);
        else if (name == std::string("momentum"))
            optimizer = std::make_unique<nn::Momentum<double>>(model.parameters(), 0.0007, 0.9);
        else
            optimizer = std::make_unique<nn::Adam<double>>(model.parameters(), 0.0007);
        unsigned seed = 10;
        for (int i = 0; i < 5000; ++i) {
            seed = seed + 1; // a different shuffle every epoch, the same as the notebook's
            double cost_total = 0;
            for (const auto& batch :
                 nn::random_mini_batches(train.X, train.Y, 64, random::RandomState(seed))) {
                const Tensor<double> X(batch.X), Y(batch.Y);
                // the batch's mean cost, before its update; the notebook sums, then divides by m
                cost_total += nn::train_step(model, *optimizer, X, Y) * batch.X.shape()[1];
            }
            if (i % 1000 == 0)
                std::printf("Cost after epoch %d: %f\n", i, cost_total / m);
        }
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        std::printf("Accuracy: %.4f (%.2f s)\n\n",
                    nn::binary_accuracy(model.predict(train.X), train.Y), took.count());
    }
    return 0;
}
