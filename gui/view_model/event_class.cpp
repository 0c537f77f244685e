#include "gui/view_model/event_class.hpp"

namespace mailscope::gui {

namespace {

RowKind classify_status(const sim::TraceEvent& event) {
    const std::string& status = event.status.empty() ? event.name : event.status;
    if (status == "OK") return RowKind::TaggedOk;
    if (status == "NO") return RowKind::TaggedNo;
    if (status == "BYE") return RowKind::Bye;
    return RowKind::TaggedBad;
}

}  // namespace

RowKind classify(const sim::TraceEvent& event) {
    switch (event.kind) {
        case sim::EventKind::Command:
            return RowKind::Command;
        case sim::EventKind::Untagged:
            return event.status == "BYE" || event.name == "BYE" ? RowKind::Bye : RowKind::Untagged;
        case sim::EventKind::Tagged:
            return classify_status(event);
        case sim::EventKind::Continuation:
            return RowKind::Continuation;
        case sim::EventKind::Literal:
            return RowKind::Literal;
        case sim::EventKind::StateTransition:
            return RowKind::Transition;
        case sim::EventKind::FlagChange:
            return RowKind::Flags;
        case sim::EventKind::Renumbering:
            return RowKind::Renumbering;
        case sim::EventKind::Violation:
            return RowKind::Violation;
        case sim::EventKind::Note:
            return RowKind::Note;
    }
    return RowKind::Note;
}

bool is_wire_event(const sim::TraceEvent& event) {
    switch (event.kind) {
        case sim::EventKind::Command:
        case sim::EventKind::Untagged:
        case sim::EventKind::Tagged:
        case sim::EventKind::Continuation:
        case sim::EventKind::Literal:
            return true;
        default:
            return false;
    }
}

Lane lane_of(const sim::TraceEvent& event) {
    // A violation belongs to the side that broke the rule, so it stays in that lane.
    if (!is_wire_event(event) && event.kind != sim::EventKind::Violation) return Lane::Internal;
    return event.dir == sim::Direction::ClientToServer ? Lane::Client : Lane::Server;
}

}  // namespace mailscope::gui
