#include "gui/view_model/state_timeline.hpp"

#include <algorithm>

namespace mailscope::gui {

std::optional<imap::State> imap_state_named(std::string_view name) {
    for (imap::State state : imap::all_states) {
        if (imap::state_name(state) == name) return state;
    }
    return std::nullopt;
}

void StateTimeline::sync(const sim::SessionTrace& trace) {
    if (trace.size() < m_seen) *this = StateTimeline{};
    const auto& events = trace.events();
    for (; m_seen < events.size(); ++m_seen) {
        const sim::TraceEvent& event = events[m_seen];
        if (event.kind == sim::EventKind::StateTransition && event.transition) {
            m_transitions.push_back(event.seq);
        }
    }
}

StateAtCursor StateTimeline::at(const sim::SessionTrace& trace, std::uint64_t cursor) const {
    StateAtCursor result;
    if (trace.protocol() == sim::Protocol::Imap) {
        result.name = std::string(imap::state_name(imap::State::Connecting));
    }
    const auto it = std::upper_bound(m_transitions.begin(), m_transitions.end(), cursor);
    if (it != m_transitions.begin()) {
        const std::uint64_t seq = *(it - 1);
        if (seq < trace.size() && trace.at(seq).transition) {
            result.transition_seq = seq;
            result.last = *trace.at(seq).transition;
            result.name = result.last->to;
        }
    }
    if (trace.protocol() == sim::Protocol::Imap) result.imap_state = imap_state_named(result.name);
    return result;
}

}  // namespace mailscope::gui
