#pragma once
// xgrad's neural-network layer: include this for layers, models, losses, optimisers, training
// and the gradient comparison. Everything is in namespace xgrad::nn.
//
//   using namespace xgrad::nn;
//   Model<double> model({12288, 20, 7, 5, 1}, parse_activations("relu,relu,relu,sigmoid"),
//                       Init::he, /*seed*/ 1);
//   Adam<double> adam(model.parameters(), 0.001);       // or make_optimizer("adam", ...)
//   FitOptions options;
//   options.epochs = 20;
//   options.batch_size = 64;
//   options.on_epoch = [](const EpochStats& e) { /* e.epoch, e.loss, e.accuracy */ };
//   fit(model, adam, X_train, Y_train, options);        // X (n_x, m), Y (1, m)
//   Evaluation test = evaluate(model, X_test, Y_test);  // test.loss, test.accuracy
//   std::cout << compare_gradients(model, X_small, Y_small); // the per-layer table
#include "nn/activation.hpp"
#include "nn/activation_layer.hpp"
#include "nn/batch_norm.hpp"
#include "nn/batches.hpp"
#include "nn/clip.hpp"
#include "nn/compare.hpp"
#include "nn/data_checks.hpp"
#include "nn/dense.hpp"
#include "nn/divergence.hpp"
#include "nn/dropout.hpp"
#include "nn/dropout_layer.hpp"
#include "nn/init.hpp"
#include "nn/layer.hpp"
#include "nn/losses.hpp"
#include "nn/model.hpp"
#include "nn/named_tensor.hpp"
#include "nn/optim.hpp"
#include "nn/regularization.hpp"
#include "nn/schedule.hpp"
#include "nn/sequential.hpp"
#include "nn/train.hpp"
