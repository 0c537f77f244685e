// A session that follows IMAP4rev2 cites RFC 9051 for what it shows: the
// same exchange in an IMAP4rev1 session cites RFC 3501 (RFC 9051 appendix E
// renumbered the commands and responses).
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sim/imap/sections.hpp"
#include "tests/sim/clean_vectors.hpp"
#include "tests/sim/listed_imap.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;

namespace {

// The section of the first event whose raw text starts with `start`.
std::string section_of(const sim::SessionTrace& trace, std::string_view start) {
    for (const auto& event : trace.events()) {
        if (std::string_view(event.raw).starts_with(start)) return event.section;
    }
    return "(no such event)";
}

void select_and_search(test::ListedImap& o) {
    o.client("s SELECT INBOX\r\n");
    o.server("* 2 EXISTS\r\n* LIST () \"/\" INBOX\r\ns OK [READ-WRITE] done\r\n");
    o.client("f FETCH 1 (FLAGS)\r\n");
    o.server("* 1 FETCH (FLAGS (\\Seen))\r\nf OK done\r\n");
    o.client("c CLOSE\r\n");
    o.server("c OK done\r\n");
}

}  // namespace

TEST_CASE("an IMAP4rev2 session cites RFC 9051, an IMAP4rev1 session RFC 3501") {
    test::ListedImap rev1("IMAP4rev1 IMAP4rev2 ENABLE");
    select_and_search(rev1);
    CHECK(section_of(rev1.trace, "s SELECT") == "RFC 3501 6.3.1");
    CHECK(section_of(rev1.trace, "* 1 FETCH") == "RFC 3501 7.4.2");
    CHECK(section_of(rev1.trace, "c CLOSE") == "RFC 3501 6.4.2");

    test::ListedImap rev2("IMAP4rev1 IMAP4rev2 ENABLE");
    rev2.client("e ENABLE IMAP4rev2\r\n");
    rev2.server("* ENABLED IMAP4rev2\r\ne OK done\r\n");
    select_and_search(rev2);
    CHECK(section_of(rev2.trace, "s SELECT") == "RFC 9051 6.3.2");
    CHECK(section_of(rev2.trace, "* LIST") == "RFC 9051 7.3.1");
    CHECK(section_of(rev2.trace, "* 1 FETCH") == "RFC 9051 7.5.2");
    CHECK(section_of(rev2.trace, "c CLOSE") == "RFC 9051 6.4.1");
    CHECK(section_of(rev2.trace, "c OK") == "RFC 9051 7.1.1");

    // A server that speaks nothing else is IMAP4rev2 from the greeting on.
    test::ListedImap only("IMAP4rev2");
    select_and_search(only);
    CHECK(section_of(only.trace, "s SELECT") == "RFC 9051 6.3.2");
}

TEST_CASE("RFC 3501 sections map onto RFC 9051 where the rule lives on") {
    CHECK(imap::imap4rev2_section("RFC 3501 6.3.8") == "RFC 9051 6.3.9");
    CHECK(imap::imap4rev2_section("RFC 3501 7.2.2") == "RFC 9051 7.3.1");
    CHECK(imap::imap4rev2_section("RFC 3501 5.1.1") == "RFC 9051 5.1.1");
    CHECK(imap::imap4rev2_section("RFC 3501 5.1.3") == "RFC 3501 5.1.3");
    CHECK(imap::imap4rev2_section("RFC 3501 2.2.1") == "RFC 9051 2.2.1");
    CHECK(imap::imap4rev2_section("RFC 3501 6.4.4") == "RFC 9051 6.4.4");
    CHECK(imap::imap4rev2_section("RFC 2177 3") == "RFC 9051 6.3.13");
    // LSUB, CHECK and RECENT are gone from RFC 9051: still RFC 3501's.
    CHECK(imap::imap4rev2_section("RFC 3501 6.3.9") == "RFC 3501 6.3.9");
    CHECK(imap::imap4rev2_section("RFC 3501 6.4.1") == "RFC 3501 6.4.1");
    CHECK(imap::imap4rev2_section("RFC 3501 7.3.2") == "RFC 3501 7.3.2");
    // "6.4.30" is no section of 6.4.3.
    CHECK(imap::imap4rev2_section("RFC 3501 6.4.30") == "RFC 3501 6.4.30");
    CHECK(imap::imap4rev2_section("RFC 7162 3.1.4") == "RFC 7162 3.1.4");
}

TEST_CASE("RECENT and \\Recent break IMAP4rev2, and only IMAP4rev2") {
    const auto run = [](test::ListedImap& o) {
        o.client("s SELECT INBOX\r\n");
        o.server("* 2 EXISTS\r\n* 1 RECENT\r\ns OK [READ-WRITE] done\r\n");
        o.client("f FETCH 2 (FLAGS)\r\n");
        o.server("* 2 FETCH (FLAGS (\\Seen \\Recent))\r\nf OK done\r\n");
    };
    test::ListedImap rev1("IMAP4rev1 IMAP4rev2");
    run(rev1);
    CHECK(test::violation_sections(rev1.trace).empty());

    test::ListedImap rev2("IMAP4rev2");
    run(rev2);
    CHECK(test::violation_sections(rev2.trace) ==
          std::vector<std::string>{"RFC 9051 7.4", "RFC 9051 2.3.2"});
}

TEST_CASE("the sample IMAP4rev2 connection of RFC 9051 8 decodes without a violation") {
    // Its greeting is an untagged OK that answers nothing.
    test::check_decodes_cleanly("rfc9051_section8", {"* OK [CAPABILITY"});
}
