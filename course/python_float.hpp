#pragma once
// Python's repr() of a float, which the course's notebooks print with str(cost) and
// "{}".format(cost): the shortest digits that read back to the same double, in fixed notation
// for exponents -4 to 15 (with ".0" on whole numbers) and as "1.189e-07" otherwise.

#include <string>

namespace xgrad::course {

/// repr(value): "0.6931471805599453", "0.5", "1.1890913024229996e-07", "inf", "nan", "15000.0".
std::string python_repr(double value);

} // namespace xgrad::course
