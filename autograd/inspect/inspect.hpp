#pragma once
// Looking at a computation graph: include this for inspect(), the writers and step-through.
#include "autograd/inspect/dot.hpp"
#include "autograd/inspect/graph.hpp"
#include "autograd/inspect/json.hpp"
#include "autograd/inspect/step_through.hpp"
#include "autograd/inspect/summary.hpp"
#include "autograd/inspect/text.hpp"
