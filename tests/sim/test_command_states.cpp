// Every command the codecs know, in every state of their protocol, against
// a table written from the RFCs (the IMAP one in imap_state_rules.hpp; the
// POP3 and SMTP ones here, each rule with the sentence it rests on). For
// IMAP the decoding engine is checked too: a command out of its state is a
// violation in the trace `mailscope decode` prints, and only then.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "sim/imap/session.hpp"
#include "sim/pop3/command.hpp"
#include "sim/smtp/command.hpp"
#include "tests/sim/imap_state_rules.hpp"

using namespace mailscope;

namespace {

std::vector<const sim::TraceEvent*> violations(const sim::SessionTrace& trace) {
    std::vector<const sim::TraceEvent*> out;
    for (const auto& event : trace.events()) {
        if (event.kind == sim::EventKind::Violation) out.push_back(&event);
    }
    return out;
}

// An observer that saw the server greet and, as `state` asks, a LOGIN, a
// SELECT or a LOGOUT succeed; the trace so far has no violation.
struct ObservedImap {
    sim::SessionTrace trace;
    imap::ImapSession session{trace, imap::SessionOptions{}};

    explicit ObservedImap(imap::State state) {
        server("* OK ready\r\n");
        if (state == imap::State::Authenticated || state == imap::State::Selected ||
            state == imap::State::Logout) {
            client("p1 LOGIN joe secret\r\n");
            server("p1 OK LOGIN completed\r\n");
        }
        if (state == imap::State::Selected) {
            client("p2 SELECT INBOX\r\n");
            server("* 3 EXISTS\r\np2 OK [READ-WRITE] SELECT completed\r\n");
        }
        if (state == imap::State::Logout) {
            client("p3 LOGOUT\r\n");
            server("* BYE logging out\r\np3 OK LOGOUT completed\r\n");
        }
        REQUIRE(session.state() == state);
        REQUIRE(violations(trace).empty());
    }
    void client(std::string_view bytes) { session.feed(sim::Direction::ClientToServer, bytes); }
    void server(std::string_view bytes) { session.feed(sim::Direction::ServerToClient, bytes); }
};

// The state violation `line` caused in `state`, if any.
std::optional<sim::TraceEvent> state_violation(imap::State state, std::string_view line) {
    ObservedImap observed(state);
    observed.client("t1 " + std::string(line) + "\r\n");
    for (const auto* event : violations(observed.trace)) {
        if (event->violation->rule.find(" is not valid in the ") != std::string::npos) {
            return *event;
        }
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE("IMAP: the RFC table names every verb of the codec once, with an example of it") {
    std::vector<int> seen(static_cast<int>(imap::Verb::Unknown) + 1, 0);
    for (const auto& rule : imap::test::state_rules) {
        ++seen.at(static_cast<int>(rule.verb));
        CAPTURE(rule.example);
        const auto parsed = imap::parse_command("t1 " + std::string(rule.example) + "\r\n");
        REQUIRE(parsed.command);
        CHECK(parsed.command->verb == rule.verb);
    }
    for (std::size_t verb = 0; verb < seen.size(); ++verb) {
        CAPTURE(imap::verb_name(static_cast<imap::Verb>(verb)));
        CHECK(seen[verb] == 1);
    }
}

TEST_CASE("IMAP: every verb is allowed in exactly the states the RFCs give it") {
    for (const auto& rule : imap::test::state_rules) {
        for (const auto state : imap::all_states) {
            CAPTURE(imap::verb_name(rule.verb));
            CAPTURE(imap::state_name(state));
            CHECK(imap::command_allowed(rule.verb, state) == imap::test::rule_allows(rule, state));
        }
    }
}

TEST_CASE("IMAP: decoding flags a command exactly when it is out of its state") {
    // The states a decoded session can be in when a command arrives. Before
    // the greeting no state is known yet (no check), and a closed session
    // reads nothing.
    for (const auto state : {imap::State::NotAuthenticated, imap::State::Authenticated,
                             imap::State::Selected, imap::State::Logout}) {
        for (const auto& rule : imap::test::state_rules) {
            CAPTURE(rule.example);
            CAPTURE(imap::state_name(state));
            const auto violation = state_violation(state, rule.example);
            CHECK(violation.has_value() == !imap::test::rule_allows(rule, state));
            if (violation) {
                CHECK(violation->violation->rule ==
                      std::string(imap::verb_name(rule.verb)) + " is not valid in the " +
                          std::string(imap::state_name(state)) + " state");
            }
        }
        for (const auto line : imap::test::uid_examples) {
            CAPTURE(line);
            CAPTURE(imap::state_name(state));
            CHECK(state_violation(state, line).has_value() == (state != imap::State::Selected));
        }
    }
}

TEST_CASE("IMAP: ENABLE after SELECT breaks RFC 5161 3.1, before it is fine") {
    const auto selected = state_violation(imap::State::Selected, "ENABLE CONDSTORE");
    REQUIRE(selected);
    CHECK(selected->violation->section == "RFC 5161 3.1");
    CHECK(selected->section == "RFC 5161 3.1");
    CHECK_FALSE(state_violation(imap::State::Authenticated, "ENABLE CONDSTORE"));

    // Back in Authenticated after CLOSE, a mailbox has been selected: still
    // a client's MUST NOT, though servers need not check it.
    ObservedImap observed(imap::State::Selected);
    observed.client("c1 CLOSE\r\n");
    observed.server("c1 OK CLOSE completed\r\n");
    REQUIRE(observed.session.state() == imap::State::Authenticated);
    observed.client("e1 ENABLE CONDSTORE\r\n");
    const auto found = violations(observed.trace);
    REQUIRE(found.size() == 1);
    CHECK(found[0]->violation->section == "RFC 5161 3.1");
    CHECK(found[0]->violation->rule.find("once they SELECT or EXAMINE") != std::string::npos);
}

TEST_CASE("POP3: every verb is allowed in exactly the states the RFCs give it") {
    using pop3::State;
    using pop3::Verb;
    struct Rule {
        Verb verb;
        bool authorization;
        bool transaction;
    };
    // UPDATE and the states around the session take no command: RFC 1939 6
    // "When the client issues the QUIT command from the TRANSACTION state,
    // the POP3 session enters the UPDATE state", in which the server answers
    // that QUIT and closes.
    const Rule rules[] = {
        // RFC 1939 7, USER: "may only be given in the AUTHORIZATION state
        // after the POP3 greeting or after an unsuccessful USER or PASS command"
        {Verb::User, true, false},
        // RFC 1939 7, PASS: "may only be given in the AUTHORIZATION state
        // immediately after a successful USER command"
        {Verb::Pass, true, false},
        // RFC 1939 7, APOP: "may only be given in the AUTHORIZATION state
        // after the POP3 greeting or after an unsuccessful USER or PASS command"
        {Verb::Apop, true, false},
        // RFC 1939 5, STAT, LIST, RETR, DELE, NOOP, RSET, and RFC 1939 7, TOP
        // and UIDL: "may only be given in the TRANSACTION state"
        {Verb::Stat, false, true},
        {Verb::List, false, true},
        {Verb::Retr, false, true},
        {Verb::Dele, false, true},
        {Verb::Noop, false, true},
        {Verb::Rset, false, true},
        {Verb::Top, false, true},
        {Verb::Uidl, false, true},
        // RFC 1939 4 and 6, QUIT in the AUTHORIZATION and in the TRANSACTION
        // state: "Restrictions: none"
        {Verb::Quit, true, true},
        // RFC 2449 5: "It is available in both the AUTHORIZATION and
        // TRANSACTION states."
        {Verb::Capa, true, true},
        // RFC 2595 4, STLS: "Only permitted in AUTHORIZATION state."
        {Verb::Stls, true, false},
        // RFC 1725 listed LAST with the TRANSACTION state commands; RFC 1939
        // dropped it, and the codec still knows it to name it.
        {Verb::Last, false, true},
        // RFC 5034 4: "The AUTH command may only be given during the
        // AUTHORIZATION state."
        {Verb::Auth, true, false},
        // Not a POP3 command: no state error; the server answers -ERR as for
        // any command it does not know.
        {Verb::Unknown, true, true},
    };
    std::vector<int> seen(static_cast<int>(Verb::Unknown) + 1, 0);
    for (const auto& rule : rules) {
        ++seen.at(static_cast<int>(rule.verb));
        for (const auto state : pop3::all_states) {
            CAPTURE(pop3::verb_name(rule.verb));
            CAPTURE(pop3::state_name(state));
            const bool expected = (state == State::Authorization && rule.authorization) ||
                                  (state == State::Transaction && rule.transaction);
            CHECK(pop3::command_allowed(rule.verb, state) == expected);
        }
    }
    for (std::size_t verb = 0; verb < seen.size(); ++verb) {
        CAPTURE(pop3::verb_name(static_cast<Verb>(verb)));
        CHECK(seen[verb] == 1);
    }
}

TEST_CASE("SMTP: every verb is allowed in exactly the places of the command order") {
    using smtp::State;
    using smtp::Verb;
    struct Rule {
        Verb verb;
        std::vector<State> states;
    };
    // Ready: greeted by the server, before EHLO or HELO; Greeted: no mail
    // transaction open; Mail and Rcpt: inside one. While the message data
    // flows (Data), after QUIT and before the greeting no command is read.
    const std::vector<State> anywhere{State::Ready, State::Greeted, State::Mail, State::Rcpt};
    const std::vector<Rule> rules = {
        // RFC 5321 4.1.4: "An EHLO command MAY be issued by a client later in
        // the session." (HELO is its older form, RFC 5321 4.1.1.1.)
        {Verb::Ehlo, anywhere},
        {Verb::Helo, anywhere},
        // RFC 5321 4.1.4: "The NOOP, HELP, EXPN, VRFY, and RSET commands can
        // be used at any time during a session, or without previously
        // initializing a session."
        {Verb::Noop, anywhere},
        {Verb::Help, anywhere},
        {Verb::Expn, anywhere},
        {Verb::Vrfy, anywhere},
        {Verb::Rset, anywhere},
        // RFC 5321 4.1.4: "The QUIT command SHOULD be used by the client SMTP
        // to request connection closure, even when no session opening command
        // was sent and accepted."
        {Verb::Quit, anywhere},
        // RFC 5321 4.1.4: "A session that will contain mail transactions MUST
        // first be initialized by the use of the EHLO command." and "MAIL
        // [...] MUST NOT be sent if a mail transaction is already open"
        {Verb::Mail, {State::Greeted}},
        // RFC 5321 4.1.4: "Once started, a mail transaction consists of a
        // transaction beginning command, one or more RCPT commands, and a DATA
        // command, in that order."
        {Verb::Rcpt, {State::Mail, State::Rcpt}},
        {Verb::Data, {State::Rcpt}},
        // RFC 3207 3: "The STARTTLS keyword is used to tell the SMTP client
        // that the SMTP server is currently able to negotiate the use of TLS"
        // (so the client asks after EHLO), and like AUTH not inside a mail
        // transaction, which TLS would reset (RFC 3207 4.2).
        {Verb::Starttls, {State::Greeted}},
        // RFC 4954 4: "The AUTH command is not permitted during a mail
        // transaction." The mechanisms come with the EHLO reply (RFC 4954 3).
        {Verb::Auth, {State::Greeted}},
        // Not an SMTP command: no order error; wherever it comes the server
        // answers "500 Syntax error, command unrecognized" (RFC 5321 4.2.3).
        {Verb::Unknown, anywhere},
    };
    std::vector<int> seen(static_cast<int>(Verb::Unknown) + 1, 0);
    for (const auto& rule : rules) {
        ++seen.at(static_cast<int>(rule.verb));
        for (const auto state : smtp::all_states) {
            CAPTURE(smtp::verb_name(rule.verb));
            CAPTURE(smtp::state_name(state));
            const bool expected =
                std::find(rule.states.begin(), rule.states.end(), state) != rule.states.end();
            CHECK(smtp::command_allowed(rule.verb, state) == expected);
        }
    }
    for (std::size_t verb = 0; verb < seen.size(); ++verb) {
        CAPTURE(smtp::verb_name(static_cast<Verb>(verb)));
        CHECK(seen[verb] == 1);
    }
}
