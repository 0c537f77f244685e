// What each SMTP command is, written down from RFC 5321 4.1.4 (the order of
// commands), 4.3.2 (the replies of each command) and the extensions apart
// from the verb table (sim/smtp/verbs.hpp), so the tests that walk every
// command in every state compare two independent readings. Each rule quotes
// the sentence it rests on.
#pragma once

#include <array>
#include <string_view>
#include <vector>

#include "sim/smtp/command.hpp"
#include "sim/smtp/states.hpp"

namespace mailscope::smtp::testing {

struct VerbRule {
    Verb verb;
    std::vector<State> states;
    std::string_view section;
    // RFC 5321 4.3.2: "The prefixes used before the possible replies are
    // "I" for intermediate, "S" for success, and "E" for error."
    std::vector<int> success;
    int intermediate;
    // The section that says it "can only appear as the last command in a
    // group" of pipelined commands; empty when others may follow it.
    std::string_view last_in_group;
    std::string_view example;  // a well-formed command line, without CRLF
};

// Ready: greeted by the server, before EHLO or HELO; Greeted: no mail
// transaction open; Mail and Rcpt: inside one. While the message data
// flows (Data), after QUIT and before the greeting no command is read:
// RFC 5321 4.3.1 "The sender SHOULD wait for this greeting message before
// sending any commands", and RFC 5321 4.1.1.10 "The receiver MUST NOT
// intentionally close the transmission channel until it receives and
// replies to a QUIT command".
inline const std::vector<State> anywhere{State::Ready, State::Greeted, State::Mail, State::Rcpt};

inline const std::array<VerbRule, 14> verb_rules{{
    // RFC 5321 4.1.4: "An EHLO command MAY be issued by a client later in
    // the session." (HELO is its older form, RFC 5321 4.1.1.1.) 4.3.2:
    // "EHLO or HELO S: 250". RFC 2920 3.1: "The EHLO, DATA, VRFY, EXPN,
    // TURN, QUIT, and NOOP commands can only appear as the last command in
    // a group"; HELO is not in the list.
    {Verb::Helo, anywhere, "RFC 5321 4.1.1.1", {250}, 0, "", "HELO client.example"},
    {Verb::Ehlo, anywhere, "RFC 5321 4.1.1.1", {250}, 0, "RFC 2920 3.1", "EHLO client.example"},
    // RFC 5321 4.1.4: "A session that will contain mail transactions MUST
    // first be initialized by the use of the EHLO command." and "MAIL
    // [...] MUST NOT be sent if a mail transaction is already open".
    // 4.3.2: "MAIL S: 250".
    {Verb::Mail, {State::Greeted}, "RFC 5321 4.1.1.2", {250}, 0, "", "MAIL FROM:<a@b.example>"},
    // RFC 5321 4.1.4: "Once started, a mail transaction consists of a
    // transaction beginning command, one or more RCPT commands, and a DATA
    // command, in that order." 4.3.2: "RCPT S: 250, 251" and "DATA I: 354
    // -> data -> S: 250".
    {Verb::Rcpt,
     {State::Mail, State::Rcpt},
     "RFC 5321 4.1.1.3",
     {250, 251},
     0,
     "",
     "RCPT TO:<c@d.example>"},
    {Verb::Data, {State::Rcpt}, "RFC 5321 4.1.1.4", {250}, 354, "RFC 2920 3.1", "DATA"},
    // RFC 5321 4.1.4: "The NOOP, HELP, EXPN, VRFY, and RSET commands can
    // be used at any time during a session, or without previously
    // initializing a session." 4.3.2: "RSET S: 250", "VRFY S: 250, 251,
    // 252", "EXPN S: 250, 252", "HELP S: 211, 214", "NOOP S: 250".
    {Verb::Rset, anywhere, "RFC 5321 4.1.1.5", {250}, 0, "", "RSET"},
    {Verb::Noop, anywhere, "RFC 5321 4.1.1.9", {250}, 0, "RFC 2920 3.1", "NOOP"},
    {Verb::Vrfy, anywhere, "RFC 5321 4.1.1.6", {250, 251, 252}, 0, "RFC 2920 3.1", "VRFY alice"},
    {Verb::Expn, anywhere, "RFC 5321 4.1.1.7", {250, 252}, 0, "RFC 2920 3.1", "EXPN staff"},
    {Verb::Help, anywhere, "RFC 5321 4.1.1.8", {211, 214}, 0, "", "HELP"},
    // RFC 5321 4.1.4: "The QUIT command SHOULD be used by the client SMTP
    // to request connection closure, even when no session opening command
    // was sent and accepted." 4.3.2: "QUIT S: 221".
    {Verb::Quit, anywhere, "RFC 5321 4.1.1.10", {221}, 0, "RFC 2920 3.1", "QUIT"},
    // RFC 3207 3: "The STARTTLS keyword is used to tell the SMTP client
    // that the SMTP server is currently able to negotiate the use of TLS"
    // (so the client asks after EHLO), and like AUTH not inside a mail
    // transaction, which TLS would reset (RFC 3207 4.2: "the SMTP protocol
    // is reset to the initial state"). RFC 3207 4: "220 Ready to start
    // TLS" and "If the SMTP client is using pipelining as defined in RFC
    // 2920, the STARTTLS command must be the last command in a group."
    {Verb::Starttls, {State::Greeted}, "RFC 3207 4", {220}, 0, "RFC 3207 4", "STARTTLS"},
    // RFC 4954 4: "The AUTH command is not permitted during a mail
    // transaction." The mechanisms come with the EHLO reply (RFC 4954 3).
    // RFC 4954 4: "A server challenge is sent as a 334 reply", "the SMTP
    // server issues a 235 reply", and "When the AUTH command is used
    // together with the [PIPELINING] extension, it MUST be the last
    // command in a pipelined group of commands."
    {Verb::Auth, {State::Greeted}, "RFC 4954 4", {235}, 334, "RFC 4954 4", "AUTH LOGIN"},
    // Not an SMTP command: no order error; wherever it comes the server
    // answers "500 Syntax error, command unrecognized" (RFC 5321 4.2.3).
    {Verb::Unknown, anywhere, "RFC 5321 4.1", {}, 0, "", "XYZZY"},
}};

// The command order of RFC 5321, edge by edge. RFC 5321 draws no diagram:
// the numbers are the ones mailscope's diagram shows (sim/smtp/states.hpp),
// each edge with the sentence it rests on.
struct DiagramEdge {
    State from;
    State to;
    int number;
};
inline const std::array<DiagramEdge, 19> diagram{{
    // RFC 5321 3.1: "An SMTP session is initiated when a client opens a
    // connection to a server and the server responds with an opening
    // message.", and "a 554 response MAY be given in the initial
    // connection opening message instead of the 220."
    {State::Connecting, State::Ready, 1},
    {State::Connecting, State::Quit, 2},
    // RFC 5321 4.1.4: EHLO first, and "An EHLO command MAY be issued by a
    // client later in the session."
    {State::Ready, State::Greeted, 3},
    {State::Greeted, State::Greeted, 3},
    // RFC 5321 3.3: the MAIL command starts the transaction; "The second
    // step in the procedure is the RCPT command. This step of the
    // procedure can be repeated any number of times."
    {State::Greeted, State::Mail, 4},
    {State::Mail, State::Rcpt, 5},
    {State::Rcpt, State::Rcpt, 5},
    // RFC 5321 4.1.1.4: "If accepted, the SMTP server returns a 354
    // Intermediate reply".
    {State::Rcpt, State::Data, 6},
    // RFC 5321 3.3: "If the verb is initially accepted and the 354 reply
    // issued, the DATA command should fail only if the mail transaction was
    // incomplete (for example, no recipients)".
    {State::Mail, State::Data, 6},
    // RFC 5321 4.1.4: "A mail transaction may be aborted by the RSET, a new
    // EHLO"; the end of the data ends it too.
    {State::Data, State::Greeted, 7},
    {State::Mail, State::Greeted, 7},
    {State::Rcpt, State::Greeted, 7},
    // RFC 3207 4.2: "the SMTP protocol is reset to the initial state".
    {State::Greeted, State::Ready, 8},
    // RFC 5321 4.1.1.10: QUIT "specifies that the receiver MUST send a "221
    // OK" reply, and then close the transmission channel"; 3.8: a 421 or a
    // lost connection ends the session too.
    {State::Ready, State::Quit, 9},
    {State::Greeted, State::Quit, 9},
    {State::Mail, State::Quit, 9},
    {State::Rcpt, State::Quit, 9},
    {State::Data, State::Quit, 9},
    {State::Quit, State::Closed, 0},
}};

}  // namespace mailscope::smtp::testing
