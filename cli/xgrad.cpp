// The `xgrad` program: train a network, check its gradients three ways, draw its graph.
// This file only dispatches; each subcommand lives in cli/<name>.cpp.

#include "cli/commands.hpp"
#include "io/file_error.hpp"

#include <exception>
#include <iostream>
#include <string>
#include <vector>

namespace {

using namespace xgrad::cli;

struct Command {
    const char* name;
    const char* summary;
    Flags (*flags)();
    int (*run)(const Flags&);
};

const Command commands[] = {
    {"train", "train a network on planar or Fashion-MNIST data, report accuracy", train_flags,
     train_command},
    {"check", "compare every layer's gradients: autodiff, the course's formulas, numeric",
     check_flags, check_command},
    {"graph", "write a network's computation graph as text, DOT, JSON and SVG", graph_flags,
     graph_command},
    {"course", "the course's assignments, each line beside the notebook's", course_flags,
     course_command},
    {"demo", "train, check the gradients, draw the graph: the tour in one command", demo_flags,
     demo_command},
};

void print_help(std::ostream& out) {
    out << "xgrad: reverse-mode autodiff for Deep Learning course networks, in C++\n\n"
           "usage: xgrad <command> [flags]     (xgrad <command> --help for its flags)\n\n"
           "commands:\n";
    for (const Command& c : commands)
        out << "  " << c.name << std::string(8 - std::string(c.name).size(), ' ') << c.summary
            << "\n";
    out << "  help    this text\n\n"
           "exit codes: 0 success, 1 error (a file, shapes, a diverged run), 2 bad command line,\n"
           "3 a gradient check failed\n\n"
           "start with:  xgrad demo\n";
}

} // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + (argc > 1 ? 2 : argc), argv + argc);
    const std::string name = argc > 1 ? argv[1] : "help";
    if (name == "help" || name == "--help" || name == "-h") {
        print_help(std::cout);
        return exit_ok;
    }
    const Command* command = nullptr;
    for (const Command& c : commands)
        if (name == c.name)
            command = &c;
    if (!command) {
        std::cerr << "xgrad: unknown command '" << name << "'\n"
                  << "run `xgrad help` for the commands\n";
        return exit_usage;
    }
    const Flags flags = command->flags();
    try {
        Flags parsed = flags;
        if (!parsed.parse(args)) {
            std::cout << flags.usage();
            return exit_ok;
        }
        return command->run(parsed);
    } catch (const UsageError& e) {
        // The error and where to get help: the whole usage would scroll the error away.
        std::cerr << flags.command() << ": " << e.what() << "\n"
                  << "run `" << flags.command() << " --help` for the options\n";
        return exit_usage;
    } catch (const xgrad::io::FileError& e) {
        std::cerr << flags.command() << ": " << e.what() << "\n";
        return exit_error;
    } catch (const std::exception& e) {
        std::cerr << flags.command() << ": error: " << e.what() << "\n";
        return exit_error;
    }
}
