// Annotations of the IMAP engine that cite a rule: which section a command
// is given, the rules that hang on the server's CAPABILITY list, 8-bit text
// in quoted strings, and which pipelined command a FETCH response answers.
// Each rule's sentence is quoted from the RFC text it cites.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "sim/core/trace_format.hpp"
#include "sim/core/transcript.hpp"
#include "sim/imap/session.hpp"
#include "tests/sim/imap_parsed.hpp"
#include "tests/sim/imap_role.hpp"
#include "tests/sim/observer.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using sim::Direction;
using sim::EventKind;

namespace {

// An observer that saw the greeting, a LOGIN and, when `mailbox` is set, a SELECT.
struct Observed : test::Observer<imap::ImapSession, sim::Protocol::Imap> {
    void logged_in(std::string_view capabilities_after_login) {
        server("* OK ready\r\n");
        client("a0 LOGIN alice wonderland\r\n");
        server(fmt::format("a0 OK [CAPABILITY {}] in\r\n", capabilities_after_login));
    }
    void selected(std::string_view capabilities_after_login, int exists) {
        logged_in(capabilities_after_login);
        client("s0 SELECT INBOX\r\n");
        server(fmt::format("* {} EXISTS\r\ns0 OK [READ-WRITE] done\r\n", exists));
    }
};

}  // namespace

TEST_CASE("an unknown command cites the grammar, an X command 6.5.1, an extension its RFC") {
    // RFC 3501 9: "command = tag SP (command-any / command-auth / command-nonauth /
    //                               command-select) CRLF"
    // RFC 3501 7.1.3: "When tagged, it reports a protocol-level error in the
    // client's command; the tag indicates the command that caused the error."
    // RFC 3501 6.5.1: "Any command prefixed with an X is an experimental command."
    Observed o;
    o.selected("IMAP4rev1 UIDPLUS MOVE QUOTA SORT", 3);
    o.client("a1 FROBNICATE INBOX\r\n");
    o.client("a2 XPIG-LATIN\r\n");
    o.client("a3 GETQUOTAROOT INBOX\r\n");
    o.client("a4 UID EXPUNGE 1:3\r\n");
    o.client("a5 UID FETCH 1 (FLAGS)\r\n");
    o.client("a6 UID MOVE 2 Trash\r\n");
    o.client("a7 CHECK\r\n");
    // RFC 5256 5: "sort = ["UID" SP] "SORT" SP sort-criteria SP search-criteria"
    o.client("a8 UID SORT (DATE) UTF-8 ALL\r\n");
    CHECK(test::command_tagged(o.trace, "a1")->section == "RFC 3501 9");
    CHECK(test::command_tagged(o.trace, "a2")->section == "RFC 3501 6.5.1");
    CHECK(test::command_tagged(o.trace, "a3")->section == "RFC 9208 4.1.2");
    CHECK(test::command_tagged(o.trace, "a4")->section == "RFC 4315 2.1");
    CHECK(test::command_tagged(o.trace, "a5")->section == "RFC 3501 6.4.8");
    CHECK(test::command_tagged(o.trace, "a6")->section == "RFC 6851 3.2");
    CHECK(test::command_tagged(o.trace, "a7")->section == "RFC 3501 6.4.1");
    CHECK(test::command_tagged(o.trace, "a8")->section == "RFC 5256 3");
    CHECK(test::command_tagged(o.trace, "a8")->name == "UID SORT");
    CHECK(test::violations(o.trace).empty());
}

TEST_CASE("an experimental command's X responses answer it and cite 6.5.1") {
    // RFC 3501 6.5.1: "Any added untagged responses issued by an experimental
    // command MUST also be prefixed with an X.  Server implementations MUST NOT
    // send any such untagged responses, unless the client requested it by
    // issuing the associated experimental command."
    Observed o;
    o.logged_in("IMAP4rev1 XPIG-LATIN XFOO");
    o.client("A442 XPIG-LATIN\r\n");
    o.server("* XPIG-LATIN ow-nay eaking-spay ig-pay atin-lay\r\n");
    o.server("A442 OK XPIG-LATIN ompleted-cay\r\n");
    const auto* answer = test::first_raw(o.trace, "* XPIG-LATIN ow-nay");
    REQUIRE(answer);
    CHECK(answer->section == "RFC 3501 6.5.1");
    CHECK(answer->link == sim::Link::Answers);
    CHECK(answer->link_seq == test::command_tagged(o.trace, "A442")->seq);

    // Pipelined: the command of the same name, else the oldest experimental one.
    o.client("b1 XFOO\r\nb2 NOOP\r\nb3 XPIG-LATIN\r\n");
    o.server("* XPIG-LATIN eshfray\r\n* XFOO-DATA 1\r\n");
    CHECK(test::links_to(o.trace, "* XPIG-LATIN eshfray", "b3"));
    CHECK(test::links_to(o.trace, "* XFOO-DATA", "b1"));
    CHECK(test::violations(o.trace).empty());
}

TEST_CASE("an extension command the server did not list is a client violation") {
    Observed o;
    SUBCASE("IDLE and MOVE without IDLE and MOVE in the list") {
        o.selected("IMAP4rev1 UIDPLUS", 3);
        // RFC 2177 3: "If the server does not advertise the IDLE capability,
        // the client MUST NOT use the IDLE command and must poll for mailbox
        // updates."
        o.client("a1 IDLE\r\n");
        o.server("a1 BAD IDLE is not offered\r\n");
        // RFC 6851 1: "The MOVE extension is present in any IMAP
        // implementation that returns "MOVE" as one of the supported
        // capabilities to the CAPABILITY command."
        o.client("a2 MOVE 1 Trash\r\n");
        o.server("a2 BAD MOVE is not offered\r\n");
        // Listed: no violation.
        o.client("a3 UID EXPUNGE 1\r\n");
        const auto found = test::violations(o.trace);
        REQUIRE(found.size() == 2);
        CHECK(found[0]->section == "RFC 2177 3");
        CHECK(found[0]->violation->rule.find("IDLE") != std::string::npos);
        CHECK(found[0]->violation->rule.find("did not list") != std::string::npos);
        CHECK(found[1]->section == "RFC 6851 1");
    }
    SUBCASE("an unknown extension command, by its family capability") {
        o.selected("IMAP4rev1 SORT", 3);
        // RFC 4978 3 defines COMPRESS; the server lists "COMPRESS=" followed
        // by the algorithm: "one or more capability names consisting of
        // "COMPRESS=" followed by a supported compression algorithm name"
        o.client("a1 COMPRESS DEFLATE\r\n");
        o.client("a2 SORT (DATE) UTF-8 ALL\r\n");
        const auto found = test::violations(o.trace);
        REQUIRE(found.size() == 1);
        CHECK(found[0]->section == "RFC 4978 3");
        CHECK(found[0]->violation->rule.find("COMPRESS=") != std::string::npos);
    }
    SUBCASE("an IMAP4rev2 server has the extensions folded into it") {
        // RFC 9051 appendix E: "Folded in IMAP NAMESPACE [RFC2342], UNSELECT
        // [RFC3691], UIDPLUS [RFC4315], ESEARCH [RFC4731], SEARCHRES
        // [RFC5182], ENABLE [RFC5161], IDLE [RFC2177], SASL-IR [RFC4959],
        // LIST-EXTENDED [RFC5258], LIST-STATUS [RFC5819], MOVE [RFC6851], and
        // LITERAL- extensions [RFC7888]."
        o.selected("IMAP4rev2", 3);
        o.client("a1 MOVE 1 Trash\r\n");
        o.server("a1 OK moved\r\n");
        o.client("a2 ID NIL\r\n");
        const auto found = test::violations(o.trace);
        REQUIRE(found.size() == 1);
        CHECK(found[0]->section == "RFC 2971 3");
    }
    SUBCASE("nothing is flagged while no list has been seen") {
        o.server("* OK ready\r\n");
        o.client("a0 LOGIN alice wonderland\r\n");
        o.server("a0 OK in\r\n");
        o.client("s0 SELECT INBOX\r\n");
        o.server("* 1 EXISTS\r\ns0 OK done\r\n");
        o.client("a1 IDLE\r\n");
        CHECK(test::violations(o.trace).empty());
    }
    SUBCASE("the list seen before the login no longer holds after it") {
        o.server("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n");
        o.client("a0 LOGIN alice wonderland\r\n");
        o.server("a0 OK in\r\n");
        o.client("a1 NAMESPACE\r\n");
        CHECK(test::violations(o.trace).empty());
    }
}

TEST_CASE("LOGIN after the server listed LOGINDISABLED is flagged in every role") {
    // RFC 3501 6.2.3: "A client implementation MUST NOT send a LOGIN command
    // if the LOGINDISABLED capability is advertised."
    // RFC 3501 7.2.1: "The LOGINDISABLED capability indicates that the LOGIN
    // command is disabled, and that the server will respond with a tagged NO
    // response to any attempt to use the LOGIN command even if the user name
    // and password are valid.  An IMAP client MUST NOT issue the LOGIN
    // command if the server advertises the LOGINDISABLED capability."
    auto check_flagged = [](const sim::SessionTrace& trace) {
        const auto found = test::violations(trace);
        REQUIRE(found.size() == 1);
        CHECK(found[0]->dir == Direction::ClientToServer);
        CHECK(found[0]->section == "RFC 3501 6.2.3");
        CHECK(found[0]->violation->rule.find("LOGINDISABLED") != std::string::npos);
        CHECK(sim::export_text(trace).find("wonderland") == std::string::npos);
        CHECK(sim::export_jsonl(trace).find("wonderland") == std::string::npos);
    };
    SUBCASE("observer, the list in the greeting") {
        Observed o;
        o.server("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n");
        o.client("a1 LOGIN alice wonderland\r\n");
        o.server("a1 NO [PRIVACYREQUIRED] LOGIN is disabled\r\n");
        check_flagged(o.trace);
    }
    SUBCASE("observer, the list in a CAPABILITY response") {
        Observed o;
        o.server("* OK ready\r\n");
        o.client("a1 CAPABILITY\r\n");
        o.server("* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\na1 OK done\r\n");
        o.client("a2 LOGIN alice wonderland\r\n");
        check_flagged(o.trace);
    }
    SUBCASE("server role") {
        sim::SessionTrace trace;
        imap::ImapSession server(trace, test::imap_role(imap::Role::Server));
        server.send(
            test::parsed_response("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n"));
        server.receive("a1 LOGIN alice wonderland\r\n");
        check_flagged(trace);
        // The server still gets the command, to answer it with NO.
        auto input = server.next_input();
        REQUIRE(input);
        auto* received = std::get_if<imap::CommandReceived>(&*input);
        REQUIRE(received);
        CHECK(received->command.verb == imap::Verb::Login);
    }
    SUBCASE("client role: the command goes out and is flagged") {
        sim::SessionTrace trace;
        imap::ImapSession client(trace, test::imap_role(imap::Role::Client));
        client.receive("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n");
        auto sent = client.submit(
            imap::make_command("a1", imap::Verb::Login, imap::LoginArgs{"alice", "wonderland"}));
        CHECK(sent.tag);
        CHECK(client.take_outgoing().starts_with("a1 LOGIN"));
        check_flagged(trace);
    }
    SUBCASE("after STARTTLS the old list is discarded") {
        // RFC 3501 6.2.1: "Once [TLS] has been started, the client MUST
        // discard cached information about server capabilities and SHOULD
        // re-issue the CAPABILITY command."
        Observed o;
        o.server("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n");
        o.client("a1 STARTTLS\r\n");
        o.server("a1 OK begin TLS\r\n");
        o.client("a2 CAPABILITY\r\n");
        o.server("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\na2 OK done\r\n");
        o.client("a3 LOGIN alice wonderland\r\n");
        o.server("a3 OK in\r\n");
        CHECK(test::violations(o.trace).empty());
        CHECK(o.session.state() == imap::State::Authenticated);
    }
}

TEST_CASE("8-bit octets in a quoted string: 7-bit in IMAP4rev1, UTF-8 once enabled") {
    // RFC 3501 4.3: "A quoted string is a sequence of zero or more 7-bit
    // characters, excluding CR and LF, with double quote (<">) characters at
    // each end."
    // RFC 3501 9: "QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> /
    // "\" quoted-specials" and "TEXT-CHAR = <any CHAR except CR and LF>"
    Observed o;
    SUBCASE("from the client, in IMAP4rev1") {
        o.logged_in("IMAP4rev1");
        o.client("a1 SELECT \"\xD0\x92\xD1\x85\xD0\xBE\xD0\xB4\"\r\n");
        const auto found = test::violations(o.trace);
        REQUIRE(found.size() == 1);
        CHECK(found[0]->dir == Direction::ClientToServer);
        CHECK(found[0]->section == "RFC 3501 4.3");
        CHECK(found[0]->violation->rule.find("7-bit") != std::string::npos);
        // Tolerant: the command is read and the session carries on.
        CHECK(test::command_tagged(o.trace, "a1")->name == "SELECT");
        o.server("* 0 EXISTS\r\na1 OK done\r\n");
        CHECK(o.session.state() == imap::State::Selected);
    }
    SUBCASE("from the server, in IMAP4rev1") {
        o.logged_in("IMAP4rev1");
        o.client("a1 LIST \"\" *\r\n");
        o.server("* LIST () \"/\" \"\xD0\x92\xD1\x85\xD0\xBE\xD0\xB4\"\r\na1 OK done\r\n");
        const auto found = test::violations(o.trace);
        REQUIRE(found.size() == 1);
        CHECK(found[0]->dir == Direction::ServerToClient);
        CHECK(found[0]->section == "RFC 3501 4.3");
        CHECK(test::links_to(o.trace, "* LIST", "a1"));
    }
    SUBCASE("a password is neither quoted nor located") {
        o.server("* OK ready\r\n");
        o.client("a1 LOGIN alice \"\xD1\x81\xD0\xB5\xD0\xBA\xD1\x80\xD0\xB5\xD1\x82\"\r\n");
        const auto found = test::violations(o.trace);
        REQUIRE(found.size() == 1);
        CHECK(found[0]->wire.offset == test::command_tagged(o.trace, "a1")->wire.offset);
        CHECK(found[0]->wire.size == test::command_tagged(o.trace, "a1")->wire.size);
        CHECK(sim::export_jsonl(o.trace).find("\xD1\x81\xD0\xB5") == std::string::npos);
    }
    SUBCASE("after ENABLE UTF8=ACCEPT both sides may send UTF-8") {
        // RFC 6855 3: "When the IMAP server supports "UTF8=ACCEPT", it
        // supports UTF-8 in quoted-strings with the following syntax" and
        // "The IMAP server MUST NOT send UTF-8 in quoted-strings to the
        // client unless the client has indicated support for that syntax by
        // using the "ENABLE UTF8=ACCEPT" command."
        o.logged_in("IMAP4rev1 ENABLE UTF8=ACCEPT");
        o.client("e1 ENABLE UTF8=ACCEPT\r\n");
        o.server("* ENABLED UTF8=ACCEPT\r\ne1 OK enabled\r\n");
        o.client("a1 LIST \"\" \"\xD0\x92*\"\r\n");
        o.server("* LIST () \"/\" \"\xD0\x92\xD1\x85\xD0\xBE\xD0\xB4\"\r\na1 OK done\r\n");
        CHECK(test::violations(o.trace).empty());
        SUBCASE("but only UTF-8") {
            // RFC 6855 3: "When this extended quoting mechanism is used by
            // the client, the server MUST reject, with a "BAD" response, any
            // octet sequences with the high bit set that fail to comply with
            // the formal syntax requirements of UTF-8 [RFC3629]."
            o.client("a2 SELECT \"\xC2\xEE\xF5\xEE\xE4\"\r\n");
            const auto found = test::violations(o.trace);
            REQUIRE(found.size() == 1);
            CHECK(found[0]->section == "RFC 6855 3");
            CHECK(found[0]->violation->rule.find("not UTF-8") != std::string::npos);
        }
    }
    SUBCASE("the server waits for ENABLE even when it lists UTF8=ACCEPT") {
        o.logged_in("IMAP4rev1 ENABLE UTF8=ACCEPT");
        o.client("a1 LIST \"\" \"\xD0\x92*\"\r\n");
        CHECK(test::violations(o.trace).empty());
        o.server("* LIST () \"/\" \"\xD0\x92\xD1\x85\xD0\xBE\xD0\xB4\"\r\na1 OK done\r\n");
        const auto found = test::violations(o.trace);
        REQUIRE(found.size() == 1);
        CHECK(found[0]->dir == Direction::ServerToClient);
    }
    SUBCASE("an IMAP4rev2 server speaks it after the login too") {
        // RFC 9051 appendix A: "If both IMAP4rev1 and IMAP4rev2 are
        // advertised, an IMAP client that wants to use IMAP4rev2 MUST issue
        // an "ENABLE IMAP4rev2" command."; a server that lists IMAP4rev2
        // alone speaks nothing else.
        o.server("* OK [CAPABILITY IMAP4rev2 AUTH=PLAIN] ready\r\n");
        o.client("a0 LOGIN alice wonderland\r\n");
        o.server("a0 OK in\r\n");
        o.client("a1 SELECT \"\xD0\x92\xD1\x85\xD0\xBE\xD0\xB4\"\r\n");
        CHECK(test::violations(o.trace).empty());
    }
    SUBCASE("after ENABLE IMAP4rev2") {
        // RFC 9051 4.3.1: "IMAP4rev2 implementations MUST accept and MAY
        // transmit [UTF-8] text in quoted-strings as long as the string does
        // not contain NUL, CR, or LF."
        o.logged_in("IMAP4rev1 IMAP4rev2 ENABLE");
        o.client("e1 ENABLE IMAP4rev2\r\n");
        o.server("* ENABLED IMAP4rev2\r\ne1 OK enabled\r\n");
        o.client("a1 SELECT \"\xD0\x92\xD1\x85\xD0\xBE\xD0\xB4\"\r\n");
        CHECK(test::violations(o.trace).empty());
    }
}

TEST_CASE("FETCH data of pipelined UID FETCH commands is linked by its UID") {
    // RFC 3501 7.4.2: "The FETCH response returns data about a message to
    // the client."
    // RFC 3501 6.4.8: "However, the numbers in the sequence set argument are
    // unique identifiers instead of message sequence numbers." and "server
    // implementations MUST implicitly include the UID message data item as
    // part of any FETCH response caused by a UID command": the UID names the
    // message, so it tells which UID FETCH asked for it.
    // RFC 3501 6.4.8: "any UID range with * as one of the endpoints
    // indicates at least one message (the message with the highest numbered
    // UID)"
    Observed o;
    o.selected("IMAP4rev1", 5);
    SUBCASE("disjoint sets: each response goes to the command that holds its UID") {
        o.client("a1 UID FETCH 2 (FLAGS)\r\na2 UID FETCH 3 (FLAGS)\r\n");
        o.server("* 3 FETCH (UID 3 FLAGS (\\Seen))\r\n");
        o.server("* 2 FETCH (UID 2 FLAGS ())\r\n");
        o.server("a1 OK done\r\na2 OK done\r\n");
        CHECK(test::links_to(o.trace, "* 3 FETCH", "a2"));
        CHECK(test::links_to(o.trace, "* 2 FETCH", "a1"));
    }
    SUBCASE("overlapping sets: ambiguous, no guess") {
        o.client("b1 UID FETCH 1:4 (FLAGS)\r\nb2 UID FETCH 4:* (FLAGS)\r\n");
        o.server("* 1 FETCH (UID 1 FLAGS ())\r\n");
        o.server("* 4 FETCH (UID 4 FLAGS ())\r\n");
        o.server("* 5 FETCH (UID 5 FLAGS ())\r\n");
        CHECK(test::links_to(o.trace, "* 1 FETCH", "b1"));
        const auto* both = test::first_raw(o.trace, "* 4 FETCH");
        CHECK(both->link == sim::Link::Ambiguous);
        CHECK_FALSE(both->link_seq);
        CHECK(both->summary.find("b1 or b2") != std::string::npos);
        CHECK(sim::event_to_json(*both).find("\"link\":\"ambiguous\"") != std::string::npos);
        CHECK(sim::format_event(o.trace, *both, {}).find("ambiguous") != std::string::npos);
        CHECK(test::links_to(o.trace, "* 5 FETCH", "b2"));
    }
    SUBCASE("a UID FETCH and a sequence FETCH") {
        o.client("c1 UID FETCH 40 (FLAGS)\r\nc2 FETCH 2 (FLAGS)\r\n");
        o.server("* 2 FETCH (FLAGS ())\r\n");
        o.server("* 1 FETCH (UID 40 FLAGS ())\r\n");
        CHECK(test::links_to(o.trace, "* 2 FETCH", "c2"));
        CHECK(test::links_to(o.trace, "* 1 FETCH", "c1"));
    }
    CHECK(test::violations(o.trace).empty());
}

TEST_CASE("a response that only answers its command, with no such command in flight") {
    // RFC 3501 7.2.1: "The CAPABILITY response occurs as a result of a
    // CAPABILITY command."
    // RFC 3501 7.2.2: "The LIST response occurs as a result of a LIST command."
    // RFC 3501 7.2.3: "The LSUB response occurs as a result of an LSUB command."
    // RFC 3501 7.2.4: "The STATUS response occurs as a result of an STATUS command."
    // RFC 3501 7.2.5: "The SEARCH response occurs as a result of a SEARCH or
    // UID SEARCH command."
    // RFC 5161 3.2: "The ENABLED response occurs as a result of an ENABLE command."
    // RFC 4314 3.8: "The MYRIGHTS response occurs as a result of a MYRIGHTS command."
    struct Case {
        std::string_view line;
        std::string_view section;
    };
    for (const auto& [line, section] : {
             Case{"* CAPABILITY IMAP4rev1", "RFC 3501 7.2.1"},
             Case{"* LIST () \"/\" INBOX", "RFC 3501 7.2.2"},
             Case{"* LSUB () \"/\" INBOX", "RFC 3501 7.2.3"},
             Case{"* STATUS INBOX (MESSAGES 1)", "RFC 3501 7.2.4"},
             Case{"* SEARCH 1 2", "RFC 3501 7.2.5"},
             Case{"* ENABLED", "RFC 5161 3.2"},
             Case{"* MYRIGHTS INBOX lr", "RFC 4314 3.8"},
         }) {
        const std::string wire(line);
        CAPTURE(wire);
        Observed o;
        o.logged_in("IMAP4rev1 ENABLE ACL");
        o.client("a1 NOOP\r\n");
        o.server(wire + "\r\n");
        o.server("a1 OK done\r\n");
        const auto* answer = test::first_raw(o.trace, wire);
        REQUIRE(answer);
        CHECK(answer->link == sim::Link::Unmatched);
        const auto found = test::violations(o.trace);
        REQUIRE(found.size() == 1);
        CHECK(found.front()->dir == Direction::ServerToClient);
        CHECK(found.front()->section == section);
    }
}

TEST_CASE("untagged data answers the command it belongs to; FLAGS and EXISTS may come unasked") {
    // RFC 3501 7.2.6: "The update from the FLAGS response MUST be recorded by
    // the client." (a server sends it whenever the flags change)
    // RFC 3501 7.3.1: "The EXISTS response reports the number of messages in
    // the mailbox.  This response occurs as a result of a SELECT or EXAMINE
    // command, and if the size of the mailbox changes (e.g., new messages)."
    // RFC 9051 6.3.2 (SELECT): "The server MUST return a LIST response with
    // the mailbox name."; that LIST answers the SELECT.
    Observed o;
    o.selected("IMAP4rev1", 2);
    o.client("a1 LIST \"\" *\r\na2 SEARCH ALL\r\n");
    o.server("* LIST () \"/\" INBOX\r\n* SEARCH 1 2\r\n");
    o.server("a1 OK done\r\na2 OK done\r\n");
    CHECK(test::links_to(o.trace, "* LIST", "a1"));
    CHECK(test::links_to(o.trace, "* SEARCH", "a2"));
    o.client("a3 NOOP\r\n");
    o.server("* 3 EXISTS\r\n* FLAGS (\\Seen \\Answered $Label1)\r\na3 OK done\r\n");
    CHECK(test::first_raw(o.trace, "* 3 EXISTS")->link == sim::Link::Unsolicited);
    CHECK(test::first_raw(o.trace, "* FLAGS")->link == sim::Link::Unsolicited);
    o.client("a4 SELECT inbox\r\n");
    o.server("* LIST () \"/\" INBOX\r\na4 OK [READ-WRITE] done\r\n");
    const sim::TraceEvent* listed = nullptr;
    for (const auto& event : o.trace.events()) {
        if (event.raw.starts_with("* LIST") && event.seq > test::command_tagged(o.trace, "a4")->seq)
            listed = &event;
    }
    REQUIRE(listed);
    CHECK(listed->link_seq == test::command_tagged(o.trace, "a4")->seq);
    CHECK(test::violations(o.trace).empty());
}

TEST_CASE("a command sent before the server's greeting is a client violation") {
    // RFC 3501 3: "Once the connection between client and server is
    // established, an IMAP4rev1 connection is in one of four states. The
    // initial state is identified in the server greeting."
    sim::SessionTrace trace;
    imap::ImapSession session{trace};
    session.feed(Direction::ClientToServer, "a0 CAPABILITY\r\n");
    session.feed(Direction::ServerToClient, "* PREAUTH ready\r\n");
    session.feed(Direction::ServerToClient, "* CAPABILITY IMAP4rev1\r\na0 OK done\r\n");
    const auto found = test::violations(trace);
    REQUIRE(found.size() == 1);
    CHECK(found.front()->dir == Direction::ClientToServer);
    CHECK(found.front()->section == "RFC 3501 3");
    CHECK(found.front()->summary.find("CAPABILITY was sent before") != std::string::npos);
    CHECK(test::links_to(trace, "* CAPABILITY", "a0"));

    SUBCASE("a transcript that starts after the greeting is no violation") {
        sim::SessionTrace later;
        imap::ImapSession observer{later};
        observer.feed(Direction::ClientToServer, "a1 NOOP\r\n");
        observer.feed(Direction::ServerToClient, "a1 OK done\r\n");
        for (const auto* found_later : test::violations(later))
            CHECK(found_later->dir == Direction::ServerToClient);
    }
}
