#include "gui/view_model/protocol_states.hpp"

#include "sim/imap/states.hpp"
#include "sim/pop3/states.hpp"
#include "sim/smtp/states.hpp"

namespace mailscope::gui {

namespace {

// The IMAP table predates per-transition sections: the whole diagram is RFC 3501 3.
std::string_view section_of(const imap::Transition&) {
    return "RFC 3501 3";
}
template <typename Transition>
std::string_view section_of(const Transition& transition) {
    return transition.section;
}

template <typename State, std::size_t StateCount, typename Transition, std::size_t EdgeCount,
          typename Name, typename Section>
ProtocolStates collect(const std::array<State, StateCount>& states,
                       const std::array<Transition, EdgeCount>& transitions, Name name,
                       Section section) {
    ProtocolStates result;
    const auto index = [&](State state) {
        for (std::size_t i = 0; i < states.size(); ++i) {
            if (states[i] == state) return i;
        }
        return states.size();
    };
    for (const State state : states)
        result.states.push_back({name(state), section(state)});
    for (const Transition& transition : transitions) {
        result.transitions.push_back({transition.number, index(transition.from),
                                      index(transition.to), transition.label,
                                      section_of(transition)});
    }
    return result;
}

}  // namespace

const ProtocolStates& protocol_states(sim::Protocol protocol) {
    static const ProtocolStates imap_states =
        collect(imap::all_states, imap::transitions, imap::state_name, imap::state_section);
    static const ProtocolStates pop3_states =
        collect(pop3::all_states, pop3::transitions, pop3::state_name, pop3::state_section);
    static const ProtocolStates smtp_states =
        collect(smtp::all_states, smtp::transitions, smtp::state_name, smtp::state_section);
    switch (protocol) {
        case sim::Protocol::Imap:
            return imap_states;
        case sim::Protocol::Pop3:
            return pop3_states;
        case sim::Protocol::Smtp:
            return smtp_states;
    }
    return imap_states;
}

std::optional<std::size_t> state_index(sim::Protocol protocol, std::string_view name) {
    const auto& states = protocol_states(protocol).states;
    for (std::size_t i = 0; i < states.size(); ++i) {
        if (states[i].name == name) return i;
    }
    return std::nullopt;
}

std::optional<std::size_t> transition_index(sim::Protocol protocol, std::size_t from,
                                            std::size_t to) {
    const auto& transitions = protocol_states(protocol).transitions;
    for (std::size_t i = 0; i < transitions.size(); ++i) {
        if (transitions[i].from == from && transitions[i].to == to) return i;
    }
    return std::nullopt;
}

}  // namespace mailscope::gui
