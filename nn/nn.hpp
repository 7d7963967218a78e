#pragma once
// xgrad's neural-network layer: include this for layers, models, losses, optimisers, training
// and the gradient comparison. Everything is in namespace xgrad::nn.
#include "nn/activation.hpp"
#include "nn/batches.hpp"
#include "nn/compare.hpp"
#include "nn/dense.hpp"
#include "nn/init.hpp"
#include "nn/losses.hpp"
#include "nn/model.hpp"
#include "nn/optim.hpp"
#include "nn/train.hpp"
