// The POP3 engine in its three roles: the RFC 1939 exchanges decode without a
// violation, every transition of states.hpp is taken with its number, wrong
// commands and hostile input become violations, secrets stay masked.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "pop3_vectors.hpp"
#include "sim/core/trace_links.hpp"
#include "sim/core/transcript.hpp"
#include "sim/pop3/session.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using namespace mailscope::pop3;
using sim::Direction;
using sim::EventKind;

using namespace mailscope::test;

namespace {

// An observer that has seen a greeting and, for TRANSACTION, a login.
void prepare(Pop3Session& session, const std::string& start) {
    for (const auto& line : pop3::testing::prelude(start))
        session.feed(line.dir, line.text + "\r\n");
}

SessionOptions options(Role role, bool reveal = false, std::size_t max_event_bytes = 1u << 20,
                       Limits limits = {}) {
    SessionOptions result;
    result.role = role;
    result.reveal_secrets = reveal;
    result.max_event_bytes = max_event_bytes;
    result.limits = limits;
    return result;
}

State state_named(const std::string& name) {
    for (auto state : all_states) {
        if (state_name(state) == name) return state;
    }
    FAIL("unknown state " << name);
    return State::Closed;
}

}  // namespace

TEST_CASE("pop3 session: the RFC exchanges decode without a violation") {
    for (const auto& exchange : pop3::testing::load_exchanges("rfc1939_exchanges.txt")) {
        CAPTURE(exchange.section);
        sim::SessionTrace trace(sim::Protocol::Pop3);
        Pop3Session session(trace);
        prepare(session, exchange.start);
        const auto first = trace.size();
        std::string server_bytes;
        std::size_t commands = 0;
        for (const auto& line : exchange.lines) {
            session.feed(line.dir, line.text + "\r\n");
            if (line.dir == C) ++commands;
        }
        CHECK(violation_rules(trace).empty());
        const auto expected_end =
            exchange.end.empty()
                ? (exchange.start == "start" ? State::Connecting : state_named(exchange.start))
                : state_named(exchange.end);
        CHECK(state_name(session.state()) == state_name(expected_end));
        CHECK(session.outstanding() == 0);
        // Every command is answered by exactly one reply event linked to it.
        const sim::CompletionIndex completions(trace);
        std::size_t answered = 0;
        for (auto seq = first; seq < trace.size(); ++seq) {
            const auto& event = trace.at(seq);
            CHECK(event.protocol == sim::Protocol::Pop3);
            if (event.kind != EventKind::Command) continue;
            const auto reply_seq = completions.completion_of(seq);
            REQUIRE(reply_seq);
            const auto& reply = trace.at(*reply_seq);
            CHECK(reply.kind == EventKind::Tagged);
            CHECK(reply.link_seq == seq);
            ++answered;
        }
        CHECK(answered == commands);
        // The text transcript gives the exchange back line by line.
        std::string expected;
        for (const auto& line : exchange.lines) {
            expected += (line.dir == C ? "C: " : "S: ") + line.text + "\n";
        }
        sim::SessionTrace replay(sim::Protocol::Pop3);
        Pop3Session again(replay, options(Role::Observer, true));
        prepare(again, exchange.start);
        for (const auto& line : exchange.lines)
            again.feed(line.dir, line.text + "\r\n");
        CHECK(sim::export_text(replay).ends_with(expected));
    }
}

TEST_CASE("pop3 session: multi-line replies framed across every chunk split") {
    const std::string server =
        "+OK ready\r\n+OK\r\n+OK\r\n+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n"
        "+OK 7 octets\r\n..dot\r\nx\r\n.\r\n+OK bye\r\n";
    for (std::size_t cut = 0; cut <= server.size(); ++cut) {
        CAPTURE(cut);
        sim::SessionTrace trace(sim::Protocol::Pop3);
        Pop3Session session(trace);
        session.feed(S, "+OK ready\r\n");
        session.feed(C, "USER a\r\nPASS b\r\nLIST\r\nRETR 2\r\nQUIT\r\n");
        session.feed(S, std::string_view(server).substr(0, cut));
        session.feed(S, std::string_view(server).substr(cut));
        CHECK(violation_rules(trace).empty());
        CHECK(session.state() == State::Closed);
        auto literals = of_kind(trace, EventKind::Literal);
        REQUIRE(literals.size() == 1);
        CHECK(literals[0]->raw == "..dot\r\nx\r\n");
        CHECK(literals[0]->literal->size == 9);  // ".dot\r\nx\r\n"
        CHECK_FALSE(literals[0]->literal->synchronizing);
        CHECK(trace.at(*literals[0]->link_seq).summary == "message 2 follows: 9 octets");
    }
}

TEST_CASE("pop3 session: transitions 1 to 6 and the final edge carry their numbers") {
    SUBCASE("1, 2, 3, 0: greeting, PASS, QUIT, reply") {
        sim::SessionTrace trace(sim::Protocol::Pop3);
        Pop3Session session(trace);
        prepare(session, "TRANSACTION");
        session.feed(C, "QUIT\r\n");
        CHECK(session.state() == State::Update);
        session.feed(S, "+OK bye\r\n");
        CHECK(transition_numbers(trace) == std::vector<int>{1, 2, 3, 0});
        CHECK(session.closed());
    }
    SUBCASE("2 by APOP and by AUTH") {
        sim::SessionTrace trace(sim::Protocol::Pop3);
        Pop3Session session(trace);
        session.feed(S, "+OK <1.2@host>\r\n");
        CHECK(session.apop_timestamp() == "<1.2@host>");
        session.feed(C, "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
        session.feed(S, "+OK\r\n");
        CHECK(session.state() == State::Transaction);
        sim::SessionTrace trace2(sim::Protocol::Pop3);
        Pop3Session auth(trace2);
        auth.feed(S, "+OK\r\n");
        auth.feed(C, "AUTH PLAIN\r\n");
        auth.feed(S, "+ \r\n");
        auth.feed(C, "AGFsaWNlAHdvbmRlcmxhbmQ=\r\n");
        auth.feed(S, "+OK logged in\r\n");
        CHECK(auth.state() == State::Transaction);
        CHECK(transition_numbers(trace2) == std::vector<int>{1, 2});
        CHECK(violation_rules(trace2).empty());
    }
    SUBCASE("4: QUIT in AUTHORIZATION, and the connection closed there") {
        sim::SessionTrace trace(sim::Protocol::Pop3);
        Pop3Session session(trace);
        session.feed(S, "+OK\r\n");
        session.feed(C, "QUIT\r\n");
        session.feed(S, "+OK\r\n");
        CHECK(transition_numbers(trace) == std::vector<int>{1, 4});
        sim::SessionTrace trace2(sim::Protocol::Pop3);
        Pop3Session lost(trace2);
        lost.feed(S, "+OK\r\n");
        lost.feed_eof(C);
        CHECK(transition_numbers(trace2) == std::vector<int>{1, 4});
    }
    SUBCASE("5: the connection lost in TRANSACTION") {
        sim::SessionTrace trace(sim::Protocol::Pop3);
        Pop3Session session(trace);
        prepare(session, "TRANSACTION");
        session.feed(C, "DELE 1\r\n");
        session.feed(S, "+OK\r\n");
        session.feed_eof(S);
        CHECK(transition_numbers(trace) == std::vector<int>{1, 2, 5});
        CHECK(of_kind(trace, EventKind::StateTransition)
                  .back()
                  ->transition->cause.find("nothing deleted") != std::string::npos);
    }
    SUBCASE("6: a -ERR greeting") {
        sim::SessionTrace trace(sim::Protocol::Pop3);
        Pop3Session session(trace);
        session.feed(S, "-ERR [SYS/TEMP] go away\r\n");
        CHECK(transition_numbers(trace) == std::vector<int>{6});
        CHECK(trace.at(0).status == sim::ReplyStatus::MinusErr);
        CHECK(trace.at(0).code == "SYS/TEMP");
        CHECK(trace.at(0).kind == EventKind::Untagged);
    }
    SUBCASE("every transition's from/to are the table's") {
        sim::SessionTrace trace(sim::Protocol::Pop3);
        Pop3Session session(trace);
        prepare(session, "TRANSACTION");
        session.feed(C, "QUIT\r\n");
        session.feed(S, "+OK\r\n");
        for (const auto* event : of_kind(trace, EventKind::StateTransition)) {
            bool listed = false;
            for (const auto& t : transitions) {
                if (t.number == event->transition->number &&
                    sim::StateId(t.from) == event->transition->from &&
                    sim::StateId(t.to) == event->transition->to) {
                    listed = true;
                }
            }
            CHECK(listed);
        }
    }
}

TEST_CASE("pop3 session: commands in the wrong state are violations and the server is told") {
    sim::SessionTrace trace(sim::Protocol::Pop3);
    Pop3Session session(trace, options(Role::Server));
    session.send(make_ok("ready"));
    session.receive("STAT\r\n");
    auto input = session.next_input();
    REQUIRE(input);
    auto* received = std::get_if<CommandReceived>(&*input);
    REQUIRE(received);
    CHECK(received->command.verb == Verb::Stat);
    REQUIRE(received->state_error);
    CHECK(*received->state_error == "STAT is not valid in the AUTHORIZATION state");
    CHECK(has_violation_rule(trace, "STAT is not valid in the AUTHORIZATION state"));
    session.send(make_err(*received->state_error));
    session.receive("PASS secret\r\n");
    input = session.next_input();
    REQUIRE(input);
    received = std::get_if<CommandReceived>(&*input);
    REQUIRE(received);
    REQUIRE(received->state_error);
    CHECK(received->state_error->find("USER") != std::string::npos);
    session.send(make_err("USER first"));
    CHECK(session.state() == State::Authorization);
}

TEST_CASE("pop3 session: a reply that answers nothing, a line that is no reply") {
    sim::SessionTrace trace(sim::Protocol::Pop3);
    Pop3Session session(trace);
    session.feed(S, "+OK ready\r\n");
    session.feed(S, "+OK surprise\r\n");
    CHECK(has_violation_rule(trace, "answers no command"));
    CHECK(of_kind(trace, EventKind::Tagged).back()->link == sim::Link::Unmatched);
    session.feed(S, "* OK this is IMAP\r\n");
    CHECK(has_violation_rule(trace, "+OK or -ERR"));
    session.feed(S, "+ challenge\r\n");
    CHECK(has_violation_rule(trace, "no AUTH command"));
}

TEST_CASE("pop3 session: bare LF and commands before the greeting") {
    sim::SessionTrace trace(sim::Protocol::Pop3);
    Pop3Session session(trace);
    session.feed(C, "CAPA\r\n");
    CHECK(has_violation_rule(trace, "before the server's greeting"));
    session.feed(S, "+OK ready\n");
    CHECK(has_violation_rule(trace, "LF alone"));
    CHECK(session.state() == State::Authorization);
}

TEST_CASE("pop3 session: hostile input stays bounded") {
    SUBCASE("a 1 MB command line is dropped with one violation; the next line works") {
        sim::SessionTrace trace(sim::Protocol::Pop3);
        Pop3Session session(trace, options(Role::Server));
        session.send(make_ok("ready"));
        std::string huge(1 << 20, 'A');
        for (std::size_t at = 0; at < huge.size(); at += 4096) {
            session.receive(std::string_view(huge).substr(at, 4096));
        }
        session.receive("\r\nCAPA\r\n");
        auto rules = violation_rules(trace);
        REQUIRE(rules.size() == 1);
        CHECK(rules[0].find("longer than 255 octets") != std::string::npos);
        auto input = session.next_input();
        REQUIRE(input);
        CHECK(std::holds_alternative<CommandRejected>(*input));
        session.send(make_err("line too long"));
        input = session.next_input();
        REQUIRE(input);
        auto* capa = std::get_if<CommandReceived>(&*input);
        REQUIRE(capa);
        CHECK(capa->command.verb == Verb::Capa);
        for (const auto& event : trace.events())
            CHECK(event.raw.size() < 1024);
    }
    SUBCASE("a 255-octet command line is fine, 256 is not") {
        sim::SessionTrace trace(sim::Protocol::Pop3);
        Pop3Session session(trace);
        session.feed(S, "+OK\r\n");
        session.feed(C, "USER " + std::string(248, 'u') + "\r\n");
        CHECK(violation_rules(trace).empty());
        session.feed(S, "-ERR no\r\n");
        session.feed(C, "USER " + std::string(249, 'u') + "\r\n");
        CHECK(violation_rules(trace).size() == 1);
    }
    SUBCASE("a 1 MB reply line is dropped") {
        sim::SessionTrace trace(sim::Protocol::Pop3);
        Pop3Session session(trace);
        session.feed(S, "+OK " + std::string(1 << 20, 'x') + "\r\n");
        CHECK(has_violation_rule(trace, "longer than 512 octets"));
        session.feed(S, "+OK ready\r\n");
        CHECK(session.state() == State::Authorization);
    }
    SUBCASE("NUL octets in a command") {
        sim::SessionTrace trace(sim::Protocol::Pop3);
        Pop3Session session(trace, options(Role::Server));
        session.send(make_ok("ready"));
        session.receive(std::string_view("USER al\0ice\r\n", 13));
        CHECK(has_violation_rule(trace, "NUL"));
        auto input = session.next_input();
        REQUIRE(input);
        CHECK(std::holds_alternative<CommandRejected>(*input));
        // The -ERR still answers the rejected line.
        auto reply_seq = session.send(make_err("NUL octet"));
        CHECK(trace.at(reply_seq).link == sim::Link::Answers);
    }
    SUBCASE("a huge number in LIST") {
        sim::SessionTrace trace(sim::Protocol::Pop3);
        Pop3Session session(trace);
        prepare(session, "TRANSACTION");
        session.feed(C, "LIST 999999999999999999999999999999\r\n");
        CHECK(has_violation_rule(trace, "not a number that fits 32 bits"));
        session.feed(S, "-ERR no such message\r\n");
        CHECK(session.outstanding() == 0);
    }
    SUBCASE("a multi-line reply never terminated") {
        sim::SessionTrace trace(sim::Protocol::Pop3);
        Pop3Session session(trace, options(Role::Observer, false, 4096));
        prepare(session, "TRANSACTION");
        session.feed(C, "RETR 1\r\n");
        session.feed(S, "+OK\r\n");
        const std::string chunk(64 * 1024, 'y');
        for (int i = 0; i < 64; ++i)
            session.feed(S, chunk);  // 4 MB, no terminator
        session.feed_eof(S);
        CHECK(has_violation_rule(trace, "before the \".\" line"));
        auto literals = of_kind(trace, EventKind::Literal);
        REQUIRE(literals.size() == 1);
        CHECK(literals[0]->literal->size == 64u * 64 * 1024);
        CHECK(literals[0]->literal->truncated);
        for (const auto& event : trace.events())
            CHECK(event.raw.size() <= 4096);
        CHECK(session.closed());
    }
    SUBCASE("the client keeps at most max_multiline_size octets of one reply") {
        sim::SessionTrace trace(sim::Protocol::Pop3);
        Limits limits;
        limits.max_multiline_size = 1000;
        Pop3Session session(trace, options(Role::Client, false, 1u << 20, limits));
        session.receive("+OK\r\n");
        session.next_reply();
        session.submit_line("USER a");
        session.receive("+OK\r\n");
        session.submit_line("PASS b");
        session.receive("+OK\r\n");
        session.submit_line("RETR 1");
        session.receive("+OK\r\n" + std::string(5000, 'z') + "\r\n.\r\n");
        std::optional<ReplyReceived> last;
        while (auto reply = session.next_reply())
            last = reply;
        REQUIRE(last);
        CHECK(last->answers == Verb::Retr);
        CHECK(last->reply.data.size() == 1000);
        CHECK(last->reply.data_size == 5002);
        CHECK(last->reply.truncated);
    }
}

TEST_CASE("pop3 session: secrets are masked unless revealed") {
    for (bool reveal : {false, true}) {
        CAPTURE(reveal);
        sim::SessionTrace trace(sim::Protocol::Pop3);
        Pop3Session session(trace, options(Role::Observer, reveal));
        session.feed(S, "+OK ready\r\n");
        session.feed(C, "USER alice\r\nPASS wonder land\r\n");
        session.feed(S, "+OK\r\n-ERR bad\r\n");
        session.feed(C, "AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n");
        session.feed(S, "-ERR no\r\n");
        session.feed(C, "AUTH LOGIN\r\n");
        session.feed(S, "+ VXNlcm5hbWU6\r\n");
        session.feed(C, "YWxpY2U=\r\n");
        session.feed(S, "+ UGFzc3dvcmQ6\r\n");
        session.feed(C, "d29uZGVybGFuZA==\r\n");
        session.feed(S, "+OK in\r\n");
        CHECK(session.state() == State::Transaction);
        const auto text = sim::export_text(trace) + sim::export_jsonl(trace);
        CHECK((text.find("wonder land") != std::string::npos) == reveal);
        CHECK((text.find("AGFsaWNlAHdvbmRlcmxhbmQ=") != std::string::npos) == reveal);
        CHECK((text.find("d29uZGVybGFuZA==") != std::string::npos) == reveal);
        // Challenges are not secret: "Password:" is what the server asks.
        CHECK(text.find("UGFzc3dvcmQ6") != std::string::npos);
        if (!reveal) {
            CHECK(text.find("PASS ***") != std::string::npos);
            std::size_t redacted = 0;
            for (const auto& event : trace.events())
                redacted += event.redacted ? 1 : 0;
            CHECK(redacted == 4);
        }
        CHECK(violation_rules(trace).empty());
    }
}

TEST_CASE("pop3 session: client role") {
    sim::SessionTrace trace(sim::Protocol::Pop3);
    Pop3Session session(trace, options(Role::Client));
    CHECK_FALSE(session.submit_line("CAPA").ok);
    session.receive("+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\r\n");
    auto greeting = session.next_reply();
    REQUIRE(greeting);
    CHECK(greeting->greeting);
    CHECK(session.apop_timestamp() == "<1896.697170952@dbc.mtview.ca.us>");
    CHECK(session.submit_line("STAT").error == "STAT is not valid in the AUTHORIZATION state");
    CHECK_FALSE(session.submit_line("RETR x").ok);
    CHECK_FALSE(session.submit_line("USER " + std::string(300, 'a')).ok);
    // Pipelined: USER, PASS and STAT before any reply (RFC 2449 6.6).
    CHECK(session.submit_line("USER mrose").ok);
    CHECK(session.submit_line("PASS secret").ok);
    CHECK(session.submit_line("STAT").ok);
    CHECK(session.take_outgoing() == "USER mrose\r\nPASS secret\r\nSTAT\r\n");
    const std::string replies = "+OK\r\n+OK in\r\n+OK 2 320\r\n";
    for (char c : replies)
        session.receive(std::string_view(&c, 1));
    std::vector<Verb> answered;
    while (auto reply = session.next_reply())
        answered.push_back(reply->answers);
    CHECK(answered == std::vector<Verb>{Verb::User, Verb::Pass, Verb::Stat});
    CHECK(session.state() == State::Transaction);
    CHECK(session.submit_line("UIDL").ok);
    session.receive("+OK\r\n1 a\r\n2 b\r\n.\r\n");
    auto uidl = session.next_reply();
    REQUIRE(uidl);
    CHECK(uidl->reply.multiline);
    CHECK(data_lines(uidl->reply.data) == std::vector<std::string_view>{"1 a", "2 b"});
    CHECK(session.submit_line("QUIT").ok);
    CHECK(session.state() == State::Update);
    CHECK_FALSE(session.submit_line("NOOP").ok);
    session.receive("+OK bye\r\n");
    CHECK(session.closed());
    CHECK(violation_rules(trace).empty());
}

TEST_CASE("pop3 session: server role writes stuffed data the observer reads back") {
    sim::SessionTrace trace(sim::Protocol::Pop3);
    Pop3Session server(trace, options(Role::Server));
    server.send(make_ok("ready"));
    server.receive("USER a\r\n");
    REQUIRE(server.next_input());
    server.send(make_ok(""));
    server.receive("PASS b\r\n");
    REQUIRE(server.next_input());
    server.send(make_ok("in"));
    server.receive("TOP 1 1\r\n");
    REQUIRE(server.next_input());
    const std::string message = "Subject: x\r\n\r\n.hidden\r\n";
    const auto seq = server.send(make_multiline("top of message 1", message));
    const std::string wire = server.take_outgoing();
    CHECK(wire.ends_with("+OK top of message 1\r\nSubject: x\r\n\r\n..hidden\r\n.\r\n"));
    CHECK(trace.at(seq).summary == "headers and the first 1 body lines of message 1 (23 octets)");
    CHECK(trace.at(seq + 1).kind == EventKind::Literal);
    CHECK(trace.at(seq + 1).literal->size == message.size());
    CHECK(violation_rules(trace).empty());
}

TEST_CASE("pop3 session: LAST is explained as obsolete") {
    sim::SessionTrace trace(sim::Protocol::Pop3);
    Pop3Session session(trace);
    prepare(session, "TRANSACTION");
    session.feed(C, "LAST\r\n");
    const auto& command = trace.events().back();
    CHECK(command.name == "LAST");
    CHECK(command.section == "RFC 1725 5");
    CHECK(command.summary.find("RFC 1939 removed it") != std::string::npos);
    session.feed(S, "-ERR LAST is obsolete\r\n");
    CHECK(violation_rules(trace).empty());
}

TEST_CASE("pop3 session: STAT must give count and size") {
    sim::SessionTrace trace(sim::Protocol::Pop3);
    Pop3Session session(trace);
    prepare(session, "TRANSACTION");
    session.feed(C, "STAT\r\n");
    session.feed(S, "+OK two messages\r\n");
    CHECK(has_violation_rule(trace, "STAT"));
}

TEST_CASE("pop3 session: data after the end is reported once") {
    sim::SessionTrace trace(sim::Protocol::Pop3);
    Pop3Session session(trace);
    session.feed(S, "+OK\r\n");
    session.feed(C, "QUIT\r\n");
    session.feed(S, "+OK\r\n+OK more\r\n");
    session.feed(S, "+OK even more\r\n");
    CHECK(violation_rules(trace).size() == 1);
    CHECK(has_violation_rule(trace, "after the session ended"));
}
