// Which SMTP commands must end a pipelined group, as RFC 2920 3.1 and the
// extensions that add commands say, judged by what the client had read when
// it sent each command. Each rule's sentence is quoted from the RFC text.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sim/smtp/session.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using namespace mailscope::smtp;
using sim::Direction;
using sim::EventKind;

namespace {

struct PipelineObserved {
    sim::SessionTrace trace{sim::Protocol::Smtp};
    SmtpSession session{trace};
    void c(std::string_view bytes) { session.feed(Direction::ClientToServer, bytes); }
    void s(std::string_view bytes) { session.feed(Direction::ServerToClient, bytes); }
    void greeted() {
        s("220 mx.example.org ESMTP\r\n");
        c("EHLO client.example.net\r\n");
        s("250-mx.example.org\r\n250-PIPELINING\r\n250 AUTH PLAIN LOGIN\r\n");
    }
};

// A server that reads one line at a time and answers in between, as the
// mock server does: each line is fed with the octets still waiting after it.
struct LineByLineServer {
    sim::SessionTrace trace{sim::Protocol::Smtp};
    SmtpSession session{trace, [] {
                            SessionOptions options;
                            options.role = Role::Server;
                            return options;
                        }()};
    // One reply line as written, CRLF included.
    void reply(std::string_view bytes) {
        auto parsed = parse_reply_line(bytes.substr(0, bytes.size() - 2));
        REQUIRE(parsed);
        session.send(make_reply(parsed->code, "", parsed->text));
    }
    // Feeds `batch` a line at a time; `replies` answer the lines in order.
    void batch(std::string_view batch, const std::vector<std::string_view>& replies) {
        std::size_t answered = 0;
        while (!batch.empty()) {
            const auto take = batch.find('\n') + 1;
            session.input_waiting(batch.size() - take);
            session.receive(batch.substr(0, take));
            batch.remove_prefix(take);
            while (session.next_input()) {
                if (answered < replies.size()) reply(replies[answered++]);
            }
        }
    }
};

}  // namespace

TEST_CASE("SMTP pipelining: AUTH with a one-round initial response may be followed") {
    // RFC 4954 4: "When the AUTH command is used together with the
    // [PIPELINING] extension, it MUST be the last command in a pipelined
    // group of commands.  The only exception to this rule is when the AUTH
    // command contains an initial response for a SASL mechanism that allows
    // the client to send data first, the SASL mechanism is known to complete
    // in one round-trip, and a security layer is not negotiated by the
    // client.  Two examples of such SASL mechanisms are PLAIN [PLAIN] and
    // EXTERNAL [SASL]."
    PipelineObserved o;
    o.greeted();
    SUBCASE("AUTH PLAIN with its response") {
        o.c("AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\nMAIL FROM:<alice@example.org>\r\n");
        o.s("235 2.7.0 ok\r\n250 2.1.0 ok\r\n");
        CHECK(test::violations(o.trace).empty());
        CHECK(o.session.state() == State::Mail);
    }
    SUBCASE("AUTH LOGIN takes rounds") {
        o.c("AUTH LOGIN\r\nMAIL FROM:<alice@example.org>\r\n");
        const auto found = test::violations(o.trace);
        REQUIRE(found.size() == 1);
        CHECK(found[0]->section == "RFC 4954 4");
    }
}

TEST_CASE("SMTP pipelining: nothing follows HELO before its reply") {
    // RFC 2920 3: "When a client SMTP wishes to employ command pipelining,
    // it first issues the EHLO command to the server SMTP."
    PipelineObserved o;
    o.greeted();
    o.c("HELO client.example.net\r\nMAIL FROM:<alice@example.org>\r\n");
    const auto found = test::violations(o.trace);
    REQUIRE(found.size() == 1);
    CHECK(found[0]->section == "RFC 2920 3");
    CHECK(found[0]->violation->rule.find("HELO") != std::string::npos);
}

TEST_CASE("SMTP pipelining: a server that answers line by line judges what the client had read") {
    // RFC 2920 3.1: "For example, if none of the RCPT TO recipient addresses
    // were accepted the client must then check the response to the DATA
    // command -- the client cannot assume that the DATA command will be
    // rejected just because none of the RCPT TO commands worked."
    LineByLineServer server;
    server.reply("220 mx.example.org ESMTP\r\n");
    server.batch("EHLO client.example.net\r\n", {});
    server.session.send(make_reply(250, "", "mx.example.org\nPIPELINING"));
    SUBCASE("DATA behind refused recipients") {
        server.batch("MAIL FROM:<a@example.net>\r\nRCPT TO:<nobody@example.org>\r\nDATA\r\n",
                     {"250 2.1.0 ok\r\n", "550 5.1.1 no such user\r\n",
                      "554 5.5.1 no valid recipients\r\n"});
        CHECK(test::violations(server.trace).empty());
    }
    SUBCASE("message data sent before the 354") {
        // RFC 2920 3.1: "The EHLO, DATA, VRFY, EXPN, TURN, QUIT, and NOOP
        // commands can only appear as the last command in a group"
        server.batch("MAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.org>\r\n", {});
        server.reply("250 2.1.0 ok\r\n");
        server.reply("250 2.1.5 ok\r\n");
        server.batch("DATA\r\nSubject: early\r\n\r\nbody\r\n.\r\n", {"354 go ahead\r\n"});
        const auto found = test::violations(server.trace);
        REQUIRE(found.size() == 1);
        CHECK(found[0]->section == "RFC 2920 3.1");
        CHECK(found[0]->violation->rule.find("before the reply to DATA") != std::string::npos);
    }
    SUBCASE("a command behind NOOP in the same group") {
        server.batch("NOOP\r\nMAIL FROM:<a@example.net>\r\n", {"250 2.0.0 ok\r\n"});
        const auto found = test::violations(server.trace);
        REQUIRE(found.size() == 1);
        CHECK(found[0]->violation->rule.find("MAIL sent before the reply to NOOP") !=
              std::string::npos);
    }
}

TEST_CASE("SMTP: 354 without an accepted recipient is flagged only for a pipelining server") {
    // RFC 5321 3.3: "If there was no MAIL, or no RCPT, command, or all such
    // commands were rejected, the server MAY return a "command out of
    // sequence" (503) or "no valid recipients" (554) reply in response to the
    // DATA command." and "If the verb is initially accepted and the 354 reply
    // issued, the DATA command should fail only if the mail transaction was
    // incomplete (for example, no recipients), ..."
    // RFC 2920 3.2: "A server SMTP implementation that offers the pipelining
    // extension: ... (3) SHOULD issue a positive response to the DATA command
    // if and only if one or more valid RCPT TO addresses have been previously
    // received."
    auto refused_then_354 = [](PipelineObserved& o) {
        o.c("MAIL FROM:<mrose@dbc.mtview.ca.us>\r\nRCPT TO:<galvin@tis.com>\r\nDATA\r\n");
        o.s("250 sender OK\r\n550 remote mail to <galvin@tis.com> not allowed\r\n");
        o.s("354 enter mail, end with line containing only \".\"\r\n");
        o.c(".\r\n");
        o.s("554 no valid recipients\r\n");
    };
    SUBCASE("a server that offers PIPELINING") {
        PipelineObserved o;
        o.greeted();
        refused_then_354(o);
        const auto found = test::violations(o.trace);
        REQUIRE(found.size() == 1);
        CHECK(found[0]->section == "RFC 2920 3.2");
        CHECK(found[0]->dir == Direction::ServerToClient);
    }
    SUBCASE("a server without PIPELINING may accept DATA and refuse the message") {
        PipelineObserved o;
        o.s("220 mx.example.org ESMTP\r\n");
        o.c("EHLO client.example.net\r\n");
        o.s("250-mx.example.org\r\n250 8BITMIME\r\n");
        o.c("MAIL FROM:<mrose@dbc.mtview.ca.us>\r\n");
        o.s("250 sender OK\r\n");
        o.c("RCPT TO:<galvin@tis.com>\r\n");
        o.s("550 remote mail to <galvin@tis.com> not allowed\r\n");
        o.c("DATA\r\n");
        o.s("354 enter mail, end with line containing only \".\"\r\n");
        o.c(".\r\n");
        o.s("554 no valid recipients\r\n");
        // The client's DATA after its only RCPT was refused is its own mistake.
        for (const auto* found : test::violations(o.trace))
            CHECK(found->dir == Direction::ClientToServer);
    }
}
