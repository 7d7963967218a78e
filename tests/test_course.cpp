// The course's assignments reproduced (course/): every assignment in the table agrees with its
// notebook line by line, a wrong line is caught, and the printing the comparison rests on
// (numpy's str() of an array, Python's str() of a float, the numbers read back from printed
// text) is the one numpy and Python do: checked against Debian's /usr/bin/python3 and numpy.
#include "course/assignments.hpp"
#include "course/notebook.hpp"
#include "course/python_float.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace xgrad;
using namespace xgrad::course;

namespace {

Array<double> matrix(std::initializer_list<std::initializer_list<double>> rows) {
    return Array<double>(rows);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// What each assignment compares: a line lost from one of them fails here, not
// only a line that disagrees.
const std::map<std::string, std::size_t> lines_of = {
    {"c1w3-planar", 50},           {"c2w1-initialization", 59}, {"c2w1-regularization", 8},
    {"c2w1-gradient-checking", 5}, {"c2w2-optimization", 62},   {"c1w4-step-by-step", 39}};
// Any other assignment in the table compares at least this many lines.
constexpr std::size_t at_least = 10;

// What an assignment printed and counted, run once for all the test cases.
struct Printed {
    std::string text;
    std::size_t compared = 0, mismatches = 0;
};
const Printed& printed(const Assignment& a) {
    static std::map<std::string, Printed> runs;
    auto [it, is_new] = runs.try_emplace(a.name);
    if (is_new) {
        std::ostringstream out;
        Notebook notebook(out);
        a.run(notebook);
        it->second = {out.str(), notebook.compared(), notebook.mismatches()};
    }
    return it->second;
}

// Runs a Python script with Debian's python3 (numpy installed) and returns its stdout; an empty
// optional-like flag `ran` when there is no such python and XGRAD_ALLOW_NO_NUMPY allows that.
std::vector<std::string> python_lines(const std::string& script, bool& ran) {
    ran = false;
    if (!std::filesystem::exists("/usr/bin/python3")) {
        if (std::getenv("XGRAD_ALLOW_NO_NUMPY")) {
            MESSAGE("no /usr/bin/python3 (Debian python3-numpy): numpy's printing not compared");
            return {};
        }
        FAIL("no /usr/bin/python3 (Debian python3-numpy); set XGRAD_ALLOW_NO_NUMPY to skip");
    }
    const std::filesystem::path file = std::filesystem::temp_directory_path() /
                                       ("xgrad-test-course-" + std::to_string(::getpid()) + ".py");
    std::ofstream(file) << script;
    FILE* pipe = ::popen(("/usr/bin/python3 '" + file.string() + "'").c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string out;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
        out.append(buffer, n);
    const int status = ::pclose(pipe);
    std::filesystem::remove(file);
    REQUIRE_MESSAGE(status == 0, "python3 failed on:\n" << script);
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    ran = true;
    return lines;
}

std::string python_list(const Array<double>& a) {
    std::ostringstream out;
    out << "np.array([";
    const std::size_t rows = a.dimension() == 2 ? a.shape()[0] : 1;
    const std::size_t cols = a.size() / rows;
    for (std::size_t r = 0; r < rows; ++r) {
        out << (a.dimension() == 2 ? "[" : "");
        for (std::size_t c = 0; c < cols; ++c) {
            char v[40];
            std::snprintf(v, sizeof v, "%.17g", a.data()[r * cols + c]);
            out << "float('" << v << "'),"; // float('-0') is -0.0, float('nan') nan
        }
        out << (a.dimension() == 2 ? "]," : "");
    }
    out << "])";
    return out.str();
}

} // namespace

TEST_CASE("every assignment agrees with its notebook, line by line") {
    REQUIRE(assignments().size() >= lines_of.size());
    for (const auto& entry : lines_of) // (no structured binding: doctest's message is a lambda)
        CHECK_MESSAGE(find_assignment(entry.first) != nullptr,
                      entry.first << " is not in the table");
    for (const Assignment& a : assignments()) {
        INFO("xgrad course " << a.name);
        const Printed& run = printed(a);
        INFO(run.text);
        CHECK(run.mismatches == 0);
        CHECK(!contains(run.text, "DIFFERS"));
        const auto known = lines_of.find(a.name);
        if (known != lines_of.end())
            CHECK(run.compared == known->second);
        else
            CHECK(run.compared >= at_least);
    }
}

TEST_CASE("c2w1-gradient-checking finds the planted bugs, then passes") {
    const Assignment* check = find_assignment("c2w1-gradient-checking");
    REQUIRE(check != nullptr);
    const std::string& text = printed(*check).text;
    CHECK(contains(text, "There is a mistake in the backward propagation!"));
    CHECK(contains(text, "Your backward propagation works perfectly fine!"));
}

TEST_CASE("python_float prints the course 2 notebooks' floats as Python's repr does") {
    CHECK(python_float(0.6931471805599453) == "0.6931471805599453");
    CHECK(python_float(1.1890913024229996e-07) == "1.1890913024229996e-07");
    CHECK(python_float(2.919335883291695e-10) == "2.919335883291695e-10");
    CHECK(python_float(0.5) == "0.5");
    CHECK(python_float(0.0001) == "0.0001");
    CHECK(python_float(15000.0) == "15000.0");
    CHECK(python_float(1e16) == "1e+16");
    CHECK(python_float(-0.25) == "-0.25");
    CHECK(python_float(1.0 / 0.0) == "inf");
}

TEST_CASE("the notebook's lines are printed beside ours, in the notebook's format") {
    const Assignment* planar = find_assignment("c1w3-planar");
    REQUIRE(planar != nullptr);
    const std::string& text = printed(*planar).text;
    CHECK(contains(text, "Cost after iteration 0: 0.693048\n"
                         "  notebook: Cost after iteration 0: 0.693048\n  ok"));
    CHECK(contains(text, "Accuracy: 90%\n  notebook: Accuracy: 90%\n  ok"));
    CHECK(contains(text, "Accuracy for 1 hidden units: 67.5 %\n"
                         "  notebook: Accuracy for 1 hidden units: 67.5 %\n  ok"));
    // A drifting late cost says how far the notebook's own copies drift, and why.
    CHECK(contains(text, "copies of the notebook print 0.219454 and 0.219477 here"));
    CHECK(find_assignment("c1w4-wrong-name") == nullptr);
}

TEST_CASE("a line that disagrees with the notebook is marked DIFFERS and counted") {
    std::ostringstream out;
    Notebook notebook(out);
    notebook.line("Cost after iteration 0: 0.693048", "Cost after iteration 0: 0.693048", 5e-7);
    CHECK(notebook.mismatches() == 0);

    SUBCASE("a cost one unit off in its last printed digit") {
        notebook.line("Cost after iteration 0: 0.693049", "Cost after iteration 0: 0.693048", 5e-7);
    }
    SUBCASE("an array entry off") {
        notebook.array("W1", Array<double>{{0.01624345, -0.00611756}},
                       "[[ 0.01624345 -0.00611757]]");
    }
    SUBCASE("a different number of entries") {
        notebook.array("b1", Array<double>{{0.0, 0.0}}, "[[0.]\n [0.]\n [0.]]");
    }
    SUBCASE("a number where the notebook has nan") {
        notebook.line("cost = 0.5", "cost = nan", 1.0);
    }
    CHECK(notebook.compared() == 2);
    CHECK(notebook.mismatches() == 1);
    CHECK(contains(out.str(), "DIFFERS"));
    CHECK(out.str().find("ok (") < out.str().find("DIFFERS"));
}

TEST_CASE("a line within its tolerance says so, with the reason given") {
    std::ostringstream out;
    Notebook notebook(out);
    notebook.line("Cost after iteration 8000: 0.219483", "Cost after iteration 8000: 0.219471",
                  2e-5, "sums in another order");
    CHECK(notebook.mismatches() == 0);
    CHECK(contains(out.str(), "ok (|diff| 1.2e-05, tolerance 2e-05): sums in another order"));
    notebook.line("Cost after iteration 8000: 0.219483", "Cost after iteration 8000: 0.219471",
                  1e-5);
    CHECK(notebook.mismatches() == 1);
}

TEST_CASE("numbers_in reads the numbers of printed text, not those of names") {
    CHECK(numbers_in("[[ 0.1 -2e-3]]") == std::vector<double>{0.1, -0.002});
    CHECK(numbers_in("Cost after iteration 1000: 0.288083") == std::vector<double>{1000, 0.288083});
    CHECK(numbers_in("dW1 = [[-1.02420756e-06]\n [ 1.27373948e-05]]") ==
          std::vector<double>{-1.02420756e-06, 1.27373948e-05});
    CHECK(numbers_in("b1 = [[ 0.]\n [-0.]]") == std::vector<double>{0.0, 0.0});
    CHECK(numbers_in("Accuracy: 90%") == std::vector<double>{90});
    CHECK(numbers_in("dA0 and W2 are names") == std::vector<double>{});
    CHECK(numbers_in("Length of caches list = 3") == std::vector<double>{3});
    const std::vector<double> special = numbers_in("[nan -inf inf .5]");
    REQUIRE(special.size() == 4);
    CHECK(std::isnan(special[0]));
    CHECK(special[1] == -INFINITY);
    CHECK(special[2] == INFINITY);
    CHECK(special[3] == 0.5);
}

TEST_CASE("numpy_str prints arrays as numpy's str() does") {
    // The notebooks' own arrays and the cases of numpy's layout: padding of both sides, "-0.",
    // whole numbers, the exponent form (entries under 1e-4 or from 1e8, a span over 1000),
    // rounding to 8 decimals, a 1-D array, nan and inf.
    const std::vector<Array<double>> arrays = {
        matrix({{0.01788628, 0.0043651}, {-0.00354759, -0.00082741}}),
        matrix({{-1.02420756e-06}, {1.27373948e-05}, {8.32996807e-07}, {-3.20136836e-06}}),
        matrix({{1e-5, 1.5e-6}}),
        matrix({{0.44090989, -0.0}, {-0.2298228, 0.0}}),
        matrix({{0.0, 0.0}, {0.0, 0.0}}),
        matrix({{1.5, -2.25, 100.0}}),
        matrix({{1e-120, 1.0}}),
        matrix({{123456789.0, 1.0}}),
        matrix({{0.1, 0.2, 0.30000000000000004}}),
        matrix({{3.43896131, 0.0}}),
        matrix({{-0.16655711999999, 2.0 / 3.0}}),
        matrix({{1.2345678912345e-5, 1.0}, {0.0, -7.0}}),
        Array<double>{0.1, -2.25, 3.0},
        matrix({{1.0, NAN}, {-INFINITY, 0.5}}),
        matrix({{1e-5, NAN}}),
    };
    std::string script = "import numpy as np\n";
    for (const Array<double>& a : arrays)
        script += "print(repr(str(" + python_list(a) + ")))\n";
    bool ran = false;
    const std::vector<std::string> numpy = python_lines(script, ran);
    if (!ran)
        return;
    REQUIRE(numpy.size() == arrays.size());
    for (std::size_t i = 0; i < arrays.size(); ++i) {
        // repr() of the text: quotes around it and "\n" for a newline.
        std::string expected = numpy[i].substr(1, numpy[i].size() - 2);
        for (std::size_t at; (at = expected.find("\\n")) != std::string::npos;)
            expected.replace(at, 2, "\n");
        INFO("array " << i << ": " << python_list(arrays[i]));
        CHECK(numpy_str(arrays[i]) == expected);
    }
}

TEST_CASE("python_float prints a float as Python's str() does") {
    const std::vector<double> values = {0.6930587610394646,
                                        0.2797765635793422,
                                        90.75,
                                        90.0,
                                        67.25,
                                        1e-05,
                                        0.0001,
                                        1.5e16,
                                        9999999999999998.0,
                                        0.1 + 0.2,
                                        -0.0,
                                        0.0,
                                        1e22,
                                        -123.456,
                                        363.0 / 400.0 * 100};
    std::string script;
    for (double v : values) {
        char text[40];
        std::snprintf(text, sizeof text, "%.17g", v);
        script += std::string("print(str(float('") + text + "')))\n";
    }
    bool ran = false;
    const std::vector<std::string> python = python_lines(script, ran);
    if (!ran)
        return;
    REQUIRE(python.size() == values.size());
    for (std::size_t i = 0; i < values.size(); ++i)
        CHECK(python_float(values[i]) == python[i]);
}
