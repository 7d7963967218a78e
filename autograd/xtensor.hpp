#pragma once
// The one place xgrad includes xtensor. xtensor 0.26 moved its headers into
// subfolders (xtensor/containers/xarray.hpp, ...): an upgrade touches this file only.
// Not xsort.hpp: nothing needs it, and GCC 12 reports a false -Warray-bounds inside it (in
// get_permutations' small-buffer vector) in every file that includes it.
#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xbuilder.hpp>
#include <xtensor/xio.hpp>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>
#include <xtensor/xrandom.hpp>
#include <xtensor/xstrided_view.hpp>
#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>

#include <cstddef>
#include <vector>

namespace xgrad {

/// The array type every tensor holds: dynamic rank, row-major.
template <class T>
using Array = xt::xarray<T>;

/// A shape: one extent per axis (xtensor's small-buffer vector: no heap for rank <= 4).
using Shape = xt::xarray<double>::shape_type;

} // namespace xgrad
