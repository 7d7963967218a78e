#pragma once
// How Python 3 prints a float: str(0.6930587610394646), "{}".format(90.75). The notebooks print
// costs and accuracies this way, so our lines are written the same way to be read side by side.

#include <string>

namespace xgrad::course {

/// Python's str(float): the shortest decimal that reads back as the same double, with ".0" on a
/// whole number ("90.0") and Python's switch to an exponent below 1e-4 or from 1e16 ("1e-05").
std::string python_float(double value);

} // namespace xgrad::course
