#include "net/ui_queue.hpp"

#include <utility>

namespace mailscope::transport {

void UiQueue::post(std::function<void()> work) {
    const std::lock_guard lock(m_mutex);
    m_pending.push_back(std::move(work));
}

std::size_t UiQueue::run_pending() {
    std::vector<std::function<void()>> ready;
    {
        const std::lock_guard lock(m_mutex);
        ready.swap(m_pending);
    }
    for (auto& work : ready)
        work();
    return ready.size();
}

}  // namespace mailscope::transport
