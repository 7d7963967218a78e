// Course 2, week 2, "Optimization Methods" (the 2021 version, 5,000 epochs): mini-batch
// gradient descent, momentum and Adam on the moons, mini-batches of 64 drawn with the
// notebook's seed schedule (seed = 10, then seed + 1 before each epoch's random_mini_batches),
// the model [2, 5, 2, 1] (relu, relu, sigmoid) from opt_utils' initialize_parameters
// (np.random.seed(3), He); then the learning-rate decay runs (update_lr, schedule_lr_decay).
// The notebook's text: Optimization_methods.ipynb, greyhatguy007/deep-learning-specialization
// @ 4f3647d7 and shivamaggarwal513/coursera-deep-learning-specialization @ ded9d4c0 (the copy
// with the floor in schedule_lr_decay, whose decay runs are the official ones).
#include "course/assignments.hpp"
#include "course/python_float.hpp"
#include "io/course_datasets.hpp"
#include "nn/nn.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace xgrad::course {

namespace {

struct Run {
    const char* title;
    const char* optimizer;
    double learning_rate;
    std::function<double(std::size_t)> decay; // empty: none
    std::vector<const char*> costs;           // "Cost after epoch i: %f", every 1000
    std::vector<const char*> rates;           // "learning rate after epoch i: %f" (decay only)
    const char* accuracy;
};

void run_model(Notebook& notebook, const io::Dataset<double>& train, const Run& run) {
    notebook.section(run.title);
    nn::Model<double> model({2, 5, 2, 1},
                            {nn::Activation::relu, nn::Activation::relu, nn::Activation::sigmoid},
                            nn::Initializer<double>(nn::Init::he, 3, nn::Generator::numpy));
    // beta = 0.9 (momentum); beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 (adam): the defaults
    const auto optimizer =
        nn::make_optimizer<double>(run.optimizer, model.parameters(), run.learning_rate);
    nn::FitOptions options;
    options.epochs = 5000;
    options.batch_size = 64;
    options.seed = 10;
    options.generator = nn::Generator::numpy;
    options.decay = run.decay;
    const char* why = "printed to 6 decimals";
    options.on_epoch = [&](const nn::EpochStats& e) {
        const std::size_t i = e.epoch - 1; // the notebook counts epochs from 0
        if (i % 1000 != 0)
            return;
        // cost_avg = cost_total / m: the mini-batches' costs before each update
        notebook.line("Cost after epoch " + std::to_string(i) + ": " + fixed(e.loss, 6),
                      run.costs[i / 1000], 5e-7 * 1.0001, why);
        if (run.decay)
            notebook.line("learning rate after epoch " + std::to_string(i) + ": " +
                              fixed(e.learning_rate, 6),
                          run.rates[i / 1000], 5e-7 * 1.0001, why);
    };
    nn::fit(model, *optimizer, train.X, train.Y, options);
    notebook.line("Accuracy: " + python_float(nn::binary_accuracy(model.predict(train.X), train.Y)),
                  run.accuracy, 1e-12);
}

} // namespace

void c2w2_optimization(Notebook& notebook) {
    const io::Dataset<double> train = io::load_moons_dataset<double>();
    notebook.note("train_X 2 x 300 (sklearn's make_moons after np.random.seed(3), noise .2)");

    const std::vector<Run> runs = {
        {"5.1 - Mini-batch Gradient descent (learning_rate = 0.0007)",
         "gd",
         0.0007,
         {},
         {"Cost after epoch 0: 0.702405", "Cost after epoch 1000: 0.668101",
          "Cost after epoch 2000: 0.635288", "Cost after epoch 3000: 0.600491",
          "Cost after epoch 4000: 0.573367"},
         {},
         "Accuracy: 0.7166666666666667"},
        {"5.2 - Mini-batch gradient descent with momentum (beta = 0.9)",
         "momentum",
         0.0007,
         {},
         {"Cost after epoch 0: 0.702413", "Cost after epoch 1000: 0.668167",
          "Cost after epoch 2000: 0.635388", "Cost after epoch 3000: 0.600591",
          "Cost after epoch 4000: 0.573444"},
         {},
         "Accuracy: 0.7166666666666667"},
        {"5.3 - Mini-batch with Adam",
         "adam",
         0.0007,
         {},
         {"Cost after epoch 0: 0.702166", "Cost after epoch 1000: 0.167845",
          "Cost after epoch 2000: 0.141316", "Cost after epoch 3000: 0.138788",
          "Cost after epoch 4000: 0.136066"},
         {},
         "Accuracy: 0.9433333333333334"},
        {"6.1 - Decay on every iteration: gd, learning_rate = 0.1, decay = update_lr",
         "gd",
         0.1,
         [](std::size_t i) { return nn::update_lr(0.1, i, 1); },
         {"Cost after epoch 0: 0.701091", "Cost after epoch 1000: 0.661884",
          "Cost after epoch 2000: 0.658620", "Cost after epoch 3000: 0.656765",
          "Cost after epoch 4000: 0.655486"},
         {"learning rate after epoch 0: 0.100000", "learning rate after epoch 1000: 0.000100",
          "learning rate after epoch 2000: 0.000050", "learning rate after epoch 3000: 0.000033",
          "learning rate after epoch 4000: 0.000025"},
         "Accuracy: 0.6533333333333333"},
        {"7.1 - Fixed interval scheduling: gd, learning_rate = 0.1, schedule_lr_decay",
         "gd",
         0.1,
         [](std::size_t i) { return nn::schedule_lr_decay(0.1, i, 1); },
         {"Cost after epoch 0: 0.701091", "Cost after epoch 1000: 0.127161",
          "Cost after epoch 2000: 0.120304", "Cost after epoch 3000: 0.117033",
          "Cost after epoch 4000: 0.117512"},
         {"learning rate after epoch 0: 0.100000", "learning rate after epoch 1000: 0.050000",
          "learning rate after epoch 2000: 0.033333", "learning rate after epoch 3000: 0.025000",
          "learning rate after epoch 4000: 0.020000"},
         "Accuracy: 0.9433333333333334"},
        {"7.2 - Momentum with learning rate decay: learning_rate = 0.1, schedule_lr_decay",
         "momentum",
         0.1,
         [](std::size_t i) { return nn::schedule_lr_decay(0.1, i, 1); },
         {"Cost after epoch 0: 0.702226", "Cost after epoch 1000: 0.128974",
          "Cost after epoch 2000: 0.125965", "Cost after epoch 3000: 0.123375",
          "Cost after epoch 4000: 0.123218"},
         {"learning rate after epoch 0: 0.100000", "learning rate after epoch 1000: 0.050000",
          "learning rate after epoch 2000: 0.033333", "learning rate after epoch 3000: 0.025000",
          "learning rate after epoch 4000: 0.020000"},
         "Accuracy: 0.9533333333333334"},
        {"7.3 - Adam with learning rate decay: learning_rate = 0.01, schedule_lr_decay",
         "adam",
         0.01,
         [](std::size_t i) { return nn::schedule_lr_decay(0.01, i, 1); },
         {"Cost after epoch 0: 0.699346", "Cost after epoch 1000: 0.130074",
          "Cost after epoch 2000: 0.129826", "Cost after epoch 3000: 0.129282",
          "Cost after epoch 4000: 0.128361"},
         {"learning rate after epoch 0: 0.010000", "learning rate after epoch 1000: 0.005000",
          "learning rate after epoch 2000: 0.003333", "learning rate after epoch 3000: 0.002500",
          "learning rate after epoch 4000: 0.002000"},
         "Accuracy: 0.94"},
    };
    for (const Run& run : runs)
        run_model(notebook, train, run);
}

} // namespace xgrad::course
