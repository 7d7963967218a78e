// `xgrad course`: the course's assignments reproduced (course/assignments.hpp). Without a name it
// lists them; with one it runs it, printing each of the notebook's expected-output lines beside
// ours. Exit code 0 when every line is within its tolerance, 3 when one is not.

#include "cli/commands.hpp"

#include "course/assignments.hpp"

#include <algorithm>
#include <iostream>
#include <string>

namespace xgrad::cli {

Flags course_flags() {
    Flags f("xgrad course",
            "Runs one of the course's assignments with the notebook's seeds and hyper-parameters\n"
            "and prints the notebook's expected outputs beside ours.");
    f.positional("NAME", "the assignment (without it: the list)");
    f.epilogue(
        "exit code: 0 every line agrees with the notebook, 3 one does not, 2 an unknown NAME.\n\n"
        "examples:\n"
        "  xgrad course\n"
        "  xgrad course c1w3-planar\n");
    return f;
}

int course_command(const Flags& flags) {
    const std::string name = flags.text("NAME");
    if (name.empty()) {
        std::size_t width = 0;
        for (const course::Assignment& a : course::assignments())
            width = std::max(width, std::string(a.name).size());
        std::cout << "The course's assignments (xgrad course NAME runs one):\n";
        for (const course::Assignment& a : course::assignments()) {
            std::cout << "  " << a.name << std::string(width + 2 - std::string(a.name).size(), ' ')
                      << a.title << "\n";
            if (*a.missing)
                std::cout << std::string(width + 4, ' ') << "not here: " << a.missing << "\n";
        }
        return exit_ok;
    }
    const course::Assignment* assignment = course::find_assignment(name);
    if (!assignment)
        throw UsageError("no assignment '" + name + "' (xgrad course lists them)");
    std::cout << "# " << assignment->title << "\n";
    if (*assignment->missing)
        std::cout << "(not here: " << assignment->missing << ")\n";
    course::Notebook notebook(std::cout);
    assignment->run(notebook);
    std::cout << "\n"
              << notebook.compared() - notebook.mismatches() << " of " << notebook.compared()
              << " lines agree with the notebook\n";
    return notebook.mismatches() == 0 ? exit_ok : exit_check_failed;
}

} // namespace xgrad::cli
