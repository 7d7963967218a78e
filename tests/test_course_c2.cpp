// Course 2's assignments reproduced (course/c2_*.cpp): every line they print agrees with the
// notebook's within its stated tolerance, and each prints the lines it should.
#include "course/assignments.hpp"
#include "course/python_float.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>

using namespace xgrad;

namespace {

struct Printed {
    std::string text;
    std::size_t compared = 0, mismatches = 0;
};

Printed run(const char* name) {
    const course::Assignment* a = course::find_assignment(name);
    REQUIRE(a != nullptr);
    std::ostringstream out;
    course::Notebook notebook(out);
    a->run(notebook);
    return {out.str(), notebook.compared(), notebook.mismatches()};
}

} // namespace

TEST_CASE("python_float prints floats as Python's repr does") {
    CHECK(course::python_float(0.6931471805599453) == "0.6931471805599453");
    CHECK(course::python_float(1.1890913024229996e-07) == "1.1890913024229996e-07");
    CHECK(course::python_float(2.919335883291695e-10) == "2.919335883291695e-10");
    CHECK(course::python_float(0.5) == "0.5");
    CHECK(course::python_float(0.0001) == "0.0001");
    CHECK(course::python_float(15000.0) == "15000.0");
    CHECK(course::python_float(1e16) == "1e+16");
    CHECK(course::python_float(-0.25) == "-0.25");
    CHECK(course::python_float(1.0 / 0.0) == "inf");
}

TEST_CASE("c2w1-regularization prints the notebook's four test cases") {
    const Printed p = run("c2w1-regularization");
    MESSAGE(p.text);
    CHECK(p.compared == 8); // cost, dW1..dW3, A3 (reference and nn), dA1, dA2
    CHECK(p.mismatches == 0);
}

TEST_CASE("c2w1-gradient-checking finds the planted bugs, then passes") {
    const Printed p = run("c2w1-gradient-checking");
    MESSAGE(p.text);
    CHECK(p.compared == 5);
    CHECK(p.mismatches == 0);
    CHECK(p.text.find("There is a mistake in the backward propagation!") != std::string::npos);
    CHECK(p.text.find("Your backward propagation works perfectly fine!") != std::string::npos);
}

TEST_CASE("c2w1-initialization: zeros, large random and He on the circles") {
    const Printed p = run("c2w1-initialization");
    MESSAGE(p.text);
    CHECK(p.compared ==
          8 + 3 * (15 + 2)); // the initialisers' arrays, 3 models' costs and accuracies
    CHECK(p.mismatches == 0);
}

TEST_CASE("c2w2-optimization: gd, momentum, Adam and the decay runs on the moons") {
    const Printed p = run("c2w2-optimization");
    MESSAGE(p.text);
    CHECK(p.compared == 3 * (5 + 1) + 4 * (10 + 1));
    CHECK(p.mismatches == 0);
}
