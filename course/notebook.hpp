#pragma once
// What a reproduced assignment prints: its own lines, in the notebook's format, each beside the
// line the course's notebook shows, with the difference and whether it is within tolerance.
//
//   Cost after iteration 0: 0.693048
//     notebook: Cost after iteration 0: 0.693048                     ok (|diff| 2.1e-08)
//
// An assignment (course/assignments.hpp) calls these while it runs; `xgrad course NAME` prints
// them and exits 3 when a line is outside its tolerance. The notebook's text is kept verbatim
// (as printed by the notebook that ran on the course's servers), and the numbers in it are read
// back from that text, so what is compared is exactly what the learner sees.

#include "autograd/xtensor.hpp"

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

namespace xgrad::course {

/// numpy's str() of a 2-D array at its default precision (8 decimals, trailing zeros dropped
/// and padded to line up): "[[ 0.01788628  0.0043651 ]\n [-0.00354759 -0.00082741]]".
std::string numpy_str(const Array<double>& a, int precision = 8);
/// Python's "%.{decimals}f" (the notebooks' "Cost after iteration %i: %f" uses 6).
std::string fixed(double value, int decimals = 6);
/// Every number in a piece of printed text, in order ("[[ 0.1 -2e-3]]" -> {0.1, -0.002}).
std::vector<double> numbers_in(const std::string& text);

class Notebook {
public:
    explicit Notebook(std::ostream& out);

    /// A heading: the notebook's section, e.g. "4.3 - The Loop".
    void section(const std::string& title);
    /// A line of ours beside the notebook's. The numbers in both are read and compared entry by
    /// entry; within `tolerance` (absolute) the line is ok. `why` says why a difference is
    /// expected (sums in another order, ...) and is printed with it.
    void line(const std::string& ours, const std::string& notebook, double tolerance,
              const std::string& why = "");
    /// `label = <numpy_str(ours)>` beside the notebook's printed array (its text verbatim,
    /// without the "label = "), compared to the notebook's printed digits.
    void array(const std::string& label, const Array<double>& ours, const std::string& notebook,
               double tolerance = 5e-9, const std::string& why = "");
    /// A plain remark (what ran, with which settings), printed as is.
    void note(const std::string& text);

    /// Lines compared, and how many were outside their tolerance.
    std::size_t compared() const { return m_compared; }
    std::size_t mismatches() const { return m_mismatches; }

private:
    void verdict(const std::vector<double>& ours, const std::vector<double>& notebook,
                 double tolerance, const std::string& why);

    std::ostream& m_out;
    std::size_t m_compared = 0;
    std::size_t m_mismatches = 0;
};

} // namespace xgrad::course
