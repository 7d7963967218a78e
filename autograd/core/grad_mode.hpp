#pragma once
// Grad mode: whether ops on this thread record nodes for backward.

namespace xgrad {

/// Whether ops record nodes on this thread (true unless inside a NoGrad scope).
bool grad_enabled();

/// While alive, ops on this thread record nothing (as torch.no_grad()).
class NoGrad {
public:
    NoGrad();
    ~NoGrad();
    NoGrad(const NoGrad&) = delete;
    NoGrad& operator=(const NoGrad&) = delete;

private:
    bool m_previous;
};

/// While alive, sets grad mode on this thread to `enabled` (used by create_graph).
class GradMode {
public:
    explicit GradMode(bool enabled);
    ~GradMode();
    GradMode(const GradMode&) = delete;
    GradMode& operator=(const GradMode&) = delete;

private:
    bool m_previous;
};

} // namespace xgrad
