// MULTIAPPEND (RFC 3502) in the codec and the decoding engine: one APPEND
// carries several messages, each with its own flags and date; the engine
// asks for the capability; the RFC's examples decode without a violation.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/imap/session.hpp"
#include "tests/sim/clean_vectors.hpp"
#include "tests/sim/imap_parsed.hpp"
#include "tests/sim/observer.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;

TEST_CASE("APPEND with several messages reads and writes back (RFC 3502 6.3.11)") {
    const std::string bytes =
        "A3 APPEND saved (\\Seen) {5}\r\nfirst (\\Seen \\Flagged) \" 7-Feb-1994 22:43:04 -0800\" "
        "{6}\r\nsecond {5+}\r\nthird\r\n";
    const auto command = test::framed_command(bytes);
    const auto& args = std::get<imap::AppendArgs>(command.typed);
    REQUIRE(args.messages.size() == 3);
    CHECK(args.messages[0].flags == std::vector<std::string>{"\\Seen"});
    CHECK_FALSE(args.messages[0].date_time);
    CHECK(args.messages[1].flags.size() == 2);
    CHECK(args.messages[1].date_time == " 7-Feb-1994 22:43:04 -0800");
    CHECK(args.messages[1].message == "second");
    CHECK_FALSE(args.messages[2].has_flags);
    CHECK(args.messages[2].message == "third");
    CHECK(imap::serialize(command) == bytes);

    // Each message ends in its literal: flags or a date with none after them
    // are no message.
    CHECK(test::command_error("A4 APPEND box {1}\r\nx (\\Seen)\r\n").message.find("RFC 3502") !=
          std::string::npos);
}

TEST_CASE("the engine asks for MULTIAPPEND, and the RFC 3502 examples decode cleanly") {
    SUBCASE("not listed") {
        test::Observer<imap::ImapSession, sim::Protocol::Imap> o;
        o.server("* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n");
        o.client("a1 APPEND box {1+}\r\nx {1+}\r\ny\r\n");
        CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 3502 6.3.11"});
    }
    SUBCASE("the examples") {
        test::check_decodes_cleanly("rfc3502_multiappend");
    }
}
