// The state tables of the three protocols (sim/imap, sim/pop3, sim/smtp
// states.hpp) in one shape, so the diagram, the timeline and the tests
// treat every protocol alike. States keep their table's order, transitions
// too: index i here is index i in the protocol's own table.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "sim/core/trace.hpp"

namespace mailscope::gui {

struct StateInfo {
    std::string_view name;     // as state_name() spells it, and as the trace names it
    std::string_view section;  // the RFC section that defines the state
};

struct TransitionInfo {
    int number = 0;  // 0: drawn without a number
    std::size_t from = 0;
    std::size_t to = 0;
    std::string_view label;    // the legend of the number
    std::string_view section;  // the RFC section that says so
};

struct ProtocolStates {
    std::vector<StateInfo> states;
    std::vector<TransitionInfo> transitions;
};

const ProtocolStates& protocol_states(sim::Protocol protocol);

// The state of `protocol` named `name`, by index, if any.
std::optional<std::size_t> state_index(sim::Protocol protocol, std::string_view name);

// The transition from `from` to `to` (state indices), if the table has one.
std::optional<std::size_t> transition_index(sim::Protocol protocol, std::size_t from,
                                            std::size_t to);

}  // namespace mailscope::gui
