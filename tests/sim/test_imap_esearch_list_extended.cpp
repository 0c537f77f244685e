// ESEARCH and the extended LIST in the decoding engine: an ESEARCH goes to
// the command its TAG names, whichever is oldest (RFC 9051 7.3.4); the STATUS
// responses of LIST ... RETURN (STATUS ...) answer the LIST (RFC 5819 2);
// each option needs the capability that enables it (RFC 5258 3).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "sim/imap/session.hpp"
#include "tests/sim/clean_vectors.hpp"
#include "tests/sim/listed_imap.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;

namespace {

struct Selected : test::ListedImap {
    explicit Selected(std::string_view capabilities)
        : ListedImap(capabilities, Mailbox::Selected) {}
};

}  // namespace

TEST_CASE("ESEARCH answers the command its TAG names, not the oldest search") {
    Selected o("IMAP4rev1 ESEARCH");
    o.client("a1 SEARCH RETURN (COUNT) SEEN\r\n");
    o.client("a2 UID SEARCH RETURN (MIN) UNSEEN\r\n");
    o.server("* ESEARCH (TAG \"a2\") UID MIN 7\r\n");
    o.server("* ESEARCH (TAG \"a1\") COUNT 3\r\n");
    o.server("a1 OK done\r\na2 OK done\r\n");
    CHECK(test::violations(o.trace).empty());
    CHECK(test::links_to(o.trace, "* ESEARCH (TAG \"a2\")", "a2"));
    CHECK(test::links_to(o.trace, "* ESEARCH (TAG \"a1\")", "a1"));
}

TEST_CASE("an ESEARCH that breaks RFC 4731 is a server violation") {
    struct Case {
        std::string_view command, response, rule;
    };
    for (const Case& c : {
             Case{"", "* ESEARCH (TAG \"zz\") COUNT 3\r\n", "zz"},
             Case{"a1 UID SEARCH RETURN (MAX) ALL\r\n", "* ESEARCH (TAG \"a1\") MAX 20\r\n",
                  "UID indicator"},
             Case{"a1 SEARCH RETURN (ALL) SEEN\r\n", "* SEARCH 1 2 3\r\n", "one ESEARCH"},
         }) {
        INFO(c.response);
        Selected o("IMAP4rev1 ESEARCH");
        if (!c.command.empty()) o.client(c.command);
        o.server(c.response);
        CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 4731 3.1"});
        CHECK(test::has_violation_rule(o.trace, c.rule));
    }
}

TEST_CASE("an ESEARCH with a TAG naming nothing answers nothing; one without TAG, no command") {
    Selected o("IMAP4rev1 ESEARCH");
    o.server("* ESEARCH (TAG \"zz\") COUNT 3\r\n");
    o.server("* ESEARCH COUNT 18 ALL 1:17,21\r\n");
    CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 4731 3.1"});
    CHECK(test::first_raw(o.trace, "* ESEARCH (TAG")->link == sim::Link::Unmatched);
    CHECK(test::first_raw(o.trace, "* ESEARCH COUNT")->link == sim::Link::Unsolicited);
}

TEST_CASE("the STATUS responses of LIST ... RETURN (STATUS ...) answer the LIST") {
    Selected o("IMAP4rev1 LIST-EXTENDED LIST-STATUS");
    o.client("a1 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))\r\n");
    o.server("* LIST () \".\" INBOX\r\n* STATUS INBOX (MESSAGES 17 UNSEEN 16)\r\na1 OK done\r\n");
    CHECK(test::violations(o.trace).empty());
    CHECK(test::links_to(o.trace, "* STATUS INBOX", "a1"));

    // A plain LIST asked for no STATUS: one alone answers nothing.
    o.client("a2 LIST \"\" %\r\n");
    o.server("* STATUS INBOX (MESSAGES 17)\r\na2 OK done\r\n");
    CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 3501 7.2.4"});
}

TEST_CASE("each LIST and SEARCH option needs the capability that enables it") {
    SUBCASE("not listed") {
        Selected o("IMAP4rev1");
        o.client("a1 LIST (SUBSCRIBED) \"\" *\r\n");
        o.client("a2 LIST \"\" % RETURN (STATUS (MESSAGES))\r\n");
        o.client("a3 LIST \"\" (INBOX Sent)\r\n");
        o.client("a4 SEARCH RETURN (COUNT) ALL\r\n");
        o.client("a5 SEARCH RETURN (SAVE) ALL\r\n");
        o.client("a6 LIST (SPECIAL-USE) \"\" *\r\n");
        o.client("a7 FETCH $ (FLAGS)\r\n");
        CHECK(test::violation_sections(o.trace) ==
              std::vector<std::string>{"RFC 5258 3", "RFC 5819 2", "RFC 5258 3", "RFC 4731 1",
                                       "RFC 5182 2.1", "RFC 6154 2", "RFC 5182 2.1"});
        CHECK(test::violation_rules(o.trace).back().find("\"$\"") != std::string::npos);
    }
    SUBCASE("IMAP4rev2 folded in all but SPECIAL-USE") {
        Selected o("IMAP4rev2");
        o.client("a1 LIST (SUBSCRIBED) \"\" * RETURN (CHILDREN STATUS (SIZE))\r\n");
        o.client("a2 UID SEARCH RETURN (SAVE MIN) ALL\r\n");
        CHECK(test::violations(o.trace).empty());
        o.client("a3 LIST \"\" * RETURN (SPECIAL-USE)\r\n");
        CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 6154 2"});
    }
    SUBCASE("SPECIAL-USE enables its own option without LIST-EXTENDED (RFC 6154 5.2)") {
        Selected o("IMAP4rev1 SPECIAL-USE");
        o.client("t2 LIST \"\" \"%\" RETURN (SPECIAL-USE)\r\n");
        CHECK(test::violations(o.trace).empty());
    }
}

TEST_CASE(
    "the example exchanges of RFC 4731, 5182, 5258, 5819 and 6154 decode without a violation") {
    // The two tag-less ESEARCH of RFC 9051 7.3.4 answer no command.
    for (const char* name : {"rfc4731_esearch", "rfc5258_list_extended", "rfc5819_list_status",
                             "rfc6154_special_use", "rfc5182_searchres"}) {
        test::check_decodes_cleanly(name, {"* ESEARCH UID", "* ESEARCH COUNT"});
    }
}

TEST_CASE("STATUS items of extensions, and the CLOSED code of a SELECT") {
    SUBCASE("SIZE and DELETED need STATUS=SIZE and IMAP4rev2") {
        Selected o("IMAP4rev1");
        o.client("a1 STATUS Sent (MESSAGES SIZE)\r\n");
        o.client("a2 STATUS Sent (DELETED)\r\n");
        CHECK(test::violation_sections(o.trace) ==
              std::vector<std::string>{"RFC 8438 3", "RFC 9051 6.3.11"});
    }
    SUBCASE("an IMAP4rev2 server has both") {
        Selected o("IMAP4rev2");
        o.client("a1 STATUS Sent (MESSAGES SIZE DELETED)\r\n");
        o.server("* STATUS Sent (MESSAGES 3 SIZE 4096 DELETED 1)\r\na1 OK done\r\n");
        CHECK(test::violations(o.trace).empty());
    }
    SUBCASE("CLOSED belongs to the SELECT that closed the mailbox before") {
        // RFC 7162 3.2.11: "* OK [CLOSED]" comes before the new mailbox's data.
        Selected o("IMAP4rev2");
        o.client("a1 SELECT Archive\r\n");
        o.server("* OK [CLOSED] Previous mailbox closed.\r\n* 2 EXISTS\r\na1 OK done\r\n");
        CHECK(test::links_to(o.trace, "* OK [CLOSED]", "a1"));
        CHECK(test::violations(o.trace).empty());
    }
}

TEST_CASE("after ENABLE IMAP4rev2 a SEARCH is answered by ESEARCH, never SEARCH") {
    // RFC 9051 6.4.4: "Note that IMAP4rev1 used SEARCH responses [RFC3501]
    // instead of ESEARCH responses. Clients that support only IMAP4rev2 MUST
    // ignore SEARCH responses."
    const auto session = [](bool enable) {
        test::Observer<imap::ImapSession, sim::Protocol::Imap> o;
        o.server("* PREAUTH [CAPABILITY IMAP4rev1 IMAP4rev2 ENABLE] ready\r\n");
        if (enable) {
            o.client("e1 ENABLE IMAP4rev2\r\n");
            o.server("* ENABLED IMAP4rev2\r\ne1 OK done\r\n");
        }
        o.client("s1 SELECT INBOX\r\n");
        o.server("* 20 EXISTS\r\ns1 OK [READ-WRITE] done\r\n");
        o.client("a1 SEARCH UNSEEN\r\n");
        o.server("* SEARCH 4 5\r\na1 OK done\r\n");
        o.client("a2 SEARCH UNSEEN\r\n");
        o.server("* ESEARCH (TAG \"a2\") ALL 4:5\r\na2 OK done\r\n");
        return test::violation_sections(o.trace);
    };
    CHECK(session(false).empty());
    CHECK(session(true) == std::vector<std::string>{"RFC 9051 6.4.4"});
}
