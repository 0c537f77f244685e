#include "gui/view_model/event_class.hpp"

#include <string_view>

namespace mailscope::gui {

namespace {

// The same classes for the three protocols: IMAP's OK/NO/BAD, POP3's
// +OK/-ERR and SMTP's 2xx to 5xx (RFC 5321 4.2.1: done, go on, try later,
// refused).
RowKind classify_status(const sim::TraceEvent& event) {
    switch (sim::reply_class(event.status)) {
        case sim::ReplyClass::Success:
            return RowKind::TaggedOk;
        case sim::ReplyClass::Continue:
            return RowKind::Continuation;
        case sim::ReplyClass::TryLater:
            return RowKind::TaggedNo;
        case sim::ReplyClass::Goodbye:
            return RowKind::Bye;
        default:
            return RowKind::TaggedBad;
    }
}

// A POP3 or SMTP greeting that refuses the session reads like IMAP's BYE.
bool refusing_greeting(const sim::TraceEvent& event) {
    const auto kind = sim::reply_class(event.status);
    return kind == sim::ReplyClass::Goodbye || kind == sim::ReplyClass::Refused ||
           kind == sim::ReplyClass::TryLater;
}

}  // namespace

RowKind classify(const sim::TraceEvent& event) {
    switch (event.kind) {
        case sim::EventKind::Command:
            return RowKind::Command;
        case sim::EventKind::Untagged:
            return refusing_greeting(event) ? RowKind::Bye : RowKind::Untagged;
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
