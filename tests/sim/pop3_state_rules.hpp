// What each POP3 command is, written down from RFC 1939 sections 3 to 7 and
// the extensions apart from the verb table (sim/pop3/verbs.hpp), so the
// tests that walk every command in every state compare two independent
// readings. Each rule quotes the sentence it rests on.
#pragma once

#include <array>
#include <string_view>

#include "sim/pop3/command.hpp"
#include "sim/pop3/states.hpp"

namespace mailscope::pop3::testing {

// RFC 1939 3: "Responses to certain commands are multi-line. In these
// cases, which are clearly indicated below, after sending the first line of
// the response and a CRLF, any additional lines are sent".
enum class Lines : std::uint8_t {
    One,
    Many,
    ManyWithoutArgument,  // "If no argument was given [...] the response given is multi-line"
    Message,              // multi-line, and the lines are a message's
};

struct VerbRule {
    Verb verb;
    bool authorization;
    bool transaction;
    std::string_view section;
    Lines reply;
    // RFC 1939 4: after a successful authentication command "The POP3
    // session now enters the TRANSACTION state".
    bool logs_in;
    // RFC 1939 6: "When the client issues the QUIT command from the
    // TRANSACTION state, the POP3 session enters the UPDATE state."
    bool quits;
    std::string_view example;  // a well-formed command line, without CRLF
};

// The states around the session take no command: before the greeting
// there is none (RFC 1939 4: "Once the TCP connection has been opened by a
// POP3 client, the POP3 server issues a one line greeting"), in UPDATE the
// server answers the QUIT that led there and closes (RFC 1939 6), and a
// closed connection reads nothing.
inline constexpr std::array<VerbRule, 17> verb_rules{{
    // RFC 1939 7, USER: "may only be given in the AUTHORIZATION state
    // after the POP3 greeting or after an unsuccessful USER or PASS command"
    {Verb::User, true, false, "RFC 1939 7", Lines::One, false, false, "USER mrose"},
    // RFC 1939 7, PASS: "may only be given in the AUTHORIZATION state
    // immediately after a successful USER command"
    {Verb::Pass, true, false, "RFC 1939 7", Lines::One, true, false, "PASS secret"},
    // RFC 1939 7, APOP: "may only be given in the AUTHORIZATION state
    // after the POP3 greeting or after an unsuccessful USER or PASS command"
    {Verb::Apop, true, false, "RFC 1939 7", Lines::One, true, false,
     "APOP mrose c4c9334bac560ecc979e58001b3e22fb"},
    // RFC 1939 5, STAT, LIST, RETR, DELE, NOOP, RSET: "may only be given
    // in the TRANSACTION state"
    {Verb::Stat, false, true, "RFC 1939 5", Lines::One, false, false, "STAT"},
    // RFC 1939 5, LIST: "If no argument was given and the POP3 server
    // issues a positive response, then the response given is multi-line."
    {Verb::List, false, true, "RFC 1939 5", Lines::ManyWithoutArgument, false, false, "LIST"},
    // RFC 1939 5, RETR: "the response given is multi-line. After the
    // initial +OK, the POP3 server sends the message corresponding to the
    // given message-number"
    {Verb::Retr, false, true, "RFC 1939 5", Lines::Message, false, false, "RETR 1"},
    {Verb::Dele, false, true, "RFC 1939 5", Lines::One, false, false, "DELE 1"},
    {Verb::Noop, false, true, "RFC 1939 5", Lines::One, false, false, "NOOP"},
    {Verb::Rset, false, true, "RFC 1939 5", Lines::One, false, false, "RSET"},
    // RFC 1939 4 and 6, QUIT in the AUTHORIZATION and in the TRANSACTION
    // state: "Restrictions: none"
    {Verb::Quit, true, true, "RFC 1939 6", Lines::One, false, true, "QUIT"},
    // RFC 1939 7, TOP and UIDL: "may only be given in the TRANSACTION
    // state"; TOP: "the response given is multi-line. After the initial
    // +OK, the POP3 server sends the headers of the message"
    {Verb::Top, false, true, "RFC 1939 7", Lines::Message, false, false, "TOP 1 10"},
    // RFC 1939 7, UIDL: "If no argument was given and the POP3 server
    // issues a positive response, then the response given is multi-line."
    {Verb::Uidl, false, true, "RFC 1939 7", Lines::ManyWithoutArgument, false, false, "UIDL"},
    // RFC 2449 5: "It is available in both the AUTHORIZATION and
    // TRANSACTION states."; RFC 2449 3: "capa-resp = single-line
    // *capability "." CRLF".
    {Verb::Capa, true, true, "RFC 2449 5", Lines::Many, false, false, "CAPA"},
    // RFC 2595 4, STLS: "Only permitted in AUTHORIZATION state."
    {Verb::Stls, true, false, "RFC 2595 4", Lines::One, false, false, "STLS"},
    // RFC 1725 listed LAST with the TRANSACTION state commands; RFC 1939
    // dropped it, and the codec still knows it to name it.
    {Verb::Last, false, true, "RFC 1725 5", Lines::One, false, false, "LAST"},
    // RFC 5034 4: "The AUTH command may only be given during the
    // AUTHORIZATION state." and "Additionally, upon success, the POP3
    // session enters the TRANSACTION state." Without a mechanism it lists
    // the mechanisms, multi-line, as servers did before RFC 5034.
    {Verb::Auth, true, false, "RFC 5034 4", Lines::ManyWithoutArgument, true, false,
     "AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ="},
    // Not a POP3 command: no state error; RFC 1939 3: "A server MUST
    // respond to an unrecognized, unimplemented, or syntactically invalid
    // command by responding with a negative status indicator."
    {Verb::Unknown, true, true, "RFC 1939 3", Lines::One, false, false, "XTND"},
}};

// The session states of RFC 1939 3, edge by edge. RFC 1939 draws no diagram:
// the numbers are the ones mailscope's diagram shows (sim/pop3/states.hpp),
// each edge with the sentence it rests on.
struct DiagramEdge {
    State from;
    State to;
    int number;
};
inline constexpr std::array<DiagramEdge, 7> diagram{{
    // RFC 1939 4: "Once the TCP connection has been opened by a POP3
    // client, the POP3 server issues a one line greeting. [...] The POP3
    // session is now in the AUTHORIZATION state."
    {State::Connecting, State::Authorization, 1},
    // RFC 1939 4: "The POP3 session now enters the TRANSACTION state".
    {State::Authorization, State::Transaction, 2},
    // RFC 1939 6: "When the client issues the QUIT command from the
    // TRANSACTION state, the POP3 session enters the UPDATE state."
    {State::Transaction, State::Update, 3},
    // RFC 1939 4, QUIT in the AUTHORIZATION state, and 6: "If a session
    // terminates for some reason other than a client-issued QUIT command,
    // the POP3 session does NOT enter the UPDATE state".
    {State::Authorization, State::Closed, 4},
    {State::Transaction, State::Closed, 5},
    // A greeting that is not positive, or no greeting: no session.
    {State::Connecting, State::Closed, 6},
    // RFC 1939 3: in the UPDATE state "the POP3 server releases any
    // resources acquired during the TRANSACTION state and says goodbye.
    // The TCP connection is then closed."
    {State::Update, State::Closed, 0},
}};

inline bool rule_allows(const VerbRule& rule, State state) {
    return (state == State::Authorization && rule.authorization) ||
           (state == State::Transaction && rule.transaction);
}

}  // namespace mailscope::pop3::testing
