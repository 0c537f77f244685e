// The POP3 session states of RFC 1939 section 3, as one table.
//
// RFC 1939 describes the states in prose, not as a numbered diagram; the
// numbers here are mailscope's, chosen to read top to bottom like the RFC
// 3501 diagram, and the GUI prints them with the RFC section that says so.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/core/state_table.hpp"

namespace mailscope::pop3 {

enum class State : std::uint8_t {
    Connecting,     // TCP connection open, waiting for the greeting
    Authorization,  // RFC 1939 4
    Transaction,    // RFC 1939 5
    Update,         // RFC 1939 6
    Closed,
};

// Each state's name as the RFC writes it and the section that defines it.
inline constexpr std::array<sim::StateRow<State>, 5> state_rows{{
    {State::Connecting, "Connection Established", "RFC 1939 3"},
    {State::Authorization, "AUTHORIZATION", "RFC 1939 4"},
    {State::Transaction, "TRANSACTION", "RFC 1939 5"},
    {State::Update, "UPDATE", "RFC 1939 6"},
    {State::Closed, "Closed", "RFC 1939 6"},
}};
static_assert(sim::rows_in_state_order(state_rows));

inline constexpr std::array<State, 5> all_states = sim::states_of(state_rows);

constexpr std::string_view state_name(State state) {
    return sim::state_row(state_rows, state).name;
}

constexpr std::string_view state_section(State state) {
    return sim::state_row(state_rows, state).section;
}

using Transition = sim::SectionedEdge<State>;

// (1) the server greets with +OK (RFC 1939 4)
// (2) PASS or APOP accepted: the maildrop is locked and opened (RFC 1939 4, 7)
// (3) QUIT in TRANSACTION: the deletions are carried out (RFC 1939 6)
// (4) QUIT in AUTHORIZATION, or the connection ends there (RFC 1939 6)
// (5) the connection ends in TRANSACTION without QUIT: nothing is deleted (RFC 1939 6)
// (6) a -ERR greeting or the server refuses the connection
// The last edge, UPDATE -> Closed (the reply to QUIT, then the close), is
// drawn without a number, as in the RFC 3501 diagram.
inline constexpr std::array<Transition, 7> transitions{{
    {1, State::Connecting, State::Authorization, "+OK greeting", "RFC 1939 4"},
    {2, State::Authorization, State::Transaction, "PASS or APOP accepted, maildrop locked",
     "RFC 1939 4"},
    {3, State::Transaction, State::Update, "QUIT: deletions carried out", "RFC 1939 6"},
    {4, State::Authorization, State::Closed, "QUIT or connection closed", "RFC 1939 6"},
    {5, State::Transaction, State::Closed, "connection lost without QUIT: nothing deleted",
     "RFC 1939 6"},
    {6, State::Connecting, State::Closed, "-ERR greeting or connection refused", "RFC 1939 4"},
    {0, State::Update, State::Closed, "reply to QUIT, connection closed", "RFC 1939 6"},
}};

constexpr std::optional<Transition> find_transition(State from, State to) {
    return sim::find_edge(transitions, from, to);
}

}  // namespace mailscope::pop3
