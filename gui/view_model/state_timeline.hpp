// StateTimeline: the protocol state at any cursor, from the StateTransition events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/trace.hpp"
#include "sim/imap/states.hpp"

namespace mailscope::gui {

struct StateAtCursor {
    std::string name;  // as the trace names it; the start state before any transition
    std::optional<imap::State> imap_state;  // set when `name` is a state of RFC 3501 section 3
    std::optional<std::uint64_t> transition_seq;  // the last transition at or before the cursor
    std::optional<sim::StateChange> last;         // its details (number, cause)
};

// The RFC 3501 state a diagram name stands for, if any.
std::optional<imap::State> imap_state_named(std::string_view name);

class StateTimeline {
  public:
    // Records the transitions appended since the last call: O(new events).
    void sync(const sim::SessionTrace& trace);

    // O(log transitions). Before the first transition an IMAP session is in
    // "Connection Established"; other protocols report an empty name.
    StateAtCursor at(const sim::SessionTrace& trace, std::uint64_t cursor) const;

    const std::vector<std::uint64_t>& transitions() const { return m_transitions; }

  private:
    std::size_t m_seen = 0;
    std::vector<std::uint64_t> m_transitions;
};

}  // namespace mailscope::gui
