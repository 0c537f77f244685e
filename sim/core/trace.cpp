#include "sim/core/trace.hpp"

#include <stdexcept>
#include <utility>

namespace mailscope::sim {

std::string_view to_string(EventKind kind) {
    switch (kind) {
        case EventKind::Command:
            return "command";
        case EventKind::Untagged:
            return "untagged";
        case EventKind::Tagged:
            return "tagged";
        case EventKind::Continuation:
            return "continuation";
        case EventKind::Literal:
            return "literal";
        case EventKind::StateTransition:
            return "transition";
        case EventKind::FlagChange:
            return "flags";
        case EventKind::Renumbering:
            return "renumbering";
        case EventKind::Violation:
            return "violation";
        case EventKind::Note:
            return "note";
    }
    return "note";
}

SessionTrace::SessionTrace(Protocol protocol, std::string label, TraceRetention retention)
    : m_protocol(protocol), m_label(std::move(label)), m_retention(retention) {}

std::uint64_t SessionTrace::append(TraceEvent event) {
    event.seq = end_seq();
    event.protocol = m_protocol;
    m_bytes += event.raw.size();
    m_events.push_back(std::move(event));
    const auto& added = m_events.back();
    if (m_sink) m_sink(added);
    const auto seq = added.seq;
    // The newest event always stays, however large: views show the present.
    while (m_events.size() > 1 &&
           ((m_retention.max_events && m_events.size() > m_retention.max_events) ||
            (m_retention.max_bytes && m_bytes > m_retention.max_bytes))) {
        forget_oldest();
    }
    return seq;
}

const TraceEvent& SessionTrace::at(std::uint64_t seq) const {
    if (!holds(seq)) throw std::out_of_range("trace event not held");
    return m_events[seq - m_first_seq];
}

void SessionTrace::forget_oldest() {
    m_bytes -= m_events.front().raw.size();
    m_events.pop_front();
    ++m_first_seq;
}

}  // namespace mailscope::sim
