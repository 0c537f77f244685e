// The SMTP session states implied by RFC 5321 (3.1 to 3.3, 4.1.4) and the
// STARTTLS reset of RFC 3207 4.2, as one table.
//
// RFC 5321 gives the command order in prose; the numbers are mailscope's,
// read top to bottom like the RFC 3501 diagram.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/core/state_table.hpp"

namespace mailscope::smtp {

enum class State : std::uint8_t {
    Connecting,  // TCP connection open, waiting for the 220 greeting
    Ready,       // greeted by the server; the client must say EHLO or HELO (RFC 5321 4.1.4)
    Greeted,     // EHLO/HELO accepted: no mail transaction in progress
    Mail,        // MAIL FROM accepted: a transaction has begun (RFC 5321 3.3)
    Rcpt,        // at least one RCPT TO accepted
    Data,        // 354 sent: the message content until <CRLF>.<CRLF>
    Quit,        // QUIT accepted (221), service refused (554/421) or the connection lost
    Closed,
};

// Each state's name as the RFC writes it and the section that defines it.
inline constexpr std::array<sim::StateRow<State>, 8> state_rows{{
    {State::Connecting, "Connection Established", "RFC 5321 3.1"},
    {State::Ready, "Ready", "RFC 5321 4.1.4"},
    {State::Greeted, "Greeted", "RFC 5321 4.1.1.1"},
    {State::Mail, "Mail", "RFC 5321 3.3"},
    {State::Rcpt, "Rcpt", "RFC 5321 3.3"},
    {State::Data, "Data", "RFC 5321 4.1.1.4"},
    {State::Quit, "Quit", "RFC 5321 4.1.1.10"},
    {State::Closed, "Closed", "RFC 5321 3.8"},
}};
static_assert(sim::rows_in_state_order(state_rows));

inline constexpr std::array<State, 8> all_states = sim::states_of(state_rows);

constexpr std::string_view state_name(State state) {
    return sim::state_row(state_rows, state).name;
}

constexpr std::string_view state_section(State state) {
    return sim::state_row(state_rows, state).section;
}

using Transition = sim::SectionedEdge<State>;

// Several numbers leave more than one state; each is listed once per source,
// as the IMAP table does. A second EHLO, RSET and the reply to the final "."
// all end a transaction: they are edge 7 from wherever they are taken.
inline constexpr std::array<Transition, 19> transitions{{
    {1, State::Connecting, State::Ready, "220 greeting", "RFC 5321 3.1"},
    {2, State::Connecting, State::Quit, "554 greeting: no service here", "RFC 5321 3.1"},
    {3, State::Ready, State::Greeted, "EHLO or HELO accepted (250)", "RFC 5321 4.1.1.1"},
    {3, State::Greeted, State::Greeted, "EHLO or HELO again: state reset", "RFC 5321 4.1.4"},
    {4, State::Greeted, State::Mail, "MAIL FROM accepted (250)", "RFC 5321 3.3"},
    {5, State::Mail, State::Rcpt, "RCPT TO accepted (250/251)", "RFC 5321 3.3"},
    {5, State::Rcpt, State::Rcpt, "another RCPT TO accepted", "RFC 5321 3.3"},
    {6, State::Rcpt, State::Data, "DATA answered 354", "RFC 5321 4.1.1.4"},
    // A server may take the data of a transaction with no recipient and
    // refuse it at its end (RFC 5321 3.3).
    {6, State::Mail, State::Data, "DATA answered 354 with no recipient accepted", "RFC 5321 3.3"},
    {7, State::Data, State::Greeted, "end of data answered (250 delivered, or refused)",
     "RFC 5321 4.1.1.4"},
    {7, State::Mail, State::Greeted, "RSET or EHLO: transaction aborted", "RFC 5321 4.1.1.5"},
    {7, State::Rcpt, State::Greeted, "RSET or EHLO: transaction aborted", "RFC 5321 4.1.1.5"},
    {8, State::Greeted, State::Ready, "STARTTLS (220): everything forgotten, EHLO again",
     "RFC 3207 4.2"},
    {9, State::Ready, State::Quit, "QUIT (221), 421, or the connection lost", "RFC 5321 4.1.1.10"},
    {9, State::Greeted, State::Quit, "QUIT (221), 421, or the connection lost",
     "RFC 5321 4.1.1.10"},
    {9, State::Mail, State::Quit, "QUIT (221), 421, or the connection lost", "RFC 5321 4.1.1.10"},
    {9, State::Rcpt, State::Quit, "QUIT (221), 421, or the connection lost", "RFC 5321 4.1.1.10"},
    {9, State::Data, State::Quit, "connection lost mid-data: nothing delivered", "RFC 5321 3.8"},
    {0, State::Quit, State::Closed, "connection closed", "RFC 5321 3.8"},
}};

constexpr std::optional<Transition> find_transition(State from, State to) {
    return sim::find_edge(transitions, from, to);
}

}  // namespace mailscope::smtp
