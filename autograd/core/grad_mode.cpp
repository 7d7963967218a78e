#include "autograd/core/grad_mode.hpp"

namespace xgrad {

namespace {
thread_local bool t_grad_enabled = true;
} // namespace

bool grad_enabled() {
    return t_grad_enabled;
}
NoGrad::NoGrad() : m_previous(t_grad_enabled) {
    t_grad_enabled = false;
}
NoGrad::~NoGrad() {
    t_grad_enabled = m_previous;
}
GradMode::GradMode(bool enabled) : m_previous(t_grad_enabled) {
    t_grad_enabled = enabled;
}
GradMode::~GradMode() {
    t_grad_enabled = m_previous;
}

} // namespace xgrad
