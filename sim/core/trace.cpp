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

namespace {

// What an event costs in memory, near enough for a retention limit: the
// record and the text it owns.
std::size_t footprint(const TraceEvent& event) {
    std::size_t size = sizeof(TraceEvent) + event.raw.size() + event.tag.size() +
                       event.name.size() + event.summary.size() + event.section.size() +
                       event.status.size() + event.code.size();
    if (event.transition) {
        size += event.transition->from.size() + event.transition->to.size() +
                event.transition->cause.size();
    }
    if (event.flags) {
        for (const auto& flag : event.flags->before)
            size += sizeof(flag) + flag.size();
        for (const auto& flag : event.flags->after)
            size += sizeof(flag) + flag.size();
    }
    if (event.violation) size += event.violation->rule.size() + event.violation->section.size();
    return size;
}

}  // namespace

SessionTrace::SessionTrace(Protocol protocol, std::string label, TraceRetention retention)
    : m_protocol(protocol), m_label(std::move(label)), m_retention(retention) {}

std::uint64_t SessionTrace::append(TraceEvent event) {
    event.seq = end_seq();
    event.protocol = m_protocol;
    m_bytes += footprint(event);
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
    m_bytes -= footprint(m_events.front());
    m_events.pop_front();
    ++m_first_seq;
}

}  // namespace mailscope::sim
