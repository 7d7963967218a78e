#include "autograd/core/hooks.hpp"

namespace xgrad {

void HookHandle::remove() {
    if (auto owner = m_owner.lock())
        m_remove(owner.get(), m_id);
    m_owner.reset();
}

} // namespace xgrad
