#pragma once
// Scopes: where an op was made ("layer 2 (Dense 4 -> 1)"), for nodes and error messages.

#include <string>

namespace xgrad {

/// While alive, ops record `name` as where they were made ("layer 2 (Dense 4 -> 1)"),
/// and errors thrown by ops name it. Scopes nest: "model / layer 2".
class Scope {
public:
    explicit Scope(const std::string& name);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
};

/// The innermost scope's full name on this thread, or nullptr. Interned: stable.
const std::string* current_scope();

} // namespace xgrad
