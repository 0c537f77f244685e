// The mock server's side of a command with literals: its trace keeps wire
// order, and its lab report shows literal octets a client sent before the
// server's "+" (RFC 3501 4.3), which the server read with the announcement.
#include <doctest/doctest.h>

#include <string>

#include "imap_server_harness.hpp"
#include "server_mock/lab_report.hpp"
#include "sim/core/transcript.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;

namespace {

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

// RFC 3501 4.3: "In the case of literals transmitted from client to server,
// the client MUST wait to receive a command continuation request (described
// later in this document) before sending the octet data (and the remainder
// of the command)."
TEST_CASE("lab report: literal octets sent before the server's \"+\"") {
    MailStore store;
    fill_store(store);
    Client c(store);
    c.trace.set_label("student 3");
    c.login();
    // The announcement and the octets in one write: the server reads them
    // together and answers "+" after they arrived.
    const auto answer = c.send("a2 APPEND INBOX {22}\r\nSubject: hi\r\n\r\nhello\r\n\r\n");
    CHECK(answer.starts_with("+ Ready for literal data\r\n"));
    CHECK(contains(answer, "a2 OK [APPENDUID"));

    const auto report = violation_report(c.trace);
    CHECK(report.starts_with("student 3: the client broke 1 protocol rule.\n"));
    CHECK(contains(report,
                   "  line 4: RFC 3501 4.3: literal data for a2 sent before the "
                   "server's \"+\" continuation request"));
    CHECK(contains(report,
                   "    4 C: a2 APPEND INBOX {22}\n"
                   "    5 S: + Ready for literal data\n"
                   "    6 C: Subject: hi\n"
                   "    7 C: \n"
                   "    8 C: hello\n"
                   "    9 C: \n"));

    // A client that waits for the "+" breaks no rule.
    CHECK(c.send("a3 APPEND INBOX {22}\r\n") == "+ Ready for literal data\r\n");
    CHECK(contains(c.send("Subject: hi\r\n\r\nhello\r\n\r\n"), "a3 OK [APPENDUID"));
    CHECK(violation_report(c.trace).starts_with("student 3: the client broke 1 protocol rule.\n"));
}

TEST_CASE("the server's trace of a LOGIN with two literals is in wire order") {
    MailStore store;
    fill_store(store);
    Client c(store);
    CHECK(c.send("a1 LOGIN {5}\r\n") == "+ Ready for literal data\r\n");
    CHECK(c.send("alice {10}\r\n") == "+ Ready for literal data\r\n");
    CHECK(c.send("wonderland\r\n") == "a1 OK LOGIN completed\r\n");
    const auto text = sim::export_text(c.trace);
    CHECK(contains(text,
                   "C: a1 LOGIN {5}\n"
                   "S: + Ready for literal data\n"
                   "C: alice {10}\n"
                   "S: + Ready for literal data\n"
                   "C: **********\n"
                   "S: a1 OK LOGIN completed\n"));
    CHECK_FALSE(contains(text, "wonderland"));
    CHECK(violation_report(c.trace).starts_with("session: the client broke no protocol rule."));
}
