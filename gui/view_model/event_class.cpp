#include "gui/view_model/event_class.hpp"

#include <string_view>

namespace mailscope::gui {

namespace {

// SMTP reply classes (RFC 5321 4.2.1): 2 done, 3 go on, 4 try later, 5 refused.
RowKind classify_smtp_code(std::string_view code) {
    switch (code.empty() ? '5' : code.front()) {
        case '2':
            return RowKind::TaggedOk;
        case '3':
            return RowKind::Continuation;
        case '4':
            return RowKind::TaggedNo;
        default:
            return RowKind::TaggedBad;
    }
}

RowKind classify_status(const sim::TraceEvent& event) {
    const std::string& status = event.status.empty() ? event.name : event.status;
    switch (event.protocol) {
        case sim::Protocol::Pop3:
            return status == "+OK" ? RowKind::TaggedOk : RowKind::TaggedBad;
        case sim::Protocol::Smtp:
            return classify_smtp_code(status);
        case sim::Protocol::Imap:
            break;
    }
    if (status == "OK") return RowKind::TaggedOk;
    if (status == "NO") return RowKind::TaggedNo;
    if (status == "BYE") return RowKind::Bye;
    return RowKind::TaggedBad;
}

// A POP3 or SMTP greeting that refuses the session reads like IMAP's BYE.
bool refusing_greeting(const sim::TraceEvent& event) {
    switch (event.protocol) {
        case sim::Protocol::Pop3:
            return event.status == "-ERR";
        case sim::Protocol::Smtp:
            return !event.status.empty() && event.status.front() != '2';
        case sim::Protocol::Imap:
            break;
    }
    return event.status == "BYE" || event.name == "BYE";
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
