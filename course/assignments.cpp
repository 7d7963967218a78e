#include "course/assignments.hpp"

namespace xgrad::course {

const std::vector<Assignment>& assignments() {
    static const std::vector<Assignment> table = {};
    return table;
}

const Assignment* find_assignment(std::string_view name) {
    for (const Assignment& a : assignments())
        if (name == a.name)
            return &a;
    return nullptr;
}

} // namespace xgrad::course
