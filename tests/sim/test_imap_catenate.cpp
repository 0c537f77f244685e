// CATENATE (RFC 4469) in the codec and the decoding engine: APPEND builds a
// message from TEXT literals and URLs, alone or with MULTIAPPEND; each TEXT
// literal is framed and granted like any other in both roles; the engine
// asks for the capability; BADURL and TOOBIG read as typed codes; the RFC's
// examples decode without a violation.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/core/transcript.hpp"
#include "sim/imap/message_url.hpp"
#include "sim/imap/sections.hpp"
#include "sim/imap/session.hpp"
#include "tests/sim/clean_vectors.hpp"
#include "tests/sim/imap_parsed.hpp"
#include "tests/sim/imap_role.hpp"
#include "tests/sim/observer.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using CatenateKind = imap::CatenatePart::Kind;

namespace {

// RFC 4469 appendix A, example 1, with its folded lines joined.
constexpr std::string_view kCatenateExample1 =
    "A003 APPEND Drafts (\\Seen \\Draft $MDNSent) CATENATE (URL "
    "\"/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER\" TEXT {42}\r\n"
    "\r\n--------------030308070208000400050907\r\n"
    " URL \"/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1.MIME\" URL "
    "\"/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1\" TEXT {42}\r\n"
    "\r\n--------------030308070208000400050907\r\n"
    " URL \"/Drafts;UIDVALIDITY=385759045/;UID=30\" TEXT {44}\r\n"
    "\r\n--------------030308070208000400050907--\r\n"
    ")\r\n";

const imap::AppendArgs& catenate_append_args(const imap::Command& command) {
    return std::get<imap::AppendArgs>(command.typed);
}

imap::MessageUrl catenate_url(std::string_view text) {
    auto parsed = imap::parse_message_url(text);
    INFO(text);
    if (const auto* why = std::get_if<std::string>(&parsed)) FAIL_CHECK(*why);
    REQUIRE(std::holds_alternative<imap::MessageUrl>(parsed));
    return std::get<imap::MessageUrl>(parsed);
}

std::string catenate_url_error(std::string_view text) {
    auto parsed = imap::parse_message_url(text);
    INFO(text);
    REQUIRE(std::holds_alternative<std::string>(parsed));
    return std::get<std::string>(parsed);
}

// A client and a server engine back to back, as the in-process link runs them.
struct CatenatePair {
    sim::SessionTrace client_trace;
    sim::SessionTrace server_trace;
    imap::ImapSession client{client_trace, test::imap_role(imap::Role::Client)};
    imap::ImapSession server{server_trace, test::imap_role(imap::Role::Server)};

    void pump() {
        for (int i = 0; i < 100; ++i) {
            auto from_client = client.take_outgoing();
            auto from_server = server.take_outgoing();
            if (from_client.empty() && from_server.empty()) return;
            if (!from_client.empty()) server.receive(from_client);
            if (!from_server.empty()) client.receive(from_server);
        }
    }
    void say(std::string_view bytes) {
        server.send(test::framed_response(bytes));
        pump();
    }
};

}  // namespace

TEST_CASE("CATENATE reads its parts and writes them back byte for byte (RFC 4469 5)") {
    const auto command = test::framed_command(kCatenateExample1);
    const auto& args = catenate_append_args(command);
    CHECK(args.mailbox == "Drafts");
    REQUIRE(args.messages.size() == 1);
    const auto& message = args.messages[0];
    CHECK(message.flags == std::vector<std::string>{"\\Seen", "\\Draft", "$MDNSent"});
    CHECK(message.message.empty());
    REQUIRE(message.catenate.size() == 7);
    const std::vector<CatenateKind> kinds{CatenateKind::Url, CatenateKind::Text, CatenateKind::Url,
                                          CatenateKind::Url, CatenateKind::Text, CatenateKind::Url,
                                          CatenateKind::Text};
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        CAPTURE(i);
        CHECK(message.catenate[i].kind == kinds[i]);
    }
    CHECK(message.catenate[0].value == "/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER");
    CHECK(message.catenate[1].value == "\r\n--------------030308070208000400050907\r\n");
    CHECK(message.catenate[5].value == "/Drafts;UIDVALIDITY=385759045/;UID=30");
    CHECK(imap::serialize(command) == kCatenateExample1);

    // Built from the typed parts, the command is the RFC's again, and with
    // LITERAL+ each TEXT literal is {n+}.
    auto built = imap::make_command("A003", imap::Verb::Append, args);
    CHECK(imap::serialize(built) == kCatenateExample1);
    auto non_sync = imap::make_command("A003", imap::Verb::Append, args, false, true);
    const std::string non_sync_bytes = imap::serialize(non_sync);
    CHECK(non_sync_bytes.find("TEXT {42+}\r\n") != std::string::npos);
    CHECK(non_sync_bytes.find("TEXT {44+}\r\n") != std::string::npos);
    CHECK(catenate_append_args(test::framed_command(non_sync_bytes)).messages[0].catenate.size() ==
          7);

    // A URL may be any astring, an atom too.
    const auto atom = test::parsed_command("a APPEND box CATENATE (URL /INBOX/;UID=1)\r\n");
    CHECK(catenate_append_args(atom).messages[0].catenate[0].value == "/INBOX/;UID=1");
    CHECK(imap::serialize(atom) == "a APPEND box CATENATE (URL /INBOX/;UID=1)\r\n");
}

TEST_CASE("CATENATE beside plain messages in one MULTIAPPEND, and UTF8 parts (RFC 6855 4)") {
    const std::string bytes =
        "a APPEND box (\\Seen) {3+}\r\none CATENATE (TEXT {4+}\r\ntwo  URL \"/INBOX/;UID=7\" "
        "UTF8 (~{3+}\r\n\xC3\xA9!)) \" 7-Feb-1994 22:43:04 -0800\" {5+}\r\nthree\r\n";
    const auto command = test::framed_command(bytes);
    const auto& args = catenate_append_args(command);
    REQUIRE(args.messages.size() == 3);
    CHECK(args.messages[0].message == "one");
    CHECK(args.messages[0].catenate.empty());
    const auto& parts = args.messages[1].catenate;
    REQUIRE(parts.size() == 3);
    CHECK(parts[0].kind == CatenateKind::Text);
    CHECK(parts[0].value == "two ");
    CHECK(parts[1].kind == CatenateKind::Url);
    CHECK(parts[2].kind == CatenateKind::Utf8);
    CHECK(parts[2].value == "\xC3\xA9!");
    CHECK(args.messages[1].sends_utf8());
    CHECK_FALSE(args.messages[0].sends_utf8());
    CHECK(args.messages[2].date_time == " 7-Feb-1994 22:43:04 -0800");
    CHECK(imap::serialize(command) == bytes);
    CHECK(imap::serialize(imap::make_command("a", imap::Verb::Append, args, false, true)) == bytes);
}

TEST_CASE("CATENATE lists that break RFC 4469 5 do not parse") {
    const auto mentions = [](std::string_view bytes, std::string_view text) {
        const auto error = test::command_error(bytes);
        INFO(error.message);
        return error.message.find(text) != std::string::npos;
    };
    // At least one part.
    CHECK(mentions("a APPEND box CATENATE ()\r\n", "RFC 4469 5"));
    CHECK(mentions("a APPEND box CATENATE\r\n", "RFC 4469 5"));
    // TEXT takes a literal: no quoted string, and no literal8, which is
    // UTF8's (RFC 6855 4).
    CHECK(mentions("a APPEND box CATENATE (TEXT \"hi\")\r\n", "TEXT takes a literal"));
    CHECK(mentions("a APPEND box CATENATE (TEXT ~{2+}\r\nhi)\r\n", "literal8"));
    CHECK(mentions("a APPEND box CATENATE (TEXT)\r\n", "TEXT takes a literal"));
    CHECK(mentions("a APPEND box CATENATE (URL)\r\n", "URL needs the IMAP URL"));
    CHECK(mentions("a APPEND box CATENATE (URL (x))\r\n", "URL of a CATENATE part"));
    CHECK(mentions("a APPEND box CATENATE (UTF8 {2+}\r\nhi)\r\n", "RFC 6855 4"));
    CHECK(mentions("a APPEND box CATENATE (BODY {2+}\r\nhi)\r\n", "TEXT {size} or URL"));
}

TEST_CASE("two TEXT literals are framed and granted one by one, in both roles") {
    SUBCASE("synchronising: one continuation per literal") {
        CatenatePair pair;
        pair.say("* PREAUTH [CAPABILITY IMAP4rev1 CATENATE] ready\r\n");
        const std::string bytes =
            "c1 APPEND box CATENATE (TEXT {6}\r\nHello  URL \"/INBOX/;UID=1\" TEXT {7}\r\n"
            " world!)\r\n";
        REQUIRE(pair.client.submit(test::framed_command(bytes)).tag);
        std::string sent = pair.client.take_outgoing();
        CHECK(sent == "c1 APPEND box CATENATE (TEXT {6}\r\n");
        pair.server.receive(sent);
        auto input = pair.server.next_input();
        REQUIRE(input);
        const auto* first = std::get_if<imap::LiteralRequested>(&*input);
        REQUIRE(first);
        CHECK(first->size == 6);
        pair.server.grant_continuation();
        pair.client.receive(pair.server.take_outgoing());
        sent = pair.client.take_outgoing();
        CHECK(sent == "Hello  URL \"/INBOX/;UID=1\" TEXT {7}\r\n");
        pair.server.receive(sent);
        input = pair.server.next_input();
        REQUIRE(input);
        const auto* second = std::get_if<imap::LiteralRequested>(&*input);
        REQUIRE(second);
        CHECK(second->size == 7);
        pair.server.grant_continuation();
        pair.pump();
        input = pair.server.next_input();
        REQUIRE(input);
        const auto* received = std::get_if<imap::CommandReceived>(&*input);
        REQUIRE(received);
        const auto& parts = catenate_append_args(received->command).messages.at(0).catenate;
        REQUIRE(parts.size() == 3);
        CHECK(parts[0].value == "Hello ");
        CHECK(parts[2].value == " world!");
        CHECK(imap::serialize(received->command) == bytes);
        pair.say("c1 OK [APPENDUID 9 1] done\r\n");
        CHECK(test::violation_rules(pair.client_trace).empty());
        CHECK(test::violation_rules(pair.server_trace).empty());
        const std::string text = sim::export_text(pair.server_trace);
        CHECK(text.find("S: + Ready for literal data\nC: Hello  URL \"/INBOX/;UID=1\" TEXT "
                        "{7}\nS: + Ready for literal data\n") != std::string::npos);
    }
    SUBCASE("LITERAL+: the whole command at once, no continuation") {
        CatenatePair pair;
        pair.say("* PREAUTH [CAPABILITY IMAP4rev1 CATENATE LITERAL+] ready\r\n");
        const std::string bytes =
            "c1 APPEND box CATENATE (TEXT {6+}\r\nHello  URL \"/INBOX/;UID=1\" TEXT {7+}\r\n"
            " world!)\r\n";
        REQUIRE(pair.client.submit(test::framed_command(bytes)).tag);
        const std::string sent = pair.client.take_outgoing();
        CHECK(sent == bytes);
        pair.server.receive(sent);
        auto input = pair.server.next_input();
        REQUIRE(input);
        const auto* received = std::get_if<imap::CommandReceived>(&*input);
        REQUIRE(received);
        CHECK(catenate_append_args(received->command).messages.at(0).catenate.size() == 3);
        CHECK(pair.server.take_outgoing().empty());
        CHECK(test::violation_rules(pair.server_trace).empty());
    }
    SUBCASE("an observer sees one literal piece per TEXT") {
        test::Observer<imap::ImapSession, sim::Protocol::Imap> o;
        o.server("* PREAUTH [CAPABILITY IMAP4rev1 CATENATE] ready\r\n");
        o.client("c1 APPEND box CATENATE (TEXT {6}\r\n");
        o.server("+ go\r\n");
        o.client("Hello  TEXT {7}\r\n");
        o.server("+ go\r\n");
        o.client(" world!)\r\n");
        o.server("c1 OK done\r\n");
        CHECK(test::violation_rules(o.trace).empty());
        const auto literals = test::of_kind(o.trace, sim::EventKind::Literal);
        REQUIRE(literals.size() == 2);
        CHECK(literals[0]->literal->size == 6);
        CHECK(literals[1]->literal->size == 7);
        CHECK(test::links_to(o.trace, "c1 OK", "c1"));
    }
}

TEST_CASE("the engine asks for CATENATE (RFC 4469 5), and for UTF8=ACCEPT for a UTF8 part") {
    SUBCASE("not listed") {
        test::Observer<imap::ImapSession, sim::Protocol::Imap> o;
        o.server("* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n");
        o.client("a1 APPEND box CATENATE (URL \"/INBOX/;UID=1\")\r\n");
        CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 4469 5"});
        CHECK(test::has_violation_rule(o.trace, "APPEND with CATENATE (...)"));
    }
    SUBCASE("listed") {
        test::Observer<imap::ImapSession, sim::Protocol::Imap> o;
        o.server("* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ CATENATE] ready\r\n");
        o.client("a1 APPEND box CATENATE (URL \"/INBOX/;UID=1\" TEXT {1+}\r\nx)\r\n");
        o.server("a1 OK done\r\n");
        CHECK(test::violations(o.trace).empty());
    }
    SUBCASE("a UTF8 part without UTF8=ACCEPT") {
        test::Observer<imap::ImapSession, sim::Protocol::Imap> o;
        o.server("* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ CATENATE] ready\r\n");
        o.client("a1 APPEND box CATENATE (UTF8 (~{1+}\r\nx))\r\n");
        CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 6855 4"});
    }
    SUBCASE("with MULTIAPPEND, each capability once") {
        test::Observer<imap::ImapSession, sim::Protocol::Imap> o;
        o.server("* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n");
        o.client("a1 APPEND box CATENATE (TEXT {1+}\r\nx) CATENATE (TEXT {1+}\r\ny)\r\n");
        CHECK(test::violation_sections(o.trace) ==
              std::vector<std::string>{"RFC 3502 6.3.11", "RFC 4469 5"});
    }
}

TEST_CASE("BADURL and TOOBIG are typed codes of RFC 4469 4") {
    const std::string badurl =
        "A003 NO [BADURL /INBOX;UIDVALIDITY=785799047/;UID=113330/;section=1.5.9] CATENATE "
        "append has failed\r\n";
    const auto response = test::parsed_response(badurl);
    REQUIRE(response.code);
    CHECK(response.code->name == "BADURL");
    CHECK(response.code->url == "/INBOX;UIDVALIDITY=785799047/;UID=113330/;section=1.5.9");
    CHECK(response.text == "CATENATE append has failed");
    CHECK(imap::serialize(response) == badurl);
    CHECK(imap::response_section(response) == "RFC 4469 4.1");

    const auto built = imap::make_status(
        "A003", imap::Status::No, imap::make_code_badurl("/INBOX/;UID=9"), "no such message");
    CHECK(imap::serialize(built) == "A003 NO [BADURL /INBOX/;UID=9] no such message\r\n");
    CHECK(test::parsed_response(imap::serialize(built)).code->url == "/INBOX/;UID=9");

    const auto toobig = test::parsed_response("A4 NO [TOOBIG] too big\r\n");
    REQUIRE(toobig.code);
    CHECK(toobig.code->name == "TOOBIG");
    CHECK(toobig.code->args.empty());
    CHECK(imap::response_section(toobig) == "RFC 4469 4.2");

    // Both close an APPEND as an observer sees it, with no violation.
    test::Observer<imap::ImapSession, sim::Protocol::Imap> o;
    o.server("* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ CATENATE] ready\r\n");
    o.client("a1 APPEND box CATENATE (URL \"/INBOX/;UID=9\")\r\n");
    o.server("a1 NO [BADURL /INBOX/;UID=9] no such message\r\n");
    o.client("a2 APPEND box CATENATE (URL \"/INBOX/;UID=1\" URL \"/INBOX/;UID=1\")\r\n");
    o.server("a2 NO [TOOBIG] the message would be too large\r\n");
    CHECK(test::violations(o.trace).empty());
    CHECK(test::links_to(o.trace, "a1 NO", "a1"));
    CHECK(test::links_to(o.trace, "a2 NO", "a2"));
}

TEST_CASE("message URLs: relative to the session, with SECTION and PARTIAL (RFC 5092)") {
    const auto whole = catenate_url("/Drafts;UIDVALIDITY=385759045/;UID=20");
    CHECK_FALSE(whole.absolute);
    CHECK(whole.mailbox == "Drafts");
    CHECK(whole.uidvalidity == 385759045u);
    CHECK(whole.uid == 20u);
    CHECK_FALSE(whole.section);
    CHECK_FALSE(whole.partial);

    const auto mime = catenate_url("/Drafts;UIDVALIDITY=385759045/;UID=20/;Section=1.MIME");
    REQUIRE(mime.section);
    CHECK(mime.section->part == std::vector<std::uint32_t>{1});
    CHECK(mime.section->text == imap::SectionSpec::Text::Mime);

    const auto fields =
        catenate_url("/Archive%2F2024/;UID=3/;SECTION=HEADER.FIELDS%20(Subject)/;PARTIAL=0.10");
    CHECK(fields.mailbox == "Archive/2024");
    CHECK_FALSE(fields.uidvalidity);
    REQUIRE(fields.section);
    CHECK(fields.section->text == imap::SectionSpec::Text::HeaderFields);
    CHECK(fields.section->fields == std::vector<std::string>{"Subject"});
    REQUIRE(fields.partial);
    CHECK(fields.partial->first == 0u);
    CHECK(fields.partial->second == 10u);

    // A mailbox path keeps its own slashes; PARTIAL may leave out the length.
    const auto nested = catenate_url("/Lists/imap;UIDVALIDITY=7/;UID=12/;PARTIAL=100");
    CHECK(nested.mailbox == "Lists/imap");
    REQUIRE(nested.partial);
    CHECK(nested.partial->first == 100u);
    CHECK_FALSE(nested.partial->second);

    // Relative to the selected mailbox (RFC 4469 3).
    const auto selected = catenate_url(";UID=5/;SECTION=TEXT");
    CHECK_FALSE(selected.mailbox);
    CHECK(selected.uid == 5u);
    REQUIRE(selected.section);
    CHECK(selected.section->text == imap::SectionSpec::Text::Text);

    const auto absolute = catenate_url("imap://bob;AUTH=*@mail.example.org:143/INBOX/;UID=1");
    CHECK(absolute.absolute);
    CHECK(absolute.user == "bob");
    CHECK(absolute.host == "mail.example.org:143");
    CHECK(absolute.mailbox == "INBOX");

    CHECK(catenate_url_error("/INBOX").find("RFC 5092") != std::string::npos);
    CHECK(catenate_url_error("/INBOX;UIDVALIDITY=0/;UID=1").find("UIDVALIDITY") !=
          std::string::npos);
    CHECK(catenate_url_error("/INBOX/;UID=0").find("UID is a number") != std::string::npos);
    CHECK(catenate_url_error("/INBOX/;UID=1/;SECTION=BODY").find("not a section") !=
          std::string::npos);
    CHECK(catenate_url_error("/INBOX/;UID=1/;SECTION=").find("not a section") != std::string::npos);
    CHECK(catenate_url_error("/INBOX/;UID=1/;PARTIAL=1.0").find("PARTIAL") != std::string::npos);
    CHECK(catenate_url_error("/INBOX/;UID=1/;URLAUTH=anonymous").find("URLAUTH") !=
          std::string::npos);
    CHECK(catenate_url_error("/IN%ZZBOX/;UID=1").find("%-escape") != std::string::npos);
    CHECK(catenate_url_error("http://example.org/INBOX/;UID=1").find("not an IMAP URL") !=
          std::string::npos);
    CHECK(catenate_url_error("imap://example.org").find("names no message") != std::string::npos);
    CHECK(catenate_url_error("INBOX/;UID=1").find("RFC 5092") != std::string::npos);

    CHECK(imap::parse_section_text("1.2.MIME")->part == std::vector<std::uint32_t>{1, 2});
    CHECK_FALSE(imap::parse_section_text("MIME"));
    CHECK_FALSE(imap::parse_section_text("1]"));
}

TEST_CASE("the RFC 4469 examples decode cleanly, the BADURL typed") {
    test::check_decodes_cleanly("rfc4469_catenate");

    test::Observer<imap::ImapSession, sim::Protocol::Imap> o;
    for (const auto& chunk : test::transcript_chunks("imap/rfc4469_catenate.txt"))
        o.session.feed(chunk.dir, chunk.bytes);
    const auto* refused = test::first_raw(o.trace, "D003 NO");
    REQUIRE(refused);
    CHECK(refused->section == "RFC 4469 4.1");
    CHECK(test::links_to(o.trace, "D003 NO", "D003"));
    const auto* appended = test::first_raw(o.trace, "B003 OK");
    REQUIRE(appended);
    CHECK(appended->section == "RFC 4315 3");
    // One continuation per TEXT literal: 3, 2, 2 and 4 in the four examples.
    std::size_t continuations = 0;
    for (const auto* event : test::of_kind(o.trace, sim::EventKind::Continuation))
        continuations += event->raw.starts_with("+ Ready") ? 1 : 0;
    CHECK(continuations == 11);
}
