// Week 4: a deep neural network for image classification. The course's L-layer model,
// layers_dims = [n_x, 20, 7, 5, 1] with relu, relu, relu, sigmoid, here on binary
// Fashion-MNIST (T-shirt/top = 0 against Dress = 1) instead of cat pictures.
//
// Course 1 trains with 2500 iterations of batch gradient descent on 209 images; on 12,000
// images that takes minutes, so this uses course 2's mini-batches and Adam. The network is
// built from nn::Dense layers; nothing here writes a backward pass.
//
//   ./week4_deep_network [FASHION_MNIST_DIR]

#include "fashion_data.hpp"
#include "nn/nn.hpp"

#include <cstdio>

using namespace xgrad;

int main(int argc, char** argv) {
    const std::string dir = example::fashion_dir(argc, argv);
    const auto train = example::load_or_exit("week4_deep_network", dir, [&] {
        return io::load_fashion_mnist_binary<double>(io::Split::train, dir);
    });
    const auto test = example::load_or_exit("week4_deep_network", dir, [&] {
        return io::load_fashion_mnist_binary<double>(io::Split::test, dir);
    });
    const std::size_t n_x = train.X.shape()[0];

    // initialize_parameters_deep: W[l] = randn / sqrt(n_{l-1}) (Xavier), b[l] = 0.
    const std::vector<std::size_t> layers_dims = {n_x, 20, 7, 5, 1};
    using nn::Activation;
    nn::Model<double> model(
        layers_dims, {Activation::relu, Activation::relu, Activation::relu, Activation::sigmoid},
        nn::Init::xavier, 1);
    nn::Adam<double> adam(model.parameters(), 0.001);
    std::printf("%s, %zu parameters; %zu training images, %zu test images\n",
                model.summary().c_str(), model.parameter_count(), train.X.shape()[1],
                test.X.shape()[1]);

    nn::FitOptions options;
    options.epochs = 10;
    options.batch_size = 64;
    options.seed = 1;
    double seconds = 0;
    options.on_epoch = [&](const nn::EpochStats& s) {
        seconds += s.seconds;
        std::printf("Cost after epoch %2zu: %f (training accuracy %.4f)\n", s.epoch, s.loss,
                    s.accuracy);
    };
    nn::fit(model, adam, train.X, train.Y, options);

    const nn::Evaluation on_train = nn::evaluate(model, train.X, train.Y);
    const nn::Evaluation on_test = nn::evaluate(model, test.X, test.Y);
    std::printf("train accuracy: %.4f\ntest accuracy:  %.4f\n(%zu epochs of Adam, mini-batches "
                "of %zu, %.1f s)\n",
                on_train.accuracy, on_test.accuracy, options.epochs, options.batch_size, seconds);
    return 0;
}
