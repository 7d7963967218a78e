#pragma once
// The scalar types xgrad supports, for explicit instantiations.

/// Instantiates `MACRO(T)` for the scalar types xgrad supports.
#define XGRAD_FOR_EACH_SCALAR(MACRO) MACRO(float) MACRO(double)
