#pragma once
// xgrad's autodiff engine: include this for tensors, ops, backward and gradcheck.
#include "autograd/buffer_cache.hpp"
#include "autograd/error.hpp"
#include "autograd/gradcheck.hpp"
#include "autograd/ops.hpp"
#include "autograd/tape.hpp"
#include "autograd/tensor.hpp"
