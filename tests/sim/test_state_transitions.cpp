// Every transition each decoding engine can take, against its protocol's
// state table (sim/*/states.hpp). Each engine is driven, from every state it
// can be brought to, through every command of its verb table answered in
// every way that matters (success, failure, the intermediate replies) and
// through the end of the connection. Every edge it takes must be in the
// table with the table's number (an engine throws on an edge the table does
// not have, which fails the run), every edge of the table must be taken,
// and after a command's reply the engine must take exactly the edge the
// RFC gives that command's outcome in that state (tests/sim/*_state_rules.hpp)
// and no other: a command out of its state moves nothing.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "tests/sim/imap_state_rules.hpp"
#include "tests/sim/observed_sessions.hpp"
#include "tests/sim/pop3_state_rules.hpp"
#include "tests/sim/smtp_state_rules.hpp"

using namespace mailscope;
using namespace mailscope::test;

namespace {

// An edge as an engine took it, or as a table lists it: state indexes in
// the protocol's `all_states` and the edge's number.
struct Edge {
    std::size_t from = 0;
    std::size_t to = 0;
    int number = 0;
    auto operator<=>(const Edge&) const = default;
};

std::string describe(const std::vector<Edge>& edges) {
    std::string out;
    for (const auto& e : edges)
        out += fmt::format("{}->{} ({}) ", e.from, e.to, e.number);
    return out.empty() ? "none" : out;
}

// The edges the engine took from event `first` on.
std::vector<Edge> edges_from(const sim::SessionTrace& trace, std::size_t first) {
    std::vector<Edge> out;
    for (const auto& event : trace.events()) {
        if (event.seq < first || event.kind != sim::EventKind::StateTransition) continue;
        const auto& change = *event.transition;
        out.push_back({change.from.index(), change.to.index(), change.number});
    }
    return out;
}

template <typename Transitions>
std::set<Edge> table_edges(const Transitions& transitions) {
    std::set<Edge> out;
    for (const auto& t : transitions) {
        out.insert({static_cast<std::size_t>(t.from), static_cast<std::size_t>(t.to), t.number});
    }
    return out;
}

// The one edge of the table numbered `number` that leaves `from`.
template <typename Transitions, typename State>
Edge numbered(const Transitions& transitions, State from, int number) {
    std::optional<Edge> found;
    for (const auto& t : transitions) {
        if (t.from != from || t.number != number) continue;
        REQUIRE_FALSE(found);
        found = Edge{static_cast<std::size_t>(t.from), static_cast<std::size_t>(t.to), t.number};
    }
    REQUIRE(found);
    return *found;
}

// Collects what the runs took and checks each edge against the table.
class EdgeLog {
  public:
    explicit EdgeLog(std::set<Edge> table) : m_table(std::move(table)) {}

    // Runs `drive`; every edge it took from event `first` on must be in the
    // table. Returns them.
    std::vector<Edge> run(const sim::SessionTrace& trace, const std::function<void()>& drive,
                          std::size_t first) {
        CHECK_NOTHROW(drive());
        const auto edges = edges_from(trace, first);
        for (const auto& edge : edges) {
            CAPTURE(describe({edge}));
            CHECK(m_table.count(edge) == 1);
            m_taken.insert(edge);
        }
        ++m_runs;
        return edges;
    }
    void taken(const std::vector<Edge>& edges) { m_taken.insert(edges.begin(), edges.end()); }

    void check_every_edge_taken() const {
        for (const auto& edge : m_table) {
            CAPTURE(describe({edge}));
            CHECK(m_taken.count(edge) == 1);
        }
    }
    int runs() const { return m_runs; }

  private:
    std::set<Edge> m_table;
    std::set<Edge> m_taken;
    int m_runs = 0;
};

}  // namespace

// ---------------------------------------------------------------------------
// IMAP: RFC 3501 section 3, edges 1 to 7
// ---------------------------------------------------------------------------

TEST_CASE("the three state tables are the diagrams the RFCs describe, edge by edge") {
    CHECK(table_edges(imap::transitions) == table_edges(imap::testing::diagram));
    CHECK(table_edges(pop3::transitions) == table_edges(pop3::testing::diagram));
    CHECK(table_edges(smtp::transitions) == table_edges(smtp::testing::diagram));
    CHECK(imap::transitions.size() == imap::testing::diagram.size());
    CHECK(pop3::transitions.size() == pop3::testing::diagram.size());
    CHECK(smtp::transitions.size() == smtp::testing::diagram.size());
}

TEST_CASE("IMAP: every edge the engine takes is in the RFC 3501 diagram, and each is taken") {
    using imap::State;
    using imap::testing::rule_allows;
    EdgeLog log(table_edges(imap::transitions));
    const std::vector<State> reachable{State::Connecting,    State::NotAuthenticated,
                                       State::Authenticated, State::Selected,
                                       State::Logout,        State::Closed};

    for (const auto state : reachable) {
        CAPTURE(imap::state_name(state));
        {
            // Bringing the engine there.
            ObservedImap observed(state);
            log.taken(edges_from(observed.trace, 0));
        }
        // Every command, completed OK, NO or BAD.
        for (const auto& rule : imap::testing::verb_rules) {
            for (const std::string_view status : {"OK", "NO", "BAD"}) {
                CAPTURE(rule.example);
                CAPTURE(status);
                ObservedImap observed(state);
                observed.client("t1 " + std::string(rule.example) + "\r\n");
                const auto first = observed.trace.size();
                const auto edges = log.run(
                    observed.trace, [&] { observed.server(fmt::format("t1 {} done\r\n", status)); },
                    first);
                // Before the greeting the first server line is read as the
                // greeting (edge 1 or 2), whatever it answers.
                if (state == State::Connecting) continue;
                // RFC 3501 3: a successful LOGIN or AUTHENTICATE (4),
                // SELECT or EXAMINE (5), CLOSE (6) or LOGOUT (7) moves the
                // session; a failed SELECT or EXAMINE while selected too (6).
                std::vector<Edge> expected;
                if (status == "OK" && rule.edge != 0 && rule_allows(rule, state)) {
                    expected.push_back(numbered(imap::testing::diagram, state, rule.edge));
                } else if (status == "NO" && rule.edge == 5 && state == State::Selected) {
                    expected.push_back(numbered(imap::testing::diagram, state, 6));
                }
                CAPTURE(describe(edges));
                CHECK(edges == expected);
            }
        }
        // The greetings, an unsolicited BYE, and each side closing.
        for (const std::string_view line :
             {"* OK ready\r\n", "* PREAUTH logged in\r\n", "* BYE going away\r\n"}) {
            CAPTURE(line);
            ObservedImap observed(state);
            log.run(
                observed.trace, [&] { observed.server(line); }, observed.trace.size());
        }
        for (const auto dir : {Direction::ServerToClient, Direction::ClientToServer}) {
            ObservedImap observed(state);
            log.run(
                observed.trace, [&] { observed.eof(dir); }, observed.trace.size());
        }
    }
    log.check_every_edge_taken();
    CHECK(log.runs() == 6 * (43 * 3 + 3 + 2));
}

TEST_CASE("IMAP: the greetings and BYE take edges 1, 2, 3 and 7 as the legend numbers them") {
    auto after_greeting = [](std::string_view greeting) {
        ObservedImap observed(imap::State::Connecting);
        observed.server(greeting);
        return edges_from(observed.trace, 0);
    };
    using imap::State;
    auto edge = [](State from, State to, int number) {
        return Edge{static_cast<std::size_t>(from), static_cast<std::size_t>(to), number};
    };
    // RFC 3501 3: "(1) connection without pre-authentication (OK greeting)
    // (2) pre-authenticated connection (PREAUTH greeting) (3) rejected
    // connection (BYE greeting)"
    CHECK(after_greeting("* OK ready\r\n") ==
          std::vector<Edge>{edge(State::Connecting, State::NotAuthenticated, 1)});
    CHECK(after_greeting("* PREAUTH ready\r\n") ==
          std::vector<Edge>{edge(State::Connecting, State::Authenticated, 2)});
    CHECK(after_greeting("* BYE go away\r\n") ==
          std::vector<Edge>{edge(State::Connecting, State::Logout, 3)});
    // "(7) LOGOUT command, server shutdown, or connection closed", from
    // each of the three states a session works in.
    for (const auto state : {State::NotAuthenticated, State::Authenticated, State::Selected}) {
        ObservedImap observed(state);
        const auto first = observed.trace.size();
        observed.server("* BYE shutting down\r\n");
        CHECK(edges_from(observed.trace, first) ==
              std::vector<Edge>{edge(state, State::Logout, 7)});
    }
}

// ---------------------------------------------------------------------------
// POP3: RFC 1939 3 to 6
// ---------------------------------------------------------------------------

namespace {

// The server's answer to `command` as `status` ("+OK" or "-ERR"), with the
// multi-line body RFC 1939 3 requires after a +OK to some commands.
std::string pop3_reply(std::string_view line, std::string_view status) {
    const auto command = pop3::parse_command(line).command;
    std::string reply = std::string(status) + " done\r\n";
    if (status == "+OK" && command && pop3::reply_is_multiline(*command)) reply += "one\r\n.\r\n";
    return reply;
}

}  // namespace

TEST_CASE("POP3: every edge the engine takes is in the state table, and each is taken") {
    using pop3::State;
    using pop3::testing::rule_allows;
    EdgeLog log(table_edges(pop3::transitions));
    for (const auto state : pop3::all_states) {
        CAPTURE(pop3::state_name(state));
        {
            ObservedPop3 observed(state);
            log.taken(edges_from(observed.trace, 0));
        }
        for (const auto& rule : pop3::testing::verb_rules) {
            for (const std::string_view status : {"+OK", "-ERR"}) {
                CAPTURE(rule.example);
                CAPTURE(status);
                ObservedPop3 observed(state);
                const auto first = observed.trace.size();
                const auto edges = log.run(
                    observed.trace,
                    [&] {
                        observed.client(std::string(rule.example) + "\r\n");
                        observed.server(pop3_reply(rule.example, status));
                    },
                    first);
                std::vector<Edge> expected;
                if (state == State::Authorization && rule_allows(rule, state)) {
                    // RFC 1939 4: a successful login enters TRANSACTION (2);
                    // QUIT there ends the session (4) whatever it is told.
                    if (rule.logs_in && status == "+OK") {
                        expected.push_back(numbered(pop3::testing::diagram, state, 2));
                    }
                    if (rule.quits) expected.push_back(numbered(pop3::testing::diagram, state, 4));
                } else if (state == State::Transaction && rule.quits) {
                    // RFC 1939 6: QUIT from TRANSACTION enters UPDATE (3),
                    // then the reply ends the session.
                    expected.push_back(numbered(pop3::testing::diagram, state, 3));
                    expected.push_back(numbered(pop3::testing::diagram, State::Update, 0));
                } else if (state == State::Update) {
                    // The reply answers the QUIT that led to UPDATE.
                    expected.push_back(numbered(pop3::testing::diagram, state, 0));
                }
                if (state == State::Connecting || state == State::Closed) continue;
                CAPTURE(describe(edges));
                CHECK(edges == expected);
            }
        }
        for (const std::string_view greeting : {"+OK ready\r\n", "-ERR go away\r\n"}) {
            CAPTURE(greeting);
            ObservedPop3 observed(state);
            log.run(
                observed.trace, [&] { observed.server(greeting); }, observed.trace.size());
        }
        for (const auto dir : {Direction::ServerToClient, Direction::ClientToServer}) {
            ObservedPop3 observed(state);
            log.run(
                observed.trace, [&] { observed.eof(dir); }, observed.trace.size());
        }
    }
    log.check_every_edge_taken();
    CHECK(log.runs() == 5 * (17 * 2 + 2 + 2));
}

// ---------------------------------------------------------------------------
// SMTP: RFC 5321 4.1.4, 4.3.2, RFC 3207 4.2
// ---------------------------------------------------------------------------

namespace {

// Where a successful reply to `verb` in `state` leads, read from RFC 5321
// 4.1.4 and 3.3 and RFC 3207 4.2; nothing when the state stays.
std::optional<smtp::State> after_success(smtp::Verb verb, smtp::State state) {
    using smtp::State;
    using smtp::Verb;
    switch (verb) {
        // 4.1.4: "If [EHLO] is issued after the session begins [...] the
        // SMTP server MUST clear all buffers and reset the state exactly as
        // if a RSET command had been issued."
        case Verb::Helo:
        case Verb::Ehlo:
            return State::Greeted;
        // 3.3: "MAIL FROM:<reverse-path> [...] This command tells the
        // SMTP-receiver that a new mail transaction is starting".
        case Verb::Mail:
            return State::Mail;
        case Verb::Rcpt:
            return State::Rcpt;
        // 4.1.1.5: "This command specifies that the current mail
        // transaction will be aborted."
        case Verb::Rset:
            if (state == State::Mail || state == State::Rcpt) return State::Greeted;
            return std::nullopt;
        // RFC 3207 4.2: "the SMTP protocol is reset to the initial state".
        case Verb::Starttls:
            return State::Ready;
        case Verb::Quit:
            return State::Quit;
        default:
            return std::nullopt;
    }
}

}  // namespace

TEST_CASE("SMTP: every edge the engine takes is in the state table, and each is taken") {
    using smtp::State;
    EdgeLog log(table_edges(smtp::transitions));
    // The diagram's edge from `from` to `to`, which must exist.
    auto edge_between = [](State from, State to) -> std::vector<Edge> {
        for (const auto& t : smtp::testing::diagram) {
            if (t.from == from && t.to == to) {
                return {{static_cast<std::size_t>(from), static_cast<std::size_t>(to), t.number}};
            }
        }
        FAIL("no edge ", smtp::state_name(from), " -> ", smtp::state_name(to));
        return {};
    };
    for (const auto state : smtp::all_states) {
        CAPTURE(smtp::state_name(state));
        {
            ObservedSmtp observed(state);
            log.taken(edges_from(observed.trace, 0));
        }
        for (const auto& rule : smtp::testing::verb_rules) {
            std::vector<int> codes(rule.success.begin(), rule.success.end());
            if (rule.intermediate) codes.push_back(rule.intermediate);
            for (const int code : {451, 550, 421})
                codes.push_back(code);
            for (const int code : codes) {
                CAPTURE(rule.example);
                CAPTURE(code);
                ObservedSmtp observed(state);
                const auto first = observed.trace.size();
                const auto edges = log.run(
                    observed.trace,
                    [&] {
                        observed.client(std::string(rule.example) + "\r\n");
                        observed.server(fmt::format("{} done\r\n", code));
                    },
                    first);
                const bool in_session = state == State::Ready || state == State::Greeted ||
                                        state == State::Mail || state == State::Rcpt;
                if (!in_session) continue;
                const bool allowed =
                    std::find(rule.states.begin(), rule.states.end(), state) != rule.states.end();
                std::vector<Edge> expected;
                if (code == 421) {
                    // RFC 5321 3.8: "421 Service not available, closing
                    // transmission channel".
                    expected = edge_between(state, State::Quit);
                } else if (code == 354 && allowed) {
                    expected = edge_between(state, State::Data);
                } else if (code == 354 && rule.verb == smtp::Verb::Data && state == State::Mail) {
                    // RFC 5321 3.3: a server may take the data of a
                    // transaction with no recipient and refuse it at its end.
                    expected = edge_between(state, State::Data);
                } else if (allowed && std::ranges::find(rule.success, code) != rule.success.end()) {
                    if (const auto to = after_success(rule.verb, state)) {
                        expected = edge_between(state, *to);
                    }
                }
                CAPTURE(describe(edges));
                CHECK(edges == expected);
            }
        }
        // The message itself, answered at its end.
        if (state == State::Data) {
            for (const int code : {250, 550, 451, 421}) {
                CAPTURE(code);
                ObservedSmtp observed(state);
                log.run(
                    observed.trace, [&] { observed.client("Subject: hi\r\n\r\nhello\r\n.\r\n"); },
                    0);
                const auto first = observed.trace.size();
                const auto reply = log.run(
                    observed.trace, [&] { observed.server(fmt::format("{} done\r\n", code)); },
                    first);
                // RFC 5321 4.1.1.4: the reply to the end of the data ends the
                // transaction, delivered or not.
                CHECK(reply ==
                      edge_between(State::Data, code == 421 ? State::Quit : State::Greeted));
            }
        }
        for (const std::string_view greeting : {"220 mx.example\r\n", "554 no service\r\n"}) {
            CAPTURE(greeting);
            ObservedSmtp observed(state);
            log.run(
                observed.trace, [&] { observed.server(greeting); }, observed.trace.size());
        }
        for (const auto dir : {Direction::ServerToClient, Direction::ClientToServer}) {
            ObservedSmtp observed(state);
            log.run(
                observed.trace, [&] { observed.eof(dir); }, observed.trace.size());
        }
    }
    log.check_every_edge_taken();
}
