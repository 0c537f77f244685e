// The text export of an SMTP session keeps the message content: it follows
// the 354 on its own, so no command or reply event carries it.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>

#include "sim/core/trace.hpp"
#include "sim/core/trace_format.hpp"
#include "sim/core/transcript.hpp"
#include "sim/smtp/session.hpp"

using namespace mailscope;

TEST_CASE("SMTP text export includes the DATA content as sent, dot-stuffing and the final dot") {
    sim::SessionTrace trace(sim::Protocol::Smtp);
    smtp::SmtpSession session(trace);
    const auto c = sim::Direction::ClientToServer;
    const auto s = sim::Direction::ServerToClient;
    session.feed(s, "220 mx.example.org ESMTP\r\n");
    session.feed(c, "EHLO client.example.org\r\n");
    session.feed(s, "250 mx.example.org\r\n");
    session.feed(c, "MAIL FROM:<bob@example.org>\r\n");
    session.feed(s, "250 OK\r\n");
    session.feed(c, "RCPT TO:<alice@example.org>\r\n");
    session.feed(s, "250 OK\r\n");
    session.feed(c, "DATA\r\n");
    session.feed(s, "354 go ahead\r\n");
    session.feed(c, "Subject: dots\r\n\r\n..a line that starts with a dot\r\n.\r\n");
    session.feed(s, "250 delivered\r\n");

    const auto text = sim::export_text(trace);
    CHECK(text.find("C: DATA\nS: 354 go ahead\nC: Subject: dots\nC: \n") != std::string::npos);
    CHECK(text.find("C: ..a line that starts with a dot\nC: .\nS: 250 delivered\n") !=
          std::string::npos);

    // The terminal line names the content a message, without IMAP's {n}.
    const sim::TraceEvent* content = nullptr;
    for (const auto& event : trace.events()) {
        if (event.kind == sim::EventKind::Literal) content = &event;
    }
    REQUIRE(content != nullptr);
    const auto line = sim::format_event(trace, *content, {});
    // Counted after the dot-stuffing is undone, without the final ".".
    const std::string content_octets = "Subject: dots\r\n\r\n.a line that starts with a dot\r\n";
    INFO(line);
    CHECK(line.find(fmt::format("message: {} octets", content_octets.size())) != std::string::npos);
    CHECK(line.find('{') == std::string::npos);
}
