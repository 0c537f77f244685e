#include "sim/core/engine.hpp"

#include <algorithm>

namespace mailscope::sim {

const TraceEvent* Engine::next_event() {
    m_next_event = std::max(m_next_event, m_trace.first_seq());
    if (m_next_event >= m_trace.end_seq()) return nullptr;
    return &m_trace.at(m_next_event++);
}

}  // namespace mailscope::sim
