// QRESYNC in the codec and the decoding engine (RFC 7162 3.2): the SELECT
// parameter read and written back, the VANISHED response in both forms, the
// renumbering VANISHED brings, and the rules on who may send what when.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sim/imap/command.hpp"
#include "sim/imap/response.hpp"
#include "sim/imap/session.hpp"
#include "tests/sim/clean_vectors.hpp"
#include "tests/sim/imap_parsed.hpp"
#include "tests/sim/listed_imap.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;

namespace {

// QRESYNC listed and enabled; INBOX selected with ten messages whose UIDs
// the client learned: 101, 102, ... 110.
struct QresyncSession : test::ListedImap {
    QresyncSession() : ListedImap("IMAP4rev1 CONDSTORE QRESYNC ENABLE") {
        client("e1 ENABLE QRESYNC\r\n");
        server("* ENABLED QRESYNC\r\ne1 OK enabled\r\n");
        client("s1 SELECT INBOX\r\n");
        server("* 10 EXISTS\r\n* OK [HIGHESTMODSEQ 50]\r\ns1 OK [READ-WRITE] done\r\n");
        client("f1 FETCH 1:10 (UID)\r\n");
        std::string answer;
        for (int n = 1; n <= 10; ++n)
            answer += "* " + std::to_string(n) + " FETCH (UID " + std::to_string(100 + n) + ")\r\n";
        server(answer + "f1 OK done\r\n");
    }

    std::vector<std::uint32_t> uids() const {
        std::vector<std::uint32_t> out;
        for (const auto& message : session.messages())
            out.push_back(message.uid.value_or(0));
        return out;
    }
};

}  // namespace

TEST_CASE("the QRESYNC parameter reads into its fields and writes back byte for byte") {
    for (std::string_view line : {
             "A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n",
             "A03 EXAMINE INBOX (QRESYNC (67890007 90060115194045000))\r\n",
             "B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 "
             "(5000,7500,9000,9990:9999 15000,22500,27000,29970,29973)))\r\n",
             "B05 SELECT INBOX (QRESYNC (1 2 (3,5 7,9)))\r\n",
             "B06 SELECT INBOX (CONDSTORE QRESYNC (1 2))\r\n",
         }) {
        const imap::Command parsed = test::parsed_command(line);
        CHECK(imap::serialize(
                  imap::make_command(parsed.tag, parsed.verb, parsed.typed, parsed.uid)) == line);
    }
    const auto select = std::get<imap::MailboxArgs>(
        test::parsed_command("B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 "
                             "(5000,7500 15000,22500)))"
                             "\r\n")
            .typed);
    REQUIRE(select.qresync);
    CHECK(select.qresync->uidvalidity == 67890007u);
    CHECK(select.qresync->modseq == 90060115194045000u);
    REQUIRE(select.qresync->known_uids);
    CHECK(select.qresync->known_uids->to_string() == "1:29997");
    REQUIRE(select.qresync->seq_match);
    CHECK(select.qresync->seq_match->first.to_string() == "5000,7500");
    CHECK(select.qresync->seq_match->second.to_string() == "15000,22500");
    REQUIRE(select.select_params);
    CHECK(imap::has_option(*select.select_params, "QRESYNC"));

    const auto bare = std::get<imap::MailboxArgs>(
        test::parsed_command("B05 SELECT INBOX (QRESYNC (1 2 (3,5 7,9)))\r\n").typed);
    REQUIRE(bare.qresync);
    CHECK_FALSE(bare.qresync->known_uids);
    CHECK(bare.qresync->seq_match);
}

TEST_CASE("a QRESYNC parameter out of its grammar is refused with the rule") {
    struct Case {
        std::string_view line, says;
    };
    for (const Case& c : {
             Case{"a SELECT INBOX (QRESYNC)\r\n", "in parentheses"},
             Case{"a SELECT INBOX (QRESYNC ())\r\n", "uidvalidity mod-sequence"},
             Case{"a SELECT INBOX (QRESYNC (5))\r\n", "uidvalidity mod-sequence"},
             Case{"a SELECT INBOX (QRESYNC (0 5))\r\n", "number from 1"},
             Case{"a SELECT INBOX (QRESYNC (5 0))\r\n", "mod-sequence from 1"},
             Case{"a SELECT INBOX (QRESYNC (5 9223372036854775808))\r\n", "2^63-1"},
             Case{"a SELECT INBOX (QRESYNC (5 6 1:*))\r\n", "known-uids may not hold"},
             Case{"a SELECT INBOX (QRESYNC (5 6 1:4 (1:* 5:8)))\r\n", "known-sequence-set"},
             Case{"a SELECT INBOX (QRESYNC (5 6 1:4 (1:4)))\r\n", "uidvalidity mod-sequence"},
             Case{"a SELECT INBOX (QRESYNC (5 6 1:4 (1 2) 7))\r\n", "uidvalidity mod-sequence"},
             Case{"a SELECT INBOX (QRESYNC (5 6) QRESYNC (5 6))\r\n", "once"},
             Case{"a SELECT INBOX (QRESYNC (5 6 x))\r\n", "not a valid message set"},
         }) {
        INFO(c.line);
        CHECK(test::command_error(c.line).message.find(c.says) != std::string::npos);
    }
}

TEST_CASE("VANISHED reads in both forms, refuses \"*\", and writes back") {
    const auto earlier = test::parsed_response("* VANISHED (EARLIER) 300:310,405,411\r\n");
    REQUIRE(earlier.vanished);
    CHECK(earlier.vanished->earlier);
    CHECK(earlier.vanished->uids.to_string() == "300:310,405,411");
    const auto now = test::parsed_response("* VANISHED 405,407\r\n");
    REQUIRE(now.vanished);
    CHECK_FALSE(now.vanished->earlier);

    test::response_error("* VANISHED\r\n");
    test::response_error("* VANISHED 1:*\r\n");
    test::response_error("* VANISHED (LATER) 5\r\n");
    test::response_error("* VANISHED (EARLIER)\r\n");
    test::response_error("* VANISHED 5 6\r\n");

    imap::VanishedData data;
    data.earlier = true;
    data.uids = *imap::SequenceSet::parse("41,43:116");
    CHECK(imap::serialize(imap::make_vanished(data)) == "* VANISHED (EARLIER) 41,43:116\r\n");
}

TEST_CASE("VANISHED takes each message it names out of the view, by UID") {
    QresyncSession o;
    o.client("x1 EXPUNGE\r\n");
    o.server("* VANISHED 102,105:106,110\r\nx1 OK [HIGHESTMODSEQ 60] done\r\n");
    CHECK(test::violations(o.trace).empty());
    CHECK(o.uids() == std::vector<std::uint32_t>{101, 103, 104, 107, 108, 109});
    // One renumbering each, numbered as the view stood when it left.
    std::vector<std::uint32_t> left;
    for (const auto& event : o.trace.events()) {
        if (event.kind == sim::EventKind::Renumbering) left.push_back(event.renumber->expunged);
    }
    CHECK(left == std::vector<std::uint32_t>{2, 4, 4, 7});
    CHECK(test::links_to(o.trace, "* VANISHED 102,105:106,110", "x1"));
}

TEST_CASE("a UID the client never learned leaves from between its known neighbours") {
    test::ListedImap o("IMAP4rev1 QRESYNC ENABLE");
    o.client("e1 ENABLE QRESYNC\r\n");
    o.server("* ENABLED QRESYNC\r\ne1 OK enabled\r\n");
    o.client("s1 SELECT INBOX\r\n");
    o.server("* 4 EXISTS\r\ns1 OK [READ-WRITE] done\r\n");
    o.client("f1 FETCH 1,4 (UID)\r\n");
    o.server("* 1 FETCH (UID 10)\r\n* 4 FETCH (UID 40)\r\nf1 OK done\r\n");
    o.client("x1 EXPUNGE\r\n");
    o.server("* VANISHED 25\r\nx1 OK done\r\n");
    CHECK(test::violations(o.trace).empty());
    REQUIRE(o.session.messages().size() == 3);
    CHECK(o.session.messages()[0].uid == 10u);
    CHECK(o.session.messages()[2].uid == 40u);
}

TEST_CASE("VANISHED breaks its rules: before ENABLE, outside a command, for UIDs not shown") {
    SUBCASE("without ENABLE QRESYNC") {
        test::ListedImap o("IMAP4rev1 QRESYNC", test::ListedImap::Mailbox::Selected);
        o.client("x1 EXPUNGE\r\n");
        o.server("* VANISHED 5\r\nx1 OK done\r\n");
        CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 7162 3.2.10"});
    }
    SUBCASE("EXPUNGE once QRESYNC is enabled") {
        QresyncSession o;
        o.client("x1 EXPUNGE\r\n");
        o.server("* 3 EXPUNGE\r\nx1 OK done\r\n");
        CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 7162 3.2.10.2"});
    }
    SUBCASE("EXPUNGE stays right in a mailbox without mod-sequences") {
        QresyncSession o;
        o.client("s2 SELECT Archive\r\n");
        o.server("* OK [CLOSED]\r\n* 2 EXISTS\r\n* OK [NOMODSEQ] none kept\r\ns2 OK done\r\n");
        o.client("x1 EXPUNGE\r\n");
        o.server("* 1 EXPUNGE\r\nx1 OK done\r\n");
        CHECK(test::violations(o.trace).empty());
    }
    SUBCASE("while no command is in progress, or during FETCH") {
        QresyncSession o;
        o.server("* VANISHED 101\r\n");
        o.client("f2 FETCH 1 (FLAGS)\r\n");
        o.server("* VANISHED 102\r\n* 1 FETCH (FLAGS ())\r\nf2 OK done\r\n");
        CHECK(test::violation_sections(o.trace) ==
              std::vector<std::string>{"RFC 7162 3.2.10.2", "RFC 7162 3.2.10.2"});
    }
    SUBCASE("a UID already gone, or more UIDs than messages") {
        QresyncSession o;
        o.client("x1 EXPUNGE\r\n");
        o.server("* VANISHED 103\r\n* VANISHED 103\r\n* VANISHED 1:50\r\nx1 OK done\r\n");
        CHECK(test::violation_sections(o.trace) ==
              std::vector<std::string>{"RFC 7162 3.2.10.2", "RFC 7162 3.2.10.2"});
        CHECK(o.session.messages().size() == 9);
    }
    SUBCASE("HIGHESTMODSEQ in the completion of CLOSE") {
        QresyncSession o;
        o.client("c1 CLOSE\r\n");
        o.server("c1 OK [HIGHESTMODSEQ 70] closed\r\n");
        CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 7162 3.2.8"});
    }
    SUBCASE("EARLIER that nothing asked for") {
        QresyncSession o;
        o.client("x1 NOOP\r\n");
        o.server("* VANISHED (EARLIER) 1:99\r\nx1 OK done\r\n");
        CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 7162 3.2.10.1"});
        CHECK(o.session.messages().size() == 10);
    }
}

TEST_CASE("VANISHED (EARLIER) answers its UID FETCH or SELECT and renumbers nothing") {
    QresyncSession o;
    o.client("u1 UID FETCH 1:200 (FLAGS) (CHANGEDSINCE 40 VANISHED)\r\n");
    o.server(
        "* VANISHED (EARLIER) 1:100,111:200\r\n* 3 FETCH (UID 103 FLAGS (\\Seen) MODSEQ "
        "(45))\r\nu1 OK done\r\n");
    o.client("s3 SELECT INBOX (QRESYNC (7 40 1:200))\r\n");
    o.server("* OK [CLOSED]\r\n* 10 EXISTS\r\n* VANISHED (EARLIER) 1:99\r\ns3 OK done\r\n");
    CHECK(test::violations(o.trace).empty());
    CHECK(test::links_to(o.trace, "* VANISHED (EARLIER) 1:100,111:200", "u1"));
    CHECK(test::links_to(o.trace, "* VANISHED (EARLIER) 1:99", "s3"));
}

TEST_CASE("QRESYNC's forms wait for ENABLED QRESYNC") {
    test::ListedImap o("IMAP4rev1 CONDSTORE QRESYNC ENABLE");
    o.client("s1 SELECT INBOX (QRESYNC (7 40))\r\n");
    o.server("s1 BAD enable QRESYNC first\r\n");
    o.client("s2 SELECT INBOX\r\n");
    o.server("* 3 EXISTS\r\ns2 OK done\r\n");
    o.client("u1 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 4 VANISHED)\r\n");
    o.server("u1 BAD enable QRESYNC first\r\n");
    CHECK(test::violation_sections(o.trace) ==
          std::vector<std::string>{"RFC 7162 3.2.3", "RFC 7162 3.2.3"});
}

TEST_CASE("the example exchanges of RFC 7162 3.2 decode without a violation") {
    test::check_decodes_cleanly("rfc7162_qresync");
    test::check_decodes_cleanly("rfc7162_expunge");
}
