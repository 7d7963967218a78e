#pragma once
// xgrad's autodiff engine: include this for tensors, ops, backward and gradcheck.
// Inspection (graphs, writers, step-through) is autograd/inspect/inspect.hpp.
#include "autograd/core/anomaly.hpp"
#include "autograd/core/backward_walk.hpp"
#include "autograd/core/error.hpp"
#include "autograd/core/grad.hpp"
#include "autograd/core/grad_mode.hpp"
#include "autograd/core/scope.hpp"
#include "autograd/core/tape.hpp"
#include "autograd/core/tensor.hpp"
#include "autograd/inspect/gradcheck.hpp"
#include "autograd/kernels/buffer_cache.hpp"
#include "autograd/ops/custom.hpp"
#include "autograd/ops/ops.hpp"
