// The IMAP4rev1 connection state machine, exactly as drawn in RFC 3501 section 3.
//
// This table is the only definition of the diagram: the session engine checks
// transitions against it, the tests walk it exhaustively, and the GUI draws it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/core/state_table.hpp"

namespace mailscope::imap {

enum class State : std::uint8_t {
    Connecting,        // "connection established", waiting for the greeting
    NotAuthenticated,  // RFC 3501 3.1
    Authenticated,     // RFC 3501 3.2
    Selected,          // RFC 3501 3.3
    Logout,            // RFC 3501 3.4
    Closed,            // "both sides close the connection"
};

// Each state's name as the RFC writes it and the section that defines it.
inline constexpr std::array<sim::StateRow<State>, 6> state_rows{{
    {State::Connecting, "Connection Established", "RFC 3501 3"},
    {State::NotAuthenticated, "Not Authenticated", "RFC 3501 3.1"},
    {State::Authenticated, "Authenticated", "RFC 3501 3.2"},
    {State::Selected, "Selected", "RFC 3501 3.3"},
    {State::Logout, "Logout", "RFC 3501 3.4"},
    {State::Closed, "Closed", "RFC 3501 3.4"},
}};
static_assert(sim::rows_in_state_order(state_rows));

inline constexpr std::array<State, 6> all_states = sim::states_of(state_rows);

constexpr std::string_view state_name(State state) {
    return sim::state_row(state_rows, state).name;
}

constexpr std::string_view state_section(State state) {
    return sim::state_row(state_rows, state).section;
}

struct Transition {
    int number;  // as numbered in the RFC diagram; 0 for the unnumbered edges
    State from;
    State to;
    std::string_view label;  // the RFC's legend for the number
};

// RFC 3501 section 3 legend:
//  (1) connection without pre-authentication (OK greeting)
//  (2) pre-authenticated connection (PREAUTH greeting)
//  (3) rejected connection (BYE greeting)
//  (4) successful LOGIN or AUTHENTICATE command
//  (5) successful SELECT or EXAMINE command
//  (6) CLOSE command, unsolicited CLOSED response code, or failed SELECT or EXAMINE command
//  (7) LOGOUT command, server shutdown, or connection closed
// Edges 5 and 7 leave several states in the diagram; each is listed once per
// source state. Selected -> Selected (a SELECT while selected) is edge 5 as well.
// The last edge, Logout -> Closed, is drawn without a number in the RFC.
inline constexpr std::array<Transition, 11> transitions{{
    {1, State::Connecting, State::NotAuthenticated,
     "connection without pre-authentication (OK greeting)"},
    {2, State::Connecting, State::Authenticated, "pre-authenticated connection (PREAUTH greeting)"},
    {3, State::Connecting, State::Logout, "rejected connection (BYE greeting)"},
    {4, State::NotAuthenticated, State::Authenticated, "successful LOGIN or AUTHENTICATE command"},
    {5, State::Authenticated, State::Selected, "successful SELECT or EXAMINE command"},
    {5, State::Selected, State::Selected, "successful SELECT or EXAMINE command"},
    {6, State::Selected, State::Authenticated,
     "CLOSE command, or failed SELECT or EXAMINE command"},
    {7, State::NotAuthenticated, State::Logout,
     "LOGOUT command, server shutdown, or connection closed"},
    {7, State::Authenticated, State::Logout,
     "LOGOUT command, server shutdown, or connection closed"},
    {7, State::Selected, State::Logout, "LOGOUT command, server shutdown, or connection closed"},
    {0, State::Logout, State::Closed, "both sides close the connection"},
}};

constexpr std::optional<Transition> find_transition(State from, State to) {
    return sim::find_edge(transitions, from, to);
}

}  // namespace mailscope::imap
