#pragma once
// The course's assignments, reproduced: each runs with the notebook's hyper-parameters and seeds
// and prints the notebook's expected-output lines beside its own (course/notebook.hpp).
//
// Adding one: write `void NAME(Notebook&)` in course/<name>.cpp, declare it below, and give it a
// row in the table in course/assignments.cpp. `xgrad course` lists the table; tests/test_course
// runs every row and fails on a line outside its tolerance.

#include "course/notebook.hpp"

#include <string_view>
#include <vector>

namespace xgrad::course {

struct Assignment {
    const char* name;    ///< what `xgrad course NAME` takes, e.g. "c1w3-planar"
    const char* title;   ///< the notebook's title
    const char* missing; ///< what of the notebook is not reproduced, and why ("" when nothing)
    void (*run)(Notebook&);
};

/// Every assignment, in course order.
const std::vector<Assignment>& assignments();
/// The assignment called `name`, or nullptr.
const Assignment* find_assignment(std::string_view name);

// The assignments themselves, one file each.
void c2w1_initialization(Notebook& notebook);    // course/c2_initialization.cpp
void c2w1_regularization(Notebook& notebook);    // course/c2_regularization.cpp
void c2w1_gradient_checking(Notebook& notebook); // course/c2_gradient_checking.cpp
void c2w2_optimization(Notebook& notebook);      // course/c2_optimization.cpp

/// Course 1 week 3, planar data classification with one hidden layer (course/c1w3_planar.cpp).
void c1w3_planar(Notebook& notebook);
/// Course 1 week 4, building a deep neural network step by step (course/c1w4_step_by_step.cpp).
void c1w4_step_by_step(Notebook& notebook);

} // namespace xgrad::course
