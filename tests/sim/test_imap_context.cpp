// ESORT and search contexts (RFC 5267) in the decoding engine: SORT RETURN
// is answered by ESEARCH; the ADDTO and REMOVEFROM of an UPDATE answer the
// searching command after it completed, until CANCELUPDATE or a new
// selection; NOUPDATE belongs to the command it names.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sim/imap/command.hpp"
#include "sim/imap/session.hpp"
#include "tests/sim/clean_vectors.hpp"
#include "tests/sim/listed_imap.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;

namespace {

constexpr std::string_view kContextCapabilities =
    "IMAP4rev1 SORT ESEARCH ESORT CONTEXT=SEARCH CONTEXT=SORT";

struct ContextSession : test::ListedImap {
    ContextSession() : ListedImap(kContextCapabilities, Mailbox::Selected) {}
};

}  // namespace

TEST_CASE("RFC 5267's examples decode without a violation, each update linked to its search") {
    // The FETCH and EXPUNGE of other clients' changes answer no command.
    test::check_decodes_cleanly("rfc5267_context",
                                {"* 23762 FETCH", "* 23763 FETCH", "* 23762 EXPUNGE"});
}

TEST_CASE("SORT RETURN and the context options are read and written back as sent") {
    for (std::string_view line : {
             "E01 UID SORT RETURN () (REVERSE DATE) UTF-8 UNDELETED\r\n",
             "A1 SORT RETURN (MIN MAX COUNT PARTIAL 1:10) (SUBJECT) UTF-8 ALL\r\n",
             "A2 SEARCH RETURN (CONTEXT UPDATE PARTIAL 500:400) ALL\r\n",
             "A3 SEARCH RETURN (PARTIAL -1:-100) ALL\r\n",
             "A4 CANCELUPDATE \"B01\" \"C01\"\r\n",
         }) {
        CAPTURE(line);
        const auto parsed = imap::parse_command(line);
        REQUIRE(parsed.command);
        const auto& command = *parsed.command;
        CHECK(imap::serialize(imap::make_command(command.tag, command.verb, command.typed,
                                                 command.uid)) == line);
    }
    const auto sort = imap::parse_command("E01 UID SORT RETURN (COUNT) (DATE) UTF-8 ALL\r\n");
    REQUIRE(sort.command);
    const auto& args = std::get<imap::SortArgs>(sort.command->typed);
    REQUIRE(args.return_options);
    CHECK(imap::has_option(*args.return_options, "COUNT"));
    CHECK(args.criteria.size() == 1);
    CHECK(std::get<imap::CancelUpdateArgs>(
              imap::parse_command("b CANCELUPDATE \"B01\" \"C01\"\r\n").command->typed)
              .tags == std::vector<std::string>{"B01", "C01"});
}

TEST_CASE("malformed context options and CANCELUPDATE are syntax errors that say why") {
    struct Case {
        std::string_view line, says;
    };
    for (const Case& c : {
             Case{"a SEARCH RETURN (PARTIAL 1:*) ALL\r\n", "without \"*\""},
             Case{"a SEARCH RETURN (PARTIAL 0:10) ALL\r\n", "range of results"},
             Case{"a SEARCH RETURN (PARTIAL -1:10) ALL\r\n", "range of results"},
             Case{"a SEARCH RETURN (ALL PARTIAL 1:10) ALL\r\n", "at most one"},
             Case{"a SORT RETURN (COUNT) UTF-8 ALL\r\n", "criteria in parentheses"},
             Case{"a CANCELUPDATE\r\n", "at least one"},
             Case{"a CANCELUPDATE B01\r\n", "quoted"},
         }) {
        CAPTURE(c.line);
        const auto parsed = imap::parse_command(c.line);
        CHECK_FALSE(parsed.command);
        REQUIRE(parsed.error);
        CHECK(parsed.error->message.find(c.says) != std::string::npos);
    }
}

TEST_CASE("an extended SORT is answered by ESEARCH: a SORT response breaks RFC 5267 3") {
    ContextSession o;
    o.client("a1 SORT RETURN (ALL) (DATE) UTF-8 ALL\r\n");
    o.server("* SORT 3 1 2\r\na1 OK done\r\n");
    CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 5267 3"});

    o.client("a2 UID SORT RETURN (MIN) (DATE) UTF-8 ALL\r\n");
    o.server("* ESEARCH (TAG \"a2\") MIN 7\r\na2 OK done\r\n");
    CHECK(test::has_violation_rule(o.trace, "UID indicator"));
}

TEST_CASE("each RFC 5267 form needs its capability") {
    test::ListedImap o("IMAP4rev1 SORT ESEARCH", test::ListedImap::Mailbox::Selected);
    o.client("a1 SEARCH RETURN (UPDATE) ALL\r\n");
    o.client("a2 SORT RETURN (COUNT) (DATE) UTF-8 ALL\r\n");
    o.client("a3 CANCELUPDATE \"a1\"\r\n");
    o.client("a4 SEARCH RETURN (PARTIAL 1:5) ALL\r\n");
    CHECK(test::violation_sections(o.trace) ==
          std::vector<std::string>{"RFC 5267 4.1", "RFC 5267 3.1", "RFC 5267 4.1", "RFC 5267 4.1"});

    // ESORT alone brings the ESEARCH options to SORT, not the contexts.
    test::ListedImap esort("IMAP4rev1 SORT ESEARCH ESORT", test::ListedImap::Mailbox::Selected);
    esort.client("b1 SORT RETURN (MIN MAX) (DATE) UTF-8 ALL\r\n");
    CHECK(test::violations(esort.trace).empty());
    esort.client("b2 SORT RETURN (UPDATE) (DATE) UTF-8 ALL\r\n");
    CHECK(test::violation_sections(esort.trace) == std::vector<std::string>{"RFC 5267 4.1"});
}

TEST_CASE("updates answer their search until CANCELUPDATE, and never after") {
    ContextSession o;
    o.client("B01 SEARCH RETURN (UPDATE) DELETED\r\n");
    o.server("B01 OK will notify\r\n");
    o.server("* ESEARCH (TAG \"B01\") ADDTO (0 3:4)\r\n");
    o.server("* ESEARCH (TAG \"B01\") REMOVEFROM (0 3)\r\n");
    CHECK(test::violations(o.trace).empty());
    CHECK(test::links_to(o.trace, "* ESEARCH (TAG \"B01\") ADDTO", "B01"));
    CHECK(test::links_to(o.trace, "* ESEARCH (TAG \"B01\") REMOVEFROM", "B01"));

    o.client("c1 CANCELUPDATE \"B01\"\r\n");
    o.server("c1 OK no further updates\r\n");
    o.server("* ESEARCH (TAG \"B01\") ADDTO (0 5)\r\n");
    CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 4731 3.1"});
    CHECK(test::first_raw(o.trace, "* ESEARCH (TAG \"B01\") ADDTO (0 5)")->link ==
          sim::Link::Unmatched);
}

TEST_CASE("a new selection ends the updates; a failed search or NOUPDATE never starts them") {
    SUBCASE("SELECT") {
        ContextSession o;
        o.client("B01 SEARCH RETURN (UPDATE) DELETED\r\n");
        o.server("B01 OK will notify\r\n");
        o.client("s1 SELECT Archive\r\n");
        o.server("* 2 EXISTS\r\ns1 OK done\r\n");
        o.server("* ESEARCH (TAG \"B01\") ADDTO (0 1)\r\n");
        CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 4731 3.1"});
    }
    SUBCASE("NOUPDATE") {
        ContextSession o;
        o.client("B02 UID SORT RETURN (UPDATE COUNT) (DATE) UTF-8 ALL\r\n");
        o.server("* ESEARCH (TAG \"B02\") UID COUNT 74\r\n");
        o.server("* NO [NOUPDATE \"B02\"] Too many contexts\r\n");
        o.server("B02 OK will not notify\r\n");
        CHECK(test::violations(o.trace).empty());
        CHECK(test::links_to(o.trace, "* NO [NOUPDATE", "B02"));
        o.server("* ESEARCH (TAG \"B02\") UID ADDTO (1 9)\r\n");
        CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 4731 3.1"});
    }
    SUBCASE("NO") {
        ContextSession o;
        o.client("B03 SEARCH RETURN (UPDATE) DELETED\r\n");
        o.server("B03 NO no\r\n");
        o.server("* ESEARCH (TAG \"B03\") ADDTO (0 1)\r\n");
        CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 4731 3.1"});
    }
    SUBCASE("NOUPDATE naming no searching command with UPDATE") {
        ContextSession o;
        o.client("a1 SEARCH RETURN (COUNT) ALL\r\n");
        o.server("* NO [NOUPDATE \"a1\"] no\r\n");
        CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 5267 4.3.1"});
    }
}

TEST_CASE("what an update may hold: RFC 5267 4.3.2 to 4.3.4") {
    ContextSession o;
    o.client("S1 UID SORT RETURN (UPDATE) (DATE) UTF-8 ALL\r\n");
    o.server("S1 OK done\r\n");
    o.client("Q1 SEARCH RETURN (UPDATE) ALL\r\n");
    o.server("Q1 OK done\r\n");
    o.client("Q2 SEARCH RETURN (MIN) ALL\r\n");
    struct Case {
        std::string_view response, section, says;
    };
    for (const Case& c : {
             Case{"* ESEARCH (TAG \"S1\") UID ADDTO (0 5)\r\n", "RFC 5267 4.3.3", "position 0"},
             Case{"* ESEARCH (TAG \"S1\") UID REMOVEFROM (0 5)\r\n", "RFC 5267 4.3.4",
                  "position 0"},
             Case{"* ESEARCH (TAG \"S1\") ADDTO (1 5)\r\n", "RFC 5267 4.3.2", "UID"},
             Case{"* ESEARCH (TAG \"Q1\") UID ADDTO (0 5)\r\n", "RFC 5267 4.3.2", "UID"},
             Case{"* ESEARCH (TAG \"Q1\") COUNT 3\r\n", "RFC 5267 4.3", "other than ADDTO"},
             Case{"* ESEARCH (TAG \"Q2\") ADDTO (0 5)\r\n", "RFC 5267 4.3", "did not ask"},
             Case{"* ESEARCH ADDTO (0 5)\r\n", "RFC 5267 4.3", "correlator"},
         }) {
        CAPTURE(c.response);
        const auto before = test::violations(o.trace).size();
        o.server(c.response);
        const auto sections = test::violation_sections(o.trace);
        REQUIRE(sections.size() == before + 1);
        CHECK(sections.back() == c.section);
        CHECK(test::violation_rules(o.trace).back().find(c.says) != std::string::npos);
    }
    for (std::string_view broken : {
             "* ESEARCH (TAG \"Q1\") ADDTO (0)\r\n",
             "* ESEARCH (TAG \"Q1\") ADDTO 5\r\n",
             "* ESEARCH (TAG \"Q1\") REMOVEFROM (x 5)\r\n",
             "* ESEARCH (TAG \"Q1\") PARTIAL (1:5)\r\n",
         }) {
        CAPTURE(broken);
        const auto before = test::violations(o.trace).size();
        o.server(broken);
        REQUIRE(test::violations(o.trace).size() == before + 1);
        CHECK(test::violation_sections(o.trace).back() == "RFC 3501 9");
    }
}

TEST_CASE("UPDATE under a tag whose updates still run is rejected (RFC 5267 4.3)") {
    ContextSession o;
    o.client("B01 UID SEARCH RETURN (UPDATE COUNT) DELETED\r\n");
    o.server("* ESEARCH (TAG \"B01\") UID COUNT 74\r\nB01 OK will notify\r\n");
    o.client("B01 SORT RETURN (UPDATE) (DATE) UTF-8 FLAGGED\r\n");
    CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 5267 4.3"});
    o.server("B01 BAD Tag reuse\r\n");
    const auto* bad = test::first_raw(o.trace, "B01 BAD");
    REQUIRE(bad);
    CHECK(bad->link == sim::Link::Answers);
    CHECK(bad->link_seq == test::first_raw(o.trace, "B01 SORT")->seq);
    CHECK(test::violations(o.trace).size() == 1);
    // The first context goes on.
    o.server("* ESEARCH (TAG \"B01\") UID ADDTO (0 9)\r\n");
    CHECK(test::violations(o.trace).size() == 1);
}
