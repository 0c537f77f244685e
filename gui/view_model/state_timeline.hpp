// StateTimeline: the protocol state at any cursor, from the StateTransition events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/trace.hpp"

namespace mailscope::gui {

struct StateAtCursor {
    std::string name;  // as the trace names it; the start state before any transition
    // Index of `name` in protocol_states(trace.protocol()), when the table has it.
    std::optional<std::size_t> state;
    // Index of the last transition in the protocol's table, when it is one of its edges.
    std::optional<std::size_t> edge;
    std::optional<std::uint64_t> transition_seq;  // the last transition at or before the cursor
    std::optional<sim::StateChange> last;         // its details (number, cause)
    // IMAP: the session follows IMAP4rev2 (its events cite RFC 9051) here.
    bool imap4rev2 = false;
};

class StateTimeline {
  public:
    // Records the transitions appended since the last call: O(new events).
    void sync(const sim::SessionTrace& trace);

    // O(log transitions). Before the first transition every protocol's
    // session is in "Connection Established", the first state of each table.
    StateAtCursor at(const sim::SessionTrace& trace, std::uint64_t cursor) const;

    const std::vector<std::uint64_t>& transitions() const { return m_transitions; }

  private:
    std::size_t m_seen = 0;
    std::vector<std::uint64_t> m_transitions;
    // The first event (not a broken rule) that cites RFC 9051: from there on the IMAP session
    // follows IMAP4rev2 (ENABLE IMAP4rev2, or a server that speaks only it).
    std::optional<std::uint64_t> m_imap4rev2_from;
};

}  // namespace mailscope::gui
