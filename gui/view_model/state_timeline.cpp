#include "gui/view_model/state_timeline.hpp"

#include <algorithm>

#include "gui/view_model/protocol_states.hpp"

namespace mailscope::gui {

void StateTimeline::sync(const sim::SessionTrace& trace) {
    if (trace.size() < m_seen) *this = StateTimeline{};
    const auto& events = trace.events();
    for (; m_seen < events.size(); ++m_seen) {
        const sim::TraceEvent& event = events[m_seen];
        if (event.kind == sim::EventKind::StateTransition && event.transition) {
            m_transitions.push_back(event.seq);
        }
        // A broken rule may cite RFC 9051 in any session (a form it defines).
        if (!m_imap4rev2_from && event.kind != sim::EventKind::Violation &&
            event.section.starts_with("RFC 9051")) {
            m_imap4rev2_from = event.seq;
        }
    }
}

StateAtCursor StateTimeline::at(const sim::SessionTrace& trace, std::uint64_t cursor) const {
    const sim::Protocol protocol = trace.protocol();
    StateAtCursor result;
    result.name = std::string(protocol_states(protocol).states.front().name);
    result.imap4rev2 =
        protocol == sim::Protocol::Imap && m_imap4rev2_from && *m_imap4rev2_from <= cursor;
    const auto it = std::upper_bound(m_transitions.begin(), m_transitions.end(), cursor);
    if (it != m_transitions.begin()) {
        const std::uint64_t seq = *(it - 1);
        if (seq < trace.size() && trace.at(seq).transition) {
            result.transition_seq = seq;
            result.last = *trace.at(seq).transition;
            result.name = std::string(result.last->to.name());
            if (result.last->from.protocol() == protocol &&
                result.last->to.protocol() == protocol) {
                result.edge =
                    transition_index(protocol, result.last->from.index(), result.last->to.index());
                result.state = result.last->to.index();
                return result;
            }
        }
    }
    result.state = state_index(protocol, result.name);
    return result;
}

}  // namespace mailscope::gui
