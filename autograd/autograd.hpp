#pragma once
// xgrad's autodiff engine: include this for tensors, ops, backward and gradcheck.
#include "autograd/kernels/buffer_cache.hpp"
#include "autograd/core/error.hpp"
#include "autograd/inspect/gradcheck.hpp"
#include "autograd/ops/ops.hpp"
#include "autograd/core/tape.hpp"
#include "autograd/core/tensor.hpp"
