// Test support: the questions the tests ask of a session's trace (the events
// of one kind, a command by its tag, the rules broken, the numbered edges
// taken), answered the same way in every suite.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/core/trace.hpp"

namespace mailscope::test {

// The two directions of a session, as the RFCs' transcripts write them.
inline constexpr auto C = sim::Direction::ClientToServer;
inline constexpr auto S = sim::Direction::ServerToClient;

inline std::vector<const sim::TraceEvent*> of_kind(const sim::SessionTrace& trace,
                                                   sim::EventKind kind) {
    std::vector<const sim::TraceEvent*> out;
    for (const auto& event : trace.events()) {
        if (event.kind == kind) out.push_back(&event);
    }
    return out;
}

inline std::vector<const sim::TraceEvent*> violations(const sim::SessionTrace& trace) {
    return of_kind(trace, sim::EventKind::Violation);
}

// The rule each violation names, in trace order.
inline std::vector<std::string> violation_rules(const sim::SessionTrace& trace) {
    std::vector<std::string> out;
    for (const auto* event : violations(trace)) {
        out.push_back(event->violation->rule);
    }
    return out;
}

// The section each violation cites, in trace order.
inline std::vector<std::string> violation_sections(const sim::SessionTrace& trace) {
    std::vector<std::string> out;
    for (const auto* event : violations(trace)) {
        out.push_back(event->section);
    }
    return out;
}

// Some violation's rule contains `part`.
inline bool has_violation_rule(const sim::SessionTrace& trace, std::string_view part) {
    for (const auto& rule : violation_rules(trace)) {
        if (rule.find(part) != std::string::npos) return true;
    }
    return false;
}

// Some violation cites exactly `section` ("RFC 5321 4.1.4").
inline bool has_violation_section(const sim::SessionTrace& trace, std::string_view section) {
    for (const auto* event : violations(trace)) {
        if (event->violation->section == section) return true;
    }
    return false;
}

// The numbers of the state diagram's edges taken, in trace order.
inline std::vector<int> transition_numbers(const sim::SessionTrace& trace) {
    std::vector<int> out;
    for (const auto* event : of_kind(trace, sim::EventKind::StateTransition)) {
        out.push_back(event->transition->number);
    }
    return out;
}

// The first command event with `tag`, or null.
inline const sim::TraceEvent* command_tagged(const sim::SessionTrace& trace, std::string_view tag) {
    for (const auto& event : trace.events()) {
        if (event.kind == sim::EventKind::Command && event.tag == tag) return &event;
    }
    return nullptr;
}

// The first event whose raw text starts with `start`, or null.
inline const sim::TraceEvent* first_raw(const sim::SessionTrace& trace, std::string_view start) {
    for (const auto& event : trace.events()) {
        if (std::string_view(event.raw).starts_with(start)) return &event;
    }
    return nullptr;
}

// Whether the first event whose raw text starts with `start` is linked to
// the command tagged `tag` (answers or completes it).
inline bool links_to(const sim::SessionTrace& trace, std::string_view start, std::string_view tag) {
    const sim::TraceEvent* event = first_raw(trace, start);
    const sim::TraceEvent* command = command_tagged(trace, tag);
    return event != nullptr && command != nullptr && event->link_seq == command->seq;
}

// Each event as its kind and raw text ("Tagged a1 OK done"): two traces
// with the same lines went through the same exchange.
inline std::vector<std::string> kinds_and_raws(const sim::SessionTrace& trace) {
    std::vector<std::string> out;
    for (const auto& event : trace.events())
        out.push_back(std::string(sim::to_string(event.kind)) + " " + event.raw);
    return out;
}

}  // namespace mailscope::test
