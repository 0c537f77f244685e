// How the exchange views classify one trace event: its colour family and its lane.
#pragma once

#include <cstdint>

#include "sim/core/trace.hpp"

namespace mailscope::gui {

// One colour per kind (see theme.hpp). Status responses are split by their
// status because a learner reads OK, NO, BAD and BYE very differently. POP3
// and SMTP replies share the families: +OK and 2xx as OK, 4xx as NO, -ERR and
// 5xx as BAD, 3xx as a continuation, a refusing greeting as BYE.
enum class RowKind : std::uint8_t {
    Command,
    Untagged,
    TaggedOk,
    TaggedNo,
    TaggedBad,
    Continuation,
    Bye,
    Violation,
    Literal,
    Transition,
    Flags,
    Renumbering,
    Note,
};

inline constexpr int row_kind_count = 13;

// Client and Server are the two columns of the sequence diagram; Internal
// events (a transition, a renumbering) are drawn between them.
enum class Lane : std::uint8_t { Client, Server, Internal };

RowKind classify(const sim::TraceEvent& event);
Lane lane_of(const sim::TraceEvent& event);

// True for the events that sit on the wire (as opposed to the engine's own
// conclusions about them).
bool is_wire_event(const sim::TraceEvent& event);

}  // namespace mailscope::gui
