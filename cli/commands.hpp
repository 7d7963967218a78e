#pragma once
// The `xgrad` subcommands. Each declares its flags (*_flags) and runs from the parsed flags,
// returning the process's exit code (ExitCode in flags.hpp). UsageError, FileError and other
// exceptions propagate to the dispatcher in cli/xgrad.cpp, which prints them (a UsageError
// with the subcommand's usage) and picks the exit code.

#include "cli/flags.hpp"

namespace xgrad::cli {

/// `xgrad train`: trains a network on a data set and reports train and test accuracy.
Flags train_flags();
int train_command(const Flags& flags);
/// `xgrad check`: the per-layer gradient comparison, on a random network or on .npy files.
Flags check_flags();
int check_command(const Flags& flags);
/// `xgrad graph`: a network's computation graph as files (cli/graph.hpp does the work).
Flags graph_flags();
int graph_command(const Flags& flags);
/// `xgrad course`: the course's assignments, beside the notebooks' expected outputs.
Flags course_flags();
int course_command(const Flags& flags);
/// `xgrad demo`: train, compare gradients, show the graph: the README's main job.
Flags demo_flags();
int demo_command(const Flags& flags);

} // namespace xgrad::cli
