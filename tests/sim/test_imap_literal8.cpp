// literal8, "~{n}" (RFC 3516 4.2, RFC 9051 9): the codec reads and writes it
// with NUL octets in its data, the framer marks it, APPEND takes it alone or
// as Thunderbird's UTF8 (~{n}) (RFC 6855 4), and the engine asks for the
// capability each form needs.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "sim/core/trace_format.hpp"
#include "sim/imap/session.hpp"
#include "sim/imap/syntax.hpp"
#include "tests/sim/imap_parsed.hpp"
#include "tests/sim/observer.hpp"
#include "tests/support/trace_queries.hpp"

using namespace mailscope;
using namespace std::string_literals;

namespace {

struct Observed : test::Observer<imap::ImapSession, sim::Protocol::Imap> {
    explicit Observed(std::string_view capabilities) {
        server("* OK ready\r\n");
        client("a0 LOGIN alice wonderland\r\n");
        server(fmt::format("a0 OK [CAPABILITY {}] in\r\n", capabilities));
    }
};

}  // namespace

TEST_CASE("literal8: a BINARY response with NUL octets reads and writes back byte for byte") {
    const std::string bytes = "* 1 FETCH (UID 7 BINARY[1] ~{5}\r\na\0b\0c)\r\n"s;
    CHECK_FALSE(imap::find_nul(bytes));
    const auto response = test::framed_response(bytes);
    CHECK(imap::serialize(response) == bytes);

    const auto frame = test::first_frame(bytes);
    REQUIRE(frame.literals.size() == 1);
    CHECK(frame.literals[0].binary);
    CHECK(frame.literals[0].size == 5);
    CHECK(frame.bytes[frame.literals[0].header_begin] == '{');
    CHECK(frame.bytes[frame.literals[0].header_begin - 1] == '~');

    // A plain literal still refuses NUL, and NUL outside literal data too.
    const auto plain = imap::find_nul("* 1 FETCH (BODY[1] {3}\r\na\0b)\r\n"s);
    REQUIRE(plain);
    CHECK(plain->message.find("only in a literal8") != std::string::npos);
    CHECK(imap::find_nul("* 1 FETCH (BINARY[1] ~{1}\r\na)\0\r\n"s));
    CHECK(test::response_error("* 1 FETCH (BODY[1] {3}\r\na\0b)\r\n"s).message.find("NUL") !=
          std::string::npos);

    // A '~' that announces nothing is an ordinary atom character.
    CHECK(test::parsed_command("a LIST \"\" ~/Mail/%\r\n").verb == imap::Verb::List);
}

TEST_CASE("literal8: APPEND takes ~{n} alone and inside UTF8 (...)") {
    const std::string binary = "A1 APPEND box ~{5}\r\nab\0cd\r\n"s;
    const auto b = test::framed_command(binary);
    const auto& ba = std::get<imap::AppendArgs>(b.typed).messages.at(0);
    CHECK(ba.binary);
    CHECK_FALSE(ba.utf8);
    CHECK(ba.message == "ab\0cd"s);
    CHECK(imap::serialize(b) == binary);

    const std::string thunderbird = "A2 APPEND \"Sent\" (\\Seen) UTF8 (~{5+}\r\nhello)\r\n";
    const auto t = test::framed_command(thunderbird);
    const auto& t_args = std::get<imap::AppendArgs>(t.typed);
    const auto& ta = t_args.messages.at(0);
    CHECK(ta.utf8);
    CHECK(t_args.mailbox == "Sent");
    CHECK(ta.message == "hello");
    CHECK(imap::serialize(t) == thunderbird);

    // UTF8 wants a literal8 in parentheses; a literal8 is not a mailbox name.
    CHECK(test::command_error("A3 APPEND box UTF8 {5}\r\nhello\r\n").message.find("RFC 6855") !=
          std::string::npos);
    CHECK(test::command_error("A3 APPEND box UTF8 (~{5}\r\nhello ~{1}\r\nx)\r\n")
              .message.find("RFC 6855") != std::string::npos);
    CHECK(test::command_error("A4 SELECT ~{3}\r\nbox\r\n").message.find("literal8") !=
          std::string::npos);
}

TEST_CASE("literal8: the engine asks for BINARY or UTF8=ACCEPT, and cites RFC 3516 for the data") {
    SUBCASE("listed: no violation, the literal event cites RFC 3516 4.2") {
        Observed o("IMAP4rev1 BINARY UTF8=ACCEPT");
        o.client("a1 APPEND box ~{3}\r\n");
        o.server("+ go\r\n");
        o.client("a\0b\r\n"s);
        o.server("a1 OK APPEND done\r\n");
        o.client("a2 APPEND Sent UTF8 (~{2+}\r\nhi)\r\n");
        o.server("a2 OK APPEND done\r\n");
        o.client("a3 SELECT box\r\n");
        o.server("* 1 EXISTS\r\na3 OK [READ-WRITE] done\r\n");
        o.client("a4 FETCH 1 BINARY[]\r\n");
        o.server("* 1 FETCH (BINARY[] ~{3}\r\na\0b)\r\na4 OK done\r\n"s);
        CHECK(test::violations(o.trace).empty());
        std::size_t literal8_events = 0;
        for (const auto& event : o.trace.events()) {
            if (event.kind != sim::EventKind::Literal) continue;
            REQUIRE(event.literal);
            CHECK(event.literal->binary);
            CHECK(event.section == "RFC 3516 4.2");
            CHECK(sim::format_event(o.trace, event).find("~{") != std::string::npos);
            ++literal8_events;
        }
        CHECK(literal8_events == 3);
    }
    SUBCASE("IMAP4rev2 took BINARY's FETCH side, not its APPEND") {
        // RFC 9051 9: append = "APPEND" SP mailbox [SP flag-list]
        // [SP date-time] SP literal
        Observed o("IMAP4rev2");
        o.client("a2 APPEND box ~{3+}\r\nabc\r\n");
        CHECK(test::violation_sections(o.trace) == std::vector<std::string>{"RFC 3516 4.4"});
    }
    SUBCASE("not listed: one violation for each form") {
        Observed o("IMAP4rev1");
        o.client("a1 APPEND box ~{3+}\r\nabc\r\n");
        o.server("a1 BAD no BINARY here\r\n");
        o.client("a2 APPEND Sent UTF8 (~{2+}\r\nhi)\r\n");
        o.server("a2 BAD no UTF8 here\r\n");
        o.client("a3 SELECT box\r\n");
        o.server("* 1 EXISTS\r\na3 OK [READ-WRITE] done\r\n");
        o.client("a4 FETCH 1 BINARY.SIZE[1]\r\n");
        CHECK(test::violation_sections(o.trace) ==
              std::vector<std::string>{"RFC 3516 4.4", "RFC 6855 4", "RFC 3516 4.2"});
    }
    SUBCASE("IMAP4rev2 has BINARY's FETCH side") {
        Observed o("IMAP4rev2");
        o.client("a3 SELECT box\r\n");
        o.server("* 1 EXISTS\r\na3 OK [READ-WRITE] done\r\n");
        o.client("a4 FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[1])\r\n");
        o.server("* 1 FETCH (BINARY[1] {2}\r\nhi BINARY.SIZE[1] 2)\r\na4 OK done\r\n");
        CHECK(test::violations(o.trace).empty());
    }
}

TEST_CASE("BINARY fetch attributes read and write back (RFC 3516 4.2, RFC 9051 9)") {
    const std::string fetch =
        "a5 FETCH 1 (BINARY[1] BINARY.PEEK[1.2]<0.10> BINARY.SIZE[1] BINARY[])\r\n";
    const auto command = test::parsed_command(fetch);
    const auto& args = std::get<imap::FetchArgs>(command.typed);
    REQUIRE(args.atts.size() == 4);
    using Kind = imap::FetchAtt::Kind;
    CHECK(args.atts[0].kind == Kind::Binary);
    CHECK_FALSE(args.atts[0].peek);
    CHECK(args.atts[0].section.part == std::vector<std::uint32_t>{1});
    CHECK(args.atts[1].kind == Kind::Binary);
    CHECK(args.atts[1].peek);
    CHECK(args.atts[1].section.part == std::vector<std::uint32_t>{1, 2});
    REQUIRE(args.atts[1].partial);
    CHECK(args.atts[1].partial->second == 10);
    CHECK(args.atts[2].kind == Kind::BinarySize);
    CHECK(args.atts[3].section.part.empty());
    CHECK(imap::serialize(command) == fetch);
    CHECK(imap::fetch_att_name(args.atts[1]) == "BINARY.PEEK[1.2]<0.10>");

    // section-binary = "[" [section-part] "]": no HEADER, TEXT or MIME, and
    // BINARY.SIZE takes no partial.
    CHECK(test::command_error("a6 FETCH 1 BINARY[1.TEXT]\r\n").message.find("BINARY") !=
          std::string::npos);
    CHECK(test::command_error("a7 FETCH 1 BINARY[HEADER]\r\n").message.find("BINARY") !=
          std::string::npos);
    CHECK(test::command_error("a8 FETCH 1 BINARY.SIZE[1]<0.5>\r\n").message.find("BINARY") !=
          std::string::npos);

    const std::string response =
        "* 1 FETCH (BINARY[1] ~{3}\r\na\0b BINARY.SIZE[1] 3 BINARY[2]<4> NIL)\r\n"s;
    const auto parsed = test::framed_response(response);
    CHECK(imap::serialize(parsed) == response);
    REQUIRE(parsed.fetch.size() == 3);
    CHECK(parsed.fetch[0].kind == imap::FetchAtt::Kind::Binary);
    CHECK(parsed.fetch[0].string == "a\0b"s);
    CHECK(parsed.fetch[1].kind == imap::FetchAtt::Kind::BinarySize);
    CHECK(parsed.fetch[1].number == 3u);
    CHECK(parsed.fetch[2].origin == 4u);
    CHECK_FALSE(parsed.fetch[2].string);

    // The builder sends text as a literal and data with NUL as a literal8.
    imap::SectionSpec part;
    part.part = {1};
    CHECK(imap::serialize(imap::make_fetch(
              1, {imap::fetch_section(part, "a\0b"s, std::nullopt, imap::FetchAtt::Kind::Binary),
                  imap::fetch_binary_size(part, 3)})) ==
          "* 1 FETCH (BINARY[1] ~{3}\r\na\0b BINARY.SIZE[1] 3)\r\n"s);
    CHECK(imap::serialize(imap::make_fetch(
              1, {imap::fetch_section(part, "abc", std::nullopt, imap::FetchAtt::Kind::Binary)})) ==
          "* 1 FETCH (BINARY[1] {3}\r\nabc)\r\n");
}
