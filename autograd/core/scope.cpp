#include "autograd/core/scope.hpp"

#include <mutex>
#include <set>
#include <vector>

namespace xgrad {

namespace {
thread_local std::vector<const std::string*> t_scopes;

// Scope names are interned once, so a node keeps a pointer, not a string.
const std::string* intern(const std::string& name) {
    static std::mutex mutex;
    static std::set<std::string> names;
    std::lock_guard<std::mutex> lock(mutex);
    return &*names.insert(name).first;
}
} // namespace

Scope::Scope(const std::string& name) {
    t_scopes.push_back(intern(t_scopes.empty() ? name : *t_scopes.back() + " / " + name));
}
Scope::~Scope() {
    t_scopes.pop_back();
}
const std::string* current_scope() {
    return t_scopes.empty() ? nullptr : t_scopes.back();
}

} // namespace xgrad
