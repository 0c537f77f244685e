#include "sim/core/trace.hpp"

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

SessionTrace::SessionTrace(Protocol protocol, std::string label)
    : m_protocol(protocol), m_label(std::move(label)) {}

std::uint64_t SessionTrace::append(TraceEvent event) {
    event.seq = m_events.size();
    event.protocol = m_protocol;
    m_events.push_back(std::move(event));
    return m_events.back().seq;
}

}  // namespace mailscope::sim
