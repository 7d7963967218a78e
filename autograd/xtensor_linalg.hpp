#pragma once
// The one place xgrad includes xtensor-blas (xt::linalg::dot is numpy's np.dot). It is kept out
// of autograd/xtensor.hpp because xtensor-blas declares the cblas functions itself, with types
// that clash with OpenBLAS's <cblas.h>, which the engine's matrix kernels include. So a file
// uses one or the other: nn/reference/ this header, the engine's gemm <cblas.h>.
#include "autograd/xtensor.hpp"

#include <xtensor-blas/xlinalg.hpp>
