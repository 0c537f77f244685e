#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/core/transcript.hpp"
#include "sim/smtp/session.hpp"
#include "tests/sim/smtp_vectors.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using namespace mailscope::smtp;
using sim::Direction;
using sim::EventKind;

using namespace mailscope::test;

namespace {

struct Observed {
    sim::SessionTrace trace{sim::Protocol::Smtp};
    SmtpSession session{trace};
    void c(std::string_view bytes) { session.feed(C, bytes); }
    void s(std::string_view bytes) { session.feed(S, bytes); }
};

SessionOptions server_options() {
    SessionOptions options;
    options.role = Role::Server;
    return options;
}

SessionOptions client_options() {
    SessionOptions options;
    options.role = Role::Client;
    return options;
}

const char* kEhloPipelining =
    "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 1000000\r\n250 8BITMIME\r\n";

void greet(Observed& o) {
    o.s("220 mx.example.org ESMTP\r\n");
    o.c("EHLO client.example.org\r\n");
    o.s(kEhloPipelining);
}

// Greeted, with one accepted sender and recipient: DATA comes next.
void ready_for_data(Observed& o) {
    greet(o);
    o.c("MAIL FROM:<a@c.example>\r\n");
    o.s("250 ok\r\n");
    o.c("RCPT TO:<b@c.example>\r\n");
    o.s("250 ok\r\n");
}

}  // namespace

TEST_CASE("SMTP session: the appendix D scenarios through the observer") {
    const std::vector<std::vector<int>> expected{
        {1, 3, 4, 5, 5, 6, 7, 9, 0},  // D.1: Green refused, no transition for him
        {1, 3, 4, 5, 7, 9, 0},        // D.2: RSET aborts
        {1, 3, 4, 5, 6, 7, 9, 0},     // D.3 step 1
        {1, 3, 4, 5, 6, 7, 9, 0},     // D.3 step 2
        {1, 3, 4, 5, 6, 7, 9, 0},     // D.4 (VRFY changes nothing)
    };
    for (std::size_t i = 0; i < smtp::testing::scenario_names().size(); ++i) {
        const auto& name = smtp::testing::scenario_names()[i];
        CAPTURE(name);
        for (bool bytewise : {false, true}) {
            Observed o;
            std::string data_wire;
            for (const auto& line : smtp::testing::load_scenario(name)) {
                if (bytewise) {
                    for (char c : line.bytes)
                        o.session.feed(line.dir, std::string_view(&c, 1));
                } else {
                    o.session.feed(line.dir, line.bytes);
                }
            }
            o.session.feed_eof(C);
            CHECK(violations(o.trace).empty());
            CHECK(transition_numbers(o.trace) == expected[i]);
            CHECK(o.session.state() == State::Closed);
            for (const auto& event : o.trace.events()) {
                CHECK(event.protocol == sim::Protocol::Smtp);
            }
            // Every reply after the greeting answers a command.
            for (const auto* reply : of_kind(o.trace, EventKind::Tagged)) {
                REQUIRE(reply->link_seq);
                CHECK(o.trace.at(*reply->link_seq).kind == EventKind::Command);
                CHECK(reply->link == sim::Link::Answers);
            }
            auto greetings = of_kind(o.trace, EventKind::Untagged);
            REQUIRE(greetings.size() == 1);
            CHECK(greetings.front()->reply_code == 220);
            auto literals = of_kind(o.trace, EventKind::Literal);
            for (const auto* literal : literals) {
                REQUIRE(literal->literal);
                CHECK(o.trace.at(*literal->link_seq).name == "DATA");
                CHECK(literal->literal->size == dot_unstuff(literal->raw).size());
                CHECK(literal->raw.size() == literal->wire.size);
            }
            auto ehlo = of_kind(o.trace, EventKind::Tagged).front();
            if (name != "rfc5321_d3_relay_step2.txt") {
                CHECK(ehlo->summary.find("EHLO: ") == 0);
            }
        }
    }
}

TEST_CASE("SMTP session: a multi-line EHLO reply is one event") {
    Observed o;
    greet(o);
    auto replies = of_kind(o.trace, EventKind::Tagged);
    REQUIRE(replies.size() == 1);
    CHECK(replies[0]->raw == kEhloPipelining);
    CHECK(replies[0]->summary == "EHLO: 3 extensions");
    CHECK(replies[0]->reply_code == 250);
    CHECK(o.session.extension_offered("PIPELINING"));
    CHECK(o.session.extension_offered("SIZE"));
    CHECK(o.session.state() == State::Greeted);

    o.s("250-one\r\n251 two\r\n");  // mixed codes, answering nothing
    CHECK(has_violation_section(o.trace, "RFC 5321 4.2.1"));
    CHECK(has_violation_section(o.trace, "RFC 5321 4.2"));
}

TEST_CASE("SMTP session: enhanced status codes go to the event's code") {
    Observed o;
    greet(o);
    o.c("MAIL FROM:<a@client.example.org>\r\n");
    o.s("250 2.1.0 Ok\r\n");
    auto replies = of_kind(o.trace, EventKind::Tagged);
    CHECK(replies.back()->code == "2.1.0");
    CHECK(replies.back()->reply_code == 250);
}

TEST_CASE("SMTP session: pipelined commands are answered in order") {
    Observed o;
    greet(o);
    o.c("MAIL FROM:<a@client.example.org>\r\nRCPT TO:<b@example.org>\r\n"
        "RCPT TO:<c@example.org>\r\nDATA\r\n");
    CHECK(o.session.outstanding() == 4);
    o.s("250 ok\r\n250 ok\r\n550 no such user\r\n354 go ahead\r\n");
    CHECK(violations(o.trace).empty());
    CHECK(o.session.in_data());
    o.c("Subject: t\r\n\r\n.leading dot\r\n.\r\nQUIT\r\n");
    o.s("250 queued\r\n221 bye\r\n");
    CHECK(violations(o.trace).empty());
    CHECK(o.session.state() == State::Quit);

    const auto& events = o.trace.events();
    std::vector<std::string> answered;
    for (const auto& event : events) {
        if ((event.kind == EventKind::Tagged || event.kind == EventKind::Continuation) &&
            event.link_seq) {
            answered.push_back(std::to_string(event.reply_code) + "->" +
                               o.trace.at(*event.link_seq).raw);
        }
    }
    CHECK(answered == std::vector<std::string>{
                          "250->EHLO client.example.org\r\n",
                          "250->MAIL FROM:<a@client.example.org>\r\n",
                          "250->RCPT TO:<b@example.org>\r\n",
                          "550->RCPT TO:<c@example.org>\r\n",
                          "354->DATA\r\n",
                          "250->DATA\r\n",
                          "221->QUIT\r\n",
                      });
    auto literal = of_kind(o.trace, EventKind::Literal);
    REQUIRE(literal.size() == 1);
    CHECK(literal[0]->literal->size == std::string("Subject: t\r\n\r\nleading dot\r\n").size());
    CHECK(literal[0]->raw == "Subject: t\r\n\r\n.leading dot\r\n.\r\n");
}

TEST_CASE("SMTP session: pipelining without PIPELINING and after a barrier are violations") {
    Observed plain;
    plain.s("220 mx\r\n");
    plain.c("EHLO c.example\r\n");
    plain.s("250 mx\r\n");
    plain.c("MAIL FROM:<a@c.example>\r\nRCPT TO:<b@c.example>\r\n");
    CHECK(has_violation_section(plain.trace, "RFC 2920 3.1"));

    Observed barrier;
    barrier.s("220 mx\r\n");
    barrier.c("EHLO c.example\r\nMAIL FROM:<a@c.example>\r\n");
    CHECK(has_violation_section(barrier.trace, "RFC 2920 3.1"));
}

TEST_CASE("SMTP session: commands out of order are violations; the server learns why") {
    sim::SessionTrace trace(sim::Protocol::Smtp);
    SmtpSession server(trace, server_options());
    server.send(make_reply(220, "", "mx ready"));
    server.receive("RCPT TO:<b@example.org>\r\n");
    auto input = server.next_input();
    REQUIRE(input);
    auto* command = std::get_if<CommandReceived>(&*input);
    REQUIRE(command);
    REQUIRE(command->state_error);
    CHECK(has_violation_section(trace, "RFC 5321 4.1.4"));
    server.send(make_reply(503, "5.5.1", "need EHLO and MAIL first"));
    CHECK(server.state() == State::Ready);

    server.receive("DATA\r\n");
    input = server.next_input();
    REQUIRE(input);
    CHECK(std::get<CommandReceived>(*input).state_error);
    server.send(make_reply(503, "5.5.1", "need RCPT first"));
    CHECK(server.state() == State::Ready);
    // Not a 354: the next line is a command again.
    server.receive("NOOP\r\n");
    input = server.next_input();
    REQUIRE(input);
    CHECK(std::get<CommandReceived>(*input).command.verb == Verb::Noop);
}

TEST_CASE("SMTP session: a source route is accepted and explained") {
    Observed o;
    greet(o);
    o.c("MAIL FROM:<@relay.example,@hub.example:alice@origin.example>\r\n");
    auto commands = of_kind(o.trace, EventKind::Command);
    CHECK(commands.back()->summary.find("source route via relay.example, hub.example is ignored") !=
          std::string::npos);
    CHECK(violations(o.trace).empty());
}

TEST_CASE("SMTP session: AUTH payloads are masked") {
    Observed o;
    greet(o);
    o.c("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n");
    o.s("235 2.7.0 ok\r\n");
    o.c("AUTH LOGIN\r\n");
    o.s("334 VXNlcm5hbWU6\r\n");
    o.c("YWxpY2U=\r\n");
    o.s("334 UGFzc3dvcmQ6\r\n");
    o.c("c2VjcmV0\r\n");
    o.s("535 5.7.8 no\r\n");
    CHECK(violations(o.trace).empty());
    for (const auto& event : o.trace.events()) {
        CHECK(event.raw.find("AGFsaWNl") == std::string::npos);
        CHECK(event.raw.find("YWxpY2U") == std::string::npos);
        CHECK(event.raw.find("c2VjcmV0") == std::string::npos);
    }
    // Challenges are not secret: "Username:" is what the server asks.
    CHECK(sim::export_text(o.trace).find("334 VXNlcm5hbWU6") != std::string::npos);
    auto commands = of_kind(o.trace, EventKind::Command);
    REQUIRE(commands.size() == 5);
    CHECK(commands[1]->raw == "AUTH PLAIN ***\r\n");
    CHECK(commands[1]->redacted);
    CHECK(commands[3]->raw == "***\r\n");
    CHECK(commands[3]->link_seq == commands[2]->seq);
    CHECK(of_kind(o.trace, EventKind::Continuation).size() == 2);

    sim::SessionTrace revealed_trace(sim::Protocol::Smtp);
    SessionOptions reveal;
    reveal.reveal_secrets = true;
    SmtpSession revealed(revealed_trace, reveal);
    revealed.feed(S, "220 mx\r\n");
    revealed.feed(C, "EHLO c.example\r\n");
    revealed.feed(S, "250 mx\r\n");
    revealed.feed(C, "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n");
    CHECK(of_kind(revealed_trace, EventKind::Command).back()->raw ==
          "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n");
}

TEST_CASE("SMTP session: STARTTLS forgets the extensions and drops injected plaintext") {
    Observed o;
    greet(o);
    o.c("STARTTLS\r\nMAIL FROM:<evil@x.example>\r\n");
    CHECK(has_violation_section(o.trace, "RFC 3207 4"));
    const auto before = violations(o.trace).size();
    o.s("220 2.0.0 go ahead\r\n");
    CHECK(violations(o.trace).size() == before + 1);  // the discarded MAIL
    CHECK(o.session.state() == State::Ready);
    CHECK(transition_numbers(o.trace).back() == 8);
    CHECK(o.session.extensions().empty());
    CHECK(o.session.outstanding() == 0);
    for (const auto* command : of_kind(o.trace, EventKind::Command)) {
        CHECK(command->name != "MAIL");
    }
}

TEST_CASE("SMTP session: hostile input keeps memory bounded and the session alive") {
    SUBCASE("a 1 MB command line") {
        sim::SessionTrace trace(sim::Protocol::Smtp);
        SmtpSession server(trace, server_options());
        server.send(make_reply(220, "", "mx"));
        std::string huge(1 << 20, 'A');
        for (std::size_t at = 0; at < huge.size(); at += 4096) {
            server.receive(std::string_view(huge).substr(at, 4096));
        }
        server.receive("\r\nNOOP\r\n");
        auto first = server.next_input();
        REQUIRE(first);
        auto* rejected = std::get_if<CommandRejected>(&*first);
        REQUIRE(rejected);
        CHECK(rejected->code == 500);
        server.send(make_reply(500, "5.5.2", "line too long"));
        auto second = server.next_input();
        REQUIRE(second);
        CHECK(std::get<CommandReceived>(*second).command.verb == Verb::Noop);
        std::size_t kept = 0;
        for (const auto& event : trace.events())
            kept += event.raw.size();
        CHECK(kept < 1024);
        auto commands = of_kind(trace, EventKind::Command);
        CHECK(commands.front()->wire.size == huge.size() + 2);
        CHECK(has_violation_section(trace, "RFC 5321 4.5.3.1.4"));
    }
    SUBCASE("NUL in a command") {
        sim::SessionTrace trace(sim::Protocol::Smtp);
        SmtpSession server(trace, server_options());
        server.send(make_reply(220, "", "mx"));
        server.receive(std::string("HELO a\0b\r\n", 10));
        auto input = server.next_input();
        REQUIRE(input);
        CHECK(std::get<CommandRejected>(*input).code == 501);
    }
    SUBCASE("DATA never terminated") {
        sim::SessionTrace trace(sim::Protocol::Smtp);
        SessionOptions options = server_options();
        options.limits.max_message_size = 4096;
        SmtpSession server(trace, options);
        server.send(make_reply(220, "", "mx"));
        server.receive("EHLO c\r\n");
        server.send(make_reply(250, "", "mx"));
        server.receive("MAIL FROM:<a@c.example>\r\n");
        server.send(make_reply(250, "", "ok"));
        server.receive("RCPT TO:<b@c.example>\r\n");
        server.send(make_reply(250, "", "ok"));
        server.receive("DATA\r\n");
        while (server.next_input()) {
        }
        server.send(make_reply(354, "", "go"));
        for (int i = 0; i < 1000; ++i)
            server.receive(std::string(1000, 'x') + "\r\n");
        CHECK(server.in_data());
        CHECK_FALSE(server.next_input());
        server.feed_eof(C);
        CHECK_FALSE(server.next_input());
        CHECK(server.state() == State::Closed);
        auto numbers = transition_numbers(trace);
        CHECK(numbers == std::vector<int>{1, 3, 4, 5, 6, 9, 0});
        auto literal = of_kind(trace, EventKind::Literal);
        REQUIRE(literal.size() == 1);
        CHECK(literal[0]->literal->size == 1000u * 1002u);
        CHECK(literal[0]->literal->truncated == false);
        CHECK(has_violation_section(trace, "RFC 5321 3.8"));
    }
    SUBCASE("a message larger than the bound is counted, not kept") {
        sim::SessionTrace trace(sim::Protocol::Smtp);
        SessionOptions options = server_options();
        options.limits.max_message_size = 1000;
        options.max_event_bytes = 2000;
        SmtpSession server(trace, options);
        server.send(make_reply(220, "", "mx"));
        for (const char* line :
             {"HELO c\r\n", "MAIL FROM:<a@c.example>\r\n", "RCPT TO:<b@c.example>\r\n"}) {
            server.receive(line);
            server.send(make_reply(250, "", "ok"));
        }
        server.receive("DATA\r\n");
        server.send(make_reply(354, "", "go"));
        while (server.next_input()) {
        }
        server.receive(std::string(50000, 'z') + "\r\n.\r\n");
        auto input = server.next_input();
        REQUIRE(input);
        auto& message = std::get<MessageReceived>(*input);
        CHECK(message.too_large);
        CHECK(message.size == 50002);
        CHECK(message.content.size() == 1000);
        auto literal = of_kind(trace, EventKind::Literal);
        CHECK(literal[0]->raw.size() == 2000);
        CHECK(literal[0]->literal->truncated);
        CHECK(has_violation_section(trace, "RFC 5321 4.5.3.1.6"));
    }
    SUBCASE("reply codes out of range and replies to nothing") {
        Observed o;
        o.s("220 mx\r\n");
        o.s("999 what\r\n");
        CHECK(has_violation_section(o.trace, "RFC 5321 4.2"));
        o.s("hello there\r\n");
        o.s(std::string(10000, '2') + "\r\n");
        CHECK(has_violation_section(o.trace, "RFC 5321 4.5.3.1.5"));
        o.c("NOOP\r\n");
        o.s("250 ok\r\n");
        CHECK(o.session.outstanding() == 0);
    }
    SUBCASE("a client that keeps sending after DATA loses the excess") {
        Observed o;
        ready_for_data(o);
        o.c("DATA\r\n");
        for (int i = 0; i < 200; ++i)
            o.c(std::string(1000, 'q'));
        CHECK(has_violation_section(o.trace, "RFC 2920 3.1"));
        o.s("354 go\r\n");
        o.c("\r\n.\r\n");
        o.s("250 ok\r\n");
        CHECK(o.session.state() == State::Greeted);
    }
    SUBCASE("a command before the greeting") {
        Observed o;
        o.c("EHLO early.example\r\n");
        CHECK(has_violation_section(o.trace, "RFC 5321 3.1"));
        o.s("220 mx\r\n");
        CHECK(o.session.state() == State::Ready);
        o.s("250 mx\r\n");
        CHECK(o.session.state() == State::Greeted);
    }
    SUBCASE("bare LF in a command") {
        Observed o;
        o.s("220 mx\r\n");
        o.c("HELO c.example\n");
        CHECK(has_violation_section(o.trace, "RFC 5321 2.3.8"));
        o.s("250 mx\r\n");
        CHECK(o.session.state() == State::Greeted);
    }
}

TEST_CASE("SMTP session: a client and a server engine talk, with dot-stuffing") {
    sim::SessionTrace client_trace(sim::Protocol::Smtp);
    sim::SessionTrace server_trace(sim::Protocol::Smtp);
    SmtpSession client(client_trace, client_options());
    SmtpSession server(server_trace, server_options());
    auto pump = [&] {
        server.receive(client.take_outgoing());
        client.receive(server.take_outgoing());
    };
    CHECK_FALSE(client.submit_line("EHLO c.example").ok);  // no greeting yet
    server.send(make_reply(220, "", "mx ready"));
    pump();
    auto greeting = client.next_reply();
    REQUIRE(greeting);
    CHECK(greeting->greeting);
    CHECK(client.state() == State::Ready);

    CHECK_FALSE(client.submit_line("MAIL FROM:<a@c.example>").ok);  // EHLO first
    CHECK(client.submit_line("EHLO c.example").ok);
    pump();
    server.next_input();
    server.send(make_reply(250, "", "mx\nPIPELINING\n8BITMIME"));
    pump();
    CHECK(client.next_reply()->answers == Verb::Ehlo);
    CHECK(client.submit_line("MAIL FROM:<a@c.example>").ok);
    CHECK(client.submit_line("RCPT TO:<b@c.example>").ok);  // pipelined
    CHECK(client.submit_line("DATA").ok);
    CHECK_FALSE(client.submit_line("NOOP").ok);  // DATA ends the group
    pump();
    int commands = 0;
    while (auto input = server.next_input()) {
        REQUIRE(std::holds_alternative<CommandReceived>(*input));
        ++commands;
    }
    CHECK(commands == 3);
    server.send(make_reply(250, "", "ok"));
    server.send(make_reply(250, "", "ok"));
    server.send(make_reply(354, "", "go"));
    pump();
    CHECK(client.in_data());
    const std::string content = "Subject: dots\r\n\r\n.one\r\n..two\r\n.\r\nlast\r\n";
    CHECK(client.send_message(content).ok);
    pump();
    auto input = server.next_input();
    REQUIRE(input);
    auto& message = std::get<MessageReceived>(*input);
    CHECK(message.content == content);
    CHECK_FALSE(message.too_large);
    server.send(make_reply(250, "2.0.0", "delivered"));
    pump();
    CHECK(client.state() == State::Greeted);
    CHECK(server.state() == State::Greeted);
    CHECK(violations(client_trace).empty());
    CHECK(violations(server_trace).empty());
    CHECK(transition_numbers(client_trace) == transition_numbers(server_trace));
    auto literal = of_kind(client_trace, EventKind::Literal);
    REQUIRE(literal.size() == 1);
    CHECK(literal[0]->raw == "Subject: dots\r\n\r\n..one\r\n...two\r\n..\r\nlast\r\n.\r\n");
}

TEST_CASE("SMTP session: a 421 in the middle of the data ends the session") {
    Observed o;
    ready_for_data(o);
    o.c("DATA\r\n");
    o.s("354 go\r\n");
    o.c("Subject: cut\r\n\r\nhalf");
    o.s("421 4.4.2 timeout\r\n");
    CHECK(has_violation_section(o.trace, "RFC 5321 4.1.1.4"));
    CHECK(o.session.state() == State::Quit);
    CHECK_FALSE(o.session.in_data());
    auto replies = of_kind(o.trace, EventKind::Tagged);
    REQUIRE_FALSE(replies.empty());
    CHECK(replies.back()->reply_code == 421);
    CHECK(replies.back()->summary.find("end of data: message refused (421") == 0);
    CHECK(transition_numbers(o.trace).back() == 9);
}
