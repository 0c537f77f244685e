// The lab report of a server session: each finding points at the transcript
// line of the client's octets that broke the rule, and a client that follows
// RFC 2920 when it pipelines is not blamed. Each rule's sentence is quoted
// from the RFC text it cites.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "imap_server_harness.hpp"
#include "server_mock/lab_report.hpp"
#include "server_mock/pop3_server_session.hpp"
#include "server_mock/smtp_server_session.hpp"
#include "sim/core/in_process_link.hpp"
#include "tests/server_mock/server_session.hpp"

using namespace mailscope;
using namespace mailscope::server;

namespace {

// A raw-bytes client of one protocol's mock server, its session traced.
struct LabSession {
    LabSession(sim::Protocol protocol, MailStore& store, ServerConfig server_config = {})
        : config(std::move(server_config)),
          trace(protocol, "student 7"),
          server(testing::make_server_session(protocol, store, config, trace)) {
        link = std::make_unique<sim::InProcessLink>(*server);
        link->open();
        link->receive();
    }
    std::string send(std::string_view bytes) {
        link->send(bytes);
        return link->receive();
    }
    std::string report() const { return violation_report(trace); }

    ServerConfig config;
    sim::SessionTrace trace;
    std::unique_ptr<transport::ConnectionHandler> server;
    std::unique_ptr<sim::InProcessLink> link;
};

// The report of a session in which the client sent `writes`, one after another.
std::string report_after(sim::Protocol protocol, MailStore& store,
                         std::initializer_list<std::string_view> writes) {
    LabSession c(protocol, store);
    for (const auto bytes : writes)
        c.send(bytes);
    return c.report();
}

struct Store {
    Store() { testing::fill_store(store); }
    MailStore store;
};

}  // namespace

TEST_CASE("a bare-LF line is reported at its own transcript line") {
    Store s;
    SUBCASE("IMAP") {
        // RFC 3501 2.2: "All interactions transmitted by client and server are
        // in the form of lines, that is, strings that end with a CRLF."
        const auto report =
            report_after(sim::Protocol::Imap, s.store, {"a1 NOOP\r\n", "a2 NOOP\n"});
        CHECK(report.find("    4 C: a2 NOOP\n") != std::string::npos);
        CHECK(report.find("  line 4: RFC 3501 2.2: a line ended with LF alone") !=
              std::string::npos);
    }
    SUBCASE("POP3") {
        // RFC 1939 3: "All commands are terminated by a CRLF pair."
        const auto report =
            report_after(sim::Protocol::Pop3, s.store, {"NOOP\r\n", "USER alice\n"});
        CHECK(report.find("    4 C: USER alice\n") != std::string::npos);
        CHECK(report.find("  line 4: RFC 1939 3: a line ended with LF alone") != std::string::npos);
    }
    SUBCASE("SMTP") {
        // RFC 5321 2.3.8: "Conforming implementations MUST NOT recognize or
        // generate any other character or character sequence as a line
        // terminator."
        const auto report =
            report_after(sim::Protocol::Smtp, s.store, {"EHLO client.example.net\r\n", "NOOP\n"});
        const auto noop = report.find(" C: NOOP\n");
        REQUIRE(noop != std::string::npos);
        const auto start = report.rfind('\n', noop) + 1;
        const auto number = std::stoul(report.substr(start, noop - start));
        CHECK(report.find(fmt::format("  line {}: RFC 5321 2.3.8: a line ended with LF alone",
                                      number)) != std::string::npos);
    }
}

TEST_CASE("SMTP: a pipelined group may end with DATA, whatever the recipients' replies") {
    // RFC 2920 3.1: "The EHLO, DATA, VRFY, EXPN, TURN, QUIT, and NOOP
    // commands can only appear as the last command in a group since their
    // success or failure produces a change of state which the client SMTP
    // must accommodate." and "For example, if none of the RCPT TO recipient
    // addresses were accepted the client must then check the response to the
    // DATA command -- the client cannot assume that the DATA command will be
    // rejected just because none of the RCPT TO commands worked."
    Store s;
    LabSession c(sim::Protocol::Smtp, s.store);
    c.send("EHLO client.example.net\r\n");
    SUBCASE("all recipients refused, as msmtp sends it") {
        const auto replies = c.send(
            "MAIL FROM:<bob@example.org>\r\nRCPT TO:<nobody@localhost>\r\n"
            "RCPT TO:<someone@elsewhere.example>\r\nDATA\r\n");
        CHECK(replies.ends_with("554 5.5.1 no valid recipients\r\n"));
        CHECK(c.send("QUIT\r\n").starts_with("221"));
        CHECK(c.report().starts_with("student 7: the client broke no protocol rule.\n"));
    }
    SUBCASE("the same DATA sent after the refusals were read is out of order") {
        c.send("MAIL FROM:<bob@example.org>\r\n");
        CHECK(c.send("RCPT TO:<nobody@localhost>\r\n").starts_with("550"));
        CHECK(c.send("DATA\r\n").starts_with("554"));
        CHECK(c.report().find("RFC 5321 4.1.4: DATA is not valid in the Mail state") !=
              std::string::npos);
    }
    SUBCASE("a command after EHLO in the same group is flagged") {
        c.send("EHLO client.example.net\r\nMAIL FROM:<bob@example.org>\r\n");
        CHECK(c.report().find("RFC 2920 3.1: MAIL sent before the reply to EHLO, which must be "
                              "the last command of a pipelined group") != std::string::npos);
    }
}

TEST_CASE("SMTP: plaintext dropped after STARTTLS does not count as pipelined later") {
    // RFC 3207 4: "If the SMTP client is using pipelining as defined in RFC
    // 2920, the STARTTLS command must be the last command in a group."
    Store s;
    LabSession c(sim::Protocol::Smtp, s.store,
                 testing::config_with([](auto& config) { config.starttls_available = true; }));
    c.send("EHLO client.example.net\r\n");
    CHECK(c.send("STARTTLS\r\nMAIL FROM:<evil@x.example>\r\n").starts_with("220"));
    c.send("EHLO client.example.net\r\n");
    c.send("MAIL FROM:<bob@example.org>\r\n");
    c.send("RCPT TO:<alice@localhost>\r\n");
    const auto report = c.report();
    CHECK(report.starts_with("student 7: the client broke 1 protocol rule.\n"));
    CHECK(report.find("the client sent more before the reply to STARTTLS") != std::string::npos);
}

TEST_CASE("a numbered transcript line: five columns for its number, escapes for control octets") {
    CHECK(ViolationReport::numbered_line(7, "S: plain text") == "    7 S: plain text\n");
    CHECK(ViolationReport::numbered_line(123456, "C: x") == "123456 C: x\n");
    CHECK(ViolationReport::numbered_line(1,
                                         "S: a\tb\x7f"
                                         "c\x01\x1f d") == "    1 S: a\\x09b\\x7fc\\x01\\x1f d\n");
    // Octets above 0x7f (UTF-8 text) stay as they are, in runs of any length.
    const std::string russian = "S: " + std::string("Привет, мир! ") + "\x1b" + "конец";
    CHECK(ViolationReport::numbered_line(2, russian) == "    2 S: Привет, мир! \\x1bконец\n");
    // Escapes at every position of an eight-octet word.
    for (std::size_t at = 0; at < 20; ++at) {
        std::string line(20, 'x');
        line[at] = '\x00';
        std::string expected = std::string(at, 'x') + "\\x00" + std::string(19 - at, 'x');
        CAPTURE(at);
        CHECK(ViolationReport::numbered_line(3, "C: " + line) == "    3 C: " + expected + "\n");
    }
    const std::string long_line = "S: " + std::string(300, 'y');
    CHECK(ViolationReport::numbered_line(4, long_line) ==
          "    4 S: " + std::string(200, 'y') + " ... (300 octets)\n");
}
