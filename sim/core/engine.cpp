#include "sim/core/engine.hpp"

#include <algorithm>

namespace mailscope::sim {

const TraceEvent* Engine::next_event() {
    m_next_event = std::max(m_next_event, m_trace.first_seq());
    if (m_next_event >= m_trace.end_seq()) return nullptr;
    return &m_trace.at(m_next_event++);
}

std::uint64_t Engine::first_reply_since(std::uint64_t from) const {
    for (auto seq = std::max(from, m_trace.first_seq()); seq < m_trace.end_seq(); ++seq) {
        const auto kind = m_trace.at(seq).kind;
        if (kind == EventKind::Tagged || kind == EventKind::Untagged ||
            kind == EventKind::Continuation) {
            return seq;
        }
    }
    return from;
}

}  // namespace mailscope::sim
